"""Periods as the window offers them."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from app.domain.periods import Month
from app.ui.context import UiContext


def current_month(ctx: UiContext) -> Month:
    return Month.of(ctx.today())


def year_row(page, on_change) -> tuple[QHBoxLayout, QComboBox]:
    """'年度 [this year | last year]' at the top of a page, calling `on_change` when it changes."""
    row = QHBoxLayout()
    row.addWidget(QLabel(page.tr("年度")))
    box = QComboBox()
    this_year = page.ctx.today().year
    for year in (this_year, this_year - 1):
        box.addItem(page.tr("{0} 年").format(year), year)
    box.currentIndexChanged.connect(lambda _i: on_change())
    row.addWidget(box)
    return row, box

