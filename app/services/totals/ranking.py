"""Totals and rankings of the branch for a month, a quarter or the year."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select

from app.domain.enums import EntryStatus, MemberClass, Membership
from app.domain.errors import NotFound, ValidationError
from app.domain.periods import Month, quarter_months
from app.domain.points import format_points
from app.domain.scoring import MemberYearScore
from app.domain.rules import RuleSet
from app.domain.standing import (
    EXEMPT_FLAG, NOT_RATED_FLAG, VETO_FLAG, QuotaResult, apply_five_star_quota, near_band_edge, ranked_places,
)
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.totals.scoring import BranchScorer, ScoredBranch, collector_paused
from app.services.totals.standings import Standing, Standings, group_names_of
from db.models import Member, PointsEntry
from db.store import Store

EDGE_MARGIN = Decimal("3")


class RankingRow(NamedTuple):
    """One member's line of a ranking (a NamedTuple: a county's ranking makes 66,000 of them, and a
    frozen dataclass's constructor was a fifth of its time)."""

    rank: int
    member_id: uuid.UUID
    name: str
    name_pinyin: str
    group_name: str
    member_class: MemberClass
    membership: Membership
    period_points: Decimal
    year_to_date: Decimal
    grade: str
    stars: int
    vetoed: bool
    flags: tuple[str, ...]
    score: MemberYearScore | None  # the scorer's month-by-month figures behind this row (branch_ranking(details=True))
    branch_name: str = ""  # set in a ranking across branches
    branch_id: uuid.UUID | None = None  # the member's branch (names alone can repeat in a county)
    rated: bool = True  # on a year: on the roster on 31 December, whom the star rating rates here (rating/rated.py)


@dataclass(frozen=True)
class Ranking:
    year: int
    kind: str  # month | quarter | year
    label: str
    rule_set_name: str
    rows: tuple[RankingRow, ...]
    five_star_quota: int | None = None

    def row_for(self, member_id: uuid.UUID) -> RankingRow:
        for row in self.rows:
            if row.member_id == member_id:
                return row
        raise NotFound("排名中没有这名党员。")


def require_entries_in_period(store: Store, year: int, month: int | None = None, quarter: int | None = None) -> None:
    """Refuse paper that ranks a period without one approved entry in the branch: every member
    would be 并列第1名 with 0 points (a notice of next month, a board of a month not yet entered).
    Entries that net to nothing are entries: that period still ranks."""
    _, label, months, up_to, start = _period(year, month, quarter)
    end = up_to.last_day if up_to else date(year, 12, 31)
    with read_session(store) as session:
        found = session.scalar(
            select(PointsEntry.id).join(Member, Member.id == PointsEntry.member_id)
            .where(Member.branch_id == require_branch_id(store), PointsEntry.status == EntryStatus.APPROVED,
                   PointsEntry.occurred_on.between(start, end))
            .limit(1)
        )
    if found is None:
        raise ValidationError(f"{label}还没有已审核的积分，排不出名次；请先录入并审核本期积分再打印。")


def _period(year: int, month: int | None, quarter: int | None) -> tuple[str, str, list[int], Month | None, date]:
    """(kind, label, months, year-to-date month, first day) of the period asked for."""
    if month is not None and quarter is not None:
        raise ValidationError("月度和季度只能选一个。")
    if month is not None:
        period = Month(year, month)
        return "month", period.label, [month], period, period.first_day
    if quarter is not None:
        months = quarter_months(year, quarter)
        return "quarter", f"{year}年第{quarter}季度", [m.month for m in months], months[-1], months[0].first_day
    return "year", f"{year}年度", list(range(1, 13)), None, date(year, 1, 1)


def score_branch(session, branch_id: uuid.UUID, year: int, up_to: Month | None = None, start: date | None = None) -> ScoredBranch:
    scored = BranchScorer(session, branch_id).year(year, up_to, start)
    if scored is None:
        raise NotFound(f"{year} 年的积分细则还没有建立，无法统计。")
    return scored


