"""Reading the ledger: filtered entry lists for the window, the cards and the command line.

Totals never come from here: they come from the one scorer (app.services.totals.scoring)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.domain.enums import Category, EntryStatus
from app.domain.periods import Month
from app.services.context import read_session
from app.services.organisation import require_branch_id
from db.models import Member, Operator, PointsEntry, RuleItemRecord
from db.store import Store


@dataclass(frozen=True)
class EntryRow:
    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    occurred_on: date
    item_code: str
    item_name: str
    category: Category
    quantity: Decimal
    points: Decimal
    note: str
    evidence: str
    status: EntryStatus
    entered_by: str
    entered_at: datetime
    reviewed_by: str
    review_note: str
    reverses_id: uuid.UUID | None
    reversed_by_id: uuid.UUID | None
    meeting_id: uuid.UUID | None

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


@dataclass
class EntryFilter:
    member_id: uuid.UUID | None = None
    year: int | None = None
    month: Month | None = None
    item_code: str | None = None
    status: EntryStatus | None = None
    limit: int | None = None


def list_entries(store: Store, entry_filter: EntryFilter | None = None) -> list[EntryRow]:
    entry_filter = entry_filter or EntryFilter()
    branch_id = require_branch_id(store)
    enterer, reviewer = aliased(Operator), aliased(Operator)
    reversal = aliased(PointsEntry)
    query = (
        select(PointsEntry, Member.name, RuleItemRecord.code, RuleItemRecord.name, RuleItemRecord.category,
               enterer.display_name, reviewer.display_name, reversal.id)
        .join(Member, PointsEntry.member_id == Member.id)
        .join(RuleItemRecord, PointsEntry.rule_item_id == RuleItemRecord.id)
        .join(enterer, PointsEntry.entered_by == enterer.id)
        .outerjoin(reviewer, PointsEntry.reviewed_by == reviewer.id)
        .outerjoin(reversal, reversal.reverses_id == PointsEntry.id)
        .where(Member.branch_id == branch_id)
    )
    if entry_filter.member_id:
        query = query.where(PointsEntry.member_id == entry_filter.member_id)
    if entry_filter.month:
        query = query.where(PointsEntry.occurred_on.between(entry_filter.month.first_day, entry_filter.month.last_day))
    elif entry_filter.year:
        query = query.where(PointsEntry.occurred_on.between(date(entry_filter.year, 1, 1), date(entry_filter.year, 12, 31)))
    if entry_filter.item_code:
        query = query.where(RuleItemRecord.code == entry_filter.item_code)
    if entry_filter.status:
        query = query.where(PointsEntry.status == entry_filter.status)
    query = query.order_by(PointsEntry.occurred_on.desc(), PointsEntry.created_at.desc())
    if entry_filter.limit:
        query = query.limit(entry_filter.limit)
    with read_session(store) as session:
        return [
            EntryRow(
                id=entry.id, member_id=entry.member_id, member_name=member_name, occurred_on=entry.occurred_on,
                item_code=code, item_name=item_name, category=category, quantity=entry.quantity, points=entry.points,
                note=entry.note, evidence=entry.evidence, status=entry.status, entered_by=entered_by,
                entered_at=entry.created_at, reviewed_by=reviewed_by or "", review_note=entry.review_note,
                reverses_id=entry.reverses_id, reversed_by_id=reversed_by, meeting_id=entry.meeting_id,
            )
            for entry, member_name, code, item_name, category, entered_by, reviewed_by, reversed_by in session.execute(query)
        ]
