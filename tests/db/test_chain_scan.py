"""The quick proof of a sound chain (db/chain_scan.py) over spans and threads: it proves only what
the exact walk in chain order would find sound, and leaves every break to that walk to name.

Spans and batches are made tiny here so that a small ledger is cut into several spans verified
by several threads on their own connections, with seams between them, as millions of rows are.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from app.domain import chain
from app.domain.chain import AUDIT, CHAINS, ENTRIES, GENESIS, Head, link_hash, normalise
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add
from db import chain_scan, ledger_chain

ENTRY_COUNT = 40


@pytest.fixture
def small_spans(monkeypatch):
    monkeypatch.setattr(chain_scan, "SPAN_ROWS", 10)
    monkeypatch.setattr(chain_scan, "BATCH", 4)


_BUILT: dict[str, Path] = {}


@pytest.fixture
def ledger_file(request, tmp_path_factory, tmp_path, small_spans) -> Path:
    """A copy of a branch with ENTRY_COUNT approved entries (and their audit records), written by
    the program once for this module."""
    if "file" not in _BUILT:
        store, admin = request.getfixturevalue("store"), request.getfixturevalue("admin")
        request.getfixturevalue("village_year")
        people = [add(store, admin, name) for name in ("张三", "李四", "王五", "赵六", "孙七", "周八", "吴九", "郑十")]
        for number in range(ENTRY_COUNT):  # five each: within the bonus cap
            request_ = EntryRequest(people[number % len(people)], "B02", date(2026, 3, 1 + number % 28), note=f"第{number}次")
            ledger.record_entry(store, admin, request_, approve=True, today=TODAY)
        built = tmp_path_factory.mktemp("chain_scan") / "ledger.db"
        with closing(sqlite3.connect(request.getfixturevalue("db_path"))) as source, closing(sqlite3.connect(built)) as copy:
            source.backup(copy)
        _BUILT["file"] = built
    path = tmp_path / "ledger-copy.db"
    shutil.copy(_BUILT["file"], path)
    return path


def _raw(path) -> sqlite3.Connection:
    raw = sqlite3.connect(path, isolation_level=None)
    for name in ("points_entries_no_rewrite", "points_entries_no_delete", "audit_log_no_delete", "audit_log_no_update"):
        raw.execute(f"DROP TRIGGER {name}")
    return raw


def _exact(raw, name: str, include_unchained: bool = True) -> chain.ChainResult:
    return ledger_chain._walk_stored(raw, raw, name, include_unchained)


def _same_as_exact(raw, include_unchained: bool = True) -> dict[str, chain.ChainResult]:
    """verify_all_stored's results, after checking that each equals the exact walk's."""
    results = ledger_chain.verify_all_stored(raw, CHAINS, include_unchained)
    for name in CHAINS:
        assert results[name] == _exact(raw, name, include_unchained), name
    return results


def test_a_sound_ledger_is_proven_over_several_spans_and_threads(ledger_file):
    raw = _raw(ledger_file)
    plan = chain_scan._plan(raw, ENTRIES, 4)
    assert len(plan) == 4 and plan[-1][1] == raw.execute("SELECT max(rowid) FROM points_entries").fetchone()[0]
    proven = chain_scan.prove_sound(raw, CHAINS, include_unchained=True, threads=4)
    assert set(proven) == set(CHAINS)
    for name in CHAINS:
        assert proven[name] == _exact(raw, name) and proven[name].ok
    assert proven[ENTRIES].head == ledger_chain.read_head(raw, ENTRIES) and proven[ENTRIES].rows == ENTRY_COUNT


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_any_number_of_threads_gives_the_same_result(ledger_file, threads):
    raw = _raw(ledger_file)
    proven = chain_scan.prove_sound(raw, CHAINS, include_unchained=True, threads=threads)
    assert proven == {name: _exact(raw, name) for name in CHAINS}


def test_an_empty_ledger_is_sound_with_the_empty_head(store, db_path, small_spans):
    raw = sqlite3.connect(db_path)
    proven = chain_scan.prove_sound(raw, (ENTRIES,), include_unchained=True)
    assert proven[ENTRIES] == _exact(raw, ENTRIES) and proven[ENTRIES].head == chain.EMPTY_HEAD


def test_the_rowid_range_is_read_from_the_tables_edges(ledger_file):
    """min and max of the rowid from the b-tree's two ends, not a walk over every row: on a county's
    file that walk took 0.6 s a table, before the window's weekly check could take its first step."""
    raw = _raw(ledger_file)
    expected = {name: raw.execute(f"SELECT min(rowid) - 1, max(rowid) FROM {name}").fetchone() for name in CHAINS}
    sent = []
    raw.set_trace_callback(sent.append)
    found = {name: chain_scan.rowid_range(raw, name) for name in CHAINS}
    raw.set_trace_callback(None)
    assert found == expected and found[ENTRIES][1] > found[ENTRIES][0] + 1
    assert len(sent) == len(CHAINS)
    for statement in sent:
        plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}")]
        assert not any(step.startswith("SCAN") and "CONSTANT ROW" not in step for step in plan), plan
    with closing(sqlite3.connect(":memory:")) as empty:
        empty.execute(f"CREATE TABLE {ENTRIES} (id TEXT)")
        assert chain_scan.rowid_range(empty, ENTRIES) == (0, 0)


def _seq_of_row(raw, position: str) -> int:
    """The seq of the first row, a row inside a span, the first row of the second span (a seam), or the last."""
    plan = chain_scan._plan(raw, ENTRIES, 4)
    rowid = {"first": plan[0][0] + 1, "inside": plan[0][0] + 3, "seam": plan[1][0] + 1, "last": plan[-1][1]}[position]
    return raw.execute("SELECT chain_seq FROM points_entries WHERE rowid = ?", (rowid,)).fetchone()[0]


def _edit(raw, seq):
    raw.execute("UPDATE points_entries SET points = points * 10 WHERE chain_seq = ?", (seq,))


def _delete(raw, seq):
    raw.execute("DELETE FROM points_entries WHERE chain_seq = ?", (seq,))


def _swap_seq(raw, seq):
    other = seq + 1 if seq < ENTRY_COUNT else seq - 1
    raw.execute("UPDATE points_entries SET chain_seq = -1 WHERE chain_seq = ?", (seq,))
    raw.execute("UPDATE points_entries SET chain_seq = ? WHERE chain_seq = ?", (seq, other))
    raw.execute("UPDATE points_entries SET chain_seq = ? WHERE chain_seq = -1", (other,))


def _insert_after(raw, seq):
    """A copy of row `seq` with a new id slipped in after it, hashed correctly after it."""
    columns = ", ".join(chain.ENTRY_FIELDS)
    row = list(raw.execute(f"SELECT {columns}, status, review_note FROM points_entries WHERE chain_seq = ?", (seq,)).fetchone())
    prev = raw.execute("SELECT chain_hash FROM points_entries WHERE chain_seq = ?", (seq,)).fetchone()[0]
    row[0] = "f" * 32
    values = normalise(ENTRIES, dict(zip(chain.ENTRY_FIELDS, row)))
    raw.execute("UPDATE points_entries SET chain_seq = chain_seq + 1000 WHERE chain_seq > ?", (seq,))
    raw.execute("UPDATE points_entries SET chain_seq = chain_seq - 999 WHERE chain_seq > 1000")
    raw.execute(
        f"INSERT INTO points_entries ({columns}, status, review_note, chain_seq, chain_prev, chain_hash) "
        f"VALUES ({', '.join('?' * (len(row) + 3))})",
        (*row, seq + 1, prev, link_hash(prev, ENTRIES, values)),
    )


def _hash_as_blob(raw, seq):
    raw.execute("UPDATE points_entries SET chain_hash = CAST(chain_hash AS BLOB) WHERE chain_seq = ?", (seq,))


