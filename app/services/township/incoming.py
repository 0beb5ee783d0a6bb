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
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, insert, select

from db.engine import make_engine, sqlite_url

PREFIX = "incoming_"
CHUNK_ROWS = 1000  # 5,000 rows of 2 KB (a history table's long reasons) cost 45 MB more at the peak

__all__ = ["incoming_tables", "load", "drop", "PREFIX", "CHUNK_ROWS"]


def incoming_tables(tables: list[Table]) -> dict[str, Table]:
    """A temporary twin of each table: the same columns and types, the id as its key, no other
    constraint (the village's rows are judged by the merge, not refused on the way in)."""
    metadata = MetaData()
    return {
        table.name: Table(
            PREFIX + table.name, metadata,
            *(Column(column.name, column.type, primary_key=column.primary_key) for column in table.columns),
            prefixes=["TEMPORARY"],
        )
        for table in tables
    }


def load(session, staged: Path, tables: list[Table], incoming: dict[str, Table]) -> None:
    """Create the temporary tables on the session's connection and fill them from `staged`."""
    connection = session.connection()
    for table in tables:
        incoming[table.name].create(connection)
    if connection.dialect.name == "sqlite":
        _copy_stored_values(connection.connection.driver_connection, staged, tables)
    else:
        _copy_through_types(session, staged, tables, incoming)


def drop(session, incoming: dict[str, Table]) -> None:
    connection = session.connection()
    for table in incoming.values():
        table.drop(connection)


def _copy_stored_values(township: sqlite3.Connection, staged: Path, tables: list[Table]) -> None:
    with closing(sqlite3.connect(f"file:{staged}?mode=ro", uri=True)) as village:
        for table in tables:
            names = ", ".join(f'"{column.name}"' for column in table.columns)
            marks = ", ".join("?" for _ in table.columns)
            rows = village.execute(f'SELECT {names} FROM "{table.name}"')
            statement = f'INSERT INTO "{PREFIX}{table.name}" ({names}) VALUES ({marks})'
            while chunk := rows.fetchmany(CHUNK_ROWS):
                township.executemany(statement, chunk)


def _copy_through_types(session, staged: Path, tables: list[Table], incoming: dict[str, Table]) -> None:
    source = make_engine(sqlite_url(staged), read_only=True)
    try:
        with source.connect() as village:
            for table in tables:
                rows = village.execution_options(yield_per=CHUNK_ROWS).execute(select(table))
                for chunk in rows.mappings().partitions():
                    session.execute(insert(incoming[table.name]), [dict(row) for row in chunk])
    finally:
        source.dispose()
