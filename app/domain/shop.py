"""The honour shop's arithmetic (积分超市): what a member earns, spends and keeps, year by year.

Shop points are a balance kept apart from the evaluation score. The rule set's shop settings
(`ShopRule`) say which categories of approved points also earn shop points and at what rate,
whether a vetoed year earns any, and whether what is left at the year's end is carried into
the next year or lapses.

- earned in a month = rate × the member's approved points of that month in the earning
  categories (reversals included, so they net out), to two places; a negative month (a
  deduction in an earning category, a reversed entry) takes shop points away;
- spent = the year's redemptions minus their reversals;
- the year's closing balance = opening + earned − spent; with carry-over it opens the next
  year; without, a positive remainder lapses at the year's end (年末清零) while a negative one
  (an earning entry reversed after its points were spent) is still owed next year.

Plain Python: the services hand over the scorer's month-by-category sums and the redemptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

from app.domain.enums import Category
from app.domain.errors import ValidationError
from app.domain.points import ZERO, exact_points, format_points, points

EARNING_CATEGORIES = (Category.BASE, Category.DUTY, Category.BONUS, Category.DEDUCTION)


@dataclass(frozen=True)
class ShopRule:
    """How evaluation points turn into shop points (the rule set's `shop` table)."""

    earning_categories: frozenset[Category] = frozenset({Category.BONUS})
    rate: Decimal = Decimal("1.00")  # shop points per evaluation point
    carry_over: bool = False  # False: the year's remainder lapses on 31 December
    vetoed_earns: bool = False  # a vetoed year earns no shop points unless this says so

    def describe(self) -> str:
        """The rule in one sentence, printed on the passbook and shown on the shop page."""
        kinds = "、".join(c.label for c in EARNING_CATEGORIES if c in self.earning_categories) or "（无）"
        keep = "年末结余转入下一年" if self.carry_over else "年末结余清零"
        veto = "" if self.vetoed_earns else "，受一票否决的年度不得兑换积分"
        return f"{kinds}每 1 分折合 {format_points(self.rate)} 个兑换积分，{keep}{veto}。"


def shop_rule_from_dict(data: dict) -> ShopRule:
    where = "积分超市设置"
    known = {"earning_categories", "rate", "carry_over", "vetoed_earns"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(f"{where}有不认识的字段：{'、'.join(unknown)}。")
    default = ShopRule()
    categories = []
    for text in data.get("earning_categories", [c.value for c in default.earning_categories]):
        try:
            category = Category.from_label_or_value(str(text))
        except ValueError:
            category = None
        if category not in EARNING_CATEGORIES:
            choices = "、".join(c.value for c in EARNING_CATEGORIES)
            raise ValidationError(f"{where}的计入类别写成了“{text}”，应为以下之一：{choices}。")
        categories.append(category)
    rate = _rate(data.get("rate", default.rate), where)
    return ShopRule(frozenset(categories), rate, bool(data.get("carry_over", False)), bool(data.get("vetoed_earns", False)))


def _rate(value: Any, where: str) -> Decimal:
    try:
        rate = points(str(value) if isinstance(value, float) else value)
    except (ValueError, TypeError):
        raise ValidationError(f"{where}的折算比例应为数字，写成了“{value}”。") from None
    if rate <= 0:
        raise ValidationError(f"{where}的折算比例应大于 0，例如 1 表示 1 分折 1 个兑换积分。")
    return rate


def shop_rule_to_dict(rule: ShopRule) -> dict:
    return {
        "earning_categories": [c.value for c in EARNING_CATEGORIES if c in rule.earning_categories],
        "rate": str(rule.rate),
        "carry_over": rule.carry_over,
        "vetoed_earns": rule.vetoed_earns,
    }


def earned_by_month(rule: ShopRule, month_categories: dict[int, dict[Category, Decimal]], vetoed: bool) -> dict[int, Decimal]:
    """Shop points earned in each month of a year, from the scorer's month-by-category sums."""
    if vetoed and not rule.vetoed_earns:
        return {}
    earned = {}
    for month, by_category in month_categories.items():
        value = sum((v for c, v in by_category.items() if c in rule.earning_categories), ZERO)
        if value:
            earned[month] = exact_points(value * rule.rate)
    return earned


@dataclass(frozen=True)
class Movement:
    """A redemption (points > 0) or its reversal (points < 0) as the arithmetic sees it."""

    on: date
    points: Decimal
    text: str
    slip_no: int | None = None


@dataclass(frozen=True)
class PassbookLine:
    on: date | None
    text: str
    earned: Decimal
    spent: Decimal
    balance: Decimal
    slip_no: int | None = None


@dataclass(frozen=True)
class ShopYear:
    """A member's shop year: opening, earned, spent, closing, what lapsed and what carries on."""

    year: int
    opening: Decimal
    earned: Decimal
    spent: Decimal
    lapsed: Decimal
    carried: Decimal  # into the next year
    lines: tuple[PassbookLine, ...] = field(default=())
    earned_months: tuple[tuple[int, Decimal], ...] = field(default=())

    @property
    def closing(self) -> Decimal:
        """The balance on 31 December, before anything lapses."""
        return self.opening + self.earned - self.spent

    @property
    def lines_before_year_end(self) -> tuple[PassbookLine, ...]:
        """The passbook's lines without the year-end one (a lapse is always the last line): what a
        passbook printed before the year is over shows, since nothing has lapsed yet."""
        return self.lines[:-1] if self.lapsed else self.lines


def shop_year(
    year: int, opening: Decimal, earned: dict[int, Decimal], movements: Iterable[Movement], carry_over: bool
) -> ShopYear:
    """The year's passbook: each month's earnings credited on its first day, redemptions on their
    dates (earnings first on the same day), and the year-end line where the remainder lapses."""
    movements = list(movements)
    dated = [(date(year, month, 1), 0, f"{month}月积分入账", value, ZERO, None) for month, value in earned.items()]
    dated += [(m.on, 1, m.text, ZERO, m.points, m.slip_no) for m in movements]
    dated.sort(key=lambda row: (row[0], row[1]))
    balance = opening
    lines = [PassbookLine(date(year, 1, 1), "上年结转", ZERO, ZERO, opening)] if opening else []
    for on, _, text, plus, minus, slip_no in dated:
        balance += plus - minus
        lines.append(PassbookLine(on, text, plus, minus, balance, slip_no))
    lapsed = ZERO if carry_over else max(balance, ZERO)
    if lapsed:
        lines.append(PassbookLine(date(year, 12, 31), "年末清零", ZERO, lapsed, ZERO))
    spent = sum((m.points for m in movements), ZERO)
    return ShopYear(
        year, opening, sum(earned.values(), ZERO), spent, lapsed, balance - lapsed, tuple(lines), tuple(sorted(earned.items()))
    )


def available(opening: Decimal, earned: dict[int, Decimal], spent: Decimal, on: date) -> Decimal:
    """What a member may spend on `on`: the opening, what he earned up to that month, less what he spent."""
    return opening + sum((v for month, v in earned.items() if month <= on.month), ZERO) - spent


def refusal(member_name: str, goods_name: str, wanted: Decimal, have: Decimal) -> str:
    """The sentence of a redemption refused for want of points, with the figure that is available."""
    return (
        f"{member_name}现有可兑换积分 {format_points(have)} 分，兑换“{goods_name}”需要 {format_points(wanted)} 分，"
        f"还差 {format_points(wanted - have)} 分，不能兑换。"
    )
