"""Engines and sessions. SQLite gets foreign keys, WAL, a busy timeout, and real transactions.

pysqlite's default transaction handling defers BEGIN and commits around DDL, which lets a
half-failed migration leave tables behind; SQLAlchemy's documented remedy is to switch the
driver to autocommit and emit BEGIN ourselves when a transaction starts.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 5000


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path)}"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    if not is_sqlite(engine):
        return None
    database = make_url(str(engine.url)).database
    return Path(database) if database and database != ":memory:" else None


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if is_sqlite(engine):
        _configure_sqlite(engine)
    return engine


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
        connection.exec_driver_sql("BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
