"""Months, quarters and years as the clerk names them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.enums import CapPeriod
from app.domain.errors import ValidationError


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 2999:
            raise ValidationError(f"月份不正确：{self.year}年{self.month}月。")

    @classmethod
    def parse(cls, text: str) -> "Month":
        match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", text or "")
        if not match:
            raise ValidationError(f"月份“{text}”看不懂，请写成 2026-10 这样的格式。")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        nxt = date(self.year + (self.month == 12), self.month % 12 + 1, 1)
        return nxt - timedelta(days=1)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def parse_year(text: str) -> int:
    match = re.fullmatch(r"\s*(\d{4})\s*年?\s*", text or "")
    if not match or not 1900 <= int(match.group(1)) <= 2999:
        raise ValidationError(f"年份“{text}”看不懂，请写四位数的年份，例如 2026。")
    return int(match.group(1))


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[Month]:
    if not 1 <= quarter <= 4:
        raise ValidationError(f"季度应为 1 到 4，收到的是 {quarter}。")
    return [Month(year, m) for m in range(quarter * 3 - 2, quarter * 3 + 1)]


def period_bounds(period: CapPeriod, day: date) -> tuple[date, date]:
    """First and last day of the month, quarter or year that contains `day`."""
    if period is CapPeriod.MONTH:
        month = Month.of(day)
        return month.first_day, month.last_day
    if period is CapPeriod.QUARTER:
        months = quarter_months(day.year, quarter_of(day))
        return months[0].first_day, months[-1].last_day
    return date(day.year, 1, 1), date(day.year, 12, 31)


def period_label(period: CapPeriod, day: date) -> str:
    if period is CapPeriod.MONTH:
        return Month.of(day).label
    if period is CapPeriod.QUARTER:
        return f"{day.year}年第{quarter_of(day)}季度"
    return f"{day.year}年"


def period_in_year(period: CapPeriod, day: date) -> str:
    """The month, quarter or year containing `day`, named inside its year: 11月, 第4季度, 全年."""
    if period is CapPeriod.MONTH:
        return f"{day.month}月"
    if period is CapPeriod.QUARTER:
        return f"第{quarter_of(day)}季度"
    return "全年"


def is_far_ahead(year: int, today: date) -> bool:
    """A year after next year: nobody records points in it or prepares its rule set yet (next
    year's may be prepared in December), so a date in it is a slip of the keyboard, 2030 for 2026."""
    return year > today.year + 1
