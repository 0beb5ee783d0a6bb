"""Ask for a reason (reversing an entry) and run the action with it; the dialog stays open on a problem."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.ui.widgets import dialog_buttons, error_label, show_problem


class ReasonDialog(QDialog):
    def __init__(self, title: str, text: str, action: Callable[[str], None], parent: QWidget | None = None,
                 placeholder: str = "") -> None:
        super().__init__(parent)
        self.action = action
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
        try:
            self.action(self.reason_edit.text())
        except AppError as exc:
            show_problem(self.problem, exc.message)
            return
        self.accept()
