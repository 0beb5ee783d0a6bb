"""`check`'s ledger rules (app/services/check_ledger.py), each broken by a raw edit of the demo file."""

from __future__ import annotations

import sqlite3

import pytest

from app.services import check, demo
from app.services.check_ledger import SHOWN
from conftest import TODAY

GUARDS = ("points_entries_no_rewrite", "points_entries_no_delete", "audit_log_no_delete", "audit_log_no_update")
PLAIN = "SELECT id FROM points_entries e WHERE reverses_id IS NULL AND NOT EXISTS " \
        "(SELECT 1 FROM points_entries r WHERE r.reverses_id = e.id) AND status = 'approved' ORDER BY chain_seq LIMIT 1"
REVERSAL = "SELECT id FROM points_entries WHERE reverses_id IS NOT NULL ORDER BY chain_seq LIMIT 1"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from conftest import keyed_admin
    from db.store import Store

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store.open_file(path) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
    return path


@pytest.fixture
def edited(demo_file, tmp_path):
    """A copy of the demo file with the guards dropped, and a function that edits it and checks it."""
    from db.store import Store

    copy = tmp_path / "edited.db"
    copy.write_bytes(demo_file.read_bytes())
    raw = sqlite3.connect(copy, isolation_level=None)
    for name in GUARDS:
        raw.execute(f"DROP TRIGGER {name}")

    def edit_and_check(*statements: str) -> list[str]:
        for statement in statements:
            raw.execute(statement)
        with Store.open_file(copy) as store:
            problems = check.check_store(store).problems
        return [p for p in problems if not p.startswith("积分台账的防篡改保护被移除了")]  # dropped here on purpose

    yield edit_and_check
    raw.close()


def _one(problems: list[str], fragment: str) -> str:
    found = [p for p in problems if fragment in p]
    assert found, problems
    return found[0]


def test_the_demo_file_passes(edited):
    assert edited() == []


@pytest.mark.parametrize(
    "statement, fragment",
    [
        (f"UPDATE points_entries SET rule_item_id = '{'f' * 32}' WHERE id = ({PLAIN})", "找不到它所用的细则项目"),
        (f"UPDATE points_entries SET occurred_on = '2025-03-01' WHERE id = ({PLAIN})", "用的是 2026 年的细则，日期却不在该年"),
        (
            "UPDATE members SET branch_id = (SELECT id FROM org_units WHERE kind != 'branch' LIMIT 1) "
            f"WHERE id = (SELECT member_id FROM points_entries WHERE id = ({PLAIN}))",
            "用了其他支部的细则",
        ),
        (f"UPDATE points_entries SET status = 'pending' WHERE id = ({PLAIN})", "待审核，却记有审核人"),
        (f"UPDATE points_entries SET reviewed_at = NULL WHERE id = ({PLAIN})", "状态为“已审核”，却没有审核人或审核时间"),
        (f"DELETE FROM audit_log WHERE entity_id = ({PLAIN})", "在操作日志中没有录入记载"),
        # its audit record made to name another kind of record: the id alone no longer answers
        (f"UPDATE audit_log SET entity = 'member' WHERE entity_id = ({PLAIN})", "在操作日志中没有录入记载"),
        (
            f"DELETE FROM points_entries WHERE id = (SELECT reverses_id FROM points_entries WHERE id = ({REVERSAL}))",
            "是冲正记录，但被冲正的原记录不存在",
        ),
        (
            f"UPDATE points_entries SET status = 'rejected' WHERE id = (SELECT reverses_id FROM points_entries WHERE id = ({REVERSAL}))",
            "冲正记录和原记录都应是已审核状态",
        ),
        (f"UPDATE points_entries SET occurred_on = date(occurred_on, '+1 day') WHERE id = ({REVERSAL})", "党员、项目或日期不一致"),
        (f"UPDATE points_entries SET points = points + 100 WHERE id = ({REVERSAL})", "冲正分值与原记录不是相反数"),
        (
            f"UPDATE attendance SET entry_id = '{'e' * 32}' WHERE id = (SELECT id FROM attendance WHERE entry_id IS NOT NULL LIMIT 1)",
            "有一条会议考勤与它生成的积分记录对不上",
        ),
    ],
)
def test_each_rule_of_the_ledger_is_checked(edited, statement, fragment):
    sentence = _one(edited(statement), fragment)
    assert sentence.startswith("有一条") or "日的记录" in sentence  # names the member and the day


def test_a_reversal_of_a_reversal_is_named(edited):
    problems = edited(f"UPDATE points_entries SET reverses_id = ({REVERSAL}) WHERE id = ({PLAIN})")
    _one(problems, "冲正的是另一条冲正记录")


def test_many_rows_breaking_one_rule_are_counted_not_all_listed(edited):
    problems = edited("UPDATE points_entries SET reviewed_at = NULL WHERE status = 'approved'")
    listed = [p for p in problems if "没有审核人或审核时间" in p]
    total = _one(problems, "同类问题共")
    assert len(listed) == SHOWN and int(total.split("共 ")[1].split(" 条")[0]) > SHOWN
