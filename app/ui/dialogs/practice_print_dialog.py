"""Printing the practice papers from the window: the quarter's 双报到 feedback letters, the
民主评议 ballot and result sheet, the resident cadres' month cards and year's assessment sheets.
The same report data and renderers as the command line's `report` kinds (app/cli/practice_reports.py)."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox, QFormLayout, QVBoxLayout, QWidget

from app.domain.periods import Month
from app.services.printing import practice_papers as data
from app.ui.context import UiContext
from app.ui.dialogs.report_dialog import ReportDialog
from app.ui.widgets import hint_label

FEEDBACK, BALLOT, TALLY, CARDS, SHEETS = "feedback", "ballot", "tally", "cadre-cards", "cadre-sheets"
TITLES = {
    FEEDBACK: QT_TRANSLATE_NOOP("PracticePrintDialog", "双报到反馈单"),
    BALLOT: QT_TRANSLATE_NOOP("PracticePrintDialog", "民主评议党员测评表"),
    TALLY: QT_TRANSLATE_NOOP("PracticePrintDialog", "民主评议党员结果"),
    CARDS: QT_TRANSLATE_NOOP("PracticePrintDialog", "驻村干部月度积分卡"),
    SHEETS: QT_TRANSLATE_NOOP("PracticePrintDialog", "驻村干部年度考核表"),
}


def build_practice_paper(store, kind: str, year: int, quarter: int, month: Month, issued_on) -> Callable[[object], bytes]:
    """The job: report data, then the renderer (on the worker thread; the services open their own sessions)."""
    from app.reports import practice_papers as paper

    def build(_control) -> bytes:
        if kind == FEEDBACK:
            return paper.render_feedback_letters(data.feedback_letters(store, year, quarter, issued_on=issued_on))
        if kind == BALLOT:
            return paper.render_ballot(data.ballot(store, year))
        if kind == TALLY:
            return paper.render_tally_sheet(data.tally_sheet(store, year))
        if kind == CARDS:
            return paper.render_cadre_papers(data.cadre_cards(store, month))
        return paper.render_cadre_papers(data.cadre_assessments(store, year))

    return build


class PracticePrintDialog(ReportDialog):
    def __init__(self, ctx: UiContext, kind: str, year: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.kind, self.year = kind, year
        self.setWindowTitle(self.tr("打印{0}").format(self.tr(TITLES[kind])))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        today = ctx.today()
        self.quarter_box = QComboBox()
        for quarter in range(1, 5):
            self.quarter_box.addItem(self.tr("第{0}季度").format(quarter), quarter)
        self.quarter_box.setCurrentIndex((today.month - 1) // 3 if today.year == year else 3)
        self.month_box = QComboBox()
        last = today.month if today.year == year else 12
        for month in range(1, 13):
            self.month_box.addItem(self.tr("{0}月").format(month), month)
        self.month_box.setCurrentIndex(last - 1)
        if kind == FEEDBACK:
            form.addRow(self.tr("季度"), self.quarter_box)
        if kind == CARDS:
            form.addRow(self.tr("月份"), self.month_box)
        layout.addWidget(hint_label(self.tr("{0} 年{1}：生成后在预览中打印或另存为 PDF。").format(year, self.tr(TITLES[kind]))))
        layout.addLayout(form)
        self.add_foot(layout)

    def title(self) -> str:
        if self.kind == FEEDBACK:
            return self.tr("{0}年第{1}季度双报到反馈单").format(self.year, self.quarter_box.currentData())
        if self.kind == CARDS:
            return self.tr("{0}年{1}月驻村干部积分卡").format(self.year, self.month_box.currentData())
        return self.tr("{0}年度{1}").format(self.year, self.tr(TITLES[self.kind]))

    def make_preview(self) -> None:
        build = build_practice_paper(self.ctx.store, self.kind, self.year, self.quarter_box.currentData(),
                                     Month(self.year, self.month_box.currentData()), self.ctx.today())
        title = self.title()
        self.build_and_preview(lambda control: (build(control), title), title)
