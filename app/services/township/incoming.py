"""A village's rows placed beside the township's, so that merging them is SQL over two tables.

`open_village` gives, for each table, a table of the village's rows that the township's own
connection can read inside the gathering's transaction:

- on SQLite the staged village file is ATTACHed to that connection (schema SCHEMA) and read
  where it lies: nothing is copied, and only SQLite's page caches hold any of it. SQLite
  refuses to DETACH a file the open transaction has read, so the file is detached when the
  connection goes back to the pool, after the transaction has ended (a pool `checkin` hook). A
  connection that still has a village attached when it is next taken from the pool is let go of
  it then, before its transaction begins (a `checkout` hook), or replaced. (The "already in use"
  seen rarely in full test runs was a new pool left without either hook: see `_attach`.) The village's values go in as SQLite
  stored them: the staged file has been upgraded to this program's schema and was written
  through the same column types, so its stored forms are the township's.
- on any other database (PostgreSQL) the rows are copied, CHUNK_ROWS at a time, into temporary
  tables `incoming_<name>` through the column types (read from the village's SQLite file,
  written in the server's own forms); `close_village` drops them before the transaction commits
  (a rollback takes them too). The prefix matters: an unqualified name finds a temporary table
  before the real one.

Either way only a chunk or a page is ever in Python, however large the village, and only the
tables the village has rows in are given (most of a village's tables are empty).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Column, MetaData, Table, event, insert, select
from sqlalchemy.exc import DisconnectionError

from db.engine import make_engine, sqlite_url

SCHEMA = "gathered_village"
PREFIX = "incoming_"
CHUNK_ROWS = 1000  # 5,000 rows of 2 KB (a history table's long reasons) cost 45 MB more at the peak

__all__ = ["Village", "open_village", "close_village", "SCHEMA", "PREFIX", "CHUNK_ROWS"]


@dataclass
class Village:
    tables: dict[str, Table]  # by the model table's name: the village's rows, aliased incoming_<name>
    loaded: list[Table]  # the model tables the village has rows in, parents first
    copied: bool  # temporary copies that close_village drops


def open_village(session, staged: Path, tables: list[Table]) -> Village:
    """The village's tables beside the township's, on the session's connection."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return _attach(connection, staged, tables)
    return _copy(session, staged, tables)


def close_village(session, village: Village) -> None:
    if village.copied:
        connection = session.connection()
        for table in village.loaded:
            village.tables[table.name].drop(connection)


# ----------------------------------------------------------------------------- SQLite: attached


def _attach(connection, staged: Path, tables: list[Table]) -> Village:
    pool = connection.engine.pool
    for name, hook in (("checkin", _detach_village), ("checkout", _detach_stale_village)):
        # Asked of the pool's own listeners, not of event.contains: SQLAlchemy's registry keys a
        # listener by id(pool) and keeps the key of a pool that engine.dispose() replaced, so a
        # new pool born at a freed pool's address was taken as hooked (4% of new pools) and its
        # connection kept the village attached for the next gathering ("already in use").
        if hook not in getattr(pool.dispatch, name):
            event.listen(pool, name, hook)
    connection.exec_driver_sql(f"ATTACH DATABASE ? AS {SCHEMA}", (str(staged),))
    sources = _attached(tuple(tables))
    loaded = [
        table for table in tables
        if connection.exec_driver_sql(f'SELECT 1 FROM {SCHEMA}."{table.name}" LIMIT 1').first() is not None
    ]
    return Village(sources, loaded, copied=False)


def _detach_village(dbapi_connection, connection_record) -> None:
    """Pool hook: a connection that has a village attached lets its file go on its way back."""
    if dbapi_connection is not None and not _let_go(dbapi_connection):
        connection_record.invalidate()  # closing the connection lets the file go as well


def _detach_stale_village(dbapi_connection, connection_record, connection_proxy) -> None:
    """Pool hook: a connection taken from the pool with a village still attached lets it go now,
    or is replaced by a new one (the pool retries on DisconnectionError)."""
    if not _let_go(dbapi_connection):
        raise DisconnectionError("a gathered village's file is still attached and cannot be detached")


def _let_go(dbapi_connection) -> bool:
    """Detach the village's file if it is attached; False when SQLite refuses."""
    try:
        if any(row[1] == SCHEMA for row in dbapi_connection.execute("PRAGMA database_list")):
            dbapi_connection.execute(f"DETACH DATABASE {SCHEMA}")
    except sqlite3.Error:
        return False
    return True


@cache
def _attached(tables: tuple[Table, ...]) -> dict[str, Table]:
    """The same tables in the attached file, aliased so that a column never names two tables.
    Made once a process: SQLAlchemy caches a statement's compiled form by the tables it names,
    and compiling the merge's statements anew for each village cost as much as running them."""
    metadata = MetaData()
    return {
        table.name: Table(
            table.name, metadata, *(Column(column.name, column.type, primary_key=column.primary_key) for column in table.columns),
            schema=SCHEMA,
        ).alias(PREFIX + table.name)
        for table in tables
    }


# ----------------------------------------------------------------------------- other databases: copied


@cache
def _twins(tables: tuple[Table, ...]) -> dict[str, Table]:
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


def _copy(session, staged: Path, tables: list[Table]) -> Village:
    twins = _twins(tuple(tables))
    connection = session.connection()
    loaded: list[Table] = []
    source = make_engine(sqlite_url(staged), read_only=True)
    try:
        with source.connect() as village:
            for table in tables:
                rows = village.execution_options(yield_per=CHUNK_ROWS).execute(select(table))
                for chunk in rows.mappings().partitions():
                    if not loaded or loaded[-1] is not table:
                        twins[table.name].create(connection)
                        loaded.append(table)
                    session.execute(insert(twins[table.name]), [dict(row) for row in chunk])
    finally:
        source.dispose()
    return Village(dict(twins), loaded, copied=True)
