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

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

BACKUP_MODULE = "app.ui.backup_dialog"
PRINT_MODULE = "app.ui.print_preview"


def load(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ImportError:
        return None


def _not_ready(window) -> None:
    window.ctx.inform(window, translate("extensions", "暂不可用"), translate("extensions", "这个功能还在制作中，会在后续版本中提供。"))


def add_backup_actions(window, menu: QMenu) -> list[QAction]:
    entries = [
        ("backup", translate("extensions", "备份到U盘…")),
        ("restore", translate("extensions", "恢复备份…")),
        ("gather", translate("extensions", "汇总各村备份…")),
    ]
    actions = []
    for kind, text in entries:
        action = QAction(text, window)
        action.setObjectName(f"action_{kind}")
        action.triggered.connect(lambda _=False, k=kind: open_backup(window, k))
        menu.addAction(action)
        actions.append(action)
    return actions


BACKUP_TABS = {"backup": 0, "restore": 1, "gather": 2}


def open_backup(window, kind: str):
    """备份到U盘 / 恢复备份 / 汇总各村备份: app/ui/backup_dialog.py's BackupDialog on the right tab."""
    module = load(BACKUP_MODULE)
    if module is None or not hasattr(module, "BackupDialog"):
        _not_ready(window)
        return None
    try:
        dialog = module.BackupDialog(window.ctx.store, window.ctx.actor, window, runner=window.ctx.jobs)
        dialog.tabs.setCurrentIndex(BACKUP_TABS.get(kind, 0))
        dialog.database_replaced.connect(lambda _path: _database_replaced(window))
        dialog.show()
    except Exception as exc:  # a feature module's failure must not take the window down
        show_error(window, exc)
        return None
    window.backup_dialog = dialog
    return dialog


def _database_replaced(window) -> None:
    """A backup was restored into the open database: every page shows the restored data."""
    window.ctx.changed(translate("extensions", "已从备份恢复，所有页面已刷新。"))
    window.update_branch()


def add_print_actions(window, menu: QMenu) -> list[QAction]:
    action = QAction(translate("extensions", "打印积分卡、公示表、证书…"), window)
    action.setObjectName("action_print")
    action.setShortcut("Ctrl+P")
    action.triggered.connect(lambda: open_print_preview(window))
    menu.addAction(action)
    return [action]


def open_print_preview(window):
    """打印: choose a report (app/ui/dialogs/print_dialog.py), preview it with app/ui/print_preview.py."""
    module = load(PRINT_MODULE)
    if module is None or not hasattr(module, "open_print_preview"):
        _not_ready(window)
        return None
    from app.ui.dialogs.print_dialog import PrintDialog

    try:
        dialog = PrintDialog(window.ctx, module, window)
        dialog.open()
    except Exception as exc:  # a feature module's failure must not take the window down
        show_error(window, exc)
        return None
    window.print_dialog = dialog
    return dialog
