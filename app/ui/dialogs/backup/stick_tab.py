"""备份到 U 盘: choose a removable drive (or another folder), optionally a passphrase, and back up.

Encryption is offered (checked) when the target is a removable drive. The backup itself runs on
the host's job runner; the passphrase fields are cleared once it is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import AppError, ValidationError
from app.services.backup import archive as backup
from app.services.backup import drives
from app.ui.dialogs.backup.common import BackupHost, password_edit, reporter

PATH_ROLE = 256  # Qt.UserRole: the drive's folder, on each item of the list


class StickTab(QWidget):
    def __init__(self, host: BackupHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.target_folder: Path | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("插上 U 盘后选择它；也可以选择其他文件夹。")))
        self.drive_list = QListWidget()
        self.drive_list.currentItemChanged.connect(self._drive_chosen)
        layout.addWidget(self.drive_list)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.refresh_drives)
        self.folder_button = QPushButton(self.tr("选择其他文件夹…"))
        self.folder_button.clicked.connect(self._choose_folder)
        row.addWidget(self.refresh_button)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.target_label = QLabel(self.tr("还没有选择备份位置。"))
        layout.addWidget(self.target_label)
        self.encrypt_box = QCheckBox(self.tr("用口令加密（U 盘丢失时，别人打不开）"))
        self.encrypt_box.toggled.connect(self._encryption_toggled)
        layout.addWidget(self.encrypt_box)
        form = QFormLayout()
        self.passphrase_edit = password_edit()
        self.passphrase_again = password_edit()
        form.addRow(self.tr("口令："), self.passphrase_edit)
        form.addRow(self.tr("再输一次："), self.passphrase_again)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("请记住口令：忘了口令，加密的备份谁也打不开。")))
        self.backup_button = QPushButton(self.tr("开始备份"))
        self.backup_button.clicked.connect(self.start_backup)
        layout.addWidget(self.backup_button)
        layout.addStretch(1)
        self._encryption_toggled(False)

    def set_busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)

    def refresh_drives(self) -> None:
        self.drive_list.clear()
        for drive in drives.list_removable_drives():
            item = QListWidgetItem(drive.display)
            item.setData(PATH_ROLE, str(drive.path))
            self.drive_list.addItem(item)
        if self.drive_list.count() == 0:
            self.drive_list.addItem(QListWidgetItem(self.tr("没有找到 U 盘。插上后按“刷新”，或选择其他文件夹。")))

    def _drive_chosen(self, item, _previous=None) -> None:
        if item is not None and item.data(PATH_ROLE):
            self.set_target(Path(item.data(PATH_ROLE)), removable=True)

    def _choose_folder(self) -> None:
        folder = self.host.ask_folder()
        if folder:
            self.set_target(Path(folder), removable=drives.is_removable_path(folder))

    def set_target(self, folder: Path, removable: bool) -> None:
        """Choose where the backup goes; encryption is offered (checked) for removable drives."""
        self.target_folder = folder
        kind = self.tr("U 盘") if removable else self.tr("文件夹")
        self.target_label.setText(self.tr("备份位置（{0}）：{1}").format(kind, folder))
        self.encrypt_box.setChecked(removable)

    def _encryption_toggled(self, on: bool) -> None:
        self.passphrase_edit.setEnabled(on)
        self.passphrase_again.setEnabled(on)

    def _passphrase(self) -> str | None:
        """The passphrase to encrypt with, None for none; a ValidationError when the two differ or it is empty."""
        if not self.encrypt_box.isChecked():
            return None
        passphrase = self.passphrase_edit.text()
        if passphrase != self.passphrase_again.text():
            raise ValidationError(self.tr("两次输入的口令不一样，请重新输入。"))
        if not passphrase:
            raise ValidationError(self.tr("请输入口令，或者取消“用口令加密”。"))
        backup.require_strong_passphrase(passphrase)
        return passphrase

    def start_backup(self) -> None:
        try:
            if self.target_folder is None:
                raise ValidationError(self.tr("请先选择 U 盘或文件夹。"))
            passphrase = self._passphrase()
        except AppError as exc:
            self.host.failed(exc)
            return
        store, folder = self.host.store, self.target_folder
        self.host.run(lambda control: backup.backup_to(store, folder, passphrase, progress=reporter(control)), self._backup_done)

    def _backup_done(self, result: backup.BackupResult) -> None:
        self.passphrase_edit.clear()
        self.passphrase_again.clear()
        self.host.show_message(result.summary)
