"""`check` and the window's background check find a tampered ledger and name the row."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from app.services import check
from app.services.check import REBUILD_HINT as HINT
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add
from db.store import Store
from tests.db.test_ledger_chain import _drop_ledger_triggers, _recompute_whole_chain

LEDGER_TRIGGERS = {
    "points_entries_no_delete": "BEFORE DELETE ON points_entries",
    "points_entries_no_rewrite": "BEFORE UPDATE ON points_entries",
    "audit_log_no_delete": "BEFORE DELETE ON audit_log",
    "audit_log_no_update": "BEFORE UPDATE ON audit_log",
}


@pytest.fixture
def branch_file(store, admin, village_year, db_path):
    people = [add(store, admin, name) for name in ("张三", "李四", "王五")]
    for day in range(1, 7):
        ledger.record_entry(store, admin, EntryRequest(people[day % 3], "B02", date(2026, 3, day)), approve=True, today=TODAY)
    assert check.check_store(store).ok
    return db_path


def _tamper(path, *statements) -> None:
    raw = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        raw.execute(statement)
    raw.close()


def _problems(path) -> list[str]:
    with Store.open_file(path, read_only=True) as store:
        return check.check_store(store).problems


def test_points_multiplied_by_ten_with_the_triggers_put_back(branch_file):
    raw = sqlite3.connect(branch_file, isolation_level=None)
    saved = dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                             "('points_entries_no_rewrite','points_entries_no_delete','audit_log_no_delete','audit_log_no_update')"))
    _drop_ledger_triggers(raw)
    raw.execute("UPDATE points_entries SET points = points * 10 WHERE chain_seq = 4")
    for sql in saved.values():
        raw.execute(sql)
    raw.close()
    assert _problems(branch_file) == [
        "积分台账第 4 条（李四 2026-03-04 B02 10 分）的内容与当初记下的不符，被人改写过。",
        "李四在2026年的“加分”累计 11 分，超过上限 10 分。",
        "积分月汇总与台账不符：李四 2026年3月的“加分”汇总为2 分，台账合计为11 分（共 1 处不符）。" + HINT,
    ]


def test_two_entries_deleted_with_their_audit_rows(branch_file):
    raw = sqlite3.connect(branch_file, isolation_level=None)
    _drop_ledger_triggers(raw)
    gone = [row[0] for row in raw.execute("SELECT id FROM points_entries WHERE chain_seq IN (2, 3)")]
    raw.executemany("DELETE FROM audit_log WHERE entity_id = ?", [(i,) for i in gone])
    raw.executemany("DELETE FROM points_entries WHERE id = ?", [(i,) for i in gone])
    raw.close()
    problems = _problems(branch_file)
    assert problems[0] == "积分台账的防篡改保护被移除了：audit_log_no_delete、audit_log_no_update、points_entries_no_delete、points_entries_no_rewrite。"
    assert "积分台账第 4 条（张三 2026-03-04 B02 1 分）接不上前一条：它前面有记录被删除了。".replace("张三", "李四") in problems
    assert any(p.startswith("操作日志第") and "被删除" in p for p in problems)


def test_do_nothing_triggers_of_the_same_names(branch_file):
    statements = []
    for name, when in LEDGER_TRIGGERS.items():
        statements += [f"DROP TRIGGER {name}", f"CREATE TRIGGER {name} {when} BEGIN SELECT 1; END"]
    _tamper(branch_file, *statements)
    assert _problems(branch_file) == [
        "积分台账的防篡改保护被人换过：audit_log_no_delete、audit_log_no_update、points_entries_no_delete、"
        "points_entries_no_rewrite 名字还在，内容已不是本程序写的。"
    ]


def test_a_recomputed_chain_is_caught_against_the_last_backups_heads(branch_file):
    with Store.open_file(branch_file, read_only=True) as store:
        recorded = check.verify_ledger(store).heads
    raw = sqlite3.connect(branch_file, isolation_level=None)
    saved = dict(raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    _drop_ledger_triggers(raw)
    raw.execute("UPDATE points_entries SET points = points * 2 WHERE chain_seq = 2")
    _recompute_whole_chain(raw, "points_entries")
    for name in LEDGER_TRIGGERS:
        raw.execute(saved[name])
    raw.close()
    with Store.open_file(branch_file, read_only=True) as store:
        alone, against = check.verify_ledger(store), check.verify_ledger(store, recorded)
    assert alone.ok  # the chain alone cannot tell
    assert not against.ok and against.sentence.startswith("这个数据库的积分台账第 6 条与以前记下的不一致（校验码 ")
    assert "kind=rewritten" in against.details


def test_a_sound_file_gives_its_check_code(branch_file):
    with Store.open_file(branch_file, read_only=True) as store:
        verdict = check.verify_ledger(store)
    assert verdict.ok and verdict.check_code.startswith("6-") and verdict.check_code in verdict.sentence
