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
    query = entries_query(require_branch_id(store), entry_filter or EntryFilter())
    with read_session(store) as session:
        return [
            EntryRow(
                id=id_, member_id=member_id, member_name=member_name, occurred_on=occurred_on, item_code=code,
                item_name=item_name, category=category, quantity=quantity, points=points, note=note, evidence=evidence,
                status=status, entered_by=entered_by, entered_at=created_at, reviewed_by=reviewed_by or "",
                review_note=review_note, reverses_id=reverses_id, reversed_by_id=reversed_by, meeting_id=meeting_id,
            )
            for (id_, member_id, member_name, occurred_on, code, item_name, category, quantity, points, note, evidence, status,
                 entered_by, created_at, reviewed_by, review_note, reverses_id, reversed_by, meeting_id) in session.execute(query)
        ]


def entries_query(branch_id: uuid.UUID, entry_filter: EntryFilter):
    """The SELECT behind list_entries, one row per entry in EntryRow's order of fields."""
    enterer, reviewer = aliased(Operator), aliased(Operator)
    reversal = aliased(PointsEntry)
    e = PointsEntry
    # the branch's members named in the entries' own terms: SQLite then reads each member's
    # entries by (member, date) instead of every branch's entries of the period, or of all time
    # for a status alone (a county's file: 12.9 s for one branch's year, 8.9 s for 待审核)
    branch_members = select(Member.id).where(Member.branch_id == branch_id)
    # columns, not PointsEntry objects: a 2,000-member branch's year is 52,000 rows
    query = (
        select(e.id, e.member_id, Member.name, e.occurred_on, RuleItemRecord.code, RuleItemRecord.name, RuleItemRecord.category,
               e.quantity, e.points, e.note, e.evidence, e.status, enterer.display_name, e.created_at, reviewer.display_name,
               e.review_note, e.reverses_id, reversal.id, e.meeting_id)
        .join(Member, e.member_id == Member.id)
        .join(RuleItemRecord, e.rule_item_id == RuleItemRecord.id)
        .join(enterer, e.entered_by == enterer.id)
        .outerjoin(reviewer, e.reviewed_by == reviewer.id)
        .outerjoin(reversal, reversal.reverses_id == e.id)
        .where(e.member_id.in_(branch_members), Member.branch_id == branch_id)
    )
    if entry_filter.member_id:
        query = query.where(e.member_id == entry_filter.member_id)
    if entry_filter.month:
        query = query.where(e.occurred_on.between(entry_filter.month.first_day, entry_filter.month.last_day))
    elif entry_filter.year:
        query = query.where(e.occurred_on.between(date(entry_filter.year, 1, 1), date(entry_filter.year, 12, 31)))
    if entry_filter.item_code:
        query = query.where(RuleItemRecord.code == entry_filter.item_code)
    if entry_filter.status:
        query = query.where(e.status == entry_filter.status)
    query = query.order_by(e.occurred_on.desc(), e.created_at.desc())
    if entry_filter.limit:
        query = query.limit(entry_filter.limit)
    return query
