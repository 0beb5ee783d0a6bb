"""History cannot be rewritten: not through the ORM, not with raw SQL on the file."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.errors import LedgerTampered
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add
from db.models import AuditRecord, PointsEntry


@pytest.fixture
def entry_id(store, admin, village_year):
    member = add(store, admin, "张三")
    change = ledger.record_entry(store, admin, EntryRequest(member, "B02", date(2026, 3, 1)), approve=True, today=TODAY)
    return change.created[0]


def test_orm_refuses_to_change_an_approved_entry(store, entry_id):
    session = store.session()
    with pytest.raises(LedgerTampered):
        with session.begin():
            session.get(PointsEntry, entry_id).points = Decimal("5")
    session.close()
    session = store.session()
    assert session.get(PointsEntry, entry_id).points == Decimal("1.00")
    session.close()


def test_orm_refuses_to_delete_entries_and_audit(store, entry_id):
    session = store.session()
    with pytest.raises(LedgerTampered):
        with session.begin():
            session.delete(session.get(PointsEntry, entry_id))
    session.close()
    session = store.session()
    with pytest.raises(LedgerTampered):
        with session.begin():
            session.delete(session.scalars(select(AuditRecord)).first())
    session.close()


def test_orm_allows_only_the_review_of_a_pending_entry(store, admin, village_year):
    member = add(store, admin, "李四")
    pending = ledger.record_entry(store, admin, EntryRequest(member, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    session = store.session()
    with pytest.raises(LedgerTampered):
        with session.begin():
            session.get(PointsEntry, pending).note = "悄悄改一下"
    session.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE points_entries SET points = 500",
        "DELETE FROM points_entries",
        "UPDATE audit_log SET summary = 'x'",
        "DELETE FROM audit_log",
    ],
)
def test_the_file_itself_refuses_raw_rewrites(db_path, store, entry_id, statement):
    raw = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute(statement)
    raw.close()
