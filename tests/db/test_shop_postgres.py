"""The honour shop on PostgreSQL (a township's shared server): the shop year worked by hand gives
the same balances, stock report and board as on SQLite, and `check` accepts it there."""

from __future__ import annotations

from app.domain.periods import Month
from app.services import check, organisation
from app.services.context import read_session
from app.services.printing import shop_papers
from app.services.shop import balances
from conftest import keyed_admin
from db.store import Store
from tests.db.test_postgres import pg_url, pytestmark, server_url  # noqa: F401  (the throwaway cluster)
from tests.services.shop_year import worked_year


def _figures(store) -> tuple:
    branch_id = organisation.get_branch(store).id
    with read_session(store) as session:
        years = [(r.name, r.opening, r.earned, r.spent, r.lapsed, r.balance) for year in (2025, 2026)
                 for r in balances.branch_balances(session, branch_id, year)]
    june = shop_papers.shop_month_report(store, Month(2026, 6))
    stock = [(s.goods_name, s.opening, s.received, s.issued, s.closing) for s in june.stock]
    lines = [(line.text, line.earned, line.spent, line.balance) for line in shop_papers.passbooks(store, 2026).pages[0].lines]
    return years, stock, lines


def test_the_shop_year_is_the_same_on_postgres(pg_url, tmp_path):  # noqa: F811
    with Store(pg_url) as pg, Store.open_file(tmp_path / "same.db") as lite:
        for store in (pg, lite):
            admin = keyed_admin(store)
            organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", ["第一党小组"])
            worked_year(store, admin)
        on_pg = _figures(pg)
        assert on_pg == _figures(lite) and all(on_pg)
        assert check.check_store(pg).ok
