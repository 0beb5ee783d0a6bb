"""A township's gathering on PostgreSQL (its shared server): the village's rows reach the server
through the column types (app/services/township/incoming.py), and the township's overview, its
sums and a second, newer backup's review come out as they do on SQLite."""

from __future__ import annotations

from app.domain.enums import EntryStatus
from app.services import demo
from app.services.accounts import operators
from app.services.backup import archive as backup
from app.services.ledger import entries as ledger
from app.services.ledger.queries import EntryFilter, list_entries
from app.services.totals import ranking as totals
from app.services.township import gather
from app.services.township import overview as township_overview
from conftest import TODAY, keyed_admin
from db.store import Store
from tests.db.test_postgres import pg_url, pytestmark, server_url  # noqa: F401  (the throwaway cluster)


def test_gathering_on_postgres_gives_what_it_gives_on_sqlite(pg_url, tmp_path):  # noqa: F811
    village = tmp_path / "village.db"
    (tmp_path / "stick").mkdir()
    with Store.open_file(village) as store:
        admin = keyed_admin(store)
        demo.create_demo_branch(store, admin, today=TODAY, seed=105)
        first = backup.backup_to(store, tmp_path / "stick", name="first.jfbak").path
        pending = [e.id for e in list_entries(store, EntryFilter(status=EntryStatus.PENDING))]
        ledger.review_entries(store, admin, pending, approve=True)
        newer = backup.backup_to(store, tmp_path / "stick", name="newer.jfbak").path
    assert pending

    figures = []
    with Store(pg_url) as pg, Store.open_file(tmp_path / "township.db") as lite:
        for store in (pg, lite):
            admin = operators.ensure_admin(store)
            first_result = gather.gather(store, admin, [first]).files[0]
            newer_result = gather.gather(store, admin, [newer]).files[0]
            overview = township_overview.township_overview(store, 2026)
            figures.append((
                first_result.status, first_result.inserted, newer_result.status, newer_result.updated,
                [(r.member_id, r.final_total, r.stars, r.rank) for r in overview.rows], overview.total,
            ))
    on_pg, on_lite = figures
    assert on_pg == on_lite
    assert on_lite[0] == "gathered" and on_lite[2] == "gathered" and on_lite[3] == {"points_entries": len(pending)}
    with Store.open_file(village) as store:
        own = {row.member_id: (row.year_to_date, row.stars) for row in totals.branch_ranking(store, 2026).rows}
    assert {member: (total, stars) for member, total, stars, _ in on_pg[4]} == own
