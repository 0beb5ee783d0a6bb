"""The daily automatic backup on closing the program, kept in `<data folder>/backups/<database>` with rotation.

Runs on the UI's database worker thread (or wherever the closing code runs it); never imports Qt.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from app.domain.errors import BackupError, BackupWriteFailed
from app.services.backup.archive import EXTENSION, BackupResult, backup_to, database_path
from app.services.files import plain_os_error
from app.services.paths import data_dir
from db import backup_format as fmt
from db.store import Store

AUTO_PREFIX = "auto-"
ROTATION = {"daily": 7, "weekly": 4, "monthly": 12}
_AUTO_NAME = re.compile(r"^auto-(\d{8})-(\d{6})(?:-\d+)?\.jfbak$")

__all__ = ["AutoBackupResult", "auto_backup_folder", "auto_backup_if_due", "auto_backups", "backups_to_keep",
           "rotate_auto_backups", "ROTATION"]


def auto_backup_folder(store: Store | None = None) -> Path:
    """`<data folder>/backups`, and for a database its own folder in there.

    Each database keeps its own daily backups: otherwise closing the demo first would count
    as today's backup of the real branch, and the rotation would mix the two. The folder is
    named after the file and the branch (`jifen-3f9a1b2c`), so a person can tell them apart.
    """
    base = data_dir() / "backups"
    if store is None:
        return base
    return base / _database_key(store)


def _database_key(store: Store) -> str:
    from app.services.organisation import current_branch_id

    stem = re.sub(r"[^\w\-]+", "_", database_path(store).stem) or "database"
    branch_id = current_branch_id(store)
    return f"{stem}-{str(branch_id)[:8]}" if branch_id else stem


@dataclass(frozen=True)
class AutoBackupResult:
    backup: BackupResult
    removed: list[Path]


def auto_backup_if_due(store: Store, now: datetime | None = None, folder: Path | None = None) -> AutoBackupResult | None:
    """On closing the program: one unencrypted backup a day into the data folder, then rotation.

    Skipped (None) when today already has one, when nothing changed since the newest one, or
    when the database holds nothing yet. Raises BackupError when the backup fails; the caller
    shows it and closes anyway.
    """
    now = now or datetime.now(timezone.utc)
    folder = folder or auto_backup_folder(store)
    database = database_path(store)
    existing = auto_backups(folder)
    if existing and existing[0][0].date() == now.astimezone().date():
        return None
    with closing(sqlite3.connect(database, timeout=5)) as connection:
        facts = fmt.read_database_facts(connection)
    if facts.audit_records == 0:
        return None
    if existing:
        try:
            newest = fmt.read_manifest(existing[0][1]).data
            if (newest.get("audit_records"), newest.get("last_change_at")) == (facts.audit_records, facts.last_change_at):
                return None
        except (BackupError, OSError):
            pass  # a damaged newest backup is one more reason to make a fresh one
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise plain_os_error(exc, "自动备份没有完成。", place="磁盘", error=BackupWriteFailed) from exc
    name = f"{AUTO_PREFIX}{now.astimezone():%Y%m%d-%H%M%S}{EXTENSION}"
    result = backup_to(store, folder, now=now, name=name)
    removed = rotate_auto_backups(folder)
    return AutoBackupResult(result, removed)


def auto_backups(folder: Path) -> list[tuple[datetime, Path]]:
    """Automatic backups in `folder`, newest first, with the local time in their names."""
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        match = _AUTO_NAME.match(path.name)
        if match:
            try:
                found.append((datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S"), path))
            except ValueError:
                continue
    return sorted(found, key=lambda item: (item[0], item[1].name), reverse=True)


def backups_to_keep(stamps: list[datetime], rotation: dict[str, int] = ROTATION) -> set[datetime]:
    """Grandfather-father-son, as `borg prune`: the newest backup of each of the last
    `daily` days, `weekly` ISO weeks and `monthly` months that have backups (a backup may
    count for several), plus always the newest of all."""
    keep: set[datetime] = set()
    newest_first = sorted(stamps, reverse=True)
    if newest_first:
        keep.add(newest_first[0])
    periods = {
        "daily": lambda moment: moment.date(),
        "weekly": lambda moment: moment.isocalendar()[:2],
        "monthly": lambda moment: (moment.year, moment.month),
    }
    for kind, period_of in periods.items():
        seen = set()
        for moment in newest_first:
            period = period_of(moment)
            if period in seen:
                continue
            if len(seen) >= rotation.get(kind, 0):
                break
            seen.add(period)
            keep.add(moment)
    return keep


def rotate_auto_backups(folder: Path, rotation: dict[str, int] = ROTATION) -> list[Path]:
    """Delete automatic backups the rotation does not keep; other files are never touched."""
    existing = auto_backups(folder)
    keep = backups_to_keep([moment for moment, _ in existing], rotation)
    removed = []
    seen_stamps = set()
    for moment, path in existing:  # newest first: of two files with the same stamp keep the first
        if moment in keep and moment not in seen_stamps:
            seen_stamps.add(moment)
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed
