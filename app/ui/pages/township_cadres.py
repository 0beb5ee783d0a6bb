"""驻村干部 in the township's window: every village's resident and liaison cadres side by side,
with the year's points, the ten-point score and the band (each village under its own cadre rule
set, gathered with its backup). Read only: cadres are scored in their village."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain.points import format_points
from app.services.practice.township import township_cadres
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.models.table_models import CENTER, Column, RowTableModel
from app.ui.pages.base import Page
from app.ui.widgets import fit_columns, hint_label, make_table


class TownshipCadresPage(Page):
    depends_on = Kind.TOWNSHIP

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("驻村干部")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        self.year_box = QComboBox()
        for year in (ctx.today().year, ctx.today().year - 1):
            self.year_box.addItem(self.tr("{0} 年").format(year), year)
        self.year_box.currentIndexChanged.connect(lambda _i: self.refresh())
        top.addWidget(self.year_box)
        top.addStretch(1)
        layout.addLayout(top)
        self.summary = hint_label()
        layout.addWidget(self.summary)
        self.model = RowTableModel([
            Column(self.tr("村（社区）"), lambda r: r.branch_name), Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("类别"), lambda r: r.kind, CENTER), Column(self.tr("派出单位"), lambda r: r.sent_by),
            Column(self.tr("职务"), lambda r: r.post), Column(self.tr("年度积分"), lambda r: format_points(r.total), CENTER),
            Column(self.tr("十分制"), lambda r: format_points(r.ten_point), CENTER), Column(self.tr("等次"), lambda r: r.band, CENTER),
        ], self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label(self.tr("各村按本村的驻村干部考核细则计分，十分制得分按细则中的折算规则换算；数据随各村交来的备份汇总。")))

    @property
    def year(self) -> int:
        return self.year_box.currentData() or self.ctx.today().year

    def refresh(self) -> None:
        store, year = self.ctx.store, self.year
        self.read(lambda _control: township_cadres(store, year), self._show, key="cadres")

    def _show(self, rows) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        villages = len({r.branch_id for r in rows})
        self.summary.setText(self.tr("{0} 年：{1} 个村（社区）共 {2} 名驻村干部。").format(self.year, villages, len(rows))
                             if rows else self.tr("{0} 年还没有汇总到驻村干部的积分（各村建立驻村干部考核细则并交来备份后显示）。").format(self.year))
