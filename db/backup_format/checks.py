"""The SQLite file inside a backup: a consistent snapshot, the facts the manifest records about
it, and the checks a restored file must pass (integrity, foreign keys, ours, a known schema).

Plain `sqlite3`, no SQLAlchemy. Errors are those of app.domain.errors; their sentences live there.
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.domain.errors import (
    BackupDamaged,
    BackupTooNew,
    DatabaseFileMissing,
    ForeignDatabase,
    LiveDatabaseDamaged,
    SnapshotFailed,
)
from app.domain.chain import Head
from db.file_check import file_problems
from db.ledger_chain import read_heads
from db.schema import APPLICATION_ID

SQLITE_MAGIC = b"SQLite format 3\x00"
FILE_CHECK_LANES = 2  # the structure check's parts at once: two big tables take most of its time

__all__ = [
    "APPLICATION_ID", "SQLITE_MAGIC", "DatabaseFacts", "read_database_facts", "take_snapshot",
    "check_database_file", "facts_match_manifest", "manifest_chain_heads",
]


@dataclass(frozen=True)
class DatabaseFacts:
    """What a SQLite file of this program says about itself (read with plain sqlite3)."""

    schema_revision: str | None
    schema_number: int
    application_id: int
    kind: str  # branch | township | empty
    branch: dict | None
    counts: dict[str, int]
    audit_records: int
    last_change_at: str | None
    # {chain: {"seq": n, "hash": hex}} of the ledger chains (app/domain/chain.py); None before 0003
    chain_heads: dict | None = field(default=None, compare=False)


def read_database_facts(connection: sqlite3.Connection) -> DatabaseFacts:
    """Facts for the manifest, from any connection to a database of this program."""
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables}
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts.pop("alembic_version", None)
    kind, branch = _kind_and_branch(connection, tables)
    audit_records, last_change = 0, None
    if "audit_log" in tables:
        # max() alone in its SELECT is read from the time index's end; beside count(*) it read
        # every record (1.2 s of a county's backup), and the count is counted above already
        audit_records = counts["audit_log"]
        last_change = connection.execute("SELECT max(created_at) FROM audit_log").fetchone()[0]
    return DatabaseFacts(
        schema_revision=revision,
        schema_number=connection.execute("PRAGMA user_version").fetchone()[0],
        application_id=connection.execute("PRAGMA application_id").fetchone()[0],
        kind=kind,
        branch=branch,
        counts=counts,
        audit_records=audit_records,
        last_change_at=_iso_utc(last_change),
        chain_heads=_chain_heads(connection, tables),
    )


def _chain_heads(connection: sqlite3.Connection, tables: list[str]) -> dict | None:
    if "chain_starts" not in tables:
        return None
    return {chain: head.as_json() for chain, head in read_heads(connection).items()}


def manifest_chain_heads(manifest) -> dict[str, Head]:
    """The chain heads a backup's manifest records (empty for a backup made before 0003)."""
    recorded = manifest.data.get("chain_heads") if manifest is not None else None
    if not isinstance(recorded, dict):
        return {}
    heads = {chain: Head.from_json(value) for chain, value in recorded.items()}
    return {chain: head for chain, head in heads.items() if head is not None}


def _kind_and_branch(connection: sqlite3.Connection, tables: list[str]) -> tuple[str, dict | None]:
    settings = {}
    if "store_settings" in tables:
        settings = dict(connection.execute("SELECT key, value FROM store_settings"))
    if settings.get("branch_id"):
        return "branch", _unit_facts(connection, settings["branch_id"])
    if settings.get("township_id"):
        return "township", None
    return "empty", None


def _unit_facts(connection: sqlite3.Connection, branch_id: str) -> dict:
    try:
        key = uuid.UUID(branch_id)
    except ValueError:
        return {"id": branch_id, "name": "", "township": ""}
    row = connection.execute("SELECT name, parent_id FROM org_units WHERE id = ?", (key.hex,)).fetchone()
    name, parent = (row[0], row[1]) if row else ("", None)
    township = ""
    if parent:
        parent_row = connection.execute("SELECT name FROM org_units WHERE id = ?", (parent,)).fetchone()
        township = parent_row[0] if parent_row else ""
    return {"id": str(key), "name": name, "township": township}


def _iso_utc(stored: str | None) -> str | None:
    """SQLAlchemy keeps UTC datetimes naive in SQLite ('2026-11-23 05:56:39.538927')."""
    if not stored:
        return None
    try:
        return datetime.fromisoformat(stored).replace(tzinfo=None).isoformat() + "+00:00"
    except ValueError:
        return None


def take_snapshot(source: Path, target: Path) -> DatabaseFacts:
    """A consistent copy of the live database `source` at `target` (online backup API).

    Safe while the program writes to `source` (WAL readers see one committed state). The copy
    is switched to journal_mode=DELETE so it stands alone without a -wal file.
    """
    if not Path(source).is_file():
        raise DatabaseFileMissing(source)
    try:
        with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            # quick_check: every page and record of the copy, not whether each index matches its
            # table — a tenth of integrity_check's time on a county's file; `check` and a restore
            # (check_database_file) run the full check.
            problems = _quick_check_problems(copy)
            if problems:
                raise LiveDatabaseDamaged(details="; ".join(problems[:5]))
            return read_database_facts(copy)
    except sqlite3.Error as exc:
        raise SnapshotFailed(details=repr(exc)) from exc


def _quick_check_problems(connection: sqlite3.Connection) -> list[str]:
    """What `PRAGMA quick_check` finds; empty when the file is sound (the full check: db/file_check.py)."""
    try:
        rows = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:  # a truncated or damaged file raises instead of answering
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def check_database_file(path: Path, known_revisions: list[str], lanes: int = FILE_CHECK_LANES) -> DatabaseFacts:
    """The SQLite file restored from a backup: sound, ours, and of a schema this program can open.

    Raises BackupDamaged, NotABackup (ForeignDatabase) or BackupTooNew. `known_revisions`
    runs oldest to newest. The file's structure (what `integrity_check` finds) is checked in
    parts, up to `lanes` at once (db/file_check.py); nothing else reads the file until it passes.
    """
    problems = list(dict.fromkeys(line for found in file_problems(path, lanes=lanes) for line in found))
    if problems:
        raise BackupDamaged(details="integrity_check: " + "; ".join(problems[:5]))
    try:
        with closing(sqlite3.connect(path)) as connection:
            facts = read_database_facts(connection)
            fk_problems = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupDamaged(details=f"sqlite: {exc}") from None
    if facts.application_id != APPLICATION_ID or facts.schema_revision is None:
        raise ForeignDatabase(details=f"application_id {facts.application_id}")
    if facts.schema_revision not in known_revisions:
        raise BackupTooNew(details=f"revision {facts.schema_revision}, known {known_revisions}")
    if fk_problems:
        raise BackupDamaged(details=f"foreign_key_check: {fk_problems[:5]}")
    return facts


def facts_match_manifest(facts: DatabaseFacts, manifest) -> bool:
    """The restored file is the one the manifest describes (schema and row counts)."""
    return facts.schema_revision == manifest.schema_revision and facts.counts == manifest.counts
