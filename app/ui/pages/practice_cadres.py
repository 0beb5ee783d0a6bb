"""The 驻村干部 tab: the village's resident and liaison cadres with the year's points, ten-point
score and band; the selected cadre's lines below, with reversal; the year's cadre rule set from
the shipped template (adjusted in 考核细则…); the month cards and the year's assessment sheets to print."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from app.domain.errors import NotFound
from app.domain.points import format_points
from app.services.practice import cadres
from app.ui.changes import Kind
from app.ui.dialogs.practice_cadre_dialogs import CadreDialog, CadrePointsDialog
from app.ui.dialogs.practice_cadre_rules import CadreRulesDialog
from app.ui.dialogs.practice_print_dialog import CARDS, SHEETS, PracticePrintDialog
from app.ui.dialogs.reason_dialog import ReasonDialog
from app.ui.models.table_models import CENTER, Column, RowTableModel
from app.ui.widgets import fit_columns, hint_label, make_table, select_row_where, selected_row


class CadreTab(QWidget):
    def __init__(self, page) -> None:
        super().__init__(page)
        self.page, self.ctx = page, page.ctx
        self.year = self.ctx.today().year
        self.scheme = None
        self.roster: list[cadres.CadreRow] = []
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.scheme_button = QPushButton(self.tr("建立考核细则"))
        self.rules_button = QPushButton(self.tr("考核细则…"))
        self.add_button = QPushButton(self.tr("登记驻村干部…"))
        self.edit_button = QPushButton(self.tr("修改…"))
        self.points_button = QPushButton(self.tr("记分…"))
        self.reverse_button = QPushButton(self.tr("冲正所选记录…"))
        self.cards_button = QPushButton(self.tr("打印月度积分卡…"))
        self.sheets_button = QPushButton(self.tr("打印年度考核表…"))
        for button, slot in ((self.scheme_button, self.create_scheme), (self.rules_button, self.open_rules), (self.add_button, self.add_cadre), (self.edit_button, self.edit_cadre),
                             (self.points_button, self.add_points), (self.reverse_button, self.reverse_line),
                             (self.cards_button, lambda: self.print_paper(CARDS)), (self.sheets_button, lambda: self.print_paper(SHEETS))):
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.summary = hint_label()
        layout.addWidget(self.summary)
        self.model = RowTableModel([
            Column(self.tr("姓名"), lambda y: y.cadre.name, tooltip=lambda y: f"{y.cadre.sent_by} {y.cadre.post}".strip()),
            Column(self.tr("年度积分"), lambda y: format_points(y.total), CENTER),
            Column(self.tr("十分制"), lambda y: format_points(y.ten_point), CENTER), Column(self.tr("等次"), lambda y: y.band, CENTER),
            Column(self.tr("类别"), lambda y: y.cadre.kind.label, CENTER), Column(self.tr("派出单位"), lambda y: y.cadre.sent_by),
            Column(self.tr("职务"), lambda y: y.cadre.post),
        ], self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_lines())
        self.lines_model = RowTableModel([
            Column(self.tr("日期"), lambda r: f"{r.occurred_on:%Y-%m-%d}", CENTER), Column(self.tr("考核项目"), lambda r: r.item_name, tooltip=lambda r: r.item_name),
            Column(self.tr("分值"), lambda r: format_points(r.points), CENTER), Column(self.tr("说明"), lambda r: r.note),
            Column(self.tr("状态"), lambda r: self.tr("已冲正") if r.reversed else (self.tr("冲正记录") if r.reverses_id else ""), CENTER),
        ], self)
        self.lines = make_table(self)
        self.lines.setModel(self.lines_model)
        self.lines.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        split = QSplitter(Qt.Orientation.Horizontal)  # side by side: both keep their rows on a laptop
        split.addWidget(self.table)
        split.addWidget(self.lines)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)
        self._update_buttons()

    def refresh(self, year: int) -> None:
        self.year = year
        store, actor = self.ctx.store, self.ctx.actor

        def ask(_control):
            roster = cadres.list_cadres(store, actor)  # with the log-in's key: the edit form shows phones masked
            try:
                return roster, cadres.get_scheme(store, year), cadres.branch_cadre_years(store, year)
            except NotFound:
                return roster, None, []

        self.page.read(ask, self._show, key="cadres")

    def _show(self, answer) -> None:
        keep = self.selected()
        self.roster, self.scheme, years = answer
        self.model.set_rows(years)
        fit_columns(self.table)
        if self.scheme is None:
            self.summary.setText(self.tr("{0} 年的驻村干部考核细则还没有建立：点“建立考核细则”，从县里的模板建立。").format(self.year))
        else:
            self.summary.setText(self.tr("{0}：基础分 {1} 分。{2}。").format(
                self.scheme.name, format_points(self.scheme.base_points), self.scheme.conversion_text()))
        if keep is not None:
            self.select(keep.cadre.name)
        self._show_lines()

    def selected(self):
        return selected_row(self.table)

    def select(self, name: str) -> bool:
        return select_row_where(self.table, lambda row: row.cadre.name == name)

    def selected_line(self):
        return selected_row(self.lines)

    def _show_lines(self) -> None:
        year = self.selected()
        self.lines_model.set_rows(list(year.lines) if year else [])
        fit_columns(self.lines)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_scheme, line = self.scheme is not None, self.selected_line()
        self.scheme_button.setVisible(not has_scheme)
        self.scheme_button.setText(self.tr("建立 {0} 年考核细则").format(self.year))
        self.rules_button.setVisible(has_scheme)
        self.edit_button.setEnabled(self.selected() is not None)
        self.points_button.setEnabled(has_scheme and bool(self.roster))
        self.cards_button.setEnabled(has_scheme and self.model.rowCount() > 0)
        self.sheets_button.setEnabled(has_scheme and self.model.rowCount() > 0)
        self.reverse_button.setEnabled(line is not None and not line.reversed and line.reverses_id is None)

    def create_scheme(self):
        store, actor, year = self.ctx.store, self.ctx.actor, self.year
        return self.ctx.write(lambda _control: cadres.create_scheme(store, actor, year), Kind.RULES, parent=self)

    def open_rules(self):
        """The year's items, base and full points; adjusted by the administrator, seen by everyone."""
        return None if self.scheme is None else self.page.open_dialog(CadreRulesDialog(self.ctx, self.year, self))

    def add_cadre(self):
        return self.page.open_dialog(CadreDialog(self.ctx, None, self))

    def edit_cadre(self):
        year = self.selected()
        if year is None:
            return None
        # The roster's row carries the masked phone (the year's rows are read without the key).
        row = next((c for c in self.roster if c.id == year.cadre.id), year.cadre)
        return self.page.open_dialog(CadreDialog(self.ctx, row, self))

    def add_points(self):
        if self.scheme is None or not self.roster:
            return None
        year = self.selected()
        present = [c for c in self.roster if c.ended_on is None or c.ended_on.year >= self.year]
        return self.page.open_dialog(CadrePointsDialog(self.ctx, self.scheme, present, year.cadre.id if year else None, self))

    def reverse_line(self):
        line, year = self.selected_line(), self.selected()
        if line is None or year is None:
            return None
        store, actor = self.ctx.store, self.ctx.actor
        text = self.tr("冲正{0} {1:%Y-%m-%d}“{2}” {3} 分：原记录保留，另记一条相反的记录。").format(
            year.cadre.name, line.occurred_on, line.item_name, format_points(line.points))
        return self.page.open_dialog(ReasonDialog(
            self.ctx, self.tr("冲正驻村干部积分"), text,
            lambda reason: (lambda _control: cadres.reverse_points(store, actor, line.id, reason)), Kind.LEDGER, self,
        ))

    def print_paper(self, kind: str):
        return self.page.open_dialog(PracticePrintDialog(self.ctx, kind, self.year, self))