def _flags(kind: str, rule_set, standing: Standing, quota_full: bool) -> tuple[str, ...]:
    flags = []
    result = standing.result
    if result.vetoed:
        flags.append(VETO_FLAG)
    if standing.member_class is MemberClass.EXEMPT_FRAIL:
        flags.append(EXEMPT_FLAG)
    if kind != "year":
        return tuple(flags)
    if not standing.rated:
        flags.append(NOT_RATED_FLAG)
    if result.appraisal_missing:
        flags.append("未录民主评议")
    if (
        rule_set.probation_flag_below is not None
        and standing.membership is Membership.PROBATIONARY
        and result.final_total < rule_set.probation_flag_below
    ):
        flags.append(f"预备党员低于{format_points(rule_set.probation_flag_below)}分")
    edge = None if result.vetoed or not standing.rated else near_band_edge(result.final_total, rule_set.star_bands, EDGE_MARGIN)
    # Reaching the five-star line means nothing while the quota keeps higher totals at four stars.
    if edge and not (quota_full and _next_is_five(rule_set, result.final_total)):
        flags.append(f"差{format_points(edge.gap)}分到{edge.next_label}")
    return tuple(flags)


def _next_is_five(rule_set, total) -> bool:
    above = sorted((band for band in rule_set.star_bands if band.min_points > total), key=lambda band: band.min_points)
    return bool(above) and above[0].stars == 5


class _Branch(NamedTuple):
    """What the rows of one branch need beside the standings: its rule set, name and (on a year) quota."""

    rule_set: RuleSet
    name: str
    quota: QuotaResult | None
    quota_full: bool  # the quota moved someone down: reaching the five-star line means nothing then


def _branches(kind: str, standings: list[Standing], rules: dict, names: dict) -> dict[uuid.UUID, _Branch]:
    """Each branch's rule set and name, and on a year its five-star quota over its rated members:
    those the year's star rating rates (on the roster on 31 December: rating/rated.py) and not
    vetoed, so that a member who left during the year takes no five-star place from them."""
    # by a UUID's number: a UUID's own hash is Python code, and this runs for every member
    finals: dict[int, dict] = {branch_id.int: {} for branch_id in rules}  # members by their place in `standings`
    if kind == "year":
        for at, standing in enumerate(standings):
            if standing.rated and not standing.result.vetoed:
                finals[standing.branch_id.int][at] = (standing.result.final_total, standing.result.stars)
    found = {}
    for branch_id, (_, rule_set) in rules.items():
        quota = apply_five_star_quota(rule_set, finals[branch_id.int]) if kind == "year" else None
        found[branch_id] = _Branch(rule_set, names.get(branch_id, ""), quota, bool(quota and quota.demoted))
    return found


def _ranked_rows(kind: str, standings: list[Standing], branches: dict, groups: dict, scores: dict) -> tuple[RankingRow, ...]:
    """One ranking over the standings of one branch or of a whole township (a county's 66,000 rows:
    one loop, no call a row)."""
    values = [s.result.final_total for s in standings] if kind == "year" else [s.period_points for s in standings]
    # a UUID's number orders as its text does, without making the text of every member
    ties = [(s.name_pinyin, s.member_id.int) for s in standings]
    # branches and groups looked up by a UUID's number: a UUID's own hash is Python code
    branch_of = {branch_id.int: branch for branch_id, branch in branches.items()}
    group_of = {group_id.int: name for group_id, name in groups.items()}
    flags: dict[tuple, tuple[str, ...]] = {}  # the flags of each combination of the few values they depend on
    rows = []
    for at, place in ranked_places(values, ties):
        standing = standings[at]
        result = standing.result
        branch = branch_of[standing.branch_id.int]
        # by rule set, not branch: a county's 300 branches share a few rule sets, so keys repeat
        # (the enums by identity: an Enum's hash is Python code too)
        key = (id(branch.rule_set), branch.quota_full, id(standing.member_class), id(standing.membership), result.vetoed,
               result.appraisal_missing, result.final_total, standing.rated)
        found = flags.get(key)
        if found is None:
            found = flags[key] = _flags(kind, branch.rule_set, standing, branch.quota_full)
        # tuple.__new__ with every field in order: RankingRow(...) is a Python function that does the same
        rows.append(tuple.__new__(RankingRow, (
            place, standing.member_id, standing.name, standing.name_pinyin,
            group_of.get(standing.group_id.int, "") if standing.group_id else "", standing.member_class, standing.membership,
            # on a year the quota holds the stars of everyone rated; one vetoed or not rated here has none
            values[at], result.final_total, result.grade, branch.quota.stars.get(at, 0) if branch.quota else result.stars,
            result.vetoed, found, scores.get(standing.member_id) if scores else None, branch.name, standing.branch_id,
            standing.rated,
        )))
    return tuple(rows)


