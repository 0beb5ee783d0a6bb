"""双报到·评议·驻村: the practice around the ledger, one tab each — 双报到 (in-service members'
hours in their home community), 民主评议 (the ballot's tally), 驻村干部 (resident cadres)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.periods import year_row
from app.ui.pages.base import Page
from app.ui.pages.practice_appraisal import AppraisalTab
from app.ui.pages.practice_cadres import CadreTab
from app.ui.pages.practice_dual import DualReportTab


class PracticePage(Page):
    depends_on = Kind.ROSTER | Kind.RULES | Kind.LEDGER | Kind.RATING

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("双报到·评议·驻村")
        layout = QVBoxLayout(self)
        top, self.year_box = year_row(self, self.refresh)
        top.addStretch(1)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.dual_tab, self.appraisal_tab, self.cadre_tab = DualReportTab(self), AppraisalTab(self), CadreTab(self)
        self.tabs.addTab(self.dual_tab, self.tr("双报到"))
        self.tabs.addTab(self.appraisal_tab, self.tr("民主评议"))
        self.tabs.addTab(self.cadre_tab, self.tr("驻村干部"))
        layout.addWidget(self.tabs, 1)

    @property
    def year(self) -> int:
        return self.year_box.currentData() or self.ctx.today().year

    def refresh(self) -> None:
        for tab in (self.dual_tab, self.appraisal_tab, self.cadre_tab):
            tab.refresh(self.year)
