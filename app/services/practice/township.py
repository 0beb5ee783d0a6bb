"""The township's side-by-side view of its villages' resident cadres, read from its gathering
database (the villages' cadres, rule sets and points arrive with their backups: every table
is merged by its records' UUIDs, app/services/township/merge.py). Reads only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.domain.enums import OrgKind
from app.services.context import read_session
from app.services.practice.cadres import cadre_years
from db.models import OrgUnit
from db.practice_models import CadreRuleSet
from db.store import Store


@dataclass(frozen=True)
class TownshipCadreRow:
    branch_id: uuid.UUID
    branch_name: str
    name: str
    kind: str
    sent_by: str
    post: str
    total: Decimal
    ten_point: Decimal
    band: str


def township_cadres(store: Store, year: int) -> list[TownshipCadreRow]:
    """Every village's cadres for `year` under that village's cadre rule set, best ten-point first."""
    rows = []
    with read_session(store) as session:
        branches = session.execute(
            select(OrgUnit.id, OrgUnit.name)
            .join(CadreRuleSet, CadreRuleSet.branch_id == OrgUnit.id)
            .where(CadreRuleSet.year == year, OrgUnit.kind.in_([OrgKind.BRANCH, OrgKind.GENERAL_BRANCH]))
        ).all()
        for branch_id, branch_name in branches:
            for found in cadre_years(session, branch_id, year):
                c = found.cadre
                rows.append(TownshipCadreRow(branch_id, branch_name, c.name, c.kind.label, c.sent_by, c.post,
                                             found.total, found.ten_point, found.band))
    return sorted(rows, key=lambda r: (-r.ten_point, r.branch_name, r.name))
