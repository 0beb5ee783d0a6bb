"""The county's four ranking figures on PostgreSQL, beside SQLite's (issue 14; bench_county --postgres).

    uv run python -m tests.benchmarks.bench_county --postgres [--members N --branches B --entries E]

A throwaway cluster is made from the Debian `postgresql` binaries in a temporary folder on a
free loopback port (as tests/db/test_postgres.py does), and stopped and removed afterwards —
also after an error, Ctrl+C or SIGTERM. Into it goes the SAME county as the SQLite run:

- the schema as the program makes it for a PostgreSQL store (db.store.Store on the URL runs
  the migrations), every table then emptied of what the migrations seeded;
- every table of the cached SQLite file copied with COPY in one transaction, parents first,
  the keys, foreign keys and indexes set aside before and made again after from their own
  definitions (the foreign keys then checked over the loaded rows), then VACUUM ANALYZE — the
  copy, the keys and the analysis timed and printed on their own. The server runs with
  wal_level=minimal, so COPY into tables emptied in the same transaction writes no WAL (a
  throwaway server needs none).

The four rankings (month and year of 2026, the own branch and the whole county) then run, each
in a fresh process as on SQLite, through the project's services on the PostgreSQL store; the
baseline is the best hand-written SQL on the same server (the period's approved sums per member
in one GROUP BY, sorted in Python, on a connection opened before the timing). Printed in
bench_county's line format, labelled "(PostgreSQL)", each followed by how it compares with the
same figure on SQLite. The processor seconds in brackets are the client's and the server's
together (the server's from /proc: its processes, and the parallel workers that ended, at
the kernel's 10 ms resolution, background writers included). Last, the same rankings are made
on both stores and compared row by row (member, rank, period points, year to date, grade,
stars, veto, flags, branch): the same file must rank the same on both, so any difference is
printed as a bug.

Otherwise the server runs with PostgreSQL's default settings (shared_buffers 128 MB, up to two
parallel workers a query); peak MB is the client process's VmHWM (the server's memory is its own).
"""

from __future__ import annotations

import calendar
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path

from tests import postgres_cluster
from tests.benchmarks.bench_county import MONTH, ROOT, YEAR, _branches, _peak_mb, line

DATABASE = "county"
RANKINGS = {
    "month ranking, one branch": ("branch", MONTH),
    "year ranking, one branch": ("branch", None),
    "month ranking, county": ("county", MONTH),
    "year ranking, county": ("county", None),
}
SHOWN_DIFFERENCES = 5


# ---------------------------------------------------------------- the throwaway server


@contextmanager
def throwaway_server():
    """Yield the SQLAlchemy URL of a fresh local cluster's superuser; stop and remove it after."""
    if not postgres_cluster.available():
        raise SystemExit("--postgres needs the PostgreSQL server binaries (Debian package postgresql)")
    try:
        with postgres_cluster.throwaway_cluster(
            "jfcounty-pg-", ("wal_level=minimal", "max_wal_senders=0"), ("--no-sync",)
        ) as url:
            yield url
    except postgres_cluster.ClusterFailed as failed:
        raise SystemExit(str(failed)) from None


