"""打印公示 / 打印荣誉证书 from the rating round's frozen results, previewed with app.ui.dialogs.print_preview.

The report data (app.services.printing.report_data) and the PDF (app.reports) are built on the job
runner; the preview opens on the UI thread (both through app/ui/dialogs/report_dialog.py, shared
with 打印). A report that cannot be made (nobody with that
many stars…) says why inside the dialog.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtWidgets import QComboBox, QFormLayout, QVBoxLayout, QWidget

from app.services.printing import report_data
from app.services.rating.queries import RoundView
from app.ui.context import UiContext
from app.ui.dialogs.rating_member_dialogs import stars_box
from app.ui.dialogs.report_dialog import ReportDialog
from app.ui.widgets import hint_label

NOTICE, CERTIFICATES = "notice", "certificates"


def build_rating_report(store, kind: str, year: int, paper: str, min_stars: int, issued_on: date) -> Callable:
    """The job: report data, then the renderer (runs on the worker thread, opens its own sessions)."""
    from app import reports

    def build(control) -> bytes:
        settings = report_data.IssueSettings(issued_on=issued_on)
        if kind == NOTICE:
            notice = report_data.star_notice(store, year, settings)
            return reports.render_star_notice(notice, paper=paper, progress=control.progress)
        batch = report_data.certificates(store, year, min_stars=min_stars, settings=settings)
        return reports.render_certificates(batch, progress=control.progress)

    return build


class RatingPrintDialog(ReportDialog):
    def __init__(self, ctx: UiContext, view: RoundView, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.view, self.kind = view, kind
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.paper_box = QComboBox()
        self.paper_box.addItems(["A4", "A3"])
        self.stars_box = stars_box(1, 5)
        if kind == NOTICE:
            self.setWindowTitle(self.tr("打印星级评定公示"))
            text = self.tr("按本轮评定的结果（含支委会调整和异议处理）打印公示表，A4 或 A3 纵向。")
            if view.publicity_start:
                text += self.tr("公示期 {0:%Y-%m-%d} 至 {1:%Y-%m-%d}。").format(view.publicity_start, view.publicity_end)
            else:
                text += self.tr("还没有发布公示，这是公示前的样稿。")
            form.addRow(self.tr("纸张"), self.paper_box)
        else:
            self.setWindowTitle(self.tr("打印荣誉证书"))
            text = self.tr("为达到所选星级的党员各打印一张荣誉证书，A4 横向，每人一页；被一票否决的党员不打印。")
            form.addRow(self.tr("星级"), self.stars_box)
            form.addRow("", hint_label(self.tr("选“五星”只打印五星党员；选“四星”打印四星及以上。")))
        layout.addWidget(hint_label(text))
        layout.addLayout(form)
        self.add_foot(layout)

    def title(self) -> str:
        if self.kind == NOTICE:
            return self.tr("{0}年度星级评定公示").format(self.view.year)
        return self.tr("{0}年度荣誉证书").format(self.view.year)

    def make_preview(self) -> None:
        issued_on = self.view.publicity_start if self.kind == NOTICE and self.view.publicity_start else self.ctx.today()
        build = build_rating_report(self.ctx.store, self.kind, self.view.year, self.paper_box.currentText(),
                                    self.stars_box.currentData(), issued_on)
        title = self.title()
        self.build_and_preview(lambda control: (build(control), title), title)
