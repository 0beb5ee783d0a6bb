"""A reported year's frozen totals on PostgreSQL (a township's shared server): next year's
carried base starts from them there too, a member added later is scored from the ledger, the
ranking is SQLite's row for row, and `check` accepts the file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.services import check, organisation
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from conftest import add, keyed_admin
from db.store import Store
from tests.db.test_postgres import pg_url, pytestmark, server_url  # noqa: F401  (the throwaway cluster)
from tests.services.test_frozen_finals import LATER, _report


def _two_years_reported(store, folder) -> list:
    admin = keyed_admin(store)
    organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", ["第一党小组"])
    rulesets.create_rule_set(store, admin, 2025, template="village_100")
    rulesets.create_rule_set(store, admin, 2026, copy_from_year=2025)
    zhang = add(store, admin, "张三")
    add(store, admin, "李四")
    ledger.record_entry(store, admin, EntryRequest(zhang, "B05", date(2025, 6, 1), points=Decimal(10)), approve=True, today=LATER)
    _report(store, admin, folder)
    add(store, admin, "王五")  # after the report: scored from the ledger, not frozen
    return [(row.rank, row.name, row.year_to_date, row.stars) for row in totals.branch_ranking(store, 2026).rows]


def test_frozen_totals_carry_alike_on_postgres(pg_url, tmp_path):  # noqa: F811
    (tmp_path / "pg").mkdir()
    (tmp_path / "lite").mkdir()
    with Store(pg_url) as pg, Store.open_file(tmp_path / "same.db") as lite:
        on_pg = _two_years_reported(pg, tmp_path / "pg")
        assert on_pg == _two_years_reported(lite, tmp_path / "lite")
        assert on_pg == [(1, "张三", Decimal("6.00"), 1), (2, "李四", Decimal("4.00"), 1), (2, "王五", Decimal("4.00"), 1)]
        assert check.check_store(pg).ok
