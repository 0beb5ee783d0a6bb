from __future__ import annotations

import sqlite3

import pytest

from app.domain.errors import ConflictError
from app.services import check, demo
from app.services.totals import ranking as totals
from app.services.ledger.queries import list_entries
from conftest import TODAY, keyed_admin


@pytest.fixture
def demo_store(store, admin):
    summary = demo.create_demo_branch(store, admin, today=TODAY)
    return store, summary


def test_demo_branch_is_realistic_and_consistent(demo_store):
    store, summary = demo_store
    assert summary.members == 36 and summary.meetings > 40 and summary.entries > 500 and summary.pending > 0
    ranking = totals.branch_ranking(store, 2026)
    names = {row.name for row in ranking.rows}
    assert "李䶮" in names and "𠮷祥云" in names
    assert any(row.vetoed for row in ranking.rows)
    assert any(row.is_reversal for row in list_entries(store))
    assert check.check_store(store).ok


def test_demo_is_deterministic(tmp_path, admin, demo_store):
    from app.services.accounts import operators
    from db.store import Store

    store, _ = demo_store
    with Store.open_file(tmp_path / "second.db") as other:
        demo.create_demo_branch(other, keyed_admin(other), today=TODAY)
        first = [(r.name, r.period_points) for r in totals.branch_ranking(store, 2026).rows]
        second = [(r.name, r.period_points) for r in totals.branch_ranking(other, 2026).rows]
    assert first == second


def test_demo_refuses_a_database_that_has_a_branch(demo_store, admin):
    store, _ = demo_store
    with pytest.raises(ConflictError, match="已经有支部"):
        demo.create_demo_branch(store, admin, today=TODAY)


def test_check_reports_a_removed_guard_and_a_forged_row(db_path, demo_store):
    store, _ = demo_store
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER points_entries_no_rewrite")
    raw.execute("UPDATE points_entries SET points = points * 10 WHERE reverses_id IS NOT NULL")
    raw.commit()
    raw.close()
    problems = check.check_store(store).problems
    assert any("防篡改保护被移除" in p for p in problems)
    assert any("不是相反数" in p for p in problems)


def test_check_finds_a_cap_broken_behind_the_programs_back(db_path, demo_store):
    store, _ = demo_store
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER points_entries_no_rewrite")
    raw.execute(
        "UPDATE points_entries SET points = 5000 WHERE id = (SELECT e.id FROM points_entries e "
        "JOIN rule_items i ON e.rule_item_id = i.id WHERE i.code = 'B01' AND e.reverses_id IS NULL LIMIT 1)"
    )
    raw.commit()
    raw.close()
    assert any("超过上限" in p for p in check.check_store(store).problems)
