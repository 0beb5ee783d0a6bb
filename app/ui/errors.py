"""One way to tell the clerk something went wrong: a plain sentence, details to copy.

`show_error` never blocks (the box is opened window-modal, not exec'd), so it is safe in
tests and from job callbacks. An `AppError` shows its own sentence (app.domain.errors keeps
them); an OSError that reached the UI gets the plain sentence app.services.files makes for
every OS error; anything else shows a general sentence. A traceback goes into the details,
never onto the screen as is.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import AppError
from app.services.files import plain_os_error

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def describe(exc: BaseException) -> tuple[str, str]:
    """(sentence for the clerk, details for support)."""
    if isinstance(exc, AppError):
        return exc.message, exc.details or ""
    details = "".join(traceback.format_exception(exc))
    if isinstance(exc, OSError):
        folder = Path(exc.filename).parent if isinstance(exc.filename, str) and exc.filename else None
        plain = plain_os_error(exc, translate("errors", "刚才的操作没有完成。"), folder=folder,
                               locked_hint=translate("errors", "这个文件正在别的程序中打开"))
        return plain.message, details
    return translate("errors", "程序遇到了意外的问题，刚才的操作没有完成。请把详细信息复制给技术支持。"), details


class ErrorDialog(QDialog):
    """The sentence, a “复制详细信息” button, and the details folded away until asked for."""

    def __init__(self, parent: QWidget | None, title: str, message: str, details: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.message, self.details = message, details
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        self.message_label = QLabel(message)
        self.message_label.setObjectName("errorMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setMinimumWidth(380)
        top.addWidget(self.message_label, 1)
        layout.addLayout(top)
        self.details_box = QPlainTextEdit(details)
        self.details_box.setReadOnly(True)
        self.details_box.setVisible(False)
        self.details_box.setMinimumHeight(160)
        layout.addWidget(self.details_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.copy_button = QPushButton(translate("errors", "复制详细信息"))
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.details_button = QPushButton(translate("errors", "显示详细信息"))
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.details_button.setVisible(bool(details))
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details_box.setVisible(shown)
        self.details_button.setText(translate("errors", "隐藏详细信息") if shown else translate("errors", "显示详细信息"))
        self.adjustSize()

    def copy_details(self) -> None:
        text = self.message if not self.details else f"{self.message}\n\n{self.details}"
        QGuiApplication.clipboard().setText(text)
        self.copy_button.setText(translate("errors", "已复制"))


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> ErrorDialog:
    message, details = describe(exc)
    box = ErrorDialog(parent, title or translate("errors", "出错了"), message, details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
