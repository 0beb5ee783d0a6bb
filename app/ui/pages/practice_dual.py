"""The 双报到 tab: each in-service member's home community, employer, the year's hours and the
decision (by the hours against the rule set's requirement, or the branch's with a reason); the
selected member's service records below, with reversal; the quarter's feedback letters."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget
from PySide6.QtCore import QCoreApplication, Qt

from app.domain.points import format_points
from app.services.practice import dual_report
from app.services.rules import rulesets
from app.ui.changes import Kind
from app.ui.dialogs.practice_dual_dialogs import OverrideDialog, ProfileDialog, ServiceDialog, ThresholdDialog
from app.ui.dialogs.practice_print_dialog import FEEDBACK, PracticePrintDialog
from app.ui.dialogs.reason_dialog import ReasonDialog
from app.ui.models.table_models import CENTER, Column, RowTableModel
from app.ui.widgets import fit_columns, hint_label, make_table, select_row_where, selected_row

translate = QCoreApplication.translate
SERVED_COLOURS = {True: "#375623", False: "#9C0006"}


def served_text(row: dual_report.DualReportRow) -> str:
    word = {True: translate("DualReportTab", "已落实"), False: translate("DualReportTab", "未落实"),
            None: translate("DualReportTab", "由支部勾选")}[row.decision.served]
    return word + (translate("DualReportTab", "（支部认定）") if row.decision.overridden else "")


class DualReportTab(QWidget):
    def __init__(self, page) -> None:
        super().__init__(page)
        self.page, self.ctx = page, page.ctx
        self.year = self.ctx.today().year
        self.threshold = None
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.profile_button = QPushButton(self.tr("居住地和单位…"))
        self.service_button = QPushButton(self.tr("登记服务…"))
        self.reverse_button = QPushButton(self.tr("冲正所选记录…"))
        self.override_button = QPushButton(self.tr("支部认定…"))
        self.threshold_button = QPushButton(self.tr("时长要求…"))
        self.print_button = QPushButton(self.tr("打印反馈单…"))
        for button, slot in ((self.profile_button, self.edit_profile), (self.service_button, self.add_service),
                             (self.reverse_button, self.reverse_record), (self.override_button, self.override),
                             (self.threshold_button, self.set_threshold), (self.print_button, self.print_letters)):
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.summary = hint_label()
        layout.addWidget(self.summary)
        self.model = RowTableModel([
            Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("全年时长"), lambda r: format_points(r.hours), CENTER),
            Column(self.tr("双报到"), served_text, CENTER, colour=lambda r: SERVED_COLOURS.get(r.decision.served),
                   tooltip=lambda r: r.decision.ground),
            Column(self.tr("服务次数"), lambda r: r.records, CENTER), Column(self.tr("党小组"), lambda r: r.group_name),
            Column(self.tr("居住地社区"), lambda r: r.home_community or "—"), Column(self.tr("工作单位"), lambda r: r.employer or "—"),
        ], self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._load_lines())
        self.lines_model = RowTableModel([
            Column(self.tr("日期"), lambda r: f"{r.served_on:%Y-%m-%d}", CENTER), Column(self.tr("服务内容"), lambda r: r.activity, tooltip=lambda r: r.activity),
            Column(self.tr("时长"), lambda r: format_points(r.hours), CENTER), Column(self.tr("社区确认人"), lambda r: r.confirmed_by),
            Column(self.tr("备注"), lambda r: r.note),
            Column(self.tr("状态"), lambda r: self.tr("已冲正") if r.reversed else (self.tr("冲正记录") if r.reverses_id else ""), CENTER),
        ], self)
        self.lines = make_table(self)
        self.lines.setModel(self.lines_model)
        self.lines.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        # Side by side, so that both keep their rows on a 1366×768 laptop.
        records = QWidget()
        column = QVBoxLayout(records)
        column.setContentsMargins(0, 0, 0, 0)
        self.ground = hint_label(self.tr("选中一名党员，这里列出他本年度的服务记录。"))
        column.addWidget(self.ground)
        column.addWidget(self.lines, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(records)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self._update_buttons()

    def refresh(self, year: int) -> None:
        self.year = year
        store = self.ctx.store

        def ask(_control):
            try:
                limit = rulesets.get_rule_set(store, year).rule_set.dual_report_hours
            except Exception:  # no rule set this year: the hours are still shown, nothing decides them
                limit = None
            return limit, dual_report.year_rows(store, year)

        self.page.read(ask, self._show, key="dual")

    def _show(self, answer) -> None:
        keep = self.selected()
        self.threshold, rows = answer
        self.model.set_rows(rows)
        fit_columns(self.table)
        served = sum(1 for r in rows if r.decision.served)
        rule = self.tr("全年服务满 {0} 小时算落实").format(format_points(self.threshold)) if self.threshold is not None else self.tr("细则未设服务时长要求，由支部在星级评定中勾选")
        self.summary.setText(self.tr("{0} 年双报到：{1}；在职党员 {2} 名，已落实 {3} 名。没有落实的在职党员星级受限，也不能评先评优。").format(
            self.year, rule, len(rows), served))
        if keep is not None:
            self.select(keep.name)
        self._load_lines()

    def selected(self):
        return selected_row(self.table)

    def select(self, name: str) -> bool:
        return select_row_where(self.table, lambda row: row.name == name)

    def selected_line(self):
        return selected_row(self.lines)

    def _load_lines(self) -> None:
        row, store, year = self.selected(), self.ctx.store, self.year
        if row is None:
            self.lines_model.set_rows([])
            self.ground.setText(self.tr("选中一名党员，这里列出他本年度的服务记录。"))
            self._update_buttons()
            return
        self.ground.setText(f"{row.name}：{row.decision.ground}")
        self.page.read(lambda _c: dual_report.service_lines(store, row.member_id, date(year, 1, 1), date(year, 12, 31)),
                       self._show_lines, key="dual-lines")

    def _show_lines(self, lines) -> None:
        self.lines_model.set_rows(lines)
        fit_columns(self.lines)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row, line = self.selected(), self.selected_line()
        self.profile_button.setEnabled(row is not None)
        self.override_button.setEnabled(row is not None)
        self.service_button.setEnabled(self.model.rowCount() > 0)
        self.reverse_button.setEnabled(line is not None and not line.reversed and line.reverses_id is None)

    def edit_profile(self):
        row = self.selected()
        return None if row is None else self.page.open_dialog(ProfileDialog(self.ctx, row, self))

    def add_service(self):
        row = self.selected()
        return self.page.open_dialog(ServiceDialog(self.ctx, self.model.rows(), row.member_id if row else None, self))

    def override(self):
        row = self.selected()
        return None if row is None else self.page.open_dialog(OverrideDialog(self.ctx, self.year, row, self))

    def set_threshold(self):
        return self.page.open_dialog(ThresholdDialog(self.ctx, self.year, self.threshold, self))

    def print_letters(self):
        return self.page.open_dialog(PracticePrintDialog(self.ctx, FEEDBACK, self.year, self))

    def reverse_record(self):
        line = self.selected_line()
        if line is None:
            return None
        store, actor = self.ctx.store, self.ctx.actor
        text = self.tr("冲正 {0:%Y-%m-%d}“{1}” {2} 小时：原记录保留，另记一条相反的记录。").format(line.served_on, line.activity, format_points(line.hours))
        return self.page.open_dialog(ReasonDialog(
            self.ctx, self.tr("冲正服务记录"), text,
            lambda reason: (lambda _control: dual_report.reverse_service(store, actor, line.id, reason)), Kind.LEDGER, self,
        ))
