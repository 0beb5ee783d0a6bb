"""Making a backup (to a USB stick or any folder), and reading one: inspect, unpack, verify.

Use cases (none imports Qt; each may take a `progress(fraction, sentence)` callback and is
meant to run on the UI's database worker thread, never on the UI thread):

- `backup_to(store, folder, passphrase)` writes one `*.jfbak` file (format: db/backup_format/).
  The snapshot is taken with SQLite's online backup API while the program runs; the file is
  written under a temporary name in the target folder, flushed, fsynced, read back from the
  device and compared, then renamed (app.services.files.write_atomically). A failure leaves
  nothing under the final name, never touches earlier backups and raises a BackupError with
  one plain sentence (the Backup* kinds of app.domain.errors, re-exported here).
- `verify_backup(path, passphrase)` checks a file end to end (checksum or authentication tag,
  SQLite integrity, schema) using a local temporary folder, never the stick.
- `inspect_backup`, `read_backup_file`, `unpack_backup` and `upgrade_staged_copy` are the
  steps restore (app.services.backup.restore) and the township's gathering (app.services.township.gather)
  build on.

Elsewhere: restoring in app.services.backup.restore, the daily automatic backup in
app.services.backup.automatic, removable drives in app.services.backup.drives.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from app import __version__
from app.domain.errors import (  # re-exported: the UI and the command line catch these
    AppError,
    BackupDamaged,
    BackupError,
    BackupTooNew,
    BackupWriteFailed,
    NotABackup,
    PassphraseRequired,
    WrongPassphrase,
    folder_not_file,
)
from app.services.backup.drives import place_of
from app.services.files import TEMP_MARK, Progress, fsync_file, plain_os_error, remove_quietly, remove_stale, write_atomically
from db import backup_format as fmt
from db.backup_format import EXTENSION, DatabaseFacts, Manifest
from db.schema import known_revisions
from db.store import Store

PASSPHRASE_ENV = "DYJF_BACKUP_PASSPHRASE"
# Room left on the stick beyond the file itself (its folder entry, the file system's own books).
SPARE_BYTES = 65536


__all__ = [
    "BackupDamaged", "BackupError", "BackupTooNew", "BackupWriteFailed", "NotABackup", "PassphraseRequired",
    "WrongPassphrase", "EXTENSION", "PASSPHRASE_ENV", "Progress", "BackupResult", "VerifyReport",
    "backup_to", "verify_backup", "inspect_backup", "read_backup_file", "unpack_backup", "upgrade_staged_copy",
    "fold_wal", "describe_manifest", "local_time", "database_path",
]


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: Manifest
    seconds: float

    @property
    def summary(self) -> str:
        locked = "（已加密）" if self.manifest.encrypted else ""
        return f"已备份到“{self.path}”{locked}，共 {self.size / 1024:.0f} KB。"


@dataclass(frozen=True)
class VerifyReport:
    path: Path
    manifest: Manifest
    facts: DatabaseFacts
    migrates_from: str | None  # the backup's schema when it is older than this program's

    @property
    def summary(self) -> str:
        return describe_manifest(self.manifest)


def describe_manifest(manifest: Manifest) -> str:
    data = manifest.data
    counts = data.get("counts") or {}
    who = manifest.branch_name or ("乡镇汇总数据" if data.get("database_kind") == "township" else "空数据库")
    locked = "，已加密" if manifest.encrypted else ""
    return (
        f"{who}，备份于 {local_time(manifest.created_at)}，党员 {counts.get('members', 0)} 名，"
        f"积分记录 {counts.get('points_entries', 0)} 条（程序版本 {data.get('program_version')}，"
        f"数据库版本 {data.get('schema_revision')}{locked}）"
    )


def local_time(moment: datetime | str | None) -> str:
    if moment is None:
        return "（无）"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone().strftime("%Y年%m月%d日 %H:%M")


# ----------------------------------------------------------------------------- backup


def database_path(store: Store) -> Path:
    """The store's file; a shared server database is refused (its administrator backs it up)."""
    path = store.path
    if path is None:
        raise BackupError("只有本机的数据库文件才能这样备份；共用服务器上的数据库请由管理员在服务器上备份。")
    return path


def make_backup_bytes(
    database: Path, passphrase: str | None = None, now: datetime | None = None, kdf: dict | None = None
) -> tuple[bytes, Manifest]:
    """The bytes of a backup of the live file `database` (snapshot in a local temporary folder)."""
    now = now or datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="jfbak-") as work:
        snapshot = Path(work) / "snapshot.db"
        facts = fmt.take_snapshot(database, snapshot)
        data = snapshot.read_bytes()
    return fmt.build_backup(data, facts, now, __version__, passphrase=passphrase, kdf=kdf)


def backup_file_name(manifest: Manifest, now: datetime) -> str:
    who = _safe_name(manifest.branch_name or "党员积分")
    return f"{who}-{now.astimezone():%Y%m%d-%H%M%S}{EXTENSION}"


