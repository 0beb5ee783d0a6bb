"""One way to tell the clerk something went wrong: a plain sentence, details to copy."""

from __future__ import annotations

import traceback

from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.errors import AppError


def describe(exc: BaseException) -> tuple[str, str]:
    """(sentence for the clerk, details for support)."""
    if isinstance(exc, AppError):
        return exc.message, exc.details or ""
    details = "".join(traceback.format_exception(exc))
    return "程序遇到了意外的问题，刚才的操作没有完成。请把详细信息复制给技术支持。", details


def show_error(parent: QWidget | None, exc: BaseException, title: str = "出错了") -> QMessageBox:
    message, details = describe(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.open()
    return box
