"""Periods as the window offers them."""

from __future__ import annotations

from app.domain.periods import Month
from app.ui.context import UiContext


def current_month(ctx: UiContext) -> Month:
    return Month.of(ctx.today())
