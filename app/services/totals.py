"""Totals and rankings of the branch for a month, a quarter or the year."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.enums import MemberClass, MemberStatus, Membership
from app.domain.errors import NotFound, ValidationError
from app.domain.periods import Month, quarter_months
from app.domain.points import ZERO, format_points
from app.domain.scoring import (
    Appraisal,
    MemberYearScore,
    carried_base,
    score_member_year,
)
from app.domain.standing import apply_five_star_quota, near_band_edge, rank
from app.services.context import read_session
from app.services.ledger_queries import approved_lines
from app.services.organisation import require_branch_id
from app.services.rulesets import RuleSetView, load_rule_set_view
from db.models import AppraisalRecord, Member, OrgUnit
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


def _members_in_period(session, branch_id: uuid.UUID, start: date, end: date, with_lines: set) -> list[Member]:
    members = session.scalars(select(Member).where(Member.branch_id == branch_id)).all()
    kept = []
    for member in members:
        joined = member.in_branch_since or member.join_date
        left = member.status_date if member.status is not MemberStatus.ACTIVE else None
        on_roster = (joined is None or joined <= end) and (left is None or left > start)
        if on_roster or member.id in with_lines:
            kept.append(member)
    return kept


class _YearScorer:
    """Scores whole years of a branch, carrying last year's total into this year's base."""

    def __init__(self, session, branch_id: uuid.UUID) -> None:
        self.session = session
        self.branch_id = branch_id
        self._finals: dict[int, dict[uuid.UUID, Decimal] | None] = {}

    def view(self, year: int) -> RuleSetView | None:
        return load_rule_set_view(self.session, self.branch_id, year)

    def scores(
        self, year: int, up_to: Month | None = None, period_start: date | None = None
    ) -> tuple[RuleSetView, dict[uuid.UUID, MemberYearScore], set]:
        """Scores of everyone on the roster between `period_start` (default 1 January) and `up_to`."""
        view = self.view(year)
        if view is None:
            raise NotFound(f"{year} 年的积分细则还没有建立，无法统计。")
        lines = approved_lines(self.session, self.branch_id, year)
        appraisals = {
            record.member_id: Appraisal(record.score, record.grade)
            for record in self.session.scalars(select(AppraisalRecord).where(AppraisalRecord.year == year))
        }
        previous = self.finals(year - 1) if view.rule_set.base_carry_share is not None else None
        start, end = period_start or date(year, 1, 1), up_to.last_day if up_to else date(year, 12, 31)
        member_ids = {line.member_id for line in lines if start <= line.occurred_on <= end}
        members = _members_in_period(self.session, self.branch_id, start, end, member_ids)
        scores = {}
        for member in members:
            base = carried_base(view.rule_set, previous.get(member.id) if previous else None)
            scores[member.id] = score_member_year(view.rule_set, member.id, lines, base, appraisals.get(member.id), up_to)
        return view, scores, member_ids

    def finals(self, year: int) -> dict[uuid.UUID, Decimal] | None:
        if year not in self._finals:
            self._finals[year] = None  # guards against a cycle while computing
            if self.view(year) is not None:
                _, scores, _ = self.scores(year)
                self._finals[year] = {member_id: score.final_total for member_id, score in scores.items()}
        return self._finals[year]


def _group_names(session, branch_id) -> dict[uuid.UUID, str]:
    return {unit.id: unit.name for unit in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == branch_id))}


def branch_ranking(store: Store, year: int, month: int | None = None, quarter: int | None = None) -> Ranking:
    """Month, quarter or year ranking; ties share a rank (1, 2, 2, 4) and are listed by pinyin."""
    if month is not None and quarter is not None:
        raise ValidationError("月度和季度只能选一个。")
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        scorer = _YearScorer(session, branch_id)
        if month is not None:
            period = Month(year, month)
            kind, label, months, up_to = "month", period.label, [month], period
            start = period.first_day
        elif quarter is not None:
            months_q = quarter_months(year, quarter)
            kind, label, months, up_to = "quarter", f"{year}年第{quarter}季度", [m.month for m in months_q], months_q[-1]
            start = months_q[0].first_day
        else:
            kind, label, months, up_to = "year", f"{year}年度", list(range(1, 13)), None
            start = date(year, 1, 1)
        view, scores, _ = scorer.scores(year, up_to, start)
        members = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(list(scores))))}
        groups = _group_names(session, branch_id)
    rule_set = view.rule_set
    quota = None
    stars = {member_id: score.stars for member_id, score in scores.items()}
    if kind == "year":
        result = apply_five_star_quota(rule_set, {k: (s.final_total, s.stars) for k, s in scores.items() if not s.vetoed})
        stars.update(result.stars)
        quota = result.quota
    values = []
    for member_id, score in scores.items():
        value = score.final_total if kind == "year" else sum((score.month_total(m) for m in months), ZERO)
        values.append((member_id, value))
    ranked = rank(values, tie_order=lambda member_id: (members[member_id].name_pinyin, str(member_id)))
    rows = []
    for entry in ranked:
        member, score = members[entry.key], scores[entry.key]
        flags = []
        if score.vetoed:
            flags.append("一票否决")
        if member.member_class is MemberClass.EXEMPT_FRAIL:
            flags.append("老弱病残，部分项目免考")
        if kind == "year":
            if score.appraisal_missing:
                flags.append("未录民主评议")
            if (
                rule_set.probation_flag_below is not None
                and member.membership is Membership.PROBATIONARY
                and score.final_total < rule_set.probation_flag_below
            ):
                flags.append(f"预备党员低于{format_points(rule_set.probation_flag_below)}分")
            edge = None if score.vetoed else near_band_edge(score.final_total, rule_set.star_bands, EDGE_MARGIN)
            if edge:
                flags.append(f"差{format_points(edge.gap)}分到{edge.next_label}")
        rows.append(
            RankingRow(
                rank=entry.rank,
                member_id=member.id,
                name=member.name,
                name_pinyin=member.name_pinyin,
                group_name=groups.get(member.group_id, "") if member.group_id else "",
                member_class=member.member_class,
                membership=member.membership,
                period_points=entry.value,
                year_to_date=score.final_total,
                grade=score.grade,
                stars=stars[member.id],
                vetoed=score.vetoed,
                flags=tuple(flags),
            )
        )
    return Ranking(year, kind, label, rule_set.name, tuple(rows), quota)


def member_year(store: Store, member_id: uuid.UUID, year: int) -> MemberYearScore:
    """One member's year: months, categories, base, veto, appraisal, grade and stars (before quota)."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        _, scores, _ = _YearScorer(session, branch_id).scores(year)
    if member_id not in scores:
        raise NotFound(f"这名党员 {year} 年不在本支部的名册上。")
    return scores[member_id]
