"""Reading the ledger: filtered entry lists for the window, the cards and the command line.

Totals never come from here: they come from the one scorer (app.services.totals.scoring)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterator

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from app.domain.enums import Category, EntryStatus
from app.domain.periods import Month
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.roster.queries import text_condition
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
    search: str = ""  # a member's name or its pinyin (initials), as the roster's search box takes it


@dataclass(frozen=True)
class EntryPage:
    """A page of the entries a filter finds, in the window's order (entry_page)."""

    rows: tuple[EntryRow, ...]
    offset: int
    total: int | None  # how many entries the filter finds (None: not asked for)
    has_more: bool = False
    approved_total: Decimal | None = None  # their approved points added up (with `total`)


PAGE_ROWS = 200
STREAM_ROWS = 1000


def list_entries(store: Store, entry_filter: EntryFilter | None = None) -> list[EntryRow]:
    query = entries_query(require_branch_id(store), entry_filter or EntryFilter())
    with read_session(store) as session:
        return _entry_rows(session.execute(query))


def _entry_rows(result) -> list[EntryRow]:
    return [
        EntryRow(
            id=id_, member_id=member_id, member_name=member_name, occurred_on=occurred_on, item_code=code,
            item_name=item_name, category=category, quantity=quantity, points=points, note=note, evidence=evidence,
            status=status, entered_by=entered_by, entered_at=created_at, reviewed_by=reviewed_by or "",
            review_note=review_note, reverses_id=reverses_id, reversed_by_id=reversed_by, meeting_id=meeting_id,
        )
        for (id_, member_id, member_name, occurred_on, code, item_name, category, quantity, points, note, evidence, status,
             entered_by, created_at, reviewed_by, review_note, reverses_id, reversed_by, meeting_id) in result
    ]


def entry_page(
    store: Store, entry_filter: EntryFilter, offset: int = 0, limit: int = PAGE_ROWS, with_total: bool = True
) -> EntryPage:
    """`limit` entries from `offset` on, newest first, each reversal right after the entry it
    reverses (it has that entry's date); with `with_total`, how many the filter finds and their
    approved points, added up in SQL. A county's branch has 52,000 entries a year: the window
    shows them a page at a time as the clerk scrolls (reading them all took 2.3-3 s and 280 MB)."""
    branch_id = require_branch_id(store)
    query = _in_page_order(branch_id, entry_filter).offset(offset).limit(limit + 1)
    total = approved = None
    with read_session(store) as session:
        rows = _entry_rows(session.execute(query))
        if with_total:
            found = entries_query(branch_id, entry_filter).order_by(None).limit(None).subquery()
            total, approved = session.execute(select(
                func.count(), func.coalesce(func.sum(case((found.c.status == EntryStatus.APPROVED, found.c.points), else_=0)), 0),
            )).one()
    return EntryPage(tuple(rows[:limit]), offset, total, len(rows) > limit, None if approved is None else Decimal(approved))


@contextmanager
def entries_in_page_order(store: Store, entry_filter: EntryFilter, chunk: int = STREAM_ROWS) -> Iterator[tuple[int, Iterator[EntryRow]]]:
    """(how many entries the filter finds, the entries) in entry_page's order, read `chunk` rows at
    a time as they are used, all in one read transaction that ends with the `with`: an export of
    a county branch's every year (156,000 entries) holds a chunk, not the ledger."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        if session.get_bind().dialect.name == "postgresql":
            # the count and the rows from one snapshot (SQLite's read transaction is one already):
            # under READ COMMITTED an entry written between the two would be in the file, not the count
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        count = session.scalar(select(func.count()).select_from(entries_query(branch_id, entry_filter).order_by(None).subquery()))
        result = session.execute(_in_page_order(branch_id, entry_filter), execution_options={"yield_per": chunk})

        def entries() -> Iterator[EntryRow]:
            for rows in result.partitions():
                yield from _entry_rows(rows)

        try:
            yield count, entries()
        finally:
            result.close()


def _in_page_order(branch_id: uuid.UUID, entry_filter: EntryFilter):
    """entries_query ordered as the window shows it: newest first, each reversal right after the entry it reverses."""
    e, original = PointsEntry, aliased(PointsEntry)
    return (
        entries_query(branch_id, entry_filter)
        .outerjoin(original, original.id == e.reverses_id)
        .order_by(None)
        # ties broken by id, so that the pages of one filter never overlap or leave an entry out
        .order_by(e.occurred_on.desc(), func.coalesce(original.created_at, e.created_at).desc(),
                  func.coalesce(original.id, e.id).desc(), e.reverses_id.is_not(None))
    )


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
    searched = text_condition(entry_filter.search) if entry_filter.search else None
    if searched is not None:
        query = query.where(searched)
    query = query.order_by(e.occurred_on.desc(), e.created_at.desc())
    if entry_filter.limit:
        query = query.limit(entry_filter.limit)
    return query
