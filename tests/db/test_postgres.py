"""The same models, migrations and services on PostgreSQL (a township's shared server).

A throwaway cluster is started from the Debian `postgresql` binaries (installed by .ci/run)
on a loopback port for this module and removed afterwards.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from app.domain.errors import LedgerTampered, SchemaTooNew
from app.services import check, demo
from app.services.ledger import queries as ledger_queries
from app.services.ledger.watch import run_scheduled_chain_check
from app.services.totals import ranking as totals
from conftest import TODAY, keyed_admin
from db.models import PointsEntry
from db.store import Store
from tests import postgres_cluster

pytestmark = pytest.mark.skipif(
    not postgres_cluster.available(),
    reason="PostgreSQL server binaries are not installed (Debian package postgresql; .ci/run installs it)",
)


@pytest.fixture(scope="module")
def server_url():
    with postgres_cluster.throwaway_cluster("dyjf-pg-") as url:
        yield url


@pytest.fixture
def pg_url(server_url, request):
    name = "dyjf_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    admin = create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server_url}/{name}"


def test_demo_branch_gives_the_same_totals_as_on_sqlite(pg_url, tmp_path):
    with Store(pg_url) as pg, Store.open_file(tmp_path / "same.db") as lite:
        for store in (pg, lite):
            demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
        for month in (None, 3, 10):
            on_pg = [(r.name, r.rank, r.period_points, r.stars) for r in totals.branch_ranking(pg, 2026, month=month).rows]
            on_lite = [(r.name, r.rank, r.period_points, r.stars) for r in totals.branch_ranking(lite, 2026, month=month).rows]
            assert on_pg == on_lite
        assert check.check_store(pg).ok
        assert len(ledger_queries.list_entries(pg)) == len(ledger_queries.list_entries(lite))
        for chosen in (ledger_queries.EntryFilter(year=2026), ledger_queries.EntryFilter(year=2026, search="ly")):
            pages = {name: ledger_queries.entry_page(store, chosen, 0, 10_000) for name, store in (("pg", pg), ("lite", lite))}
            assert pages["pg"].total == pages["lite"].total and pages["pg"].approved_total == pages["lite"].approved_total
            shown = {name: sorted((r.occurred_on, r.member_name, r.item_code, r.points) for r in page.rows) for name, page in pages.items()}
            assert shown["pg"] == shown["lite"]
            # what the Excel export writes: the page's order, read in chunks (a server-side cursor here)
            with ledger_queries.entries_in_page_order(pg, chosen, chunk=3) as (count, entries):
                assert count == pages["pg"].total and tuple(entries) == pages["pg"].rows
        # the window's weekly chain check: on PostgreSQL in one step, the check at once
        assert run_scheduled_chain_check(pg, keyed_admin(pg), TODAY).verdict.ok


def test_an_export_s_count_and_rows_come_from_one_snapshot_on_postgres(pg_url, monkeypatch):
    """PostgreSQL reads at READ COMMITTED unless told: an entry saved from another window between
    the export's count and its rows would be in the file but not in its count."""
    from app.services.ledger.entries import EntryRequest, record_entry

    with Store(pg_url) as store:
        admin = keyed_admin(store)
        demo.create_demo_branch(store, admin, today=TODAY)
        chosen = ledger_queries.EntryFilter(year=2026)
        someone = ledger_queries.entry_page(store, chosen, 0, 1).rows[0].member_id
        ordered = ledger_queries._in_page_order

        def saved_meanwhile(*args):  # asked for after the count, before the rows are read
            record_entry(store, admin, EntryRequest(someone, "J02", date(2026, 11, 2)), approve=True, today=TODAY)
            return ordered(*args)

        monkeypatch.setattr(ledger_queries, "_in_page_order", saved_meanwhile)
        with ledger_queries.entries_in_page_order(store, chosen, chunk=5) as (count, entries):
            assert len(list(entries)) == count
        monkeypatch.undo()
        assert ledger_queries.entry_page(store, chosen, 0, 1).total == count + 1  # it was saved


def test_ledger_is_append_only_on_postgres_too(pg_url):
    with Store(pg_url) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
        session = store.session()
        with pytest.raises(LedgerTampered):
            with session.begin():
                session.delete(session.query(PointsEntry).first())
        session.close()


def test_newer_schema_is_refused_on_postgres(pg_url):
    Store(pg_url).close()
    engine = create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(SchemaTooNew):
        Store(pg_url)


def test_rating_round_on_postgres(pg_url):
    from app.services.rating import rounds as rating
    from app.services.rating.queries import load_view

    later = date(2026, 12, 31)
    with Store(pg_url) as store:
        admin = keyed_admin(store)
        demo.create_demo_branch(store, admin, today=TODAY)
        rating.start_round(store, admin, 2026, date(2026, 11, 25), today=later)
        rating.assess(store, admin, 2026, date(2026, 11, 26), today=later)
        view = load_view(store, 2026)
        # the demo's 36 less 薛华秀, transferred out on 30 June: the round rates the roster at the year's end
        assert len(view.candidates) == 35 and all(c.proposed_stars is not None for c in view.candidates)


def test_personal_data_is_sealed_and_searchable_on_postgres(pg_url):
    from app.domain.periods import Month
    from app.services.roster import members, queries

    with Store(pg_url) as store:
        admin = keyed_admin(store)
        demo.create_demo_branch(store, admin, today=TODAY)
        someone = members.list_members(store, actor=admin)[5]
        assert len(someone.id_number) == 18 and someone.phone
        page = queries.roster_page(store, queries.RosterQuery(text=someone.id_number), Month(2026, 11), actor=admin)
        assert [row.id for row in page.rows] == [someone.id]
        with store.engine.connect() as connection:
            plain = connection.execute(
                text("SELECT count(*) FROM member_personal WHERE position(CAST(:number AS bytea) IN id_number_sealed) > 0 "
                     "OR position(CAST(:phone AS bytea) IN phone_sealed) > 0"),
                {"number": someone.id_number, "phone": someone.phone},
            ).scalar()
        assert plain == 0
