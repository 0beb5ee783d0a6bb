"""Totals per member for months, quarters and the year, and the year's result.

Only approved entries count. A reversal is an approved entry with the opposite points (and,
for a veto, the opposite sign), so totals are plain sums and a reversed entry nets to zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, NamedTuple

from app.domain.enums import AppraisalMode, Category
from app.domain.periods import Month
from app.domain.points import ZERO, exact_points
from app.domain.rules import RuleSet
from app.domain.standing import QuotaResult, apply_five_star_quota, grade_for, stars_for


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
class MonthSum:
    """Approved points of one member in one month and category of the year: what the scorer adds.

    `vetoes` counts veto entries minus their reversals in that month. The store hands these
    over already grouped (one SQL GROUP BY), so scoring a branch is one pass over its sums.
    """

    member_id: object
    month: int
    category: Category
    points: Decimal
    vetoes: int = 0


def month_sums(lines: Iterable[LedgerLine], year: int, member_id: object | None = None) -> list[MonthSum]:
    """Group ledger lines of `year` (of one member, when given) into the scorer's month sums."""
    grouped: dict[tuple, list] = {}
    for line in lines:
        if line.occurred_on.year != year or (member_id is not None and line.member_id != member_id):
            continue
        key = (line.member_id, line.occurred_on.month, line.category)
        acc = grouped.setdefault(key, [ZERO, 0])
        acc[0] += line.points
        if line.category is Category.VETO:
            acc[1] += line.sign
    return [MonthSum(key[0], key[1], key[2], value, vetoes) for key, (value, vetoes) in grouped.items()]


def group_by_member(sums: Iterable[MonthSum]) -> dict[object, list[MonthSum]]:
    grouped: dict[object, list[MonthSum]] = defaultdict(list)
    for row in sums:
        grouped[row.member_id].append(row)
    return dict(grouped)


@dataclass(frozen=True)
class MemberYearScore:
    """A member's year (or year to date): sums by month and category, the result, grade and band stars.

    `stars` is the band's count before any five-star quota; the branch's quota is applied by
    `score_branch_year`, whose `stars` are the ones to show.
    """

    member_id: object
    year: int
    base_start: Decimal
    base_carried: bool  # the base came from last year's total, not the scheme's default
    by_month: dict[int, Decimal]
    by_category: dict[Category, Decimal]
    month_categories: dict[int, dict[Category, Decimal]]
    veto_months: dict[int, int]
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

    def months_total(self, months: Iterable[int]) -> Decimal:
        return sum((self.by_month.get(m, ZERO) for m in months), ZERO)

    def vetoed_by(self, month: int) -> bool:
        return sum(count for m, count in self.veto_months.items() if m <= month) > 0


def combine_points(rule_set: RuleSet, base_start: Decimal, by_category: dict[Category, Decimal]) -> tuple[Decimal, Decimal]:
    """(base component, points total) from category sums; the base stops at zero (扣完为止)."""
    others = sum((value for cat, value in by_category.items() if cat is not Category.BASE), ZERO)
    return combine_totals(rule_set, base_start, by_category.get(Category.BASE, ZERO), others)


def combine_totals(rule_set: RuleSet, base_start: Decimal, base_points: Decimal, other_points: Decimal) -> tuple[Decimal, Decimal]:
    """(base component, points total) from the base category's sum and the other categories' sum."""
    base_component = max(ZERO, base_start + base_points)
    total = base_component + other_points
    if rule_set.floor_total_at_zero:
        total = max(ZERO, total)
    return base_component, exact_points(total)


def apply_appraisal(rule_set: RuleSet, total: Decimal, appraisal: Appraisal | None) -> tuple[Decimal, bool]:
    """Fold the democratic appraisal into the year's total; (result, appraisal missing)."""
    rule = rule_set.appraisal
    if rule.mode == AppraisalMode.SHARE:
        if appraisal is None or appraisal.score is None:
            return total, True
        return exact_points(total * (1 - rule.share) + appraisal.score * rule.share), False
    if rule.mode == AppraisalMode.FACTOR:
        factor = rule.factor_for(appraisal.grade) if appraisal and appraisal.grade else None
        if factor is None:
            return total, True
        return exact_points(total * factor), False
    return total, False


def score_member_year(
    rule_set: RuleSet,
    member_id: object,
    lines: Iterable[LedgerLine],
    base_start: Decimal | None = None,
    appraisal: Appraisal | None = None,
    up_to: Month | None = None,
) -> MemberYearScore:
    """The member's year from raw ledger lines (others' lines and other years are ignored)."""
    return score_member_sums(rule_set, member_id, month_sums(lines, rule_set.year, member_id), base_start, appraisal, up_to)


