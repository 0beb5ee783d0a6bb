"""The chain as the file holds it: written by the program, found broken after raw edits."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.domain import chain
from app.domain.chain import AUDIT, ENTRIES, link_hash, normalise
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add
from db import ledger_chain
from db.ledger_guard import EXPECTED_TRIGGER_SQL, trigger_problems
from db.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def ledger_file(store, admin, village_year, db_path):
    """A branch with six approved entries, one pending and one reviewed later."""
    people = [add(store, admin, name) for name in ("张三", "李四", "王五")]
    for day in range(1, 7):
        ledger.record_entry(store, admin, EntryRequest(people[day % 3], "B02", date(2026, 3, day)), approve=True, today=TODAY)
    pending = ledger.record_entry(store, admin, EntryRequest(people[0], "B02", date(2026, 4, 1)), today=TODAY).created[0]
    ledger.review_entries(store, admin, [pending], approve=True)
    return db_path


def _raw(path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _triggers(raw) -> dict[str, str]:
    return dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))


def test_rows_written_by_the_program_form_sound_chains(ledger_file):
    raw = _raw(ledger_file)
    for name in (ENTRIES, AUDIT):
        result = ledger_chain.verify_stored(raw, name)
        assert result.ok and result.head == ledger_chain.read_head(raw, name)
    assert ledger_chain.read_head(raw, ENTRIES).seq == 7
    assert ledger_chain.unvouched_reviews(raw) == [] and ledger_chain.orphan_audit_entries(raw) == []
    assert trigger_problems(_triggers(raw)) == ([], [])


def test_a_new_file_records_that_its_chains_start_empty(store, db_path):
    raw = _raw(db_path)
    assert ledger_chain.chain_starts(raw) == {ENTRIES: (0, None), AUDIT: (0, None)}


def test_the_upgrade_chains_existing_rows_once_and_says_so(tmp_path):
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-0002.db", copy)
    Store.open_file(copy).close()
    raw = _raw(copy)
    counts = {name: raw.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in (ENTRIES, AUDIT)}
    assert ledger_chain.chain_starts(raw) == {ENTRIES: (counts[ENTRIES], "0002"), AUDIT: (counts[AUDIT], "0002")}
    for name in (ENTRIES, AUDIT):
        assert ledger_chain.verify_stored(raw, name).ok
    assert trigger_problems(_triggers(raw)) == ([], [])


def test_the_chain_columns_cannot_be_changed_while_the_triggers_stand(ledger_file):
    raw = _raw(ledger_file)
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("UPDATE points_entries SET chain_hash = 'x' WHERE chain_seq = 1")
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute("DELETE FROM chain_starts")


def test_triggers_are_compared_by_definition_not_by_name(ledger_file):
    raw = _raw(ledger_file)
    raw.execute("DROP TRIGGER points_entries_no_rewrite")
    raw.execute("CREATE TRIGGER points_entries_no_rewrite BEFORE UPDATE ON points_entries BEGIN SELECT 1; END")
    raw.execute("DROP TRIGGER audit_log_no_delete")
    assert trigger_problems(_triggers(raw)) == (["audit_log_no_delete"], ["points_entries_no_rewrite"])


def test_every_expected_trigger_is_in_a_new_file(store, db_path):
    assert set(_triggers(_raw(db_path))) >= set(EXPECTED_TRIGGER_SQL)


def _drop_ledger_triggers(raw) -> None:
    for name in ("points_entries_no_rewrite", "points_entries_no_delete", "audit_log_no_delete", "audit_log_no_update"):
        raw.execute(f"DROP TRIGGER {name}")


def test_points_multiplied_by_ten_break_the_chain_at_that_row(ledger_file):
    raw = _raw(ledger_file)
    _drop_ledger_triggers(raw)
    row_id = raw.execute("SELECT id FROM points_entries WHERE chain_seq = 3").fetchone()[0]
    raw.execute("UPDATE points_entries SET points = points * 10 WHERE id = ?", (row_id,))
    found = ledger_chain.verify_stored(raw, ENTRIES).first_break
    assert (found.kind, found.seq, found.row_id) == (chain.REWRITTEN, 3, row_id)
    assert ledger_chain.describe_row(raw, ENTRIES, row_id) == "张三 2026-03-03 B02 10 分"


def test_two_deleted_entries_with_their_audit_rows_are_missing(ledger_file):
    raw = _raw(ledger_file)
    _drop_ledger_triggers(raw)
    gone = [row[0] for row in raw.execute("SELECT id FROM points_entries WHERE chain_seq IN (2, 3)")]
    raw.executemany("DELETE FROM audit_log WHERE entity_id = ?", [(i,) for i in gone])
    raw.executemany("DELETE FROM points_entries WHERE id = ?", [(i,) for i in gone])
    found = ledger_chain.verify_stored(raw, ENTRIES).first_break
    assert (found.kind, found.seq) == (chain.MISSING, 4)
    assert ledger_chain.verify_stored(raw, AUDIT).first_break.kind == chain.MISSING


def test_an_entry_deleted_without_its_audit_rows_is_named_by_them(ledger_file):
    raw = _raw(ledger_file)
    _drop_ledger_triggers(raw)
    assert ledger_chain.orphan_audit_entries(raw) == []
    gone = raw.execute("SELECT id FROM points_entries WHERE chain_seq = 5").fetchone()[0]
    # a member's audit record naming an id that is no entry's is not an orphan entry
    raw.execute("UPDATE audit_log SET entity_id = 'e' || substr(entity_id, 2) WHERE entity = 'member' AND rowid = "
                "(SELECT min(rowid) FROM audit_log WHERE entity = 'member')")
    assert ledger_chain.orphan_audit_entries(raw) == []
    raw.execute("DELETE FROM points_entries WHERE id = ?", (gone,))
    assert ledger_chain.orphan_audit_entries(raw) == [chain.uuid_text(gone)]


def test_swapped_sequence_numbers_are_a_reorder(ledger_file):
    raw = _raw(ledger_file)
    _drop_ledger_triggers(raw)
    second = raw.execute("SELECT id FROM points_entries WHERE chain_seq = 2").fetchone()[0]
    raw.execute("UPDATE points_entries SET chain_seq = -1 WHERE chain_seq = 2")
    raw.execute("UPDATE points_entries SET chain_seq = 2 WHERE chain_seq = 3")
    raw.execute("UPDATE points_entries SET chain_seq = 3 WHERE chain_seq = -1")
    found = ledger_chain.verify_stored(raw, ENTRIES).first_break
    assert found.kind == chain.REORDERED and found.seq == 2 and found.row_id != second


def test_a_row_inserted_with_a_correct_hash_is_named(ledger_file):
    raw = _raw(ledger_file)
    _drop_ledger_triggers(raw)
    columns = ", ".join(chain.ENTRY_FIELDS)
    row = list(raw.execute(f"SELECT {columns}, status, review_note FROM points_entries WHERE chain_seq = 2").fetchone())
    prev = raw.execute("SELECT chain_hash FROM points_entries WHERE chain_seq = 2").fetchone()[0]
    row[0] = "f" * 32
    values = normalise(ENTRIES, dict(zip(chain.ENTRY_FIELDS, row)))
    raw.execute("UPDATE points_entries SET chain_seq = chain_seq + 1 WHERE chain_seq > 2")
    raw.execute(
        f"INSERT INTO points_entries ({columns}, status, review_note, chain_seq, chain_prev, chain_hash) "
        f"VALUES ({', '.join('?' * (len(row) + 3))})",
        (*row, 3, prev, link_hash(prev, ENTRIES, values)),
    )
    found = ledger_chain.verify_stored(raw, ENTRIES).first_break
    assert (found.kind, found.seq, found.row_id) == (chain.INSERTED, 3, "f" * 32)


def test_a_review_flipped_in_the_file_is_not_vouched_for(ledger_file):
    raw = _raw(ledger_file)
    _drop_ledger_triggers(raw)
    raw.execute("UPDATE points_entries SET status = 'rejected' WHERE chain_seq = 4")
    assert [status for _, status in ledger_chain.unvouched_reviews(raw)] == ["rejected"]
    assert ledger_chain.verify_stored(raw, ENTRIES).ok  # the review is not hashed: the audit vouches for it


def test_the_chain_check_names_each_tampering_in_one_sentence(ledger_file):
    from db.chain_check import check_chains

    raw = _raw(ledger_file)
    assert check_chains(raw, sqlite=True).ok
    _drop_ledger_triggers(raw)
    raw.execute("UPDATE points_entries SET points = points * 10 WHERE chain_seq = 3")
    for name in ("points_entries_no_rewrite", "points_entries_no_delete", "audit_log_no_delete"):
        raw.execute(f"CREATE TRIGGER {name} BEFORE DELETE ON points_entries BEGIN SELECT 1; END")
    sentences = [finding.sentence for finding in check_chains(raw, sqlite=True).findings]
    assert sentences == [
        "积分台账的防篡改保护被移除了：audit_log_no_update。",
        "积分台账的防篡改保护被人换过：audit_log_no_delete、points_entries_no_delete、points_entries_no_rewrite 名字还在，内容已不是本程序写的。",
        "积分台账第 3 条（张三 2026-03-03 B02 10 分）的内容与当初记下的不符，被人改写过。",
    ]


def _recompute_whole_chain(raw, chain_name: str) -> None:
    """What a careful forger does after an edit: hash every row again, so the chain holds."""
    columns = ", ".join(chain.FIELDS[chain_name])
    prev = chain.GENESIS
    for row in raw.execute(f"SELECT {columns} FROM {chain_name} ORDER BY chain_seq").fetchall():
        digest = link_hash(prev, chain_name, normalise(chain_name, dict(zip(chain.FIELDS[chain_name], row))))
        raw.execute(f"UPDATE {chain_name} SET chain_prev = ?, chain_hash = ? WHERE id = ?", (prev, digest, row[0]))
        prev = digest


def test_an_edit_with_the_whole_chain_recomputed_shows_against_a_recorded_head(ledger_file):
    raw = _raw(ledger_file)
    recorded = ledger_chain.read_heads(raw)
    assert all(e.kind == "same" for e in ledger_chain.compare_with_recorded(raw, recorded))
    _drop_ledger_triggers(raw)
    raw.execute("UPDATE points_entries SET points = points * 10 WHERE chain_seq = 3")
    _recompute_whole_chain(raw, ENTRIES)
    assert ledger_chain.verify_stored(raw, ENTRIES).ok  # the chain alone cannot tell
    kinds = {e.chain: e.kind for e in ledger_chain.compare_with_recorded(raw, recorded)}
    assert kinds == {ENTRIES: chain.REWRITTEN, AUDIT: "same"}


def test_rows_cut_from_the_end_show_against_a_recorded_head(ledger_file):
    raw = _raw(ledger_file)
    recorded = ledger_chain.read_heads(raw)
    _drop_ledger_triggers(raw)
    raw.execute("DELETE FROM points_entries WHERE chain_seq >= 6")
    assert ledger_chain.verify_stored(raw, ENTRIES).ok
    extension = ledger_chain.compare_with_recorded(raw, {ENTRIES: recorded[ENTRIES]})[0]
    assert (extension.kind, extension.old.seq, extension.new.seq) == (chain.MISSING, 7, 5)


def test_a_backup_manifest_records_the_chain_heads(ledger_file):
    from datetime import datetime, timezone

    from db.backup_format import read_database_facts
    from db.backup_format.checks import manifest_chain_heads
    from db.backup_format.framing import Manifest, new_manifest

    raw = _raw(ledger_file)
    facts = read_database_facts(raw)
    manifest = Manifest(new_manifest(facts, datetime.now(timezone.utc), "test", 1))
    assert manifest_chain_heads(manifest) == ledger_chain.read_heads(raw)
    assert manifest_chain_heads(Manifest({"counts": {}})) == {}


def test_sqlite_renders_stored_values_as_the_canonical_encoder_does():
    """verify_stored hashes SQLite's json_array text: for text (every escape class, Chinese,
    astral characters), integers and NULL it must be the canonical encoder's text exactly."""
    from app.domain.chain import _encode

    raw = sqlite3.connect(":memory:")
    characters = [chr(c) for c in range(0x800)] + ["\u2028", "\u2029", "\ufeff", "\uffff", "😀", "党员积分"]
    values = ["a" + c + '"\\b' for c in characters] + [0, -150, 2**62, None, "", "2026-03-01 08:00:00.000000"]
    for value in values:
        rendered = raw.execute("SELECT json_array('dyjf-chain-1', 'audit_log', ?, ?)", (value, value)).fetchone()[0]
        assert rendered == _encode(["dyjf-chain-1", "audit_log", value, value]), repr(value)


