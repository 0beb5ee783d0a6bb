"""Conditions written for SQLite's planner as it is on a file the program made: without statistics
(nothing runs ANALYZE), where an index's shape alone decides."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from conftest import TODAY, query_plan
from db.models import PointsEntry, reverses_nothing
from db.practice_models import ServiceRecord


def test_records_that_reverse_nothing_are_not_looked_for_in_the_unique_index(store):
    """`reverses_id IS NULL` on its UNIQUE index looks like one row to a planner without
    statistics, and is every record but the few reversals: the member's or the date's own index
    must be used."""
    member = uuid.UUID(int=1)
    with store.session() as session:
        assert not session.execute(text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).all()
        entries = query_plan(session, select(PointsEntry.id).where(PointsEntry.member_id == member, reverses_nothing(PointsEntry.reverses_id)))
        served = query_plan(session, select(ServiceRecord.id).where(ServiceRecord.served_on == TODAY, reverses_nothing(ServiceRecord.reverses_id)))
    assert "ix_points_entries_member_date" in entries and "reverses_id" not in entries, entries
    assert "served_on" in served and "reverses_id" not in served, served


def test_postgresql_reads_the_condition_plainly(store):
    """PostgreSQL keeps statistics; a wrapped column would only spoil its estimate."""
    statement = select(PointsEntry.id).where(reverses_nothing(PointsEntry.reverses_id))
    assert "WHERE (points_entries.reverses_id IS NULL)" in str(statement.compile(dialect=postgresql.dialect()))
    with store.session() as session:
        found = session.scalars(statement).all()
    assert found == []
