"""备份与恢复: back up to a USB stick, restore from a backup file, and the township's gathering.

Self-contained: the window opens `BackupDialog(store, actor, parent, runner=...)` non-modally
and listens to `database_replaced` (the restored file is in place; the store's engine was
disposed and reconnects to the new file on next use, so refresh every view) and `gathered`.

Long work (snapshot, key derivation, writing, verifying, merging) runs on the window's one job
runner (app/ui/jobs.py JobRunner; a dialog opened on its own makes one): the service's
progress and sentences reach the dialog, results and errors arrive on the UI thread. The
dialog does not refresh the window itself: the window listens to its two signals. Dialog
methods that ask the clerk (`ask_folder`, `ask_backup_file`, `ask_township_file`, `confirm`)
are separate so tests can replace them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import AppError, ValidationError
from app.domain.points import format_points
from app.services.backup import archive as backup
from app.services.backup import drives
from app.services.township import gather
from app.services.accounts import operators
from app.services.backup import restore
from app.services.township import overview as township_overview
from app.services.context import Actor
from app.services.paths import data_dir
from app.ui.errors import describe, show_error
from app.ui.jobs import JobControl, JobRunner
from app.ui.models.table_models import RowTableModel
from db.store import Store

OVERVIEW_COLUMNS = [
    ("支部", lambda b: b.name),
    ("备份时间", lambda b: backup.local_time(b.backup_created_at) if b.backup_created_at else ""),
    ("人数", lambda b: b.rated),
    ("总分", lambda b: format_points(b.total)),
    ("平均分", lambda b: format_points(b.average)),
    ("五星", lambda b: b.stars.get(5, 0)),
    ("四星", lambda b: b.stars.get(4, 0)),
    ("三星", lambda b: b.stars.get(3, 0)),
    ("二星", lambda b: b.stars.get(2, 0)),
    ("一星", lambda b: b.stars.get(1, 0)),
    ("一票否决", lambda b: b.vetoed),
]


# ----------------------------------------------------------------------------- progress


def _reporter(control: JobControl) -> Callable[[float, str], None]:
    """A service's progress(fraction, sentence) → the runner's control."""

    def report(fraction: float, text: str) -> None:
        control.progress(int(fraction * 1000), 1000)
        control.say(text)

    return report


# ----------------------------------------------------------------------------- the dialog


class BackupDialog(QDialog):
    database_replaced = Signal(object)  # Path of the restored database
    gathered = Signal(object)  # GatherReport
    job_finished = Signal()

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None, runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.runner = runner or JobRunner(self)
        self.setWindowTitle(self.tr("备份与恢复"))
        self.resize(720, 520)
        self.target_folder: Path | None = None
        self.backup_file: Path | None = None
        self.township_file: Path = data_dir() / "乡镇汇总.db"
        self.gather_sources: list[Path] = []
        self.overview_year = date.today().year
        self.last_result: Any = None
        self.last_error: BaseException | None = None
        self.busy = False

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._backup_tab(), self.tr("备份到 U 盘"))
        self.tabs.addTab(self._restore_tab(), self.tr("从备份恢复"))
        self.tabs.addTab(self._gather_tab(), self.tr("乡镇汇总"))
        layout.addWidget(self.tabs)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setVisible(False)
        layout.addWidget(self.progress_bar)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("statusLabel")
        layout.addWidget(self.status_label)
        self.refresh_drives()

    # ---- layout

    def _backup_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("插上 U 盘后选择它；也可以选择其他文件夹。")))
        self.drive_list = QListWidget()
        self.drive_list.currentItemChanged.connect(self._drive_chosen)
        layout.addWidget(self.drive_list)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.refresh_drives)
        self.folder_button = QPushButton(self.tr("选择其他文件夹……"))
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
        self.passphrase_edit = _password_edit()
        self.passphrase_again = _password_edit()
        form.addRow(self.tr("口令："), self.passphrase_edit)
        form.addRow(self.tr("再输一次："), self.passphrase_again)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("请记住口令：忘了口令，加密的备份谁也打不开。")))
        self.backup_button = QPushButton(self.tr("开始备份"))
        self.backup_button.clicked.connect(self.start_backup)
        layout.addWidget(self.backup_button)
        layout.addStretch(1)
        self._encryption_toggled(False)
        return page

    def _restore_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("恢复前会先完整检查备份，并把当前数据库另存一份。")))
        row = QHBoxLayout()
        self.choose_backup_button = QPushButton(self.tr("选择备份文件……"))
        self.choose_backup_button.clicked.connect(self._choose_backup_file)
        row.addWidget(self.choose_backup_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.backup_info = QLabel(self.tr("还没有选择备份文件。"))
        self.backup_info.setWordWrap(True)
        layout.addWidget(self.backup_info)
        form = QFormLayout()
        self.restore_passphrase = _password_edit()
        form.addRow(self.tr("口令："), self.restore_passphrase)
        layout.addLayout(form)
        self.restore_button = QPushButton(self.tr("检查并恢复"))
        self.restore_button.clicked.connect(self.start_restore)
        self.restore_button.setEnabled(False)
        layout.addWidget(self.restore_button)
        layout.addStretch(1)
        return page

    def _gather_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(self.tr("把各村交来的备份（可以是几个 U 盘上的文件夹）汇总到乡镇汇总数据库。")))
        self.source_list = QListWidget()
        layout.addWidget(self.source_list)
        row = QHBoxLayout()
        self.add_folder_button = QPushButton(self.tr("添加文件夹……"))
        self.add_folder_button.clicked.connect(self._add_gather_folder)
        self.add_file_button = QPushButton(self.tr("添加备份文件……"))
        self.add_file_button.clicked.connect(self._add_gather_file)
        self.township_button = QPushButton(self.tr("选择汇总数据库……"))
        self.township_button.clicked.connect(self._choose_township_file)
        for button in (self.add_folder_button, self.add_file_button, self.township_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.township_label = QLabel()
        layout.addWidget(self.township_label)
        form = QFormLayout()
        self.gather_passphrase = _password_edit()
        form.addRow(self.tr("加密备份的口令："), self.gather_passphrase)
        layout.addLayout(form)
        self.gather_button = QPushButton(self.tr("开始汇总"))
        self.gather_button.clicked.connect(self.start_gather)
        layout.addWidget(self.gather_button)
        self.overview_model = RowTableModel([(self.tr(h), f) for h, f in OVERVIEW_COLUMNS], self)
        self.overview_table = QTableView()
        self.overview_table.setModel(self.overview_model)
        self.overview_table.verticalHeader().setVisible(False)
        layout.addWidget(self.overview_table)
        self.gather_log = QPlainTextEdit()
        self.gather_log.setReadOnly(True)
        self.gather_log.setMaximumHeight(120)
        layout.addWidget(self.gather_log)
        self._show_township_file()
        return page

    # ---- questions (replaced in tests)

    def ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, self.tr("选择备份放在哪个文件夹"))

    def ask_backup_file(self) -> str:
        return QFileDialog.getOpenFileName(self, self.tr("选择备份文件"), "", self.tr("备份文件 (*.jfbak)"))[0]

    def ask_township_file(self) -> str:
        return QFileDialog.getSaveFileName(
            self, self.tr("选择或新建乡镇汇总数据库"), str(self.township_file), self.tr("数据库 (*.db)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )[0]

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    # ---- backup

    def refresh_drives(self) -> None:
        self.drive_list.clear()
        for drive in drives.list_removable_drives():
            item = QListWidgetItem(drive.display)
            item.setData(256, str(drive.path))
            self.drive_list.addItem(item)
        if self.drive_list.count() == 0:
            self.drive_list.addItem(QListWidgetItem(self.tr("没有找到 U 盘。插上后按“刷新”，或选择其他文件夹。")))

    def _drive_chosen(self, item, _previous=None) -> None:
        if item is not None and item.data(256):
            self.set_target(Path(item.data(256)), removable=True)

    def _choose_folder(self) -> None:
        folder = self.ask_folder()
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

    def start_backup(self) -> None:
        try:
            if self.target_folder is None:
                raise ValidationError("请先选择 U 盘或文件夹。")
            passphrase = None
            if self.encrypt_box.isChecked():
                passphrase = self.passphrase_edit.text()
                if passphrase != self.passphrase_again.text():
                    raise ValidationError("两次输入的口令不一样，请重新输入。")
                if not passphrase:
                    raise ValidationError("请输入口令，或者取消“用口令加密”。")
        except AppError as exc:
            self._failed(exc)
            return
        store, folder = self.store, self.target_folder
        self._run(lambda control: backup.backup_to(store, folder, passphrase, progress=_reporter(control)), self._backup_done)

    def _backup_done(self, result: backup.BackupResult) -> None:
        self.passphrase_edit.clear()
        self.passphrase_again.clear()
        self._show_message(result.summary)

    # ---- restore

    def _choose_backup_file(self) -> None:
        chosen = self.ask_backup_file()
        if chosen:
            self.set_backup_file(Path(chosen))

    def set_backup_file(self, path: Path) -> None:
        self.backup_file = path
        try:
            manifest = backup.inspect_backup(path)
        except AppError as exc:
            self.backup_info.setText(exc.message)
            self.restore_button.setEnabled(False)
            self.restore_passphrase.setEnabled(False)
            return
        self.backup_info.setText(backup.describe_manifest(manifest))
        self.restore_passphrase.setEnabled(manifest.encrypted)
        self.restore_button.setEnabled(True)

    def start_restore(self) -> None:
        if self.backup_file is None:
            return
        target = self.store.path
        if target is None:
            self._failed(backup.BackupError("只有本机的数据库文件才能从备份恢复。"))
            return
        source = self.backup_file
        passphrase = self.restore_passphrase.text() if self.restore_passphrase.isEnabled() else None
        self._run(lambda control: restore.prepare_restore(source, target, passphrase, progress=_reporter(control)), self._restore_checked)

    def _restore_checked(self, plan: restore.RestorePlan) -> None:
        question = self.tr("备份检查无误：{0}。\n\n恢复后，当前数据库会换成备份里的数据（当前数据库会先另存一份）。").format(
            backup.describe_manifest(plan.manifest)
        )
        if plan.warnings:
            question += "\n\n" + self.tr("请注意：") + "\n" + "\n".join(f"• {w}" for w in plan.warnings)
        if not self.confirm(self.tr("确定要恢复吗？"), question + "\n\n" + self.tr("确定要恢复吗？")):
            plan.discard()
            self._show_message(self.tr("没有恢复，当前数据库没有改动。"))
            return
        self.store.close()  # every pooled connection goes; the engine reconnects to the new file later

        def commit(control):
            try:
                return restore.commit_restore(plan, allow_replacing_newer=True, progress=_reporter(control))
            finally:
                plan.discard()

        self._run(commit, self._restored)

    def _restored(self, result: restore.RestoreResult) -> None:
        self.restore_passphrase.clear()
        self._show_message(result.summary)
        self.database_replaced.emit(result.target)

    # ---- gathering

    def _add_gather_folder(self) -> None:
        folder = self.ask_folder()
        if folder:
            self.add_gather_source(Path(folder))

    def _add_gather_file(self) -> None:
        chosen = self.ask_backup_file()
        if chosen:
            self.add_gather_source(Path(chosen))

    def add_gather_source(self, path: Path) -> None:
        if path not in self.gather_sources:
            self.gather_sources.append(path)
            self.source_list.addItem(str(path))

    def _choose_township_file(self) -> None:
        chosen = self.ask_township_file()
        if chosen:
            self.set_township_file(Path(chosen))

    def set_township_file(self, path: Path) -> None:
        self.township_file = path
        self._show_township_file()

    def _show_township_file(self) -> None:
        self.township_label.setText(self.tr("汇总数据库：{0}").format(self.township_file))

    def start_gather(self) -> None:
        if not self.gather_sources:
            self._failed(ValidationError("请先添加各村备份所在的文件夹或备份文件。"))
            return
        sources, township = list(self.gather_sources), self.township_file
        passphrase = self.gather_passphrase.text() or None
        own = self.store if self.store.path is not None and _same_file(self.store.path, township) else None
        actor, year = self.actor, self.overview_year

        def job(control):
            store = own or Store.open_file(township)
            try:
                who = actor if own else operators.ensure_admin(store)
                report = gather.gather(store, who, sources, passphrase, progress=_reporter(control))
                return report, township_overview.township_overview(store, year)
            finally:
                if own is None:
                    store.close()

        self._run(job, self._gather_done)

    def _gather_done(self, outcome) -> None:
        report, overview = outcome
        self.overview_model.set_rows(overview.branches)
        self.overview_table.resizeColumnsToContents()
        lines = []
        for item in report.files:
            lines.append(f"{item.path.name}：{item.branch_name} {item.message}".strip())
            lines.extend(f"    提示：{notice}" for notice in item.notices)
            lines.extend(f"    不一致：{conflict.sentence}" for conflict in item.conflicts)
        self.gather_log.setPlainText("\n".join(lines))
        self._show_message(report.summary)
        self.gathered.emit(report)

    # ---- running jobs

    def _run(self, fn, on_result) -> None:
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
            self._failed(exc)
            self.job_finished.emit()

        self.runner.submit(fn, on_result=done, on_error=failed, on_progress=self._progressed, on_message=self._show_message)

    def _progressed(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.progress_bar.setVisible(busy)
        for button in (self.backup_button, self.restore_button, self.gather_button, self.choose_backup_button):
            button.setEnabled(not busy)
        if not busy:
            self.restore_button.setEnabled(self.backup_file is not None)

    def _show_message(self, text: str) -> None:
        self.status_label.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        self.status_label.setText(describe(exc)[0])
        show_error(self, exc, self.tr("没有完成"))

    def closeEvent(self, event) -> None:
        if self.busy:
            event.ignore()
            self._show_message(self.tr("请等当前的操作完成后再关闭。"))
            return
        super().closeEvent(event)


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