def _link_and_seq_as_blobs(raw, seq):
    """The same characters stored as BLOBs: the exact walk compares text, so these rows break there."""
    raw.execute("UPDATE points_entries SET chain_prev = CAST(chain_prev AS BLOB) WHERE chain_seq = ?", (seq,))
    raw.execute("UPDATE points_entries SET chain_seq = CAST(chain_seq AS BLOB) WHERE chain_seq = ?", (seq,))


def _seq_nulled(raw, seq):
    """The row keeps its hash and link but loses its place: the walk in chain order misses it."""
    raw.execute("UPDATE points_entries SET chain_seq = NULL WHERE chain_seq = ?", (seq,))


def _seq_not_a_number(raw, seq):
    raw.execute("UPDATE points_entries SET chain_seq = chain_seq || 'x' WHERE chain_seq = ?", (seq,))


def _prev_nulled(raw, seq):
    raw.execute("UPDATE points_entries SET chain_prev = NULL WHERE chain_seq = ?", (seq,))


def _hash_upper_case(raw, seq):
    raw.execute("UPDATE points_entries SET chain_hash = upper(chain_hash) WHERE chain_seq = ?", (seq,))


def _control_character_in_note(raw, seq):
    """A note holding the scan's separator (0x1E): json_array escapes it, so the row only breaks by the edit."""
    raw.execute("UPDATE points_entries SET note = note || char(30) WHERE chain_seq = ?", (seq,))


TAMPERS = [_edit, _delete, _swap_seq, _insert_after, _hash_as_blob, _link_and_seq_as_blobs, _seq_nulled, _seq_not_a_number, _prev_nulled, _hash_upper_case,
           _control_character_in_note]


@pytest.mark.parametrize("position", ["first", "inside", "seam", "last"])
@pytest.mark.parametrize("tamper", TAMPERS, ids=lambda tamper: tamper.__name__.strip("_"))
def test_every_tampering_anywhere_is_left_to_the_exact_walk(ledger_file, tamper, position):
    raw = _raw(ledger_file)
    tamper(raw, _seq_of_row(raw, position))
    results = _same_as_exact(raw)
    assert results[AUDIT].ok
    if (tamper, position) in ((_delete, "last"), (_insert_after, "last")):
        assert results[ENTRIES].ok  # the chain is shorter or longer but sound: caught against recorded heads
        return
    assert ENTRIES not in chain_scan.prove_sound(raw, CHAINS, include_unchained=True, threads=3)
    assert not results[ENTRIES].ok


def test_rows_out_of_file_order_are_verified_in_chain_order(ledger_file):
    """Rows whose rowids do not follow the chain (not what the program writes) prove nothing
    quickly, and the exact walk in chain order finds the chain sound."""
    raw = _raw(ledger_file)
    raw.execute("UPDATE points_entries SET rowid = -rowid WHERE chain_seq IN (5, 6)")
    raw.execute("UPDATE points_entries SET rowid = -rowid + 1 WHERE chain_seq = 5")
    raw.execute("UPDATE points_entries SET rowid = -rowid - 1 WHERE chain_seq = 6")
    assert ENTRIES not in chain_scan.prove_sound(raw, CHAINS, include_unchained=True, threads=3)
    assert _same_as_exact(raw)[ENTRIES].ok


def test_an_unchained_row_is_a_break_unless_unchained_rows_are_let_pass(ledger_file):
    raw = _raw(ledger_file)
    columns = ", ".join(chain.ENTRY_FIELDS)
    row = list(raw.execute(f"SELECT {columns}, status, review_note FROM points_entries WHERE chain_seq = 3").fetchone())
    row[0] = "e" * 32
    raw.execute(f"INSERT INTO points_entries ({columns}, status, review_note) VALUES ({', '.join('?' * len(row))})", row)
    assert _same_as_exact(raw, include_unchained=True)[ENTRIES].first_break.kind == chain.UNCHAINED
    assert ENTRIES in chain_scan.prove_sound(raw, CHAINS, include_unchained=False, threads=3)
    assert _same_as_exact(raw, include_unchained=False)[ENTRIES].ok


