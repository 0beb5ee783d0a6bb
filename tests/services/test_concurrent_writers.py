"""Two, four and eight processes writing the same database at once: every write lands, no cap is exceeded.

Each process records deductions for a member of its own (all must land) and tries letters of
thanks (B02, 1 point) for one shared member, whose bonus is capped at 10 a year: exactly ten
of those may land, every other attempt is refused as over the cap, never as a busy database.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from contextlib import closing
from datetime import date

import pytest

from conftest import TODAY, add

OWN_ENTRIES = 8
SHARED_TRIES = 6


def _writer(db_path: str, own_member: str, shared_member: str, start, results) -> None:
    import uuid

    from app.domain.errors import CapExceeded
    from app.services.ledger import entries as ledger
    from app.services.accounts import operators
    from app.services.ledger.entries import EntryRequest
    from db.store import Store

    outcome = {"own": 0, "shared": 0, "capped": 0, "other": []}
    with Store.open_file(db_path) as store:
        admin = operators.ensure_admin(store)
        start.wait()
        for number in range(max(OWN_ENTRIES, SHARED_TRIES)):
            if number < OWN_ENTRIES:
                try:
                    ledger.record_entry(store, admin, EntryRequest(uuid.UUID(own_member), "K01", date(2026, 3, 1 + number)),
                                        approve=True, today=TODAY)
                    outcome["own"] += 1
                except Exception as exc:  # reported to the test, which fails on it
                    outcome["other"].append(repr(exc))
            if number < SHARED_TRIES:
                try:
                    ledger.record_entry(store, admin, EntryRequest(uuid.UUID(shared_member), "B02", date(2026, 4, 1 + number)),
                                        approve=True, today=TODAY)
                    outcome["shared"] += 1
                except CapExceeded:
                    outcome["capped"] += 1
                except Exception as exc:
                    outcome["other"].append(repr(exc))
    results.put(outcome)


@pytest.mark.slow
@pytest.mark.parametrize("processes", [2, 4, 8])
def test_processes_writing_at_once_all_succeed(store, admin, village_year, db_path, processes):
    own = [str(add(store, admin, f"党员{index}")) for index in range(processes)]
    shared = str(add(store, admin, "共同"))
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [context.Process(target=_writer, args=(str(db_path), own[i], shared, start, results)) for i in range(processes)]
    for worker in workers:
        worker.start()
    start.set()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert [o["other"] for o in outcomes] == [[] for _ in workers]
    assert sum(o["own"] for o in outcomes) == OWN_ENTRIES * processes
    assert sum(o["shared"] for o in outcomes) == min(10, SHARED_TRIES * processes)
    assert sum(o["shared"] + o["capped"] for o in outcomes) == SHARED_TRIES * processes
    with closing(sqlite3.connect(db_path)) as raw:
        counted = raw.execute("SELECT COUNT(*), SUM(points) FROM points_entries").fetchone()
    assert counted == (OWN_ENTRIES * processes + min(10, SHARED_TRIES * processes),
                       -200 * OWN_ENTRIES * processes + 100 * min(10, SHARED_TRIES * processes))
