"""乡镇汇总: gather the villages' backups (folders on several sticks, or single files) into a township database.

The township database is opened, filled and closed on the host's job runner; when it is the
database this program has open (the township window), the open store is used as it is. The
branches then stand side by side in the overview table, with a line per file in the log, and
`gathered` carries the GatherReport.

Villages may encrypt with different passphrases: the one typed here is tried first, then those
that opened an earlier file (app.services.township.gather); for a backup none of them opens, the
worker asks the clerk for that village's passphrase through `control.ask` (app/ui/jobs.py),
which shows the host's `ask_passphrase` on the UI thread and waits for the answer.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.points import format_points
from app.services.accounts import operators
from app.services.backup import archive as backup
from app.services.paths import data_dir
from app.services.township import gather
from app.services.township import overview as township_overview
from app.ui.dialogs.backup.common import BackupHost, password_edit, reporter
from app.ui.jobs import JobControl
from app.ui.models.table_models import RowTableModel
from db.store import Store

OVERVIEW_COLUMNS = [  # headers translated where they are shown, in GatherTab's context
    (QT_TRANSLATE_NOOP("GatherTab", "支部"), lambda b: b.name),
    (QT_TRANSLATE_NOOP("GatherTab", "备份时间"), lambda b: backup.local_time(b.backup_created_at) if b.backup_created_at else ""),
    (QT_TRANSLATE_NOOP("GatherTab", "人数"), lambda b: b.rated),
    (QT_TRANSLATE_NOOP("GatherTab", "总分"), lambda b: format_points(b.total)),
    (QT_TRANSLATE_NOOP("GatherTab", "平均分"), lambda b: format_points(b.average)),
    (QT_TRANSLATE_NOOP("GatherTab", "五星"), lambda b: b.stars.get(5, 0)),
    (QT_TRANSLATE_NOOP("GatherTab", "四星"), lambda b: b.stars.get(4, 0)),
    (QT_TRANSLATE_NOOP("GatherTab", "三星"), lambda b: b.stars.get(3, 0)),
    (QT_TRANSLATE_NOOP("GatherTab", "二星"), lambda b: b.stars.get(2, 0)),
    (QT_TRANSLATE_NOOP("GatherTab", "一星"), lambda b: b.stars.get(1, 0)),
    (QT_TRANSLATE_NOOP("GatherTab", "一票否决"), lambda b: b.vetoed),
]


class GatherTab(QWidget):
    gathered = Signal(object)  # GatherReport

    def __init__(self, host: BackupHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.township_file: Path = data_dir() / self.tr("乡镇汇总.db")
        self.gather_sources: list[Path] = []
        self.overview_year = date.today().year
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("把各村交来的备份（可以是几个 U 盘上的文件夹）汇总到乡镇汇总数据库。")))
        self.source_list = QListWidget()
        self.source_list.setMaximumHeight(96)  # a few folders; the overview below takes the room (fits 1280×720)
        layout.addWidget(self.source_list)
        layout.addLayout(self._buttons())
        self.township_label = QLabel()
        layout.addWidget(self.township_label)
        form = QFormLayout()
        self.gather_passphrase = password_edit()
        self.gather_passphrase.setPlaceholderText(self.tr("各村口令不同时，打不开的备份会逐个问"))
        form.addRow(self.tr("加密备份的口令："), self.gather_passphrase)
        layout.addLayout(form)
        self.gather_button = QPushButton(self.tr("开始汇总"))
        self.gather_button.clicked.connect(self.start_gather)
        layout.addWidget(self.gather_button)
        self.overview_model = RowTableModel([(self.tr(h), f) for h, f in OVERVIEW_COLUMNS], self)
        self.overview_table = QTableView()
        self.overview_table.setModel(self.overview_model)
        self.overview_table.verticalHeader().setVisible(False)
        layout.addWidget(self.overview_table, 1)
        self.gather_log = QPlainTextEdit()
        self.gather_log.setReadOnly(True)
        self.gather_log.setMaximumHeight(120)
        layout.addWidget(self.gather_log)
        self._show_township_file()

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_folder_button = QPushButton(self.tr("添加文件夹…"))
        self.add_folder_button.clicked.connect(self._add_gather_folder)
        self.add_file_button = QPushButton(self.tr("添加备份文件…"))
        self.add_file_button.clicked.connect(self._add_gather_file)
        self.township_button = QPushButton(self.tr("选择汇总数据库…"))
        self.township_button.clicked.connect(self._choose_township_file)
        for button in (self.add_folder_button, self.add_file_button, self.township_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    def set_busy(self, busy: bool) -> None:
        self.gather_button.setEnabled(not busy)

    def _add_gather_folder(self) -> None:
        folder = self.host.ask_folder()
        if folder:
            self.add_gather_source(Path(folder))

    def _add_gather_file(self) -> None:
        chosen = self.host.ask_backup_file()
        if chosen:
            self.add_gather_source(Path(chosen))

    def add_gather_source(self, path: Path) -> None:
        if path not in self.gather_sources:
            self.gather_sources.append(path)
            self.source_list.addItem(str(path))

    def _choose_township_file(self) -> None:
        chosen = self.host.ask_township_file()
        if chosen:
            self.set_township_file(Path(chosen))

    def set_township_file(self, path: Path) -> None:
        self.township_file = path
        self._show_township_file()

    def _show_township_file(self) -> None:
        self.township_label.setText(self.tr("汇总数据库：{0}").format(self.township_file))

    def start_gather(self) -> None:
        if not self.gather_sources:
            self.host.failed(ValidationError(self.tr("请先添加各村备份所在的文件夹或备份文件。")))
            return
        sources, township = list(self.gather_sources), self.township_file
        passphrase = self.gather_passphrase.text() or None
        store = self.host.store
        own = store if store.path is not None and _same_file(store.path, township) else None
        actor, year = self.host.actor, self.overview_year
        question = self.host.ask_passphrase  # shown on the UI thread, asked from the worker

        def job(control):
            target = own or Store.open_file(township)
            try:
                who = actor if own else operators.visitor_for(target, actor)
                report = gather.gather(target, who, sources, passphrase, progress=reporter(control),
                                       ask=PassphrasePrompt(control, question))
                return report, township_overview.township_overview(target, year)
            finally:
                if own is None:
                    target.close()

        self.host.run(job, self._gather_done)

    def _gather_done(self, outcome) -> None:
        report, overview = outcome
        self.overview_model.set_rows(overview.branches)
        self.overview_table.resizeColumnsToContents()
        lines = []
        for item in report.files:
            lines.append(f"{item.path.name}：" + " ".join(part for part in (item.branch_name, item.message) if part))
            if item.details:
                lines.append(self.tr("    详细信息：{0}").format(item.details))
            lines.extend(self.tr("    提示：{0}").format(notice) for notice in item.notices)
            lines.extend(self.tr("    不一致：{0}").format(conflict.sentence) for conflict in item.conflicts)
        self.gather_log.setPlainText("\n".join(lines))
        self.host.show_message(report.summary)
        self.gathered.emit(report)


class PassphrasePrompt:
    """`gather`'s `ask`, called on the worker: the clerk is asked on the UI thread through
    `control.ask`. Asked again for the same file, the answer before was wrong, and the question
    says so."""

    def __init__(self, control: JobControl, question: Callable[[str, str, bool], str | None]) -> None:
        self._control = control
        self._question = question
        self._asked: set[Path] = set()

    def __call__(self, path: Path, manifest: backup.Manifest) -> str | None:
        wrong = path in self._asked
        self._asked.add(path)
        return self._control.ask(partial(self._question, manifest.branch_name, path.name, wrong))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
