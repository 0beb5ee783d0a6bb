"""Conditions written for SQLite's planner as it is on a file the program made: without statistics
(nothing runs ANALYZE), where an index's shape alone decides."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text

from app.services.ledger import entries
from conftest import TODAY, add
from db.models import PointsEntry, reverses_nothing
from db.practice_models import ServiceRecord


def _plan(session, statement) -> str:
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return " | ".join(row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_records_that_reverse_nothing_are_not_looked_for_in_the_unique_index(store, admin, branch, village_year):
    """`reverses_id IS NULL` on its UNIQUE index looks like one row to a planner without
    statistics, and is every record but the few reversals: the member's own index must be used."""
    zhang = add(store, admin, "张三")
    entries.record_entry(store, admin, entries.EntryRequest(zhang, "B01", TODAY), approve=True, today=TODAY)
    member = uuid.UUID(int=1)
    with store.session() as session:
        assert not session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).all()
        plain = _plan(session, select(PointsEntry.id).where(PointsEntry.member_id == member, PointsEntry.reverses_id.is_(None)))
        kept = _plan(session, select(PointsEntry.id).where(PointsEntry.member_id == member, reverses_nothing(PointsEntry.reverses_id)))
        served = _plan(session, select(ServiceRecord.id).where(ServiceRecord.served_on == TODAY, reverses_nothing(ServiceRecord.reverses_id)))
    assert "(reverses_id=?)" in plain  # the trap, as SQLite falls into it
    assert "ix_points_entries_member_date" in kept and "reverses_id" not in kept, kept
    assert "served_on" in served and "reverses_id" not in served, served
