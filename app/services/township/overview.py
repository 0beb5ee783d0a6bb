"""The township's side-by-side overview of the gathered branches, and one ranking across them.

Read-only queries over a township's gathering database (app.services.township.gather fills it).
Run on the database worker thread; return plain dataclasses.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app.domain.errors import NotFound
from app.domain.points import ZERO
from app.services.context import read_session
from app.services.shop.township import ShopActivity, shop_activity
from app.services.totals.ranking import ranking_across
from app.services.store_settings import GATHERED_PREFIX, read_settings, township_unit
from db.models import OrgUnit, RuleSetRecord
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
    # scored for the months they were here, as the village's ranking scores them, but not in its
    # star-rating round (not the branch's to rate): the 验星 page's candidates are fewer by these
    departed: int = 0


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
    rated: bool = True  # on the roster at the year's end (the ranking's mark): rated in its branch's star rating


@dataclass(frozen=True)
class TownshipOverview:
    year: int
    township: str
    branches: tuple[BranchSummary, ...]
    rows: tuple[TownshipRow, ...]
    shop: dict[uuid.UUID, ShopActivity] = field(default_factory=dict)  # each branch's honour shop in the year

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


def township_name(store: Store) -> str:
    """The committee this gathering database is for ("" before it is marked), without scoring anything."""
    with read_session(store) as session:
        township = township_unit(session)
        return township.name if township else ""


def township_overview(store: Store, year: int) -> TownshipOverview:
    """Every gathered branch side by side for `year`, and one ranking across the township.

    Scores are the year ranking across the gathered branches (app.services.totals.ranking, which
    reads them all together): approved entries, the rule set of that branch and year, last year's
    carried base, the appraisal, vetoes, and the five-star quota applied within each branch.
    """
    gathered = {b.branch_id: b for b in gathered_branches(store)}
    with read_session(store) as session:
        township = township_unit(session)
        branches = session.execute(
            select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(list(gathered))).order_by(OrgUnit.name)
        ).all()
        with_rules = set(session.scalars(
            select(RuleSetRecord.branch_id).where(RuleSetRecord.year == year, RuleSetRecord.branch_id.in_(list(gathered)))
        ))
        shop = shop_activity(session, [branch_id for branch_id, _ in branches], year)
    ranked = _ranking(store, {branch_id: name for branch_id, name in branches if branch_id in with_rules}, year)
    rows = tuple(
        TownshipRow(r.rank, r.branch_id, r.branch_name, r.member_id, r.name, r.year_to_date, r.grade, r.stars, r.vetoed, r.rated)
        for r in ranked
    )
    of_branch: dict[uuid.UUID, list[TownshipRow]] = {branch_id: [] for branch_id, _ in branches}
    for row in rows:
        of_branch[row.branch_id].append(row)
    summaries = tuple(
        _summary(branch_id, name, gathered[branch_id].backup_created_at, of_branch[branch_id])
        if branch_id in with_rules
        else BranchSummary(branch_id, name, gathered[branch_id].backup_created_at, 0, ZERO, ZERO, {}, 0, False)
        for branch_id, name in branches
    )
    return TownshipOverview(year, township.name if township else "", summaries, rows, shop)


def _ranking(store: Store, branches: dict[uuid.UUID, str], year: int) -> tuple:
    if not branches:
        return ()
    try:
        return ranking_across(store, branches, year).rows
    except NotFound:  # their rule sets went between the two reads: nothing to rank
        return ()


def _summary(branch_id: uuid.UUID, name: str, backup_created_at, rows: list[TownshipRow]) -> BranchSummary:
    """A branch's line: members scored, their totals, average, stars after the quota, vetoes, and
    how many of them left the branch (transferred out, died) within the year."""
    total = sum((row.final_total for row in rows), ZERO)
    distribution = Counter(row.stars for row in rows)
    return BranchSummary(
        branch_id, name, backup_created_at, len(rows), total,
        (total / len(rows)).quantize(Decimal("0.01")) if rows else ZERO,
        {n: distribution.get(n, 0) for n in range(6)}, sum(1 for row in rows if row.vetoed), True,
        sum(1 for row in rows if not row.rated),
    )
