"""Totals per member for months, quarters and the year, and the year's result.

Only approved entries count. A reversal is an approved entry with the opposite points (and,
for a veto, the opposite sign), so totals are plain sums and a reversed entry nets to zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from app.domain.enums import AppraisalMode, Category
from app.domain.periods import Month
from app.domain.points import ZERO, points
from app.domain.rules import RuleSet
from app.domain.standing import grade_for, stars_for


@dataclass(frozen=True)
class LedgerLine:
    """One approved entry as the scoring engine sees it. `sign` is −1 for a reversal."""

    member_id: object
    item_code: str
    category: Category
    occurred_on: date
    points: Decimal
    sign: int = 1


@dataclass(frozen=True)
class Appraisal:
    """The democratic appraisal of a member for a year: a score out of 100 and/or a grade."""

    score: Decimal | None = None
    grade: str | None = None


@dataclass(frozen=True)
class MemberYearScore:
    member_id: object
    year: int
    base_start: Decimal
    by_month: dict[int, Decimal]
    by_category: dict[Category, Decimal]
    base_component: Decimal
    points_total: Decimal
    vetoed: bool
    appraisal_missing: bool
    final_total: Decimal
    grade: str
    stars: int

    def quarter_total(self, quarter: int) -> Decimal:
        return sum((self.by_month.get(m, ZERO) for m in range(quarter * 3 - 2, quarter * 3 + 1)), ZERO)

    def month_total(self, month: int) -> Decimal:
        return self.by_month.get(month, ZERO)


def combine_points(rule_set: RuleSet, base_start: Decimal, by_category: dict[Category, Decimal]) -> tuple[Decimal, Decimal]:
    """(base component, points total) from category sums; the base stops at zero (扣完为止)."""
    base_component = max(ZERO, base_start + by_category.get(Category.BASE, ZERO))
    others = sum((value for cat, value in by_category.items() if cat is not Category.BASE), ZERO)
    total = base_component + others
    if rule_set.floor_total_at_zero:
        total = max(ZERO, total)
    return base_component, points(total)


def apply_appraisal(rule_set: RuleSet, total: Decimal, appraisal: Appraisal | None) -> tuple[Decimal, bool]:
    """Fold the democratic appraisal into the year's total; (result, appraisal missing)."""
    rule = rule_set.appraisal
    if rule.mode == AppraisalMode.SHARE:
        if appraisal is None or appraisal.score is None:
            return total, True
        return points(total * (1 - rule.share) + appraisal.score * rule.share), False
    if rule.mode == AppraisalMode.FACTOR:
        factor = rule.factor_for(appraisal.grade) if appraisal and appraisal.grade else None
        if factor is None:
            return total, True
        return points(total * factor), False
    return total, False


def score_member_year(
    rule_set: RuleSet,
    member_id: object,
    lines: Iterable[LedgerLine],
    base_start: Decimal | None = None,
    appraisal: Appraisal | None = None,
    up_to: Month | None = None,
) -> MemberYearScore:
    """The member's year under `rule_set`; with `up_to`, the year to date at the end of that month."""
    base = rule_set.base_points if base_start is None else base_start
    by_month: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_category: dict[Category, Decimal] = defaultdict(lambda: ZERO)
    veto_count = 0
    for line in lines:
        if line.member_id != member_id or line.occurred_on.year != rule_set.year:
            continue
        if up_to is not None and line.occurred_on.month > up_to.month:
            continue
        by_month[line.occurred_on.month] += line.points
        by_category[line.category] += line.points
        if line.category is Category.VETO:
            veto_count += line.sign
    vetoed = veto_count > 0
    base_component, total = combine_points(rule_set, base, by_category)
    if up_to is None:
        final, missing = apply_appraisal(rule_set, total, appraisal)
    else:
        final, missing = total, False
    if vetoed:
        final = ZERO
    return MemberYearScore(
        member_id=member_id,
        year=rule_set.year,
        base_start=base,
        by_month=dict(by_month),
        by_category=dict(by_category),
        base_component=base_component,
        points_total=ZERO if vetoed else total,
        vetoed=vetoed,
        appraisal_missing=missing,
        final_total=final,
        grade=grade_for(final, rule_set, vetoed),
        stars=stars_for(final, rule_set, vetoed),
    )


def carried_base(rule_set: RuleSet, previous_final_total: Decimal | None) -> Decimal:
    """This year's starting base: a share of last year's total where the scheme says so."""
    if rule_set.base_carry_share is None or previous_final_total is None:
        return rule_set.base_points
    return points(previous_final_total * rule_set.base_carry_share)


