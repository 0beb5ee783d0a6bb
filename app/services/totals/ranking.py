"""Totals and rankings of the branch for a month, a quarter or the year."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.enums import MemberClass, Membership
from app.domain.errors import NotFound, ValidationError
from app.domain.periods import Month, quarter_months
from app.domain.points import format_points
from app.domain.scoring import MemberYearScore
from app.domain.standing import near_band_edge, rank
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.totals.scoring import BranchScorer, ScoredBranch, ScoredMember, collector_paused, group_names
from db.store import Store

EDGE_MARGIN = Decimal("3")


@dataclass(frozen=True)
class RankingRow:
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
    score: MemberYearScore  # the scorer's own figures behind this row (the year, or the year to date)
    branch_name: str = ""  # set in a ranking across branches


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


def _flags(kind: str, rule_set, member: ScoredMember, score: MemberYearScore, quota_full: bool) -> tuple[str, ...]:
    flags = []
    if score.vetoed:
        flags.append("一票否决")
    if member.member_class is MemberClass.EXEMPT_FRAIL:
        flags.append("老弱病残，部分项目免考")
    if kind != "year":
        return tuple(flags)
    if score.appraisal_missing:
        flags.append("未录民主评议")
    if (
        rule_set.probation_flag_below is not None
        and member.membership is Membership.PROBATIONARY
        and score.final_total < rule_set.probation_flag_below
    ):
        flags.append(f"预备党员低于{format_points(rule_set.probation_flag_below)}分")
    edge = None if score.vetoed else near_band_edge(score.final_total, rule_set.star_bands, EDGE_MARGIN)
    # Reaching the five-star line means nothing while the quota keeps higher totals at four stars.
    if edge and not (quota_full and _next_is_five(rule_set, score.final_total)):
        flags.append(f"差{format_points(edge.gap)}分到{edge.next_label}")
    return tuple(flags)


def _next_is_five(rule_set, total) -> bool:
    above = sorted((band for band in rule_set.star_bands if band.min_points > total), key=lambda band: band.min_points)
    return bool(above) and above[0].stars == 5


@dataclass(frozen=True)
class _Scored:
    """One branch's scores with what its rows need: group names, branch name, whether the quota is full."""

    scored: ScoredBranch
    groups: dict[uuid.UUID, str]
    branch_name: str

    @property
    def quota_full(self) -> bool:
        quota = self.scored.branch.quota
        return bool(quota and quota.demoted)


def _score_for_ranking(session, branch_id: uuid.UUID, branch_name: str, year: int, up_to, start) -> _Scored:
    return _Scored(score_branch(session, branch_id, year, up_to, start), group_names(session, branch_id), branch_name)


def _ranked_rows(kind: str, months: list[int], branches: list[_Scored]) -> tuple[RankingRow, ...]:
    """One ranking over the members of the given branches (one branch, or a whole township)."""
    where: dict[uuid.UUID, _Scored] = {}
    values = []
    for part in branches:
        for member_id, score in part.scored.branch.scores.items():
            where[member_id] = part
            values.append((member_id, score.final_total if kind == "year" else score.months_total(months)))
    ranked = rank(values, tie_order=lambda member_id: (where[member_id].scored.members[member_id].name_pinyin, str(member_id)))
    return tuple(_row(entry, kind, where[entry.key]) for entry in ranked)


def _row(entry, kind: str, part: _Scored) -> RankingRow:
    member = part.scored.members[entry.key]
    score, stars = part.scored.branch.scores[entry.key], part.scored.branch.stars[entry.key]
    return RankingRow(
        rank=entry.rank,
        member_id=member.id,
        name=member.name,
        name_pinyin=member.name_pinyin,
        group_name=part.groups.get(member.group_id, "") if member.group_id else "",
        member_class=member.member_class,
        membership=member.membership,
        period_points=entry.value,
        year_to_date=score.final_total,
        grade=score.grade,
        stars=stars,
        vetoed=score.vetoed,
        flags=_flags(kind, part.scored.rule_set, member, score, part.quota_full),
        score=score,
        branch_name=part.branch_name,
    )


def branch_ranking(
    store: Store, year: int, month: int | None = None, quarter: int | None = None, branch_id: uuid.UUID | None = None
) -> Ranking:
    """Month, quarter or year ranking; ties share a rank (1, 2, 2, 4) and are listed by pinyin.

    Every figure comes from the one scorer (app.services.totals.scoring): a month or quarter
    ranks the period's points, the year ranks the final total; stars on the year are after the
    five-star quota, on a month or quarter the band stars of the year to date. `branch_id`
    picks one branch of a township's gathering (default: the database's own branch).
    """
    kind, label, months, up_to, start = _period(year, month, quarter)
    branch_id = branch_id or require_branch_id(store)
    with read_session(store) as session, collector_paused():
        part = _score_for_ranking(session, branch_id, "", year, up_to, start)
        rows = _ranked_rows(kind, months, [part])
    quota = part.scored.branch.quota
    return Ranking(year, kind, label, part.scored.rule_set.name, rows, quota.quota if quota else None)


def ranking_across(
    store: Store, branches: dict[uuid.UUID, str], year: int, month: int | None = None, quarter: int | None = None
) -> Ranking:
    """One ranking across several branches (a township's or a county's gathering), each scored by
    its own rule set and quota; branches without a rule set for the year are left out."""
    kind, label, months, up_to, start = _period(year, month, quarter)
    parts = []
    with read_session(store) as session, collector_paused():
        for branch_id, name in branches.items():
            if BranchScorer(session, branch_id).rule_set(year) is not None:
                parts.append(_score_for_ranking(session, branch_id, name, year, up_to, start))
        if not parts:
            raise NotFound(f"汇总的支部都还没有 {year} 年的积分细则，无法统计。")
        rows = _ranked_rows(kind, months, parts)
    names = "、".join(sorted({part.scored.rule_set.name for part in parts}))
    return Ranking(year, kind, label, names, rows, None)


def member_year(store: Store, member_id: uuid.UUID, year: int) -> MemberYearScore:
    """One member's year: months, categories, base, veto, appraisal, grade and band stars (before quota)."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        scores = score_branch(session, branch_id, year).branch.scores
    if member_id not in scores:
        raise NotFound(f"这名党员 {year} 年不在本支部的名册上。")
    return scores[member_id]