def test_a_chain_recomputed_from_genesis_at_a_seam_does_not_stitch(ledger_file):
    """Two spans that are each sound but do not join (the second restarts the chain) prove nothing."""
    raw = _raw(ledger_file)
    seam = _seq_of_row(raw, "seam")
    columns = ", ".join(chain.ENTRY_FIELDS)
    prev, new_seq = GENESIS, 1
    raw.execute("DELETE FROM points_entries WHERE chain_seq < ?", (seam,))
    for (seq, *fields) in raw.execute(f"SELECT chain_seq, {columns} FROM points_entries ORDER BY chain_seq").fetchall():
        digest = link_hash(prev, ENTRIES, normalise(ENTRIES, dict(zip(chain.ENTRY_FIELDS, fields))))
        raw.execute("UPDATE points_entries SET chain_seq = ?, chain_prev = ?, chain_hash = ? WHERE chain_seq = ?",
                    (new_seq + 10_000, prev, digest, seq))
        prev, new_seq = digest, new_seq + 1
    raw.execute("UPDATE points_entries SET chain_seq = chain_seq - 10000")
    result = _same_as_exact(raw)[ENTRIES]
    assert result.ok and result.head == Head(ENTRY_COUNT - seam + 1, prev)  # a shorter chain, caught against recorded heads


def test_a_real_value_hashed_the_canonical_way_still_verifies(ledger_file):
    raw = _raw(ledger_file)
    columns = ", ".join(chain.ENTRY_FIELDS)
    row = list(raw.execute(f"SELECT {columns} FROM points_entries WHERE chain_seq = ?", (ENTRY_COUNT,)).fetchone())
    prev = raw.execute("SELECT chain_prev FROM points_entries WHERE chain_seq = ?", (ENTRY_COUNT,)).fetchone()[0]
    row[chain.ENTRY_FIELDS.index("points")] = 1e20
    raw.execute("UPDATE points_entries SET points = 1e20, chain_hash = ? WHERE chain_seq = ?",
                (link_hash(prev, ENTRIES, row), ENTRY_COUNT))
    assert ENTRIES not in chain_scan.prove_sound(raw, CHAINS, include_unchained=True, threads=3)
    assert _same_as_exact(raw)[ENTRIES].ok


def test_a_file_the_helpers_cannot_open_proves_nothing(ledger_file, monkeypatch):
    raw = _raw(ledger_file)
    monkeypatch.setattr(chain_scan, "_file_of", lambda connection: str(ledger_file) + ".missing")
    assert chain_scan.prove_sound(raw, CHAINS, include_unchained=True, threads=3) == {}
    assert all(result.ok for result in _same_as_exact(raw).values())


def test_an_in_memory_database_is_proven_on_its_own_connection(small_spans):
    raw = sqlite3.connect(":memory:")
    raw.execute("CREATE TABLE points_entries (chain_seq, chain_prev, chain_hash, "
                + ", ".join(chain.ENTRY_FIELDS) + ")")
    prev = GENESIS
    for seq in range(1, 31):
        values = [f"{seq:032x}", "2026-03-01 08:00:00.000000", "a" * 32, "b" * 32, "2026-03-01", 100, 100,
                  "", "", "c" * 32, None, None, None]
        digest = link_hash(prev, ENTRIES, values)
        raw.execute(f"INSERT INTO points_entries VALUES ({', '.join('?' * 16)})", (seq, prev, digest, *values))
        prev = digest
    proven = chain_scan.prove_sound(raw, (ENTRIES,), include_unchained=True, threads=3)
    assert proven[ENTRIES] == _exact(raw, ENTRIES) and proven[ENTRIES].head == Head(30, prev)
