"""期初积分: the months before the branch started using the program, brought in from its Excel register.

The clerk picks the year, downloads the template (shaped like a monthly points register) if he
needs it, and chooses the filled file. The import (app.services.ledger.opening) runs through
ctx.write with progress and 取消: all rows or none, each month's points as an approved entry marked
期初导入 that counts in totals and stars and can be reversed like any entry. Bad rows are listed
with the reason (ImportProblemsDialog).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.domain.enums import Role
from app.domain.errors import ImportRejected
from app.services.ledger import opening
from app.services.ledger.opening_template import write_points_template
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.controllers.excel_out import ExcelOut, excel_filter
from app.ui.dialogs.import_problems_dialog import ImportProblemsDialog
from app.ui.errors import show_error
from app.ui.jobs import Job
from app.ui.widgets import hint_label, make_room


class OpeningPointsDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.out = ExcelOut(ctx, self)
        self.problems_dialog: ImportProblemsDialog | None = None
        self.last_job: Job | None = None
        self.setWindowTitle(self.tr("导入期初积分（上线前各月）"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr(
            "开始用本软件以前各月的积分，可以从 Excel 积分登记表导入：每名党员一行，每月一列（也可以按月份、项目逐条填写）。"
            "导入的记录标明“期初导入”，已审核，计入总分和星级，有错可以像其他记录一样冲正。"
            "有一行有问题就全部不导入；同一个月已经导入过的不会再导入。"
        )))
        form = QFormLayout()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(ctx.today().year)
        self.year_spin.setSuffix(self.tr(" 年"))
        form.addRow(self.tr("积分年度"), self.year_spin)
        layout.addLayout(form)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        refusal = ctx.refusal(Role.REVIEWER, action=self.tr("导入期初积分"))
        if refusal:
            layout.addWidget(hint_label(refusal))
        layout.addLayout(self._buttons(not refusal))

    def _buttons(self, may_import: bool) -> QHBoxLayout:
        row = QHBoxLayout()
        self.template_button = QPushButton(self.tr("下载积分导入模板…"))
        self.template_button.clicked.connect(self.save_template)
        row.addWidget(self.template_button)
        row.addStretch(1)
        self.import_button = QPushButton(self.tr("选择文件并导入…"))
        self.import_button.setDefault(True)
        self.import_button.setEnabled(may_import)
        self.import_button.clicked.connect(self.import_file)
        row.addWidget(self.import_button)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.close_button)
        return row

    def save_template(self) -> Job | None:
        store, year, today = self.ctx.store, self.year_spin.value(), self.ctx.today()
        self.last_job = self.out.export(
            self.tr("保存积分导入模板"), self.tr("{0}年期初积分导入模板.xlsx").format(year),
            lambda target, _control: write_points_template(store, target, year, today=today),
            lambda written, _target: self.tr("积分导入模板已保存到 {0}。每格填该月得分，填好后用“导入期初积分”导入。").format(written),
        )
        return self.last_job

    def import_file(self) -> Job | None:
        path = self.ctx.ask_open_path(self, self.tr("选择填好的积分登记表"), excel_filter(), self.out.folder())
        if not path:
            return None
        self.out.remember_folder(Path(path).parent)
        store, actor, year, today, name = self.ctx.store, self.ctx.actor, self.year_spin.value(), self.ctx.today(), Path(path).name

        def work(control):
            return opening.import_opening(store, actor, path, year, today=today, progress=control.progress)

        self.result.clear()
        self.last_job = self.ctx.write(
            work, Kind.LEDGER, lambda change: self._say(change.summary), parent=self,
            on_problem=lambda exc: self._failed(exc, name),
            progress=(self.tr("导入期初积分"), self.tr("正在导入“{0}”…").format(name)),
            on_cancelled=self._cancelled,
        )
        return self.last_job

    def _say(self, text: str) -> None:
        """The result under the explanation; the dialog grows to hold both (a two-line result
        squeezed the explanation and cut it off)."""
        self.result.setText(text)
        make_room(self.result)

    def _failed(self, exc: BaseException, name: str) -> None:
        if isinstance(exc, ImportRejected):
            self._say(self.tr("“{0}”有 {1} 行有问题，一条也没有导入。").format(name, len(exc.problems)))
            self.problems_dialog = ImportProblemsDialog(exc, name, self)
            self.problems_dialog.open()
        else:
            show_error(self, exc)

    def _cancelled(self) -> None:
        self._say(self.tr("已取消导入，没有导入任何积分。"))
        self.ctx.say(self.tr("已取消导入期初积分。"))