def _dsn(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (psycopg connects without SQLAlchemy for the load and the baseline)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


# ---------------------------------------------------------------- loading the county


def create_county_database(server: str) -> str:
    import psycopg

    with psycopg.connect(_dsn(f"{server}/postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{server}/{DATABASE}"


def load_county(sqlite_file: Path, url: str) -> None:
    """The program's schema on `url`, then every table of `sqlite_file` copied in; prints the times."""
    import psycopg

    from db.base import Base
    from db.store import Store

    started = time.perf_counter()
    Store(url).close()  # the migrations, as the program runs them on a PostgreSQL store
    schema_seconds = time.perf_counter() - started
    tables = Base.metadata.sorted_tables  # parents before children
    started = time.perf_counter()
    rows = 0
    with closing(sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True)) as lite, psycopg.connect(_dsn(url)) as pg:
        pg.execute("SET maintenance_work_mem = '256MB'")
        # emptied in the loading transaction: with wal_level=minimal the COPYs then write no WAL
        pg.execute(f"TRUNCATE {', '.join(table.name for table in tables)}")  # what the migrations seeded
        restore = _set_aside_keys_and_indexes(pg)
        for table in tables:
            rows += _copy_table(lite, pg, table.name, [column.name for column in table.columns])
        copy_seconds = time.perf_counter() - started
        for statement in restore:  # the keys, the indexes, then the foreign keys, checked over the loaded rows
            pg.execute(statement)
        pg.commit()
    index_seconds = time.perf_counter() - started - copy_seconds
    started = time.perf_counter()
    with psycopg.connect(_dsn(url), autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    analyze_seconds = time.perf_counter() - started
    print(f"PostgreSQL load: schema (migrations) {schema_seconds:.1f} s, COPY of {rows:,} rows in {len(tables)} tables "
          f"{copy_seconds:.1f} s ({rows / copy_seconds:,.0f} rows/s), keys and indexes {index_seconds:.1f} s, "
          f"VACUUM ANALYZE {analyze_seconds:.1f} s", flush=True)


def _set_aside_keys_and_indexes(pg) -> list[str]:
    """Drop the foreign keys, the primary and unique keys and the other indexes of the schema,
    to be built again after the load in one pass each, as PostgreSQL's "Populating a Database"
    advises; returns the statements that restore them, keys first and foreign keys last."""
    constraints = pg.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f') "
        "ORDER BY c.contype = 'f', c.conname"
    ).fetchall()
    indexes = pg.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
    ).fetchall()
    for table, name, _, _ in reversed(constraints):  # the foreign keys first: they depend on the keys
        pg.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        pg.execute(f'DROP INDEX "{name}"')
    def added(foreign: bool) -> list[str]:
        return [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                for table, name, kind, definition in constraints if (kind == "f") == foreign]

    return added(False) + [definition for _, definition in indexes] + added(True)


def _copy_table(lite: sqlite3.Connection, pg, table: str, columns: list[str]) -> int:
    """COPY one table's rows; SQLite's values are text PostgreSQL parses into its own types
    (32-hex UUIDs, 0/1 booleans, ISO dates and times); blobs go as bytea."""
    names = ", ".join(f'"{name}"' for name in columns)
    count = 0
    with pg.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in lite.execute(f"SELECT {names} FROM {table}"):
            copy.write_row(row)
            count += 1
    return count


# ---------------------------------------------------------------- the figures (each in a child process)


_STORES: dict = {}
_CONNECTIONS: dict = {}


def _store(url: str):
    """The project's store on the server, opened once a process (opening is not part of a figure)."""
    from db.store import Store

    if url not in _STORES:
        _STORES[url] = Store(url)
    return _STORES[url]


def ranking(store, scope: str, month: int | None):
    """The ranking as bench_county times it on SQLite: the own branch, or every branch of the county."""
    from app.services.totals import ranking as totals

    if scope == "branch":
        return totals.branch_ranking(store, YEAR, month=month)
    return totals.ranking_across(store, _branches(store), YEAR, month=month)


def _baseline(url: str, scope: str, month: int | None) -> None:
    """The period's approved sums per member in one GROUP BY, sorted in Python."""
    if url not in _CONNECTIONS:
        import psycopg

        _CONNECTIONS[url] = psycopg.connect(_dsn(url), autocommit=True)
    pg = _CONNECTIONS[url]
    first, last = _days(month)
    if scope == "branch":
        rows = pg.execute(
            "SELECT e.member_id, SUM(e.points) FROM members m JOIN points_entries e ON e.member_id = m.id "
            "WHERE m.branch_id = (SELECT CAST(value AS uuid) FROM store_settings WHERE key = 'branch_id') "
            "AND e.status = 'approved' AND e.occurred_on BETWEEN %s AND %s GROUP BY e.member_id",
            (first, last),
        ).fetchall()
    else:
        rows = pg.execute(
            "SELECT member_id, SUM(points) FROM points_entries WHERE status = 'approved' "
            "AND occurred_on BETWEEN %s AND %s GROUP BY member_id", (first, last),
        ).fetchall()
    sorted(rows, key=lambda row: -row[1])


def _days(month: int | None) -> tuple[date, date]:
    """The first and last day of the month (or of the year): a date column takes no "11-31"."""
    if month is None:
        return date(YEAR, 1, 1), date(YEAR, 12, 31)
    return date(YEAR, month, 1), date(YEAR, month, calendar.monthrange(YEAR, month)[1])


def _postmaster(url: str) -> int:
    """The server's main process: the parent of a backend."""
    import psycopg

    with psycopg.connect(_dsn(url)) as pg:  # read while the backend lives: it ends with the connection
        backend = pg.execute("SELECT pg_backend_pid()").fetchone()[0]
        return int(_stat(Path(f"/proc/{backend}/stat"))[1])


def _stat(path: Path) -> list[str]:
    """/proc/PID/stat's fields from the state on (the name in brackets may hold spaces)."""
    return path.read_text().rsplit(")", 1)[1].split()


def _server_cpu(postmaster: int) -> float:
    """The server's processor seconds so far: the postmaster's own and those of its children
    that have ended (parallel workers), plus every live child's (the backends, the writers)."""
    ticks = 0
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = _stat(path)
        except OSError:  # ended meanwhile
            continue
        if int(path.parent.name) == postmaster:
            ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
        elif int(fields[1]) == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def child(name: str, side: str, url: str) -> None:
    """Run one figure in this (fresh) process and print {"seconds", "cpu", "peak_mb"} as JSON;
    "cpu" is this process's and the server's processor seconds together."""
    scope, month = RANKINGS[name]
    if side == "project":
        store = _store(url)
        function = lambda: ranking(store, scope, month)  # noqa: E731
    else:
        function = lambda: _baseline(url, scope, month)  # noqa: E731
    postmaster = _postmaster(url)
    best, best_cpu = float("inf"), float("inf")
    for _ in range(3):
        server = _server_cpu(postmaster)
        started, cpu = time.perf_counter(), time.process_time()
        function()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        best, best_cpu = min(best, seconds), min(best_cpu, cpu + _server_cpu(postmaster) - server)
    print(json.dumps({"seconds": best, "cpu": best_cpu, "peak_mb": _peak_mb()}), flush=True)


def _in_child(name: str, side: str, url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.county_postgres", "--child", name, side, url],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{name} (PostgreSQL, {side}) failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


# ---------------------------------------------------------------- the same rankings on both stores


def _row_key(row) -> tuple:
    return (str(row.member_id), row.rank, row.period_points, row.year_to_date, row.grade, row.stars, row.vetoed,
            row.flags, row.branch_name)


def ranking_differences(sqlite_file: Path, url: str) -> dict[str, list[str]]:
    """For each ranking: the first rows (as text) where SQLite and PostgreSQL disagree; [] when equal."""
    from db.store import Store

    found = {}
    with Store.open_file(sqlite_file, read_only=True) as lite, Store(url) as pg:
        for name, (scope, month) in RANKINGS.items():
            on_lite = [_row_key(row) for row in ranking(lite, scope, month).rows]
            on_pg = [_row_key(row) for row in ranking(pg, scope, month).rows]
            differences = [f"SQLite {a} / PostgreSQL {b}" for a, b in zip(on_lite, on_pg) if a != b]
            if len(on_lite) != len(on_pg):
                differences.insert(0, f"{len(on_lite)} rows on SQLite, {len(on_pg)} on PostgreSQL")
            found[name] = differences
    return found


# ---------------------------------------------------------------- bench_county's entry


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # unwinds through throwaway_server's clean-up like Ctrl+C


def run(sqlite_file: Path, on_sqlite: dict[str, tuple[dict, dict]], wanted: list[str]) -> None:
    """Load the county into a throwaway server and print the `wanted` ranking figures on it;
    `on_sqlite`: the same figures' (project, baseline) results from bench_county's SQLite run."""
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with throwaway_server() as server:
            url = create_county_database(server)
            load_county(sqlite_file, url)
            for name in wanted:
                project, base = _in_child(name, "project", url), _in_child(name, "baseline", url)
                line(f"{name} (PostgreSQL)", project["seconds"], base["seconds"], project["peak_mb"],
                     (project["cpu"], base["cpu"]))
                if name in on_sqlite:
                    _beside(project, base, *on_sqlite[name])
            _report_differences(ranking_differences(sqlite_file, url))
    finally:
        signal.signal(signal.SIGTERM, previous)


def _beside(project: dict, base: dict, lite_project: dict, lite_base: dict) -> None:
    """How the PostgreSQL figure compares with SQLite's, in elapsed and in processor seconds
    (the steadier on a busy machine; PostgreSQL's include the server's)."""
    def times(mine: dict, theirs: dict, key: str) -> str:
        return f"{mine[key] / max(theirs[key], 1e-9):.2f}× SQLite's {theirs[key]:.3f} s"

    print(f"    beside SQLite: project {times(project, lite_project, 'seconds')}, baseline {times(base, lite_base, 'seconds')}"
          f" (CPU: project {times(project, lite_project, 'cpu')}, baseline {times(base, lite_base, 'cpu')})", flush=True)


def _report_differences(found: dict[str, list[str]]) -> None:
    for name, differences in found.items():
        if not differences:
            print(f"{name}: the same rows on SQLite and PostgreSQL", flush=True)
            continue
        print(f"{name}: BUG — SQLite and PostgreSQL rank differently ({len(differences)} rows differ); first:", flush=True)
        for text in differences[:SHOWN_DIFFERENCES]:
            print(f"    {text}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        os._exit(0)  # the store's pool holds no work to finish
