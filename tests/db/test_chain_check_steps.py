"""The chain check in short steps (the window's weekly check): the same findings as the check at
once, on a sound file and on each kind of tampering, and rows appended between steps are looked at."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add
from db import chain_check, chain_scan, ledger_chain
from db.chain_check import SteppedChainCheck, check_chains


@pytest.fixture
def small_steps(monkeypatch):
    """Batches and ranges of a few rows, so that the small file takes many steps."""
    monkeypatch.setattr(chain_scan, "BATCH", 4)
    monkeypatch.setattr(chain_check, "RANGE_ROWS", 3)


@pytest.fixture
def people(store, admin, village_year):
    return [add(store, admin, name) for name in ("张三", "李四", "王五")]


@pytest.fixture
def ledger_file(store, admin, people, db_path):
    """Twenty approved entries and three reviewed after they were written."""
    for day in range(1, 21):
        ledger.record_entry(store, admin, EntryRequest(people[day % 3], "B02", date(2026, 3, day)), approve=True, today=TODAY)
    for day in range(1, 4):
        pending = ledger.record_entry(store, admin, EntryRequest(people[day % 3], "B02", date(2026, 4, day)), today=TODAY).created[0]
        ledger.review_entries(store, admin, [pending], approve=True)
    return db_path


def _raw(path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _in_steps(raw, on_step=None) -> tuple[chain_check.ChainCheck, int]:
    """The stepped check with every deadline already past (a batch or a range a step), and its steps."""
    stepped, steps = SteppedChainCheck(include_unchained=True), 0
    while not stepped.step(raw, deadline=0):
        steps += 1
        if on_step:
            on_step(steps)
    return stepped.finish(raw), steps + 1


def _same(found: chain_check.ChainCheck, at_once: chain_check.ChainCheck) -> None:
    assert found.findings == at_once.findings
    assert found.heads == at_once.heads and found.rows == at_once.rows


def _drop_triggers(raw) -> list[tuple[str, str]]:
    triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        raw.execute(f"DROP TRIGGER {name}")
    return triggers


def _put_back(raw, triggers) -> None:
    for _, sql in triggers:
        raw.execute(sql)


def test_a_sound_file_in_many_steps_gives_what_the_check_at_once_gives(ledger_file, small_steps):
    raw = _raw(ledger_file)
    found, steps = _in_steps(raw)
    at_once = check_chains(raw, sqlite=True)
    assert found.ok and at_once.ok
    _same(found, at_once)
    assert found.heads == ledger_chain.read_heads(raw)
    audit_rows = raw.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert steps > (23 + audit_rows) // 4  # a batch of the chains at most, then a range, each step


def test_an_empty_file_is_sound_in_one_step(store, db_path):
    found, steps = _in_steps(_raw(db_path))
    assert found.ok and steps == 1 and found.heads == check_chains(_raw(db_path), sqlite=True).heads


@pytest.mark.parametrize("tampering", ["multiplied", "review_flipped", "reviews_flipped", "entry_deleted", "triggers_dropped"])
def test_each_tampering_is_named_as_the_check_at_once_names_it(ledger_file, small_steps, tampering):
    raw = _raw(ledger_file)
    triggers = _drop_triggers(raw)
    if tampering == "multiplied":
        raw.execute("UPDATE points_entries SET points = points * 10 WHERE chain_seq = 9")
    elif tampering == "review_flipped":
        raw.execute("UPDATE points_entries SET status = 'rejected' WHERE chain_seq = 14")
    elif tampering == "reviews_flipped":  # more than are named: the first five, in the file's order
        raw.execute("UPDATE points_entries SET status = 'rejected' WHERE chain_seq BETWEEN 3 AND 19")
    elif tampering == "entry_deleted":
        raw.execute("DELETE FROM points_entries WHERE chain_seq = 12")
    if tampering != "triggers_dropped":
        _put_back(raw, triggers)
    found, _ = _in_steps(raw)
    at_once = check_chains(raw, sqlite=True)
    assert not at_once.ok
    _same(found, at_once)


def test_rows_appended_between_steps_are_looked_at_too(ledger_file, small_steps, store, admin, people):
    raw = _raw(ledger_file)

    def write_meanwhile(step: int) -> None:
        if step == 3:
            for day in range(21, 26):
                ledger.record_entry(store, admin, EntryRequest(people[day % 3], "B02", date(2026, 3, day)), approve=True, today=TODAY)

    found, _ = _in_steps(raw, write_meanwhile)
    assert found.ok and found.heads == ledger_chain.read_heads(raw)
    assert found.rows[chain_check.ENTRIES] == 28
    _same(found, check_chains(raw, sqlite=True))


def test_an_appended_row_that_breaks_the_chain_is_caught_at_the_end(ledger_file, small_steps):
    raw = _raw(ledger_file)

    def forge_meanwhile(step: int) -> None:
        if step == 3:  # a copy of the newest entry under a new id, its hash left as it was
            triggers = _drop_triggers(raw)
            columns = [row[1] for row in raw.execute("PRAGMA table_info(points_entries)") if row[1] not in ("id", "chain_seq")]
            listed = ", ".join(columns)
            raw.execute(
                f"INSERT INTO points_entries (id, chain_seq, {listed}) SELECT '{'f' * 32}', chain_seq + 1, {listed} "
                "FROM points_entries ORDER BY chain_seq DESC LIMIT 1"
            )
            _put_back(raw, triggers)

    found, _ = _in_steps(raw, forge_meanwhile)
    assert not found.ok
    _same(found, check_chains(raw, sqlite=True))


def test_an_appended_entry_whose_review_no_record_vouches_for_is_named(ledger_file, small_steps, store, admin, people):
    raw = _raw(ledger_file)

    def tamper_meanwhile(step: int) -> None:
        if step == 3:  # written after the first step, then its review changed behind the program's back
            ledger.record_entry(store, admin, EntryRequest(people[1], "B02", date(2026, 5, 1)), approve=True, today=TODAY)
            triggers = _drop_triggers(raw)
            raw.execute("UPDATE points_entries SET status = 'rejected' WHERE chain_seq = (SELECT max(chain_seq) FROM points_entries)")
            _put_back(raw, triggers)

    found, _ = _in_steps(raw, tamper_meanwhile)
    assert [f.details.split(":")[0].split(" status=")[1] for f in found.findings] == ["rejected"]
    _same(found, check_chains(raw, sqlite=True))


@pytest.mark.parametrize("where", ["between", "at_the_end"])
def test_a_township_s_gathered_rows_outside_its_chain_are_let_pass_as_at_once(ledger_file, small_steps, store, admin, people, where):
    """A township's file: rows gathered from its villages carry no place in its own chain."""
    raw = _raw(ledger_file)
    columns = [row[1] for row in raw.execute("PRAGMA table_info(points_entries)") if row[1] not in ("id", "chain_seq", "chain_prev", "chain_hash")]
    listed = ", ".join(columns)

    def gather(rows: int) -> None:
        triggers = _drop_triggers(raw)
        raw.execute(
            f"INSERT INTO points_entries (id, {listed}) SELECT lower(hex(randomblob(16))), {listed} FROM points_entries "
            f"ORDER BY rowid LIMIT {rows}"
        )
        _put_back(raw, triggers)

    gather(3)
    if where == "between":
        for day in range(1, 4):
            ledger.record_entry(store, admin, EntryRequest(people[day % 3], "K01", date(2026, 5, day)), today=TODAY)
        gather(2)
    stepped = SteppedChainCheck(include_unchained=False)
    while not stepped.step(raw, deadline=0):
        pass
    found, at_once = stepped.finish(raw), check_chains(raw, sqlite=True, include_unchained=False)
    _same(found, at_once)  # (the copies' reviews are named: no audit record of theirs was copied)
    chained = raw.execute("SELECT count(*) FROM points_entries WHERE chain_seq IS NOT NULL").fetchone()[0]
    assert found.rows[chain_check.ENTRIES] == chained and found.heads == ledger_chain.read_heads(raw)
    assert not any("链" in f.sentence or "第" in f.sentence for f in found.findings)  # no break of the chain


def test_the_share_done_grows_to_the_whole(ledger_file, small_steps):
    raw = _raw(ledger_file)
    stepped, shares = SteppedChainCheck(include_unchained=True), []
    while not stepped.step(raw, deadline=0):
        shares.append(stepped.share_done)
    assert shares == sorted(shares) and 0 < shares[0] < 0.1 and shares[-1] > 0.9 and stepped.share_done == 1.0


def test_a_broken_chain_ends_the_steps_at_once(ledger_file, small_steps):
    raw = _raw(ledger_file)
    triggers = _drop_triggers(raw)
    raw.execute("UPDATE points_entries SET points = points * 10 WHERE chain_seq = 2")
    _put_back(raw, triggers)
    found, steps = _in_steps(raw)
    assert steps == 1 and not found.ok  # the first batch fails: the check at once judges the file
    _same(found, check_chains(raw, sqlite=True))
