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

from app.domain.points import ZERO
from app.domain.scoring import BranchYear
from app.domain.standing import rank
from app.services.context import read_session
from app.services.shop.township import ShopActivity, shop_activity
from app.services.totals.scoring import BranchScorer
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, read_settings
from db.models import OrgUnit
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


def township_overview(store: Store, year: int) -> TownshipOverview:
    """Every gathered branch side by side for `year`, and one ranking across the township.

    Scores follow the village's own year ranking (app.services.totals.ranking): approved entries, the
    rule set of that branch and year, last year's carried base, the appraisal, vetoes, and the
    five-star quota applied within each branch.
    """
    gathered = {b.branch_id: b for b in gathered_branches(store)}
    with read_session(store) as session:
        settings = read_settings(session)
        township = session.get(OrgUnit, uuid.UUID(settings[TOWNSHIP_SETTING])) if settings.get(TOWNSHIP_SETTING) else None
        branches = session.execute(
            select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(list(gathered))).order_by(OrgUnit.name)
        ).all()
        summaries, values, info = [], [], {}
        for branch_id, branch_name in branches:
            scored = BranchScorer(session, branch_id).year(year)
            if scored is None:
                summaries.append(BranchSummary(branch_id, branch_name, gathered[branch_id].backup_created_at, 0, ZERO, ZERO, {}, 0, False))
                continue
            summaries.append(_summary(branch_id, branch_name, gathered[branch_id].backup_created_at, scored.branch))
            for member_id, score in scored.branch.scores.items():
                values.append((member_id, score.final_total))
                info[member_id] = (branch_id, branch_name, scored.members[member_id], score, scored.branch.stars[member_id])
        shop = shop_activity(session, [branch_id for branch_id, _ in branches], year)
    ranked = rank(values, tie_order=lambda member_id: (info[member_id][2].name_pinyin, str(member_id)))
    rows = []
    for entry in ranked:
        branch_id, branch_name, member, score, stars = info[entry.key]
        rows.append(TownshipRow(entry.rank, branch_id, branch_name, entry.key, member.name, entry.value, score.grade, stars, score.vetoed))
    return TownshipOverview(year, township.name if township else "", tuple(summaries), tuple(rows), shop)


def _summary(branch_id: uuid.UUID, name: str, backup_created_at, branch: BranchYear) -> BranchSummary:
    """A branch's line: members scored, their totals, average, stars after the quota, vetoes."""
    scores = branch.scores
    total = sum((score.final_total for score in scores.values()), ZERO)
    distribution = Counter(branch.stars.values())
    return BranchSummary(
        branch_id, name, backup_created_at, len(scores), total,
        (total / len(scores)).quantize(Decimal("0.01")) if scores else ZERO,
        {n: distribution.get(n, 0) for n in range(6)}, sum(1 for score in scores.values() if score.vetoed), True,
    )
