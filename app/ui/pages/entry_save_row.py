"""The foot of the batch and meeting tabs: why the last save was refused, who it was refused for, and the save button.

A refused save (an AppError) shows its sentence in red and its details (one line a member) in
a read-only list below, shown only when there are details; any other error opens show_error.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.ui.errors import show_error
from app.ui.widgets import error_label, show_problem


class SaveRow(QWidget):
    def __init__(self, save_text: str, on_save: Callable[[], None], list_height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # laid out as if its rows stood in the tab's own column
        self.problem = error_label()
        layout.addWidget(self.problem)
        self.problem_list = QPlainTextEdit()
        self.problem_list.setReadOnly(True)
        self.problem_list.setVisible(False)
        self.problem_list.setMaximumHeight(list_height)
        layout.addWidget(self.problem_list)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(save_text)
        self.save_button.clicked.connect(on_save)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def clear(self) -> None:
        """Saved: no sentence, no list."""
        show_problem(self.problem, "")
        self.problem_list.setVisible(False)

    def refused(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        show_problem(self.problem, exc.message)
        self.problem_list.setPlainText(exc.details)
        self.problem_list.setVisible(bool(exc.details))
