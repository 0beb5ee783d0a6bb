"""The 民主评议 tab: the year's tally typed in from the counted ballots (ballots issued and
returned, each member's votes per grade, or read from the counters' Excel sheet), saved whole or refused whole; after saving, each
member's score and grade as the scorer folds them in; the ballot and the result sheet to print."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from app.domain.appraisal_tally import CONVERSION_RULES, GRADES, Votes, convert
from app.domain.errors import AppError, NotFound, ValidationError
from app.domain.points import format_points
from app.services.practice import appraisal
from app.services.practice.tally_import import read_tally_sheet
from app.ui.changes import Kind
from app.ui.controllers.excel_out import excel_filter
from app.ui.dialogs.practice_print_dialog import BALLOT, TALLY, PracticePrintDialog
from app.ui.errors import show_error
from app.ui.widgets import calendar_edit, date_of, error_label, hint_label, show_problem

FIXED = 2  # 姓名, 党小组; then the four grades; then 得分, 等次


class AppraisalTab(QWidget):
    def __init__(self, page) -> None:
        super().__init__(page)
        self.page, self.ctx = page, page.ctx
        self.year = self.ctx.today().year
        self.members: list = []
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("保存计票"))
        self.import_button = QPushButton(self.tr("从Excel读入计票…"))
        self.import_button.clicked.connect(lambda: self.import_sheet())
        self.ballot_button = QPushButton(self.tr("打印测评表…"))
        self.result_button = QPushButton(self.tr("打印评议结果…"))
        self.save_button.clicked.connect(lambda: self.save())
        self.ballot_button.clicked.connect(lambda: self.print_paper(BALLOT))
        self.result_button.clicked.connect(lambda: self.print_paper(TALLY))
        for button in (self.save_button, self.import_button, self.ballot_button, self.result_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        form = QFormLayout()
        self.held_edit = calendar_edit(self.ctx.today())
        self.issued_spin, self.returned_spin = QSpinBox(), QSpinBox()
        for spin in (self.issued_spin, self.returned_spin):
            spin.setRange(0, 9999)
        self.counters_edit = QLineEdit()
        self.counters_edit.setPlaceholderText(self.tr("如“张三、李四”"))
        row = QHBoxLayout()
        for label, widget in ((self.tr("评议日期"), self.held_edit), (self.tr("发出测评票"), self.issued_spin),
                              (self.tr("收回测评票"), self.returned_spin), (self.tr("计票人"), self.counters_edit)):
            row.addWidget(hint_label(label))
            row.addWidget(widget)
        form.addRow(row)
        layout.addLayout(form)
        self.grid = QTableWidget(0, FIXED + len(GRADES) + 2)
        self.grid.setHorizontalHeaderLabels([self.tr("姓名"), self.tr("党小组"), *GRADES, self.tr("评议得分"), self.tr("等次")])
        self.grid.verticalHeader().setVisible(False)
        layout.addWidget(self.grid, 1)
        self.problem = error_label()
        layout.addWidget(self.problem)
        layout.addWidget(hint_label(self.tr("折算规则：") + "；".join(CONVERSION_RULES) + self.tr("。")))
        self.folding = hint_label()
        layout.addWidget(self.folding)

    def refresh(self, year: int) -> None:
        self.year = year
        store = self.ctx.store

        def ask(_control):
            try:
                members = appraisal.ballot_paper(store, year).members
            except ValidationError:
                members = ()
            try:
                return members, appraisal.tally_result(store, year)
            except NotFound:
                return members, None

        self.page.read(ask, self._show, key="tally")

    def _show(self, answer) -> None:
        self.members, result = list(answer[0]), answer[1]
        counted = {row.member_id: row for row in result.rows} if result else {}
        if result is not None:
            self.issued_spin.setValue(result.ballots_issued)
            self.returned_spin.setValue(result.ballots_returned)
            self.counters_edit.setText(result.counters)
        else:
            self.issued_spin.setValue(len(self.members))
            self.returned_spin.setValue(0)
        self.grid.setRowCount(len(self.members))
        for index, member in enumerate(self.members):
            line = counted.get(member.member_id)
            cells = [member.name, member.group_name, *((line.votes.counts if line else (0, 0, 0, 0))), "", ""]
            if line is not None:
                cells[-2] = "—" if line.result.score is None else format_points(line.result.score)
                cells[-1] = line.result.grade or self.tr("无有效票")
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if not FIXED <= column < FIXED + len(GRADES):
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.grid.setItem(index, column, item)
        self.grid.resizeColumnsToContents()
        show_problem(self.problem, "" if self.members else self.tr("{0} 年本支部没有在册党员。").format(self.year))
        self.folding.setText(result.folding + self.tr("。") if result is not None else self.tr("还没有计票：录入各人的得票后点“保存计票”，评议结果按本年度细则计入年度积分。"))

    def set_votes(self, name: str, counts: tuple[int, int, int, int]) -> None:
        """Type one member's votes into the grid (as the clerk does, cell by cell)."""
        index = next(i for i, m in enumerate(self.members) if m.name == name)
        for offset, value in enumerate(counts):
            self.grid.item(index, FIXED + offset).setText(str(value))

    def import_sheet(self, path: str | None = None) -> None:
        """Fill the grid from the counters' sheet (nothing is saved: the clerk checks, then 保存计票).
        A sheet with a bad row changes nothing in the grid and says which row."""
        path = path or self.ctx.ask_open_path(self, self.tr("选择民主评议计票表"), excel_filter())
        if not path:
            return
        store, year = self.ctx.store, self.year
        show_problem(self.problem, "")
        self.page.read(lambda _control: read_tally_sheet(store, path, year), self._fill_from_sheet, key="tally-sheet",
                       on_problem=self._refused)

    def _fill_from_sheet(self, sheet) -> None:
        for index, member in enumerate(self.members):
            counts = sheet.votes.get(member.member_id, Votes()).counts
            for offset, value in enumerate(counts):
                self.grid.item(index, FIXED + offset).setText(str(value))
        missing = sum(1 for member in self.members if member.member_id not in sheet.votes)
        text = self.tr("已从“{0}”读入 {1} 名党员的得票").format(sheet.file_name, sheet.members)
        if missing:
            text += self.tr("（名册上另有 {0} 人表中没有，按 0 票）").format(missing)
        self.ctx.say(text + self.tr("；核对发出、收回票数后点“保存计票”。"))

    def _votes(self) -> dict:
        votes = {}
        for index, member in enumerate(self.members):
            counts = []
            for offset, grade in enumerate(GRADES):
                text = self.grid.item(index, FIXED + offset).text().strip() or "0"
                if not text.isdigit():
                    raise ValidationError(self.tr("{0}的“{1}”票数应为整数，写成了“{2}”。").format(member.name, grade, text))
                counts.append(int(text))
            votes[member.member_id] = Votes(*counts)
        return votes

    def preview(self, name: str):
        """What a member's typed votes convert to, before saving (the rule the service applies)."""
        index = next(i for i, m in enumerate(self.members) if m.name == name)
        return convert(self._votes()[self.members[index].member_id], self.returned_spin.value())

    def save(self):
        try:
            votes = self._votes()
        except AppError as exc:
            show_problem(self.problem, exc.message)
            return None
        store, actor, year, today = self.ctx.store, self.ctx.actor, self.year, self.ctx.today()
        held, issued, returned, counters = date_of(self.held_edit), self.issued_spin.value(), self.returned_spin.value(), self.counters_edit.text()
        show_problem(self.problem, "")
        return self.ctx.write(
            lambda _control: appraisal.record_tally(store, actor, year, held, issued, returned, votes, counters, today=today),
            Kind.LEDGER, parent=self, on_problem=self._refused,
        )

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)

    def print_paper(self, kind: str):
        return self.page.open_dialog(PracticePrintDialog(self.ctx, kind, self.year, self))
