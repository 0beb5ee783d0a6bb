"""打印: choose a report and its period; the PDF is built off the UI thread, then previewed.

The preview, printing and saving as PDF are app/ui/dialogs/print_preview.py's; this dialog only
chooses what to print and builds it, on the window's job runner, with the report data services
and renderers (the building and the buttons are app/ui/dialogs/report_dialog.py's, shared with
the rating round's print dialog).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QListWidget, QSpinBox, QVBoxLayout, QWidget

from app.domain.periods import Month
from app.services.printing import report_data
from app.ui.context import UiContext
from app.ui.dialogs.report_dialog import ReportDialog
from app.ui.widgets import hint_label

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: str
    monthly: bool
    hint: str


def report_kinds() -> list[ReportKind]:
    """Labels and hints are marked for translation here and translated where they are shown."""
    return [
        ReportKind("scorecards", QT_TRANSLATE_NOOP("PrintDialog", "积分卡（每人一张）"), True,
                   QT_TRANSLATE_NOOP("PrintDialog", "每名党员当月的积分卡，A4 纵向。")),
        ReportKind("notice", QT_TRANSLATE_NOOP("PrintDialog", "积分公示表"), True,
                   QT_TRANSLATE_NOOP("PrintDialog", "全支部当月积分排名，贴在公示栏，A4 或 A3 横向。")),
        ReportKind("stars", QT_TRANSLATE_NOOP("PrintDialog", "星级评定公示"), False,
                   QT_TRANSLATE_NOOP("PrintDialog", "全年星级评定结果公示，A4 或 A3 纵向。")),
        ReportKind("certificates", QT_TRANSLATE_NOOP("PrintDialog", "荣誉证书（五星党员）"), False,
                   QT_TRANSLATE_NOOP("PrintDialog", "五星党员的荣誉证书，A4 横向，每人一页。")),
        ReportKind("annual", QT_TRANSLATE_NOOP("PrintDialog", "年度积分汇总"), False,
                   QT_TRANSLATE_NOOP("PrintDialog", "每名党员全年每月的积分、总分、等次和星级。")),
    ]


def build_report(store, kind: str, month: Month, year: int, paper: str) -> Callable:
    """The job: report data, then the renderer (runs on the worker thread, opens its own sessions)."""
    from app import reports

    def build(control) -> tuple[bytes, str]:
        progress = control.progress
        if kind == "scorecards":
            batch = report_data.scorecards(store, month)
            return reports.render_scorecards(batch, progress=progress), translate("PrintDialog", "{0}积分卡").format(month.label)
        if kind == "notice":
            notice = report_data.monthly_notice(store, month)
            return reports.render_monthly_notice(notice, paper=paper, progress=progress), translate("PrintDialog", "{0}积分公示表").format(month.label)
        if kind == "stars":
            notice = report_data.star_notice(store, year)
            return reports.render_star_notice(notice, paper=paper, progress=progress), translate("PrintDialog", "{0}年度星级评定公示").format(year)
        if kind == "certificates":
            batch = report_data.certificates(store, year)
            return reports.render_certificates(batch, progress=progress), translate("PrintDialog", "{0}年度荣誉证书").format(year)
        batch = report_data.annual_summaries(store, year)
        return reports.render_annual(batch, progress=progress), translate("PrintDialog", "{0}年度积分汇总").format(year)

    return build


class PrintDialog(ReportDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.kinds = report_kinds()
        self.setWindowTitle(self.tr("打印"))
        layout = QVBoxLayout(self)
        self.kind_list = QListWidget()
        for kind in self.kinds:
            self.kind_list.addItem(self.tr(kind.label))
        self.kind_list.setCurrentRow(1)
        self.kind_list.currentRowChanged.connect(self._kind_changed)
        layout.addWidget(self.kind_list)
        self.kind_hint = hint_label()
        layout.addWidget(self.kind_hint)
        layout.addLayout(self._period_form(ctx.today()))
        self.add_foot(layout)
        self._kind_changed(self.kind_list.currentRow())

    def _period_form(self, today) -> QFormLayout:
        form = QFormLayout()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(self.tr(" 年"))
        form.addRow(self.tr("年度"), self.year_spin)
        self.month_box = QComboBox()
        for number in range(1, 13):
            self.month_box.addItem(self.tr("{0}月").format(number), number)
        # Early in a month the clerk prints the month just finished.
        last = Month(today.year, today.month) if today.day > 10 or today.month == 1 else Month(today.year, today.month - 1)
        self.month_box.setCurrentIndex(last.month - 1)
        form.addRow(self.tr("月份"), self.month_box)
        self.paper_box = QComboBox()
        self.paper_box.addItems(["A4", "A3"])
        form.addRow(self.tr("纸张"), self.paper_box)
        return form

    @property
    def kind(self) -> ReportKind:
        return self.kinds[max(0, self.kind_list.currentRow())]

    def _kind_changed(self, _row: int) -> None:
        kind = self.kind
        self.kind_hint.setText(self.tr(kind.hint))
        self.month_box.setEnabled(kind.monthly)
        self.paper_box.setEnabled(kind.key in ("notice", "stars"))

    def make_preview(self) -> None:
        kind = self.kind
        month = Month(self.year_spin.value(), self.month_box.currentData())
        build = build_report(self.ctx.store, kind.key, month, self.year_spin.value(), self.paper_box.currentText())
        self.build_and_preview(build, self.tr(kind.label))
