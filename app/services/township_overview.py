"""The township's side-by-side overview of the gathered branches, and one ranking across them.

Read-only queries over a township's gathering database (app.services.gather fills it).
Run on the database worker thread; return plain dataclasses.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from app.domain.enums import MemberStatus
from app.domain.points import ZERO
from app.domain.scoring import Appraisal, carried_base, score_member_year
from app.domain.standing import apply_five_star_quota, rank
from app.services.context import read_session
from app.services.ledger_queries import approved_lines
from app.services.rulesets import load_rule_set_view
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, read_settings
from db.models import AppraisalRecord, Member, OrgUnit
from db.store import Store

__all__ = [
    "GatheredBranch", "BranchSummary", "TownshipRow", "TownshipOverview", "gathered_branches", "township_overview",
]


@dataclass(frozen=True)
class GatheredBranch:
    branch_id: uuid.UUID
    name: str
    backup_created_at: datetime
    file_name: str
    counts: dict
    conflicts: int


@dataclass(frozen=True)
class BranchSummary:
    branch_id: uuid.UUID
    name: str
    backup_created_at: datetime | None
    rated: int
    total: Decimal
    average: Decimal
    stars: dict[int, int]  # 0..5 → members
    vetoed: int
    has_rule_set: bool


@dataclass(frozen=True)
class TownshipRow:
    rank: int
    branch_id: uuid.UUID
    branch_name: str
    member_id: uuid.UUID
    name: str
    final_total: Decimal
    grade: str
    stars: int
    vetoed: bool


@dataclass(frozen=True)
class TownshipOverview:
    year: int
    township: str
    branches: tuple[BranchSummary, ...]
    rows: tuple[TownshipRow, ...]

    @property
    def total(self) -> Decimal:
        return sum((b.total for b in self.branches), ZERO)


def gathered_branches(store: Store) -> list[GatheredBranch]:
    with read_session(store) as session:
        settings = read_settings(session)
    found = []
    for key, value in settings.items():
        if key.startswith(GATHERED_PREFIX):
            data = json.loads(value)
            found.append(
                GatheredBranch(uuid.UUID(key[len(GATHERED_PREFIX):]), data.get("branch_name", ""),
                               datetime.fromisoformat(data["created_at"]), data.get("file_name", ""),
                               data.get("counts", {}), int(data.get("conflicts", 0)))
            )
    return sorted(found, key=lambda b: b.name)


def township_overview(store: Store, year: int) -> TownshipOverview:
    """Every gathered branch side by side for `year`, and one ranking across the township.

    Scores follow the village's own year ranking (app.services.totals): approved entries, the
    rule set of that branch and year, last year's carried base, the appraisal, vetoes, and the
    five-star quota applied within each branch.
    """
    gathered = {b.branch_id: b for b in gathered_branches(store)}
    with read_session(store) as session:
        settings = read_settings(session)
        township = session.get(OrgUnit, uuid.UUID(settings[TOWNSHIP_SETTING])) if settings.get(TOWNSHIP_SETTING) else None
        branches = session.scalars(
            select(OrgUnit).where(OrgUnit.id.in_(list(gathered))).order_by(OrgUnit.name)
        ).all()
        summaries, values, info = [], [], {}
        for unit in branches:
            scorer = _BranchScorer(session, unit.id)
            result = scorer.year(year)
            if result is None:
                summaries.append(BranchSummary(unit.id, unit.name, gathered[unit.id].backup_created_at, 0, ZERO, ZERO, {}, 0, False))
                continue
            rule_set, scores, members = result
            quota = apply_five_star_quota(rule_set, {k: (s.final_total, s.stars) for k, s in scores.items() if not s.vetoed})
            stars = {k: s.stars for k, s in scores.items()}
            stars.update(quota.stars)
            total = sum((s.final_total for s in scores.values()), ZERO)
            distribution = Counter(stars.values())
            summaries.append(
                BranchSummary(
                    unit.id, unit.name, gathered[unit.id].backup_created_at, len(scores), total,
                    (total / len(scores)).quantize(Decimal("0.01")) if scores else ZERO,
                    {n: distribution.get(n, 0) for n in range(6)}, sum(1 for s in scores.values() if s.vetoed), True,
                )
            )
            for member_id, score in scores.items():
                values.append((member_id, score.final_total))
                info[member_id] = (unit, members[member_id], score, stars[member_id])
    ranked = rank(values, tie_order=lambda member_id: (info[member_id][1].name_pinyin, str(member_id)))
    rows = tuple(
        TownshipRow(entry.rank, info[entry.key][0].id, info[entry.key][0].name, entry.key, info[entry.key][1].name,
                    entry.value, info[entry.key][2].grade, info[entry.key][3], info[entry.key][2].vetoed)
        for entry in ranked
    )
    return TownshipOverview(year, township.name if township else "", tuple(summaries), rows)


class _BranchScorer:
    """A branch's whole-year scores, as its own year ranking computes them (with carried base)."""

    def __init__(self, session, branch_id: uuid.UUID) -> None:
        self.session, self.branch_id = session, branch_id
        self._finals: dict[int, dict | None] = {}

    def year(self, year: int):
        view = load_rule_set_view(self.session, self.branch_id, year)
        if view is None:
            return None
        rule_set = view.rule_set
        lines = approved_lines(self.session, self.branch_id, year)
        appraisals = {
            record.member_id: Appraisal(record.score, record.grade)
            for record in self.session.scalars(
                select(AppraisalRecord).join(Member, Member.id == AppraisalRecord.member_id)
                .where(AppraisalRecord.year == year, Member.branch_id == self.branch_id)
            )
        }
        previous = self.finals(year - 1) if rule_set.base_carry_share is not None else None
        start, end = date(year, 1, 1), date(year, 12, 31)
        with_lines = {line.member_id for line in lines}
        members = {}
        for member in self.session.scalars(select(Member).where(Member.branch_id == self.branch_id)):
            joined = member.in_branch_since or member.join_date
            left = member.status_date if member.status is not MemberStatus.ACTIVE else None
            if ((joined is None or joined <= end) and (left is None or left > start)) or member.id in with_lines:
                members[member.id] = member
        scores = {}
        for member_id in members:
            base = carried_base(rule_set, previous.get(member_id) if previous else None)
            scores[member_id] = score_member_year(rule_set, member_id, lines, base, appraisals.get(member_id))
        return rule_set, scores, members

    def finals(self, year: int) -> dict | None:
        if year not in self._finals:
            self._finals[year] = None
            result = self.year(year)
            if result is not None:
                self._finals[year] = {k: s.final_total for k, s in result[1].items()}
        return self._finals[year]
