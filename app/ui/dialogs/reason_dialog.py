"""Ask for a reason (reversing an entry) and save the action with it; the dialog stays open on a problem."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.jobs import JobControl
from app.ui.widgets import dialog_buttons, error_label


class ReasonDialog(QDialog):
    """`work(reason)` returns the job to run as a write of `kinds`; `saved` carries its result."""

    saved = Signal(object)

    def __init__(self, ctx: UiContext, title: str, text: str, work: Callable[[str], Callable[[JobControl], Any]],
                 kinds: Kind, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self.ctx, self.work, self.kinds = ctx, work, kinds
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        layout.addWidget(self.text_label)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(placeholder or self.tr("请写明原因"))
        layout.addWidget(self.reason_edit)
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons, self.ok_button = dialog_buttons(self.tr("确定"), self.save, self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        save_and_close(
            self, self.ctx, self.work(self.reason_edit.text()), self.kinds, button=self.ok_button, problem=self.problem,
            on_done=self.saved.emit,
        )
