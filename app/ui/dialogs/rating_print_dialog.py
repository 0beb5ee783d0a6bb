"""打印公示 / 打印荣誉证书 from the rating round's frozen results, previewed with app.ui.dialogs.print_preview.

The report data (app.services.printing.report_data) and the PDF (app.reports) are built on the job
runner; the preview opens on the UI thread. A report that cannot be made (nobody with that
many stars…) says why inside the dialog.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.services.printing import report_data
from app.services.rating.queries import RoundView
from app.ui.context import UiContext
from app.ui.dialogs import print_preview
from app.ui.dialogs.rating_member_dialogs import stars_box
from app.ui.errors import show_error
from app.ui.widgets import error_label, hint_label, show_problem

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


class RatingPrintDialog(QDialog):
    def __init__(self, ctx: UiContext, view: RoundView, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.view, self.kind = ctx, view, kind
        self.preview = None
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
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
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.preview_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.preview_button.setText(self.tr("生成并预览"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("关闭"))
        buttons.accepted.connect(self.make_preview)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def title(self) -> str:
        if self.kind == NOTICE:
            return self.tr("{0}年度星级评定公示").format(self.view.year)
        return self.tr("{0}年度荣誉证书").format(self.view.year)

    def make_preview(self) -> None:
        issued_on = self.view.publicity_start if self.kind == NOTICE and self.view.publicity_start else self.ctx.today()
        build = build_rating_report(self.ctx.store, self.kind, self.view.year, self.paper_box.currentText(),
                                    self.stars_box.currentData(), issued_on)
        title = self.title()
        show_problem(self.problem, "")

        def built(pdf: bytes) -> None:
            try:
                self.preview = print_preview.open_print_preview(self.parent(), pdf, title, f"{title}.pdf")
            except AppError as exc:  # a PDF the preview cannot open: said, and the dialog stays
                show_error(self, exc)
                return
            self.ctx.say(self.tr("已生成“{0}”，请在预览中打印或另存为 PDF。").format(title))
            self.accept()

        self.job = self.ctx.read(
            build, built, parent=self, on_problem=self._failed,
            progress=(self.tr("生成报表"), self.tr("正在生成“{0}”…").format(title)),
            on_cancelled=lambda: show_problem(self.problem, self.tr("已取消，没有生成报表。")),
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)