def _detailed(session, branch_id: uuid.UUID, year: int, months: list[int], up_to, start) -> tuple[list[Standing], dict]:
    """The branch's standings from the scorer's month-by-month scores, and those scores."""
    scored = score_branch(session, branch_id, year, up_to, start)
    standings = [
        Standing(
            member.id, branch_id, member.name, member.name_pinyin, member.group_id, member.member_class, member.membership,
            score.months_total(months), score, member.rated or up_to is not None,
        )
        for member_id, member in scored.members.items()
        for score in (scored.branch.scores[member_id],)
    ]
    return standings, scored.branch.scores


def _ranking(session, branch_names: dict, year: int, kind: str, months: list[int], up_to, start, details: bool):
    """(standings, branches, rows) of the given branches for the period."""
    period_end = up_to.last_day if up_to else date(year, 12, 31)
    book = Standings(session, list(branch_names), year)
    rules = book.rules.of_year(branch_names, year)
    if details:
        (branch_id,) = branch_names
        if branch_id not in rules:
            raise NotFound(f"{year} 年的积分细则还没有建立，无法统计。")
        standings, scores = _detailed(session, branch_id, year, months, up_to, start)
    else:
        standings, scores = book.period(year, months, up_to.month if up_to else None, start, period_end), {}
    branches = _branches(kind, standings, rules, branch_names)
    rows = _ranked_rows(kind, standings, branches, group_names_of(session, rules), scores)
    return rules, branches, rows


def branch_ranking(
    store: Store, year: int, month: int | None = None, quarter: int | None = None, branch_id: uuid.UUID | None = None,
    details: bool = False,
) -> Ranking:
    """Month, quarter or year ranking; ties share a rank (1, 2, 2, 4) and are listed by pinyin.

    Every figure comes from the one scorer (app.domain.scoring): a month or quarter ranks the
    period's points, the year ranks the final total; stars on the year are after the five-star
    quota over the members the star rating rates (on the roster on 31 December, rating/rated.py:
    one who left keeps his total and rank, without stars), on a month or quarter the band stars
    of the year to date. `branch_id` picks one
    branch of a township's gathering (default: the database's own branch). `details` gives
    each row the scorer's month-by-month figures (`score`), which papers need and a ranking
    alone does not (without it `score` is None and the ranking reads one sum a member).
    """
    kind, label, months, up_to, start = _period(year, month, quarter)
    branch_id = branch_id or require_branch_id(store)
    with read_session(store) as session, collector_paused():
        rules, branches, rows = _ranking(session, {branch_id: ""}, year, kind, months, up_to, start, details)
    if branch_id not in rules:
        raise NotFound(f"{year} 年的积分细则还没有建立，无法统计。")
    quota = branches[branch_id].quota
    return Ranking(year, kind, label, rules[branch_id][1].name, rows, quota.quota if quota else None)


def ranking_across(
    store: Store, branches: dict[uuid.UUID, str], year: int, month: int | None = None, quarter: int | None = None
) -> Ranking:
    """One ranking across several branches (a township's or a county's gathering), each scored by
    its own rule set and quota; branches without a rule set for the year are left out. The
    branches are read together: one query for all their members, one for all their sums."""
    kind, label, months, up_to, start = _period(year, month, quarter)
    with read_session(store) as session, collector_paused():
        rules, _, rows = _ranking(session, dict(branches), year, kind, months, up_to, start, False)
    if not rules:
        raise NotFound(f"汇总的支部都还没有 {year} 年的积分细则，无法统计。")
    names = "、".join(sorted({rule_set.name for _, rule_set in rules.values()}))
    return Ranking(year, kind, label, names, rows, None)


def rows_to_date(session, branches: dict[uuid.UUID, str], year: int, up_to: Month | None) -> tuple[RankingRow, ...]:
    """Every member's row across `branches`, in the caller's session: of the whole year (final
    totals, stars after each branch's quota) when `up_to` is None, else of the year to date
    through `up_to` (band stars). The members and figures are those BranchScorer(...).year(year,
    up_to) gives each branch, read for all of them at once."""
    if up_to is None:
        kind, months = "year", list(range(1, 13))
    else:
        kind, months = "to date", list(range(1, up_to.month + 1))
    with collector_paused():
        _, _, rows = _ranking(session, dict(branches), year, kind, months, up_to, date(year, 1, 1), False)
    return rows


def member_year(store: Store, member_id: uuid.UUID, year: int) -> MemberYearScore:
    """One member's year: months, categories, base, veto, appraisal, grade and band stars (before quota)."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        scores = score_branch(session, branch_id, year).branch.scores
    if member_id not in scores:
        raise NotFound(f"这名党员 {year} 年不在本支部的名册上。")
    return scores[member_id]
