"""Making a backup (to a USB stick or any folder), and reading one: inspect, unpack, verify.

Use cases (none imports Qt; each may take a `progress(fraction, sentence)` callback and is
meant to run on the UI's database worker thread, never on the UI thread):

- `backup_to(store, folder, passphrase)` writes one `*.jfbak` file (format: db/backup_format/).
  The snapshot is taken with SQLite's online backup API while the program runs, into a local
  staging folder; from there it is streamed — compressed, encrypted chunk by chunk — into a
  temporary name in the target folder, flushed, fsynced, read back from the device and
  compared, then renamed (app.services.files.write_streamed). A failure leaves nothing under
  the final name, never touches earlier backups and raises a BackupError with one plain
  sentence (the Backup* kinds of app.domain.errors, re-exported here).
- `verify_backup(path, passphrase)` checks a file end to end (checksums or authentication
  tags, SQLite integrity, schema) by unpacking it into a local staging folder, never the stick.
- `inspect_backup`, `unpack_file` and `upgrade_staged_copy` are the steps restore
  (app.services.backup.restore) and the township's gathering (app.services.township.gather)
  build on.

Memory stays a few MiB whatever the database's size: nothing holds the database or the
backup file whole. Free space is looked at before anything large is written: the local disk
for the snapshot and for an unpacked database (its declared size, twice when it will be
upgraded), the stick for the least a backup can take. Staging folders carry the process id
(`jfbak-<pid>-…`), so `clean_stale_staging` can remove those of a process that died.

Elsewhere: restoring in app.services.backup.restore, the daily automatic backup in
app.services.backup.automatic, removable drives in app.services.backup.drives.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import time
from contextlib import contextmanager
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
    ValidationError,
    WrongPassphrase,
    folder_not_file,
)
from app.domain.password_strength import weakness
from app.services.backup.drives import place_of
from app.services.files import (
    TEMP_MARK,
    Progress,
    fsync_file,
    plain_os_error,
    remove_orphaned,
    remove_quietly,
    remove_stale,
    write_streamed,
)
from db import backup_format as fmt
from db.backup_format import EXTENSION, DatabaseFacts, Manifest
from db.schema import known_revisions
from db.store import Store

PASSPHRASE_ENV = "DYJF_BACKUP_PASSPHRASE"
# Room left on the stick beyond the file itself (its folder entry, the file system's own books).
SPARE_BYTES = 65536
# No zlib stream is smaller than about 1/1032 of what it holds: the least room a backup can need.
BEST_RATIO = 1000
STAGING_PREFIX = "jfbak-"


__all__ = [
    "BackupDamaged", "BackupError", "BackupTooNew", "BackupWriteFailed", "NotABackup", "PassphraseRequired",
    "WrongPassphrase", "EXTENSION", "PASSPHRASE_ENV", "Progress", "BackupResult", "VerifyReport",
    "backup_to", "verify_backup", "inspect_backup", "unpack_file", "file_sha256", "upgrade_staged_copy", "staging_folder",
    "clean_stale_staging", "ensure_room", "fold_wal", "describe_manifest", "local_time", "database_path",
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


def require_strong_passphrase(passphrase: str, branch_name: str = "") -> None:
    """A new backup's passphrase is held to the accounts' password rule (app/domain/password_strength.py):
    the key of an encrypted backup on a lost stick is only as hard to guess as its passphrase.
    Opening older files is not affected."""
    reason = weakness(passphrase, (branch_name,) if branch_name else ())
    if reason:
        raise ValidationError("备份口令不够安全：" + reason.replace("密码", "口令"))


def describe_manifest(manifest: Manifest) -> str:
    data = manifest.data
    counts = data.get("counts") or {}
    who = manifest.branch_name or ("乡镇汇总数据" if data.get("database_kind") == "township" else "空数据库")
    locked = "，已加密" if manifest.encrypted else ""
    # An encrypted file's header keeps its figures sealed: they show once the passphrase opened it.
    figures = (
        f"党员 {counts.get('members', 0)} 名，积分记录 {counts.get('points_entries', 0)} 条"
        if "counts" in data else "人数等内容已加密"
    )
    return (
        f"{who}，备份于 {local_time(manifest.created_at)}，{figures}"
        f"（程序版本 {data.get('program_version')}，数据库版本 {data.get('schema_revision')}{locked}）"
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


def staging_folder() -> tempfile.TemporaryDirectory:
    """A local temporary folder named with this process's id (`jfbak-<pid>-…`): one left behind by
    a process that died is recognised by `clean_stale_staging` at the next start."""
    return tempfile.TemporaryDirectory(prefix=f"{STAGING_PREFIX}{os.getpid()}-")


def clean_stale_staging() -> list[Path]:
    """Remove the staging folders of backups, verifications and gatherings whose process is gone."""
    return remove_orphaned(Path(tempfile.gettempdir()), STAGING_PREFIX)


def ensure_room(folder: Path, needed: int, outcome: str, place: str = "本机磁盘") -> None:
    """Refuse, before writing, when `folder` has less than `needed` bytes (and a little) free."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise plain_os_error(exc, outcome, place=place, error=BackupWriteFailed) from exc
    if free < needed + SPARE_BYTES:
        megabytes = f"需要约 {_megabytes(needed + SPARE_BYTES)}，只剩 {_megabytes(free)}"
        raise BackupWriteFailed(f"{place}空间不够（{megabytes}），{outcome}", details=f"needs {needed} bytes, {free} free in {folder}")


