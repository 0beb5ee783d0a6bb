"""The window's weekly chain check: due once a week, passes on a sound file, and catches a ledger
cut short behind the program's back against the heads an earlier check (or a backup) recorded."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date, timedelta

import pytest

from app.services import demo
from app.services.backup import archive as backup
from app.services.ledger.watch import ScheduledChainCheck, chain_check_due, run_scheduled_chain_check
from conftest import TODAY
from db import chain_scan
from db.store import Store


@pytest.fixture
def demo_branch(store, admin):
    demo.create_demo_branch(store, admin, today=TODAY)
    return store


def _cut_the_ledger_short(path, rows: int) -> None:
    """Drop the guarding triggers, delete the newest entries and the audit log from their rows on, put the triggers back."""
    with closing(sqlite3.connect(path)) as raw:
        triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            raw.execute(f"DROP TRIGGER {name}")
        newest = [row[0] for row in raw.execute(
            "SELECT id FROM points_entries WHERE id NOT IN (SELECT reverses_id FROM points_entries WHERE reverses_id IS NOT NULL)"
            " ORDER BY chain_seq DESC LIMIT ?", (rows,))]
        # The audit log is cut short too, from the first row about those entries on (the demo
        # writes its shop and practice records after the ledger): both chains just end earlier.
        [first_audit] = raw.execute(
            f"SELECT MIN(chain_seq) FROM audit_log WHERE entity_id IN ({','.join('?' * len(newest))})", newest).fetchone()
        raw.executemany("DELETE FROM points_entries WHERE id = ?", [(i,) for i in newest])
        raw.execute("DELETE FROM audit_log WHERE chain_seq >= ?", (first_audit,))
        for _, sql in triggers:
            raw.execute(sql)
        raw.commit()


def test_the_check_runs_once_a_week_and_passes_on_a_sound_file(demo_branch, admin):
    assert chain_check_due(demo_branch, TODAY)
    first = run_scheduled_chain_check(demo_branch, admin, TODAY)
    assert first.ran and first.verdict.ok and "防篡改链完整" in first.verdict.sentence
    assert not chain_check_due(demo_branch, TODAY + timedelta(days=6))
    assert not run_scheduled_chain_check(demo_branch, admin, TODAY + timedelta(days=6)).ran
    assert chain_check_due(demo_branch, TODAY + timedelta(days=7))


def test_a_ledger_cut_short_after_a_good_check_is_caught(demo_branch, admin, db_path):
    assert run_scheduled_chain_check(demo_branch, admin, TODAY).verdict.ok
    _cut_the_ledger_short(db_path, 2)
    later = run_scheduled_chain_check(demo_branch, admin, TODAY + timedelta(days=7))
    assert later.ran and not later.verdict.ok
    assert "比以前记下的" in later.verdict.sentence


def test_the_newest_backup_also_counts_as_a_witness(demo_branch, admin, db_path, tmp_path):
    folder = tmp_path / "auto"
    folder.mkdir()
    backup.backup_to(demo_branch, folder, name="auto-20261123-120000.jfbak")
    _cut_the_ledger_short(db_path, 1)
    verdict = run_scheduled_chain_check(demo_branch, admin, TODAY, backup_folder=folder).verdict
    assert not verdict.ok and "比以前记下的" in verdict.sentence


def test_the_check_in_short_steps_records_what_the_check_at_once_records(demo_branch, admin, monkeypatch):
    monkeypatch.setattr(chain_scan, "BATCH", 16)
    run = ScheduledChainCheck.begin(demo_branch, TODAY)
    steps = 1
    while not run.step(seconds=0):
        steps += 1
    result = run.record(admin)
    assert steps > 10 and result.ran and result.verdict.ok
    assert not chain_check_due(demo_branch, TODAY + timedelta(days=6))
    assert run_scheduled_chain_check(demo_branch, admin, TODAY, force=True).verdict == result.verdict


def test_a_check_begun_before_the_store_was_closed_does_no_more_and_records_nothing(demo_branch, admin, db_path, monkeypatch):
    """As when a backup is restored into the open file halfway through the window's check."""
    monkeypatch.setattr(chain_scan, "BATCH", 16)
    run = ScheduledChainCheck.begin(demo_branch, TODAY)
    assert not run.step(seconds=0)
    demo_branch.close()
    assert run.step(seconds=0) and run.verdict is None
    assert not run.record(admin).ran
    with Store.open_file(db_path) as reopened:
        assert chain_check_due(reopened, TODAY)


def test_a_verdict_known_before_the_store_was_closed_is_not_recorded(demo_branch, admin, db_path):
    run = ScheduledChainCheck.begin(demo_branch, TODAY)
    while not run.step(seconds=None):
        pass
    assert run.verdict.ok
    demo_branch.close()  # a restore replaced the file before the record was written
    assert not run.record(admin).ran
    with Store.open_file(db_path) as reopened:
        assert chain_check_due(reopened, TODAY)