def score_member_sums(
    rule_set: RuleSet,
    member_id: object,
    sums: Iterable[MonthSum],
    base_start: Decimal | None = None,
    appraisal: Appraisal | None = None,
    up_to: Month | None = None,
) -> MemberYearScore:
    """The member's year under `rule_set` from his own month sums; with `up_to`, the year to date.

    A year to date leaves the appraisal out (it is given once a year); a veto makes the total 0.
    """
    base = rule_set.base_points if base_start is None else base_start
    by_month: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_category: dict[Category, Decimal] = defaultdict(lambda: ZERO)
    month_categories: dict[int, dict[Category, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    veto_months: dict[int, int] = defaultdict(int)
    for row in sums:
        if up_to is not None and row.month > up_to.month:
            continue
        by_month[row.month] += row.points
        by_category[row.category] += row.points
        month_categories[row.month][row.category] += row.points
        if row.vetoes:
            veto_months[row.month] += row.vetoes
    result = year_result(
        rule_set, base, by_category.get(Category.BASE, ZERO),
        sum((value for cat, value in by_category.items() if cat is not Category.BASE), ZERO),
        sum(veto_months.values()), appraisal, up_to is None,
    )
    return MemberYearScore(
        member_id=member_id,
        year=rule_set.year,
        base_start=base,
        base_carried=base_start is not None,
        by_month=dict(by_month),
        by_category=dict(by_category),
        month_categories={month: dict(values) for month, values in month_categories.items()},
        veto_months=dict(veto_months),
        base_component=result.base_component,
        points_total=result.points_total,
        vetoed=result.vetoed,
        appraisal_missing=result.appraisal_missing,
        final_total=result.final_total,
        grade=result.grade,
        stars=result.stars,
    )


class YearResult(NamedTuple):
    """What a member's sums come to: the part of `MemberYearScore` a ranking needs (a tuple:
    a county's ranking makes one for each member of each year)."""

    base_component: Decimal
    points_total: Decimal
    vetoed: bool
    appraisal_missing: bool
    final_total: Decimal
    grade: str
    stars: int


def year_result(
    rule_set: RuleSet,
    base_start: Decimal,
    base_points: Decimal,
    other_points: Decimal,
    vetoes: int,
    appraisal: Appraisal | None,
    whole_year: bool,
) -> YearResult:
    """The year's (or the year to date's) result from the member's sums: the base category's, the
    other categories' together, and the count of vetoes less their reversals.

    The one place where the base (floored at zero), the total's floor, the appraisal (a whole
    year only; a year to date leaves it out, it is given once a year), a veto (the total is 0)
    and the grade and band stars are decided; `score_member_sums` and the rankings both use it.
    """
    vetoed = vetoes > 0
    base_component, total = combine_totals(rule_set, base_start, base_points, other_points)
    if whole_year:
        final, missing = apply_appraisal(rule_set, total, appraisal)
    else:
        final, missing = total, False
    if vetoed:
        final = ZERO
    return YearResult(
        base_component, ZERO if vetoed else total, vetoed, missing, final,
        grade_for(final, rule_set, vetoed), stars_for(final, rule_set, vetoed),
    )


def year_to_date(rule_set: RuleSet, score: MemberYearScore, month: int) -> Decimal:
    """The points total at the end of `month` (base floored, veto to date → 0), without appraisal."""
    if score.vetoed_by(month):
        return ZERO
    running: dict[Category, Decimal] = defaultdict(lambda: ZERO)
    for m, values in score.month_categories.items():
        if m <= month:
            for category, value in values.items():
                running[category] += value
    return combine_points(rule_set, score.base_start, running)[1]


def carried_base(rule_set: RuleSet, previous_final_total: Decimal | None) -> Decimal:
    """This year's starting base: a share of last year's total where the scheme says so."""
    if rule_set.base_carry_share is None or previous_final_total is None:
        return rule_set.base_points
    return exact_points(previous_final_total * rule_set.base_carry_share)




@dataclass(frozen=True)
class BranchYear:
    """Every member's year (or year to date) in a branch, with the stars after the five-star quota."""

    rule_set: RuleSet
    up_to: Month | None
    scores: dict[object, MemberYearScore]
    stars: dict[object, int]
    quota: QuotaResult | None

    @property
    def is_whole_year(self) -> bool:
        return self.up_to is None


def score_branch_year(
    rule_set: RuleSet,
    member_ids: Iterable[object],
    sums_by_member: dict[object, list[MonthSum]],
    base_starts: dict[object, Decimal] | None = None,
    appraisals: dict[object, Appraisal] | None = None,
    up_to: Month | None = None,
    rated: Iterable[object] | None = None,
) -> BranchYear:
    """Score every member once from his own sums; on a whole year, apply the five-star quota.

    Linear in members plus sums. The quota counts only members who are rated: not vetoed, and
    among `rated` when given (those on the roster at the year's end: one who left during the
    year keeps his total here and is given no stars, as the star rating does not rate him).
    A year to date shows band stars without the quota, which belongs to the year's result.
    """
    base_starts = base_starts or {}  # only members whose base is carried from last year
    appraisals = appraisals or {}
    scores = {
        member_id: score_member_sums(
            rule_set, member_id, sums_by_member.get(member_id, ()), base_starts.get(member_id), appraisals.get(member_id), up_to
        )
        for member_id in member_ids
    }
    if up_to is not None:
        return BranchYear(rule_set, up_to, scores, {member_id: score.stars for member_id, score in scores.items()}, None)
    rated = scores.keys() if rated is None else set(rated)
    quota = apply_five_star_quota(
        rule_set, {key: (score.final_total, score.stars) for key, score in scores.items() if not score.vetoed and key in rated}
    )
    stars = dict.fromkeys(scores, 0)  # vetoed, or not rated here
    stars.update(quota.stars)
    return BranchYear(rule_set, up_to, scores, stars, quota)