def _megabytes(count: int) -> str:
    return f"{count / 1e9:.1f} GB" if count >= 1e9 else f"{max(1, round(count / 1e6))} MB"


def _live_size(database: Path) -> int:
    """Bytes of the live database and its WAL: what a snapshot of it can take at most."""
    size = 0
    for suffix in ("", "-wal"):
        try:
            size += Path(f"{database}{suffix}").stat().st_size
        except OSError:
            pass
    return size


def backup_file_name(branch_name: str, now: datetime) -> str:
    who = _safe_name(branch_name or "党员积分")
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
    live = database_path(store)
    remove_stale(folder, f".*{EXTENSION}{TEMP_MARK}*")
    _ensure_room_on(folder, _live_size(live) // BEST_RATIO, place, outcome)
    report(0.05, "正在读取数据库……")
    with staging_folder() as work:
        ensure_room(Path(work), _live_size(live), outcome)
        snapshot = Path(work) / "snapshot.db"
        facts = fmt.take_snapshot(live, snapshot)
        branch_name = (facts.branch or {}).get("name", "")
        report(0.2, "正在写入备份文件……")
        path, written = write_new_backup(folder, name or backup_file_name(branch_name, now), snapshot, facts, now,
                                         passphrase, kdf, place, outcome, report)
    report(1.0, "备份完成。")
    return BackupResult(path, written.size, written.manifest, time.perf_counter() - started)


def _ensure_room_on(folder: Path, needed: int, place: str, outcome: str) -> None:
    """The stick: a full one is told as such ("U 盘已满") before anything is written. A place with
    no free room that is not full — a read-only one, or a system folder such as /proc that lies on
    no disk at all (its size is 0) — is named for what it is."""
    try:
        usage = shutil.disk_usage(folder)
    except OSError as exc:
        raise plain_os_error(exc, outcome, place=place, error=BackupWriteFailed) from exc
    if usage.free >= needed + SPARE_BYTES:
        return
    details = f"needs at least {needed} bytes, {usage.free} free of {usage.total}"
    if usage.total == 0:
        raise BackupWriteFailed(f"“{folder}”不是磁盘或 U 盘上的文件夹，不能存放文件，{outcome}", details=details)
    if _mounted_read_only(folder):
        raise BackupWriteFailed(f"{place}是只读的（可能打开了写保护开关），{outcome}", details=details)
    raise BackupWriteFailed(f"{place}已满，{outcome}", details=details)


def _mounted_read_only(folder: Path) -> bool:
    if not hasattr(os, "statvfs"):  # Windows: a write-protected stick fails the write, told by plain_os_error
        return False
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def write_new_backup(
    folder: Path, name: str, snapshot: Path, facts: DatabaseFacts, now: datetime, passphrase: str | None,
    kdf: dict | None, place: str, outcome: str, report: Progress,
) -> tuple[Path, fmt.Written]:
    """Stream the snapshot into a new file in `folder`, read back from the device before it gets its name.

    Never replaces an existing file (a second backup in the same second gets "-2").
    """
    size = snapshot.stat().st_size

    def produce(sink) -> fmt.Written:
        with open(snapshot, "rb") as source:
            return fmt.write_backup(source, size, sink, facts, now, __version__, passphrase, kdf,
                                    progress=lambda fraction: report(0.2 + 0.6 * fraction, "正在写入备份文件……"))

    return write_streamed(
        folder / name, produce, outcome=outcome, place=place, error=BackupWriteFailed, keep_existing=True, verify=True,
        progress=lambda fraction, text: report(0.8 + 0.15 * fraction, text),
    )


# ----------------------------------------------------------------------------- reading a backup


def _not_found(path: Path | str) -> BackupError:
    return BackupError(f"找不到备份文件“{path}”（U 盘可能已被拔出）。")


def _unreadable(exc: OSError) -> BackupWriteFailed:
    return plain_os_error(exc, "无法读取备份文件。", place="U 盘", error=BackupWriteFailed)


@contextmanager
def _opened(path: Path):
    """A BackupReader on the file at `path` (header and length already checked); OS errors as sentences."""
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        raise _not_found(path) from None
    except IsADirectoryError:
        raise BackupError(folder_not_file(path, "请选择备份文件（.jfbak）")) from None
    except OSError as exc:
        raise _unreadable(exc) from exc
    with handle:
        try:
            reader = fmt.BackupReader(handle)
        except OSError as exc:
            raise _unreadable(exc) from exc
        yield reader


def inspect_backup(path: Path | str) -> Manifest:
    """The manifest only (no passphrase needed): for listings and the restore dialog."""
    try:
        return fmt.read_manifest(Path(path))
    except FileNotFoundError:
        raise _not_found(path) from None
    except IsADirectoryError:
        raise BackupError(folder_not_file(Path(path), "请选择备份文件（.jfbak）")) from None
    except OSError as exc:
        raise _unreadable(exc) from exc


def file_sha256(path: Path | str) -> str:
    """SHA-256 of a backup file as it lies on the stick, read in pieces."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise _unreadable(exc) from exc


class _SinkFailed(Exception):
    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class _Staging:
    """The local file an unpacked database goes to; its write errors are kept apart from read errors."""

    def __init__(self, raw) -> None:
        self._raw = raw

    def write(self, data) -> int:
        view = memoryview(data)
        try:
            while view:
                view = view[self._raw.write(view) :]
        except OSError as exc:
            raise _SinkFailed(exc) from exc
        return len(data)


def unpack_file(
    path: Path, passphrase: str | None, target: Path, report: Progress, outcome: str = "当前数据库没有改动。",
    also_needed: int = 0,
) -> tuple[Manifest, DatabaseFacts]:
    """Verify the backup at `path` and stream its database into the new local file `target`, then check it.

    Before a byte is unpacked, `target`'s folder must have room for the declared database
    (twice when it will be upgraded, which copies it) and `also_needed` bytes more; a write
    error there is raised as the OSError it is, a read error of the backup as a sentence.
    """
    report(0.05, "正在读取备份文件……")
    with _opened(Path(path)) as reader:
        manifest = reader.manifest
        upgrade = manifest.schema_revision != known_revisions()[-1]
        ensure_room(target.parent, reader.database_size * (2 if upgrade else 1) + also_needed, outcome)
        report(0.1, "正在校验备份文件……")
        # Opened outside the reading's error handling: a target that cannot be made (a read-only
        # disk) is a write error to be told as such, never blamed on the backup file.
        with open(target, "xb", buffering=0) as raw:
            try:
                # an encrypted file's counts and chain heads are sealed: the unpacked manifest has them
                manifest = reader.unpack(passphrase, _Staging(raw), lambda fraction: report(0.1 + 0.3 * fraction, "正在校验备份文件……")).manifest
            except _SinkFailed as failed:
                raise failed.error from None
            except OSError as exc:
                raise _unreadable(exc) from exc
    fsync_file(target)  # restore renames this file over the database: it must be on the disk first
    report(0.4, "正在检查备份里的数据库……")
    facts = fmt.check_database_file(target, known_revisions())
    if not fmt.facts_match_manifest(facts, manifest):
        raise BackupDamaged(details="database does not match its manifest")
    return manifest, facts


def verify_backup(path: Path | str, passphrase: str | None = None, progress: Progress | None = None) -> VerifyReport:
    """Everything restore would check, without touching any database. Raises BackupError if unfit."""
    report = progress or (lambda fraction, text: None)
    with staging_folder() as work:
        staged = Path(work) / "verify.db"
        manifest, facts = unpack_file(Path(path), passphrase, staged, report, "备份没有校验完。")
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
