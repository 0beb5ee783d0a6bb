"""What the chart services share: months shown, averages, labels."""

from __future__ import annotations

from decimal import Decimal

from app.domain.periods import Month
from app.domain.points import ZERO, exact_points

MONTH_NAMES = tuple(f"{m}月" for m in range(1, 13))
STAR_NAMES = ("未达星级", "一星", "二星", "三星", "四星", "五星")


def last_month(up_to: Month | None) -> int:
    """The last month a chart shows figures for (the months after it are left blank)."""
    return 12 if up_to is None else up_to.month


def average(total: Decimal, count: int) -> Decimal:
    """Rounded to two places, as every average the program prints."""
    return exact_points(total / count) if count else ZERO


def share(part: int, whole: int) -> Decimal:
    """A percentage to one place."""
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else Decimal(0)


def period_text(year: int, up_to: Month | None) -> str:
    return f"{year}年度" if up_to is None or up_to.month == 12 else f"{year}年1—{up_to.month}月"
