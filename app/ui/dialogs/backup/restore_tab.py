"""从备份恢复: choose a backup file, check it whole, ask, then put it in place of the open database.

The check (and decryption) runs on the host's job runner and leaves a prepared restore; only when
the clerk says yes does the store let go of its connections and the prepared file replace the
database (the current one is kept aside first). `restored` carries the database's path then.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.enums import Role
from app.domain.errors import AppError
from app.services.backup import archive as backup
from app.services.backup import restore
from app.ui.dialogs.backup.common import BackupHost, password_edit, reporter


class RestoreTab(QWidget):
    restored = Signal(object)  # Path of the restored database

    def __init__(self, host: BackupHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.backup_file: Path | None = None
        self._restorable = False  # the chosen file passed the quick look (inspect_backup)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("恢复前会先完整检查备份，并把当前数据库另存一份。")))
        row = QHBoxLayout()
        self.choose_backup_button = QPushButton(self.tr("选择备份文件…"))
        self.choose_backup_button.clicked.connect(self._choose_backup_file)
        row.addWidget(self.choose_backup_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.backup_info = QLabel(self.tr("还没有选择备份文件。"))
        self.backup_info.setWordWrap(True)
        layout.addWidget(self.backup_info)
        form = QFormLayout()
        self.restore_passphrase = password_edit()
        form.addRow(self.tr("口令："), self.restore_passphrase)
        layout.addLayout(form)
        self.restore_button = QPushButton(self.tr("检查并恢复"))
        self.restore_button.clicked.connect(self.start_restore)
        self.restore_button.setEnabled(False)
        layout.addWidget(self.restore_button)
        # The service refuses anyone else too (restore_audit); the window says so up front.
        self.may_restore = Role.ADMIN in self.host.actor.roles
        if not self.may_restore:
            self.restore_button.setToolTip(self.tr("只有管理员可以从备份恢复（会替换全部数据）。"))
            layout.addWidget(QLabel(self.tr("只有管理员可以从备份恢复（会替换全部数据）。")))
        layout.addStretch(1)

    def set_busy(self, busy: bool) -> None:
        self.choose_backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self._restorable and self.may_restore)

    def _choose_backup_file(self) -> None:
        chosen = self.host.ask_backup_file()
        if chosen:
            self.set_backup_file(Path(chosen))

    def set_backup_file(self, path: Path) -> None:
        self.backup_file = path
        try:
            manifest = backup.inspect_backup(path)
        except AppError as exc:
            self.backup_info.setText(exc.message)
            self._restorable = False
            self.restore_button.setEnabled(False)
            self.restore_passphrase.setEnabled(False)
            return
        self.backup_info.setText(backup.describe_manifest(manifest))
        self.restore_passphrase.setEnabled(manifest.encrypted)
        self._restorable = True
        self.restore_button.setEnabled(self.may_restore)

    def start_restore(self) -> None:
        if self.backup_file is None:
            return
        target = self.host.store.path
        if target is None:
            self.host.failed(backup.BackupError(self.tr("只有本机的数据库文件才能从备份恢复。")))
            return
        source, actor = self.backup_file, self.host.actor
        passphrase = self.restore_passphrase.text() if self.restore_passphrase.isEnabled() else None
        self.host.run(
            lambda control: restore.prepare_restore(source, target, passphrase, progress=reporter(control), actor=actor),
            self._restore_checked,
        )

    def _restore_checked(self, plan: restore.RestorePlan) -> None:
        question = self.tr("备份检查无误：{0}。\n\n恢复后，当前数据库会换成备份里的数据（当前数据库会先另存一份）。").format(
            backup.describe_manifest(plan.manifest)
        )
        if plan.warnings:
            question += "\n\n" + self.tr("请注意：") + "\n" + "\n".join(f"• {w}" for w in plan.warnings)
        if not self.host.confirm(self.tr("确定要恢复吗？"), question + "\n\n" + self.tr("确定要恢复吗？")):
            plan.discard()
            self.host.show_message(self.tr("没有恢复，当前数据库没有改动。"))
            return
        self.host.store.close()  # every pooled connection goes; the engine reconnects to the new file later
        actor = self.host.actor

        def commit(control):
            try:
                return restore.commit_restore(plan, allow_replacing_newer=True, progress=reporter(control), actor=actor)
            finally:
                plan.discard()

        self.host.run(commit, self._restored)

    def _restored(self, result: restore.RestoreResult) -> None:
        self.restore_passphrase.clear()
        self.host.show_message(result.summary)
        self.restored.emit(result.target)
