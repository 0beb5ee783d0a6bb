"""Putting the kept month and year sums right from the ledger (app/services/kept_sums.py): an
administrator's act, audited with what was wrong; nothing written when nothing was; the ledger
untouched."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest

from app.domain.enums import Role
from app.domain.errors import PermissionDenied, ValidationError
from app.services import check, demo
from app.services.accounts import operators
from app.services.kept_sums import rebuild_kept_sums
from conftest import TODAY, keyed_admin
from db.store import Store

TAMPERING = (
    "UPDATE member_month_sums SET points = points + 100 WHERE month = 3 AND category = 'base'",
    "DELETE FROM member_year_sums WHERE category = 'bonus'",
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("kept") / "demo.db"
    with Store.open_file(path) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY, seed=7)
    return path


def _tampered(demo_file, tmp_path):
    copy = tmp_path / "tampered.db"
    shutil.copy(demo_file, copy)
    with closing(sqlite3.connect(copy)) as raw:
        for statement in TAMPERING:
            raw.execute(statement)
        raw.commit()
    return copy


def _ledger_and_audit(path) -> tuple:
    with closing(sqlite3.connect(path)) as raw:
        ledger = raw.execute("SELECT count(*), sum(points), max(chain_hash) FROM points_entries").fetchone()
        rebuilt = raw.execute("SELECT count(*) FROM audit_log WHERE action = 'rebuild'").fetchone()[0]
        return ledger, rebuilt


def test_the_administrator_rebuilds_the_sums_from_the_ledger(demo_file, tmp_path):
    with closing(sqlite3.connect(demo_file)) as raw:  # the rows the tampering touches
        months = raw.execute("SELECT count(*) FROM member_month_sums WHERE month = 3 AND category = 'base'").fetchone()[0]
        years = raw.execute("SELECT count(*) FROM member_year_sums WHERE category = 'bonus'").fetchone()[0]
    assert months > 0 and years > 0
    path = _tampered(demo_file, tmp_path)
    ledger_before, _ = _ledger_and_audit(path)
    with Store.open_file(path) as store:
        assert len([p for p in check.check_store(store).problems if "汇总" in p]) == 2
        change = rebuild_kept_sums(store, keyed_admin(store))
        assert change.summary == f"已从台账重新计算积分汇总：更正了月汇总 {months} 处、年汇总 {years} 处不符。"
        assert check.check_store(store).ok
        assert rebuild_kept_sums(store, keyed_admin(store)).summary == "积分月汇总和年汇总都与台账一致，不需要重算。"
    ledger_after, rebuilds = _ledger_and_audit(path)
    assert ledger_after == ledger_before and rebuilds == 1


def test_anyone_but_an_administrator_is_refused_and_nothing_changes(demo_file, tmp_path):
    path = _tampered(demo_file, tmp_path)
    with Store.open_file(path) as store:
        admin = keyed_admin(store)
        clerk = operators.add_operator(store, admin, "luru2", "录入员二", [Role.CLERK, Role.REVIEWER])
        with pytest.raises(PermissionDenied) as refused:
            rebuild_kept_sums(store, clerk)
        assert "没有重算积分汇总的权限" in refused.value.message
        assert len([p for p in check.check_store(store).problems if "汇总" in p]) == 2
    assert _ledger_and_audit(path)[1] == 0


def test_a_rewritten_ledger_is_not_summed_into_the_kept_sums(demo_file, tmp_path):
    """With its guard dropped and an entry's points rewritten, `check` names the row; rebuilding
    would have taken the forged figure into the sums (a year total went from 50.5 to 58.5)."""
    path = _tampered(demo_file, tmp_path)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("DROP TRIGGER points_entries_no_rewrite")
        raw.execute("UPDATE points_entries SET points = 1000 WHERE rowid = (SELECT min(rowid) FROM points_entries WHERE reverses_id IS NULL)")
        raw.commit()
        sums_before = raw.execute("SELECT sum(points) FROM member_month_sums").fetchone()
    ledger_before, _ = _ledger_and_audit(path)
    with Store.open_file(path) as store:
        with pytest.raises(ValidationError, match="台账本身有问题，不能据它重算积分汇总") as refused:
            rebuild_kept_sums(store, keyed_admin(store))
        assert refused.value.details
    with closing(sqlite3.connect(path)) as raw:
        assert raw.execute("SELECT sum(points) FROM member_month_sums").fetchone() == sums_before
    assert _ledger_and_audit(path) == (ledger_before, 0)
