"""A village's rows placed beside the township's, so that merging them is SQL over two tables.

Each table of the staged village file is copied, in chunks of CHUNK_ROWS, into a temporary
table `incoming_<name>` on the township's own connection, inside the gathering's transaction:
only a chunk is ever in Python, however large the village. The temporary tables carry the
prefix because an unqualified name finds a temporary table before the real one, on SQLite and
on PostgreSQL alike. They disappear with the transaction when it rolls back; `drop` removes
them before it commits.

On SQLite the stored values are copied as they are: the staged file has been upgraded to this
program's schema and was written through the same column types, so a value's stored form is
the township's too, and skipping the types' conversions in Python is most of the speed. On any
other database the rows go through the column types (read from the village's SQLite file,
written in the township's own forms).

SQLite's ATTACH would spare the copy, but it cannot be run inside a transaction, and the
gathering must be one (all or nothing, under the township's write lock).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, insert, select

from db.engine import make_engine, sqlite_url

PREFIX = "incoming_"
CHUNK_ROWS = 1000  # 5,000 rows of 2 KB (a history table's long reasons) cost 45 MB more at the peak

__all__ = ["incoming_tables", "load", "drop", "PREFIX", "CHUNK_ROWS"]


def incoming_tables(tables: list[Table]) -> dict[str, Table]:
    """A temporary twin of each table: the same columns and types, the id as its key, no other
    constraint (the village's rows are judged by the merge, not refused on the way in).

    The same twins for every village of a gathering (and of the process): SQLAlchemy caches a
    statement's compiled form by the tables it names, and compiling the merge's statements anew
    for each village cost as much as running them."""
    return dict(_twins(tuple(tables)))


@cache
def _twins(tables: tuple[Table, ...]) -> dict[str, Table]:
    metadata = MetaData()
    return {
        table.name: Table(
            PREFIX + table.name, metadata,
            *(Column(column.name, column.type, primary_key=column.primary_key) for column in table.columns),
            prefixes=["TEMPORARY"], sqlite_with_rowid=False,
        )
        for table in tables
    }


def load(session, staged: Path, tables: list[Table], incoming: dict[str, Table]) -> list[Table]:
    """Fill the temporary twins on the session's connection from `staged`. Returns the tables
    the village has rows in: only their twins are made (most of a village's tables are empty,
    and a table with nothing incoming has nothing to merge)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        village = _StoredValues(connection.connection.driver_connection, staged)
    else:
        village = _ThroughTypes(session, staged)
    loaded: list[Table] = []
    with village:
        for table in tables:
            for chunk in village.chunks(table):
                if not loaded or loaded[-1] is not table:
                    incoming[table.name].create(connection)
                    loaded.append(table)
                village.write(incoming[table.name], chunk)
    return loaded


def drop(session, incoming: dict[str, Table], loaded: list[Table]) -> None:
    connection = session.connection()
    for table in loaded:
        incoming[table.name].drop(connection)


class _StoredValues:
    """Rows read and written as SQLite stores them."""

    def __init__(self, township: sqlite3.Connection, staged: Path) -> None:
        self.township = township
        self.village = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.village.close()

    def chunks(self, table: Table):
        names = ", ".join(f'"{column.name}"' for column in table.columns)
        rows = self.village.execute(f'SELECT {names} FROM "{table.name}"')
        while chunk := rows.fetchmany(CHUNK_ROWS):
            yield chunk

    def write(self, twin: Table, chunk: list[tuple]) -> None:
        names = ", ".join(f'"{column.name}"' for column in twin.columns)
        marks = ", ".join("?" for _ in twin.columns)
        self.township.executemany(f'INSERT INTO "{twin.name}" ({names}) VALUES ({marks})', chunk)


class _ThroughTypes:
    """Rows read through the column types from the village's SQLite file and written through
    them to the township's database."""

    def __init__(self, session, staged: Path) -> None:
        self.session = session
        self.source = make_engine(sqlite_url(staged), read_only=True)

    def __enter__(self):
        self.village = self.source.connect()
        return self

    def __exit__(self, *exc) -> None:
        self.village.close()
        self.source.dispose()

    def chunks(self, table: Table):
        rows = self.village.execution_options(yield_per=CHUNK_ROWS).execute(select(table))
        for chunk in rows.mappings().partitions():
            yield [dict(row) for row in chunk]

    def write(self, twin: Table, chunk: list[dict]) -> None:
        self.session.execute(insert(twin), chunk)
