"""备份与恢复: the dialog that holds the three tabs, runs their work and says how it went.

Self-contained: the window opens `BackupDialog(store, actor, parent, runner=...)` non-modally
and listens to `database_replaced` (the restored file is in place; the store's engine was
disposed; the file's accounts and data key are the backup's, so the window ends the session and
asks for a new log-in: app/ui/menu_actions.py) and `gathered`.

Long work (snapshot, key derivation, writing, verifying, merging) runs on the window's one job
runner (app/ui/jobs.py JobRunner; a dialog opened on its own makes one): the service's
progress and sentences reach the dialog, results and errors arrive on the UI thread. The
dialog does not refresh the window itself: the window listens to its two signals. The methods
that ask the clerk (`ask_folder`, `ask_backup_file`, `ask_township_file`, `confirm`,
`ask_passphrase`) are the dialog's, separate so tests can replace them; the tabs ask through
them (gathering asks for a village's passphrase from the worker, through `control.ask`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.context import Actor
from app.ui.dialogs.backup.gather_tab import GatherTab
from app.ui.dialogs.backup.restore_tab import RestoreTab
from app.ui.dialogs.backup.stick_tab import StickTab
from app.ui.errors import describe, show_error
from app.ui.jobs import JobRunner
from db.store import Store


def _forward(tab: str, *names: str) -> tuple[property, ...]:
    """dialog.<name> stands for the tab's own attribute (read and written): the names the windows and tests use."""

    def one(name: str) -> property:
        return property(lambda self: getattr(getattr(self, tab), name), lambda self, value: setattr(getattr(self, tab), name, value))

    return tuple(one(name) for name in names)


class BackupDialog(QDialog):
    database_replaced = Signal(object)  # Path of the restored database
    gathered = Signal(object)  # GatherReport
    job_finished = Signal()

    drive_list, target_folder, encrypt_box, passphrase_edit, passphrase_again, folder_button, backup_button, \
        set_target, start_backup = _forward(
            "stick_tab", "drive_list", "target_folder", "encrypt_box", "passphrase_edit", "passphrase_again",
            "folder_button", "backup_button", "set_target", "start_backup")
    backup_file, backup_info, restore_passphrase, restore_button, set_backup_file, start_restore = _forward(
        "restore_tab", "backup_file", "backup_info", "restore_passphrase", "restore_button", "set_backup_file", "start_restore")
    township_file, overview_year, source_list, township_button, gather_button, overview_model, gather_log, \
        add_gather_source, set_township_file, start_gather = _forward(
            "gather_tab", "township_file", "overview_year", "source_list", "township_button", "gather_button",
            "overview_model", "gather_log", "add_gather_source", "set_township_file", "start_gather")

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.runner = runner or JobRunner(self)
        self.setWindowTitle(self.tr("备份与恢复"))
        # wide and tall enough that the gather tab's comparison shows five villages (capped to a smaller screen)
        self.resize(820, 660)
        self.last_result: Any = None
        self.last_error: BaseException | None = None
        self.busy = False

        layout = QVBoxLayout(self)
        self.stick_tab, self.restore_tab, self.gather_tab = StickTab(self), RestoreTab(self), GatherTab(self)
        self.restore_tab.restored.connect(self.database_replaced)
        self.gather_tab.gathered.connect(self.gathered)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.stick_tab, self.tr("备份到 U 盘"))
        self.tabs.addTab(self.restore_tab, self.tr("从备份恢复"))
        self.tabs.addTab(self.gather_tab, self.tr("乡镇汇总"))
        layout.addWidget(self.tabs)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setVisible(False)
        layout.addWidget(self.progress_bar)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("statusLabel")
        layout.addWidget(self.status_label)
        self.stick_tab.refresh_drives()

    # ---- questions (replaced in tests)

    def ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, self.tr("选择备份放在哪个文件夹"))

    def ask_backup_file(self) -> str:
        return QFileDialog.getOpenFileName(self, self.tr("选择备份文件"), "", self.tr("备份文件 (*.jfbak)"))[0]

    def ask_township_file(self) -> str:
        return QFileDialog.getSaveFileName(
            self, self.tr("选择或新建乡镇汇总数据库"), str(self.gather_tab.township_file), self.tr("数据库 (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )[0]

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_passphrase(self, branch_name: str, file_name: str, wrong: bool) -> str | None:
        """The passphrase of one village's encrypted backup that the passphrases tried so far do not
        open; None when the clerk skips this backup (取消)."""
        if wrong:
            text = self.tr("口令不对，打不开“{0}”的备份“{1}”。请再输入一次这个村备份时设置的口令：")
        else:
            text = self.tr("“{0}”的备份“{1}”是加密的，已经填的口令打不开它。请输入这个村备份时设置的口令：")
        text = text.format(branch_name or self.tr("这个村"), file_name) + "\n" + self.tr("点“取消”跳过这个备份，别的村照常汇总。")
        answer, given = QInputDialog.getText(self, self.tr("输入备份口令"), text, QLineEdit.EchoMode.Password)
        return answer if given and answer else None

    # ---- running the tabs' work

    def run(self, fn, on_result) -> None:
        """`fn(control)` on the job runner, one at a time; `on_result` (or `failed`) on the UI thread."""
        self._set_busy(True)
        self.progress_bar.setValue(0)
        self.last_error = None

        def done(result) -> None:
            self.last_result = result
            self._set_busy(False)
            try:
                on_result(result)
            finally:
                self.job_finished.emit()

        def failed(exc) -> None:
            self._set_busy(False)
            self.failed(exc)
            self.job_finished.emit()

        self.runner.submit(fn, on_result=done, on_error=failed, on_progress=self._progressed, on_message=self.show_message)

    def _progressed(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress_bar.setVisible(busy)
        for tab in (self.stick_tab, self.restore_tab, self.gather_tab):
            tab.set_busy(busy)

    def show_message(self, text: str) -> None:
        self.status_label.setText(text)

    def failed(self, exc: BaseException) -> None:
        self.last_error = exc
        self.status_label.setText(describe(exc)[0])
        show_error(self, exc, self.tr("没有完成"))

    def closeEvent(self, event) -> None:
        if self.busy:
            event.ignore()
            self.show_message(self.tr("请等当前的操作完成后再关闭。"))
            return
        super().closeEvent(event)
