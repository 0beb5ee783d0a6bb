"""The practice records on PostgreSQL (a township's shared server): the demo's 双报到 hours and
decisions, its tallied appraisals and its cadres' ten-point scores are the same as on SQLite,
the history is refused there too, and `check` accepts it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.errors import LedgerTampered
from app.services import check, demo
from app.services.practice import appraisal, cadres, dual_report
from conftest import TODAY, keyed_admin
from db.practice_models import ServiceRecord
from db.store import Store
from tests.db.test_postgres import pg_url, pytestmark, server_url  # noqa: F401  (the throwaway cluster)


def _figures(store) -> tuple:
    hours = [(r.name, r.hours, r.decision.served, r.records) for r in dual_report.year_rows(store, 2026)]
    tally = [(r.name, r.votes, r.result) for r in appraisal.tally_result(store, 2026).rows]
    ten = [(y.cadre.name, y.total, y.ten_point, y.band) for y in cadres.branch_cadre_years(store, 2026)]
    return hours, tally, ten


def test_the_practice_records_are_the_same_on_postgres(pg_url, tmp_path):  # noqa: F811
    with Store(pg_url) as pg, Store.open_file(tmp_path / "same.db") as lite:
        for store in (pg, lite):
            demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
        on_pg = _figures(pg)
        assert on_pg == _figures(lite) and all(on_pg)
        assert check.check_store(pg).ok
        session = pg.session()
        with pytest.raises(LedgerTampered, match="不能删除"), session.begin():
            session.delete(session.scalars(select(ServiceRecord)).first())
        session.close()
