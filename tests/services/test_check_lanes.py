"""`check`'s parts side by side (app/services/check_lanes.py): two lanes report exactly what one
lane reports, in the same order; parts really run at the same time; a lane that sees another
state of the file takes no part; the first error in the parts' order reaches the caller."""

from __future__ import annotations

import re
import sqlite3
import threading

import pytest

from app.services import check, check_lanes, demo
from conftest import TODAY
from db.store import Store

PLAIN = "SELECT id FROM points_entries WHERE reverses_id IS NULL AND status = 'approved' ORDER BY chain_seq LIMIT 1 OFFSET {}"
EDITS = (
    "DROP TRIGGER points_entries_no_rewrite",
    "DROP TRIGGER audit_log_no_delete",
    f"UPDATE points_entries SET points = points * 10 WHERE id = ({PLAIN.format(3)})",
    f"UPDATE points_entries SET status = 'pending' WHERE id = ({PLAIN.format(9)})",
    f"DELETE FROM audit_log WHERE entity_id = ({PLAIN.format(12)})",
    "UPDATE member_month_sums SET points = points + 1 WHERE (rule_set_id, year, member_id, month, category) = "
    "(SELECT rule_set_id, year, member_id, month, category FROM member_month_sums ORDER BY 1, 2, 3, 4, 5 LIMIT 1 OFFSET 2)",
)


@pytest.fixture(scope="module")
def tampered(tmp_path_factory):
    from conftest import keyed_admin

    path = tmp_path_factory.mktemp("lanes") / "demo.db"
    with Store.open_file(path) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
    raw = sqlite3.connect(path, isolation_level=None)
    for statement in EDITS:
        raw.execute(statement)
    raw.close()
    return path


def _checked(path, lanes: int, monkeypatch) -> check.CheckReport:
    monkeypatch.setattr(check, "LANES", lanes)
    with Store.open_file(path, read_only=True) as store:
        return check.check_store(store)


def test_two_lanes_report_what_one_lane_reports(tampered, monkeypatch):
    one, two = _checked(tampered, 1, monkeypatch), _checked(tampered, 2, monkeypatch)
    assert len(one.problems) >= 5  # the chain, the triggers, a review, an audit record, a cap, the sums
    assert (two.problems, two.details, list(two.counts.items()), two.chain_heads) == (
        one.problems, one.details, list(one.counts.items()), one.chain_heads
    )


@pytest.mark.parametrize("lanes", [1, 2])
def test_each_part_tells_progress_once_as_it_ends(tampered, monkeypatch, lanes):
    """A county's check takes minutes: every part is heard of once, by its own words, the count
    going up to the whole — whichever lane ends it."""
    monkeypatch.setattr(check, "LANES", lanes)
    heard = []
    with Store.open_file(tampered, read_only=True) as store:
        report = check.check_store(store, lambda fraction, sentence: heard.append((fraction, sentence)))
    parts = [part for _, part in check.check_parts(sqlite=True)]
    labels = {check.part_label(part) for part in parts}
    assert len(labels) == len(parts) == len(heard) and not report.ok
    told = [re.fullmatch(r"已检查完(.+)（(\d+)/(\d+)）", sentence).groups() for _, sentence in heard]
    assert [(int(done), int(whole)) for _, done, whole in told] == [(done, len(parts)) for done in range(1, len(parts) + 1)]
    assert [fraction for fraction, _ in heard] == [done / len(parts) for done in range(1, len(parts) + 1)]
    assert {label for label, _, _ in told} == labels


def test_parts_run_at_the_same_time_on_two_sessions(tampered):
    """The first part waits for the second: with one lane at a time this would time out."""
    started, seen = threading.Event(), []

    def first(session):
        seen.append(("first", session))
        assert started.wait(timeout=30), "the second part never ran beside the first"

    def second(session):
        seen.append(("second", session))
        started.set()

    with Store.open_file(tampered, read_only=True) as store:
        check_lanes.run_parts(store, [first, second], lanes=2)
    assert {name for name, _ in seen} == {"first", "second"} and seen[0][1] is not seen[1][1]


def test_a_lane_that_sees_another_state_of_the_file_takes_no_part(tampered, monkeypatch):
    real, calls = check_lanes.read_heads, []

    def heads_moving_on(connection):
        calls.append(threading.current_thread().name)
        heads = real(connection)
        return heads if len(calls) == 1 else {**heads, "audit_log": None}  # a write came between

    monkeypatch.setattr(check_lanes, "read_heads", heads_moving_on)
    ran_on = []
    with Store.open_file(tampered, read_only=True) as store:
        check_lanes.run_parts(store, [lambda s, n=n: ran_on.append((n, threading.current_thread().name)) for n in range(6)], lanes=2)
    assert len(calls) == 2 and sorted(n for n, _ in ran_on) == list(range(6))
    assert {thread for _, thread in ran_on} == {threading.current_thread().name}


def test_the_first_error_in_the_parts_order_is_raised(tampered):
    def failing(message):
        def part(session):
            raise ValueError(message)
        return part

    done = []
    with Store.open_file(tampered, read_only=True) as store, pytest.raises(ValueError, match="part 1"):
        check_lanes.run_parts(store, [done.append, failing("part 1"), done.append, failing("part 3")], lanes=2)
    assert len(done) == 2  # the other parts still ran