def _safe_name(text: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", text).strip(" .")
    return cleaned[:60] or "党员积分"


def backup_to(
    store: Store,
    folder: Path | str,
    passphrase: str | None = None,
    *,
    now: datetime | None = None,
    name: str | None = None,
    kdf: dict | None = None,
    progress: Progress | None = None,
) -> BackupResult:
    """Write one backup of `store` into `folder` (a USB stick or any folder), atomically."""
    started = time.perf_counter()
    report = progress or (lambda fraction, text: None)
    folder = Path(folder)
    now = now or datetime.now(timezone.utc)
    place = place_of(folder)
    outcome = "备份没有完成，已有的备份和数据库都没有改动。"
    if not folder.is_dir():
        raise BackupWriteFailed(f"找不到文件夹“{folder}”（{place}可能已被拔出），{outcome}")
    report(0.05, "正在读取数据库……")
    blob, manifest = make_backup_bytes(database_path(store), passphrase, now, kdf)
    report(0.3 if passphrase is None else 0.5, "正在写入备份文件……")
    path = write_new_backup(folder, name or backup_file_name(manifest, now), blob, place, outcome, report)
    report(1.0, "备份完成。")
    return BackupResult(path, len(blob), manifest, time.perf_counter() - started)


def write_new_backup(
    folder: Path, name: str, blob: bytes, place: str, outcome: str, report: Progress | None = None
) -> Path:
    """Write `blob` as a new file in `folder`, read back from the device before it gets its name.

    Never replaces an existing file (a second backup in the same second gets "-2"); a full
    stick is noticed before anything is written.
    """
    report = report or (lambda fraction, text: None)
    remove_stale(folder, f".*{EXTENSION}{TEMP_MARK}*")
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise plain_os_error(exc, outcome, place=place, error=BackupWriteFailed) from exc
    if free < len(blob) + SPARE_BYTES:
        raise BackupWriteFailed(f"{place}已满，{outcome}", details=f"needs {len(blob)} bytes, {free} free")
    return write_atomically(
        folder / name, blob, outcome=outcome, place=place, error=BackupWriteFailed, keep_existing=True, verify=True,
        progress=lambda fraction, text: report(0.5 + 0.4 * fraction, text),
    )


# ----------------------------------------------------------------------------- reading a backup


def _not_found(path: Path | str) -> BackupError:
    return BackupError(f"找不到备份文件“{path}”（U 盘可能已被拔出）。")


def _unreadable(exc: OSError) -> BackupWriteFailed:
    return plain_os_error(exc, "无法读取备份文件。", place="U 盘", error=BackupWriteFailed)


def read_backup_file(path: Path | str) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise _not_found(path) from None
    except IsADirectoryError:
        raise BackupError(folder_not_file(path, "请选择备份文件（.jfbak）")) from None
    except OSError as exc:
        raise _unreadable(exc) from exc


def inspect_backup(path: Path | str) -> Manifest:
    """The manifest only (no passphrase needed): for listings and the restore dialog."""
    try:
        return fmt.read_manifest(Path(path))
    except FileNotFoundError:
        raise _not_found(path) from None
    except OSError as exc:
        raise _unreadable(exc) from exc


def unpack_backup(
    data: bytes, passphrase: str | None, target: Path, progress: Progress | None = None
) -> tuple[Manifest, DatabaseFacts]:
    """Verify a backup's bytes and write its database to the local file `target`, then check it."""
    report = progress or (lambda fraction, text: None)
    report(0.2, "正在校验备份文件……")
    manifest, database = fmt.open_backup(data, passphrase)
    target.write_bytes(database)
    fsync_file(target)  # restore renames this file over the database: it must be on the disk first
    report(0.4, "正在检查备份里的数据库……")
    facts = fmt.check_database_file(target, known_revisions())
    if not fmt.facts_match_manifest(facts, manifest):
        raise BackupDamaged(details="database does not match its manifest")
    return manifest, facts


def unpack_file(path: Path, passphrase: str | None, target: Path, report: Progress) -> tuple[Manifest, DatabaseFacts]:
    """read_backup_file + unpack_backup."""
    report(0.05, "正在读取备份文件……")
    return unpack_backup(read_backup_file(path), passphrase, target, report)


def verify_backup(path: Path | str, passphrase: str | None = None, progress: Progress | None = None) -> VerifyReport:
    """Everything restore would check, without touching any database. Raises BackupError if unfit."""
    report = progress or (lambda fraction, text: None)
    with tempfile.TemporaryDirectory(prefix="jfbak-") as work:
        staged = Path(work) / "verify.db"
        manifest, facts = unpack_file(Path(path), passphrase, staged, report)
        older = facts.schema_revision if facts.schema_revision != known_revisions()[-1] else None
        if older:  # restore would upgrade it: so must this check, on the local copy
            report(0.7, "正在试升级备份里的数据库……")
            upgrade_staged_copy(staged)
    report(1.0, "校验完成。")
    return VerifyReport(Path(path), manifest, facts, older)


def upgrade_staged_copy(temp: Path) -> DatabaseFacts:
    """Bring the staged copy to this program's schema (Store migrates; its own copy is dropped)."""
    before = set(temp.parent.iterdir())
    try:
        Store.open_file(temp).close()
    except AppError as exc:
        raise BackupError("备份里的数据库无法升级到本程序的版本，没有恢复，当前数据库没有改动。", details=exc.details) from exc
    finally:
        for extra in set(temp.parent.iterdir()) - before:
            if extra.name.startswith(temp.stem + ".before-upgrade-"):
                remove_quietly(extra)
    fold_wal(temp)
    return fmt.check_database_file(temp, known_revisions())


def fold_wal(path: Path) -> None:
    """Fold any WAL into the main file and leave it in rollback-journal mode (no side files)."""
    connection = sqlite3.connect(path, timeout=2)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    finally:
        connection.close()
    if str(mode).lower() != "delete":
        raise sqlite3.OperationalError(f"journal_mode stayed {mode}")
