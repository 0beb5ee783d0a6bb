"""双报到: in-service members serve in their home community; the year's hours decide whether the
duty was met, against the threshold of the year's rule set, unless the branch decided otherwise
with a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.errors import ValidationError
from app.domain.periods import quarter_months
from app.domain.points import ZERO, format_points, points
from app.domain.dates import day_text

MAX_HOURS_A_DAY = Decimal("24")


def check_service(served_on: date, hours: Decimal, activity: str, today: date) -> Decimal:
    """The hours of one service record, checked; raise ValidationError saying what is wrong."""
    if served_on > today:
        raise ValidationError(f"服务日期{day_text(served_on)}还没到，不能提前登记。")
    try:
        value = points(hours)
    except (ValueError, TypeError, ArithmeticError):
        raise ValidationError(f"服务时长应为数字（小时），写成了“{hours}”。") from None
    if not ZERO < value <= MAX_HOURS_A_DAY:
        raise ValidationError(f"一次服务的时长应在 0 到 24 小时之间，写成了 {format_points(value)} 小时。")
    if not (activity or "").strip():
        raise ValidationError("请写明服务内容（如“社区环境整治”）。")
    return value


@dataclass(frozen=True)
class DualReportDecision:
    """Whether the member met the 双报到 duty this year, and on what ground."""

    hours: Decimal
    threshold: Decimal | None
    served: bool | None  # None: no threshold and no decision (the hand tick of the round stands)
    overridden: bool = False
    reason: str = ""

    @property
    def ground(self) -> str:
        if self.overridden:
            return f"支部认定{'已' if self.served else '未'}落实：{self.reason}"
        if self.threshold is None:
            return "细则未设服务时长要求，由支部勾选认定"
        verdict = "达到" if self.served else "未达到"
        return f"全年服务 {format_points(self.hours)} 小时，{verdict} {format_points(self.threshold)} 小时的要求"


def decide_dual_report(hours: Decimal, threshold: Decimal | None, override: tuple[bool, str] | None = None) -> DualReportDecision:
    """The hours decide against the threshold; the branch's latest override (served, reason) wins."""
    if override is not None:
        return DualReportDecision(hours, threshold, override[0], True, override[1])
    if threshold is None:
        return DualReportDecision(hours, None, None)
    return DualReportDecision(hours, threshold, hours >= threshold)


def check_threshold(hours: Decimal | None) -> Decimal | None:
    if hours is None:
        return None
    try:
        value = points(hours)
    except (ValueError, TypeError, ArithmeticError):
        raise ValidationError(f"双报到全年服务时长要求应为数字（小时），写成了“{hours}”。") from None
    if not ZERO < value <= Decimal("1000"):
        raise ValidationError(f"双报到全年服务时长要求应在 0 到 1000 小时之间，写成了 {format_points(value)} 小时。")
    return value


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter (the feedback letter goes to the employer each quarter)."""
    if not 1 <= quarter <= 4:
        raise ValidationError(f"季度应为 1 到 4，写成了 {quarter}。")
    months = quarter_months(year, quarter)
    return months[0].first_day, months[-1].last_day
