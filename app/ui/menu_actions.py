"""The backup and print menu entries both windows share.

备份到U盘 / 恢复备份 / 汇总各村备份 open app/ui/dialogs/backup/dialog.py on the right tab;
打印 opens app/ui/dialogs/print_dialog.py, which previews with app/ui/dialogs/print_preview.py.
Both dialogs run their work on the window's one job runner (`window.ctx.jobs`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from app.ui.dialogs.backup.dialog import BackupDialog
from app.ui.dialogs.print_dialog import PrintDialog

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

BACKUP_TABS = {"backup": 0, "restore": 1, "gather": 2}


def add_backup_actions(window, menu: QMenu) -> list[QAction]:
    entries = [
        ("backup", translate("MenuActions", "备份到U盘…")),
        ("restore", translate("MenuActions", "恢复备份…")),
        ("gather", translate("MenuActions", "汇总各村备份…")),
    ]
    actions = []
    for kind, text in entries:
        action = QAction(text, window)
        action.setObjectName(f"action_{kind}")
        action.triggered.connect(lambda _=False, k=kind: open_backup(window, k))
        menu.addAction(action)
        actions.append(action)
    return actions


def open_backup(window, kind: str) -> BackupDialog:
    """备份到U盘 / 恢复备份 / 汇总各村备份: the backup dialog, non-modal, on the chosen tab."""
    dialog = BackupDialog(window.ctx.store, window.ctx.actor, window, runner=window.ctx.jobs)
    dialog.tabs.setCurrentIndex(BACKUP_TABS.get(kind, 0))
    dialog.database_replaced.connect(lambda _path: _database_replaced(window))
    dialog.show()
    window.backup_dialog = dialog
    return dialog


def _database_replaced(window) -> None:
    """A backup was restored into the open database. Its accounts, passwords and data key are the
    backup's, not this session's: the dialog and the window close (after the restore's own
    callbacks have run) and the restored file's log-in screen follows."""
    summary = window.backup_dialog.status_label.text()  # what was restored, where the old file was kept
    again = translate("MenuActions", "恢复后的数据库有它自己的账号和密码，请用其中的账号重新登录。")
    notice = f"{summary or translate('MenuActions', '已从备份恢复。')}\n{again}"

    def end_session() -> None:
        window.backup_dialog.close()
        window.log_in_again(notice)

    QTimer.singleShot(0, end_session)


def add_print_actions(window, menu: QMenu) -> list[QAction]:
    action = QAction(translate("MenuActions", "打印积分卡、公示表、证书…"), window)
    action.setObjectName("action_print")
    action.setShortcut("Ctrl+P")
    action.triggered.connect(lambda: open_print_dialog(window))
    menu.addAction(action)
    return [action]


def open_print_dialog(window) -> PrintDialog:
    """打印: choose a report and its period; the dialog builds it and opens the preview."""
    dialog = PrintDialog(window.ctx, window)
    dialog.open()
    window.print_dialog = dialog
    return dialog
