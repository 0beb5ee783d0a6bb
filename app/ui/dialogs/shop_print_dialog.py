"""Printing the honour shop's papers and the red-and-black board from the window: a month's
redemption slips (or the chosen ones), the year's passbooks, the shop's monthly report, and the
board of a month or a quarter on A4 or A3. The same data and renderers as the command line's
`report` kinds (app/cli/shop_reports.py)."""

from __future__ import annotations

import uuid
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox, QFormLayout, QVBoxLayout, QWidget

from app.domain.periods import Month
from app.services.printing import shop_papers as data
from app.services.printing.report_data import IssueSettings
from app.ui.context import UiContext
from app.ui.dialogs.report_dialog import ReportDialog
from app.ui.widgets import hint_label

SLIPS, PASSBOOK, MONTH_REPORT, BOARD = "slips", "passbook", "shop-month", "board"
TITLES = {
    SLIPS: QT_TRANSLATE_NOOP("ShopPrintDialog", "积分兑换凭证"), PASSBOOK: QT_TRANSLATE_NOOP("ShopPrintDialog", "积分存折"),
    MONTH_REPORT: QT_TRANSLATE_NOOP("ShopPrintDialog", "积分超市月报"), BOARD: QT_TRANSLATE_NOOP("ShopPrintDialog", "红黑榜"),
}


def build_shop_paper(store, kind: str, year: int, period: tuple[str, int], paper: str, issued_on,
                     slip_ids: list[uuid.UUID] | None = None, member_ids=None) -> Callable[[object], bytes]:
    """The job: report data, then the renderer (on the worker thread; the services open their own sessions).
    `period` is ("month", 1–12) or ("quarter", 1–4)."""
    from app.reports import shop_papers as render

    def build(_control) -> bytes:
        if kind == SLIPS:
            batch = data.redemption_slips(store, slip_ids) if slip_ids else data.month_slips(store, Month(year, period[1]), member_ids)
            return render.render_redemption_slips(batch)
        if kind == PASSBOOK:
            return render.render_passbooks(data.passbooks(store, year, member_ids, issued_on))
        if kind == MONTH_REPORT:
            return render.render_shop_month_report(data.shop_month_report(store, Month(year, period[1]), issued_on))
        month, quarter = (period[1], None) if period[0] == "month" else (None, period[1])
        notice = data.board_notice(store, year, month, quarter, IssueSettings(issued_on=issued_on))
        return render.render_board_notice(notice, paper)

    return build


class ShopPrintDialog(ReportDialog):
    def __init__(self, ctx: UiContext, kind: str, year: int, parent: QWidget | None = None,
                 slip_ids: list[uuid.UUID] | None = None, member_ids=None) -> None:
        super().__init__(ctx, parent)
        self.kind, self.year, self.slip_ids, self.member_ids = kind, year, slip_ids, member_ids
        self.setWindowTitle(self.tr("打印{0}").format(self.tr(TITLES[kind])))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        today = ctx.today()
        last = today.month if today.year == year else 12
        self.period_box = QComboBox()
        for month in range(1, 13):
            self.period_box.addItem(self.tr("{0}月").format(month), ("month", month))
        if kind == BOARD:
            for quarter in range(1, 5):
                self.period_box.addItem(self.tr("第{0}季度").format(quarter), ("quarter", quarter))
        self.period_box.setCurrentIndex(last - 1)
        self.paper_box = QComboBox()
        self.paper_box.addItems(["A4", "A3"])
        if kind in (MONTH_REPORT, BOARD) or (kind == SLIPS and not slip_ids):
            form.addRow(self.tr("月份或季度") if kind == BOARD else self.tr("月份"), self.period_box)
        if kind == BOARD:
            form.addRow(self.tr("纸张"), self.paper_box)
        layout.addWidget(hint_label(self.tr("{0} 年{1}：生成后在预览中打印或另存为 PDF。").format(year, self.tr(TITLES[kind]))))
        layout.addLayout(form)
        self.add_foot(layout)

    def title(self) -> str:
        period = self.period_box.currentText()
        if self.kind == PASSBOOK or self.slip_ids:
            return self.tr("{0}年{1}").format(self.year, self.tr(TITLES[self.kind]))
        return self.tr("{0}年{1}{2}").format(self.year, period, self.tr(TITLES[self.kind]))

    def make_preview(self) -> None:
        build = build_shop_paper(self.ctx.store, self.kind, self.year, self.period_box.currentData(), self.paper_box.currentText(),
                                 self.ctx.today(), self.slip_ids, self.member_ids)
        title = self.title()
        self.build_and_preview(lambda control: (build(control), title), title)
