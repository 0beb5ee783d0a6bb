"""The county benchmark's PostgreSQL mode (tests/benchmarks/county_postgres.py) on a small county:
the copy by COPY keeps every row and value, so `check` passes on PostgreSQL too (both hash
chains, the kept month sums against the ledger), and the four rankings come out row for row
the same on both stores. The throwaway server is gone afterwards.

Skipped without the Debian `postgresql` binaries, like tests/db/test_postgres.py.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from app.domain.periods import Month
from tests import postgres_cluster
from tests.benchmarks import county_postgres

pytestmark = [
    pytest.mark.skipif(
        not postgres_cluster.available(),
        reason="PostgreSQL server binaries are not installed (Debian package postgresql; .ci/run installs it)",
    ),
    pytest.mark.slow,
]


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    from tests.benchmarks.bench_county import build_county

    path = tmp_path_factory.mktemp("county") / "county.db"
    build_county(path, members=240, branches=3, entries=8000)
    return path


def _counts(sqlite_file: Path, tables: list[str]) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True)) as raw:
        return {table: raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def _fresh_schema(server: str) -> str:
    import psycopg

    from db.store import Store

    with psycopg.connect(county_postgres._dsn(f"{server}/postgres"), autocommit=True) as pg:
        pg.execute("CREATE DATABASE fresh")
    Store(f"{server}/fresh").close()
    return f"{server}/fresh"


def _schema(url: str) -> tuple[list, list]:
    """(constraints, indexes) of the database, as PostgreSQL describes them."""
    import psycopg

    with psycopg.connect(county_postgres._dsn(url)) as pg:
        constraints = pg.execute(
            "SELECT conrelid::regclass::text, conname, contype, convalidated, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2").fetchall()
        indexes = pg.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1").fetchall()
    assert constraints and indexes
    return constraints, indexes


def test_the_copied_county_checks_and_ranks_the_same_on_postgresql(county, capsys):
    import psycopg

    from app.services.check import check_store
    from db.base import Base
    from db.store import Store

    tables = [table.name for table in Base.metadata.sorted_tables]
    with county_postgres.throwaway_server() as server:
        url = county_postgres.create_county_database(server)
        county_postgres.load_county(county, url)
        assert "COPY of" in capsys.readouterr().out
        with psycopg.connect(county_postgres._dsn(url)) as pg:
            on_pg = {table: pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}
        assert on_pg == _counts(county, tables) and on_pg["points_entries"] > 8000
        assert _schema(url) == _schema(_fresh_schema(server))  # every key, foreign key and index made again
        with Store(url) as store:
            report = check_store(store)
        assert report.ok, report.problems[:3]
        differences = county_postgres.ranking_differences(county, url)
        assert set(differences) == set(county_postgres.RANKINGS)
        assert all(found == [] for found in differences.values()), differences
        for up_to in (None, Month(2026, 11)):  # the township's charts read the same figures on both stores
            on_pg = _township_figures(Store(url), up_to)
            assert on_pg == _township_figures(Store.open_file(county, read_only=True), up_to) and on_pg[0]


def _township_figures(store, up_to):
    from sqlalchemy import select

    from app.domain.enums import OrgKind
    from app.services.charts.township import branch_figures
    from app.services.context import read_session
    from db.models import OrgUnit

    with store, read_session(store) as session:
        names = dict(session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.kind == OrgKind.BRANCH)).all())
        return branch_figures(session, names, 2026, up_to)


@pytest.fixture
def temporary_folder(monkeypatch):
    """The system's temporary folder for this test: one the server's user can enter (pytest's
    tmp_path is private to root, and the server runs as `postgres` when the tests run as root)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="dyjf-pgtest-"))
    folder.chmod(0o755)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_throwaway_server_is_stopped_and_removed_even_after_an_error(temporary_folder):
    import psycopg

    with pytest.raises(RuntimeError, match="stop here"):
        with county_postgres.throwaway_server() as server:
            assert len(list(temporary_folder.glob("jfcounty-pg-*"))) == 1
            address = county_postgres._dsn(f"{server}/postgres")
            with psycopg.connect(address) as pg:
                assert pg.execute("SELECT 1").fetchone() == (1,)
            raise RuntimeError("stop here")
    assert list(temporary_folder.glob("jfcounty-pg-*")) == []
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(address, connect_timeout=2)