def test_rows_sqlite_renders_otherwise_are_judged_in_pythons_form(ledger_file):
    """A REAL (rendered 1.0e+20 by SQLite, 1e+20 by Python) hashed the canonical way still
    verifies; a BLOB, which json_array refuses, is verified in Python's form and breaks there."""
    raw = _raw(ledger_file)
    _drop_ledger_triggers(raw)
    columns = ", ".join(chain.ENTRY_FIELDS)
    row = list(raw.execute(f"SELECT {columns} FROM points_entries WHERE chain_seq = 7").fetchone())
    prev = raw.execute("SELECT chain_prev FROM points_entries WHERE chain_seq = 7").fetchone()[0]
    row[chain.ENTRY_FIELDS.index("points")] = 1e20
    digest = link_hash(prev, ENTRIES, row)
    raw.execute("UPDATE points_entries SET points = 1e20, chain_hash = ? WHERE chain_seq = 7", (digest,))
    assert raw.execute("SELECT typeof(points) FROM points_entries WHERE chain_seq = 7").fetchone()[0] == "real"
    result = ledger_chain.verify_stored(raw, ENTRIES)
    assert result.ok and result.head == chain.Head(7, digest)
    raw.execute("UPDATE points_entries SET note = x'00' WHERE chain_seq = 5")
    found = ledger_chain.verify_stored(raw, ENTRIES).first_break
    assert (found.kind, found.seq) == (chain.REWRITTEN, 5)
