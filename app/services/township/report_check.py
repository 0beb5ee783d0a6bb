"""验星 against the ledger: a village's reported year totals beside the same members' totals scored
from its backup gathered here.

The report's checksum only shows that the file arrived as it was written: anyone can edit a
.jfrating and sum it again. A total that was changed, or reported from a ledger the township never
received, shows only beside the gathered ledger. Stars are not compared: the branch committee may
change them with a reason, and the report carries each change. Runs on the database worker.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app.domain.dates import day_text
from app.domain.errors import NotFound, RatingReportNotFound
from app.domain.points import format_points
from app.services.context import read_session
from app.services.totals.ranking import branch_ranking
from app.services.township.overview import gathered_branches
from db.models import Member
from db.rating_models import TownshipVerification
from db.store import Store

NAMED = 5  # mismatches named in the sentence; the rest are counted


@dataclass(frozen=True)
class Mismatch:
    name: str
    reported: Decimal | None
    gathered: Decimal | None  # None: not on the gathered branch's ranking of that year


@dataclass(frozen=True)
class GatheredCheck:
    backup_created_at: datetime | None  # the gathered backup compared with; None: the village is not gathered here
    checked: int
    mismatches: tuple[Mismatch, ...]

    @property
    def sentence(self) -> str:
        if self.backup_created_at is None:
            return "这个村的备份还没有汇总进来，上报的积分没法和台账核对；请先汇总这个村的备份。"
        made = day_text(self.backup_created_at.astimezone().date())  # the clerk's day, not UTC's
        if not self.mismatches:
            return f"上报的 {self.checked} 人的年度积分与汇总来的台账（{made}的备份）一致。"
        named = "；".join(f"{m.name} 上报 {_points(m.reported)}、台账 {_points(m.gathered)}" for m in self.mismatches[:NAMED])
        more = "等" if len(self.mismatches) > NAMED else ""
        return (f"有 {len(self.mismatches)} 人上报的年度积分与汇总来的台账（{made}的备份）不符：{named}{more}；"
                "村里在这份备份之后又记过分的，请村里重新交备份，汇总后再核对。")


def _points(value: Decimal | None) -> str:
    return "无此人" if value is None else f"{format_points(value)} 分"


def check_against_gathered(store: Store, verification_id: uuid.UUID) -> GatheredCheck:
    with read_session(store) as session:
        record = session.get(TownshipVerification, verification_id)
        if record is None:
            raise RatingReportNotFound()
        year, reported = record.year, _reported_totals(record.payload)
        ids = [member_id for member_id, _, _ in reported if member_id is not None]
        branch_id = session.scalar(select(Member.branch_id).where(Member.id.in_(ids[:500])).limit(1)) if ids else None
    gathered = next((b for b in gathered_branches(store) if b.branch_id == branch_id), None)
    if gathered is None:
        return GatheredCheck(None, len(reported), ())
    try:
        totals = {row.member_id: row.year_to_date for row in branch_ranking(store, year, branch_id=branch_id).rows}
    except NotFound:  # no rule set of that year came with the backup: nobody on its ranking
        totals = {}
    mismatches = tuple(
        Mismatch(name, total, totals.get(member_id))
        for member_id, name, total in reported
        if total is None or totals.get(member_id) != total
    )
    return GatheredCheck(gathered.backup_created_at, len(reported), mismatches)


def _reported_totals(payload) -> list[tuple[uuid.UUID | None, str, Decimal | None]]:
    """(member id, name, reported year total) of each candidate; what is not understood reads as None."""
    candidates = payload.get("candidates") if isinstance(payload, dict) else None
    found = []
    for candidate in candidates if isinstance(candidates, list) else []:
        if not isinstance(candidate, dict):
            continue
        try:
            member_id = uuid.UUID(str(candidate.get("member_id")))
        except ValueError:
            member_id = None
        try:
            total = Decimal(str(candidate.get("final_total")))
        except (InvalidOperation, ValueError):
            total = None
        found.append((member_id, str(candidate.get("name") or ""), total if total is not None and total.is_finite() else None))
    return found
