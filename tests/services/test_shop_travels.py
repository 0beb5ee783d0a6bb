"""The honour shop's records travel: a backup restored on another laptop and a township's
gathering carry goods, stock-ins, redemptions and shop accounts whole, with the same balances."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from app.services import check
from app.services.backup import archive as backup
from app.services.backup import restore
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.shop import balances
from app.services.township import gather
from app.services.township.overview import township_overview
from conftest import keyed_admin
from db.store import Store
from tests.services.shop_year import worked_year

SHOP_TABLES = ("shop_goods", "shop_stock_ins", "shop_redemptions", "shop_accounts")


def _rows(path, table: str) -> list:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


def _balances(store, year):
    with read_session(store) as session:
        return balances.branch_balances(session, require_branch_id(store), year)


def test_backup_restore_and_gathering_carry_the_shop(tmp_path, store, admin, branch, db_path):
    worked_year(store, admin)
    assert check.check_store(store).ok
    stick = tmp_path / "stick"
    stick.mkdir()
    made = backup.backup_to(store, stick)
    restored = tmp_path / "laptop" / "restored.db"
    restored.parent.mkdir()
    restore.restore(made.path, restored)
    for table in SHOP_TABLES:
        assert _rows(restored, table) == _rows(db_path, table) != [], table
    with Store.open_file(restored) as copy:
        assert _balances(copy, 2026) == _balances(store, 2026)
        assert check.check_store(copy).ok

    with Store.open_file(tmp_path / "乡镇汇总.db") as township:
        report = gather.gather(township, keyed_admin(township), [stick], lambda path, manifest: None)
        assert not report.failed and not report.conflicts
        assert check.check_store(township).ok
        with read_session(township) as session:
            gathered = balances.branch_balances(session, branch.id, 2026)
        assert [(r.name, r.opening, r.earned, r.spent, r.balance) for r in gathered] == [
            (r.name, r.opening, r.earned, r.spent, r.balance) for r in _balances(store, 2026)
        ]
        # 2026: the towel went out and came back (nothing kept, 0 points net); 2025: one soap, 3 points.
        for year, expected in ((2026, (0, 0, 0, 11)), (2025, (1, 1, 3, 11))):
            shop = township_overview(township, year).shop[branch.id]
            assert (shop.redemptions, shop.members, shop.points, shop.in_stock) == expected
    for table in SHOP_TABLES:
        assert len(_rows(tmp_path / "乡镇汇总.db", table)) == len(_rows(db_path, table)), table


def test_the_demo_branch_has_a_working_shop(tmp_path):
    from datetime import date

    from app.services import demo
    from app.services.shop import goods, redemptions

    with Store.open_file(tmp_path / "demo.db") as store:
        demo.create_demo_branch(store, keyed_admin(store), today=date(2026, 11, 23))
        shelf = goods.list_goods(store)
        rows = redemptions.list_redemptions(store, 2026)
        assert len(shelf) == 5 and all(g.stock >= 0 for g in shelf)
        assert sum(1 for r in rows if r.reverses_id) == 1 and sum(1 for r in rows if r.quantity > 0) >= 5
        assert all(r.balance >= 0 for r in _balances(store, 2026))
        assert check.check_store(store).ok
