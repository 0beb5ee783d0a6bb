"""Schema version: open a store, refuse a newer file, back up and migrate an older one.

The schema version is Alembic's revision inside the file; SQLite files also carry it as
`PRAGMA user_version` (the number of migrations applied) and an application id, so a
backup tool can tell what a file is from its header alone.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DatabaseError, OperationalError

from app import __version__
from app.domain.errors import SchemaTooNew, StoreError
from app.locations import MIGRATIONS_DIR  # the migration scripts, in the source tree or the frozen build
from db.engine import is_sqlite, sqlite_path

APPLICATION_ID = 0x444A4647  # "DJFG": 党建积分 files, readable at header offset 68


@dataclass(frozen=True)
class SchemaReport:
    previous_revision: str | None
    current_revision: str
    migrated: bool
    safety_copy: Path | None


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def known_revisions() -> list[str]:
    """Revisions from the first to the newest."""
    return list(_revisions_in(str(MIGRATIONS_DIR)))


@cache
def _revisions_in(folder: str) -> tuple[str, ...]:
    # Reading the scripts compiles each of them (about 30 ms); a township's gathering asks three
    # times a village. Keyed by the folder, which tests point elsewhere.
    config = Config()
    config.set_main_option("script_location", folder)
    script = ScriptDirectory.from_config(config)
    return tuple(rev.revision for rev in reversed(list(script.walk_revisions())))


def head_revision() -> str:
    return known_revisions()[-1]


def schema_number(revision: str) -> int:
    return known_revisions().index(revision) + 1


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current_schema(engine: Engine) -> SchemaReport:
    """For a file opened read-only: accept it only at the newest schema, and change nothing."""
    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
    except (DatabaseError, OperationalError) as exc:
        raise StoreError("这个文件不是本程序的数据库，或者已经损坏，无法打开。", details=str(exc)) from exc
    revisions = known_revisions()
    if revision is None:
        raise StoreError("这个文件不是本程序的数据库（或是空文件），程序没有改动它。", details="no alembic_version")
    if revision not in revisions:
        raise _too_new(engine, revision, revisions)
    if revision != revisions[-1]:
        raise StoreError(
            "这个数据库是旧版本程序建立的，查看前需要先升级：请用本程序正常打开它一次（会先自动保存安全副本）。",
            details=f"file revision {revision}, newest {revisions[-1]}",
        )
    return SchemaReport(revision, revision, False, None)


def _too_new(engine: Engine, revision: str, revisions: list[str]) -> SchemaTooNew:
    """The refusal of a file from a newer program, naming its schema number (user_version) and ours."""
    file_schema = None
    if is_sqlite(engine):
        try:
            with engine.connect() as connection:  # reading a pragma changes nothing in the file
                file_schema = connection.exec_driver_sql("PRAGMA user_version").scalar() or None
        except (DatabaseError, OperationalError):
            pass  # the sentence then says "a newer version" without the number
    details = f"file revision {revision} (schema {file_schema}), known {revisions}"
    return SchemaTooNew.with_versions(file_schema, len(revisions), __version__, details)


def ensure_schema(engine: Engine) -> SchemaReport:
    """Bring the store to the newest schema, or raise a StoreError that says why it cannot."""
    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            tables = set(inspect(connection).get_table_names())
    except (DatabaseError, OperationalError) as exc:
        if "unable to open" in str(exc):
            raise StoreError("无法打开或建立数据库文件，请检查路径和文件夹的写入权限。", details=str(exc)) from exc
        raise StoreError("这个文件不是本程序的数据库，或者已经损坏，无法打开。", details=str(exc)) from exc
    revisions = known_revisions()
    if revision is None and tables - {"alembic_version"}:
        raise StoreError(
            "这个数据库文件不是本程序建立的，为避免损坏其中的数据，程序不会改动它。",
            details=f"tables without alembic_version: {sorted(tables)[:10]}",
        )
    if revision is not None and revision not in revisions:
        raise _too_new(engine, revision, revisions)
    if revision == revisions[-1]:
        return SchemaReport(revision, revision, False, None)
    safety_copy = None
    if revision is not None and is_sqlite(engine):
        safety_copy = _safety_copy(engine, revision)
    _upgrade(engine)
    return SchemaReport(revision, revisions[-1], True, safety_copy)


def _safety_copy(engine: Engine, revision: str) -> Path:
    """A consistent copy of the file next to it before it is migrated (online backup API)."""
    path = sqlite_path(engine)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.before-upgrade-{revision}-{stamp}{path.suffix or '.db'}")
    try:
        with sqlite3.connect(path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        source.close()
        copy.close()
    except (sqlite3.Error, OSError) as exc:
        raise StoreError("升级数据库前无法先保存一份安全副本，已停止升级，数据未改动。", details=str(exc)) from exc
    return target


def _upgrade(engine: Engine) -> None:
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = is_sqlite(engine)
        if sqlite:
            # The pragma is ignored inside a transaction, and batch mode recreates tables:
            # with foreign keys on, ON DELETE CASCADE would empty the child tables.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise StoreError(
                            "数据库升级后发现记录之间的关联不完整，升级已撤销，数据未改动。",
                            details=repr(broken[:10]),
                        )
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError("数据库升级失败，已撤销，数据未改动。", details=repr(exc)) from exc
        finally:
            if sqlite:
                raw = connection.connection.driver_connection
                raw.execute("PRAGMA foreign_keys=ON")
        if sqlite:
            raw = connection.connection.driver_connection
            raw.execute(f"PRAGMA application_id={APPLICATION_ID}")
            raw.execute(f"PRAGMA user_version={schema_number(head_revision())}")
