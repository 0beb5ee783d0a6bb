"""Engines and sessions. SQLite gets foreign keys, WAL, a busy timeout, and real transactions.

pysqlite's default transaction handling defers BEGIN and commits around DDL, which lets a
half-failed migration leave tables behind; SQLAlchemy's documented remedy is to switch the
driver to autocommit and emit BEGIN ourselves when a transaction starts.

Writes begin with BEGIN IMMEDIATE: a deferred transaction that reads first and writes later
cannot upgrade its lock while another connection writes, and SQLite then fails at once
without using the busy timeout. Taking the write lock at the start makes a second writer
wait (up to the busy timeout) instead. Sessions ask for it with the execution option
`WRITE_OPTION` (see db.store.Store.write_session).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 30000  # a second window or process writing waits this long before giving up
WRITE_OPTION = "dyjf_write"


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path)}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    if not is_sqlite(engine):
        return None
    database = make_url(str(engine.url)).database
    return Path(database) if database and database != ":memory:" else None


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine on `url`; `read_only` (SQLite) opens the file so that nothing about it changes."""
    if read_only and url.startswith("sqlite"):
        path = make_url(url).database
        engine = create_engine(url, future=True, creator=lambda: _read_only_connection(path))
        _configure_read_only(engine)
        return engine
    engine = create_engine(url, future=True)
    if is_sqlite(engine):
        _configure_sqlite(engine)
    return engine


def _read_only_connection(path: str) -> sqlite3.Connection:
    """mode=ro never creates, converts or writes the file; on read-only media a WAL file also
    needs immutable=1, since SQLite cannot create its shared-memory file there."""
    target = "file:" + quote(str(Path(path).resolve()))
    connection = sqlite3.connect(f"{target}?mode=ro", uri=True, check_same_thread=False)
    try:
        connection.execute("PRAGMA schema_version").fetchone()
    except sqlite3.OperationalError:
        connection.close()
        connection = sqlite3.connect(f"{target}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    return connection


def _configure_read_only(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine, write: bool = False) -> sessionmaker[Session]:
    """Sessions on `engine`; with `write`, their transactions take the write lock at BEGIN."""
    bind = engine.execution_options(**{WRITE_OPTION: True}) if write else engine
    return sessionmaker(bind, expire_on_commit=False)
