"""Backups that never lose a day's work: to a USB stick, back from one, and automatically.

Use cases (none imports Qt; each may take a `progress(fraction, sentence)` callback and is
meant to run on the UI's database worker thread, never on the UI thread):

- `backup_to(store, folder, passphrase)` writes one `*.jfbak` file (format: db/backup_format.py).
  The snapshot is taken with SQLite's online backup API while the program runs; the file is
  written under a temporary name in the target folder, flushed, fsynced, read back from the
  device and compared, then renamed. A failure leaves nothing under the final name, never
  touches earlier backups and raises a BackupError with one plain sentence.
- `verify_backup(path, passphrase)` checks a file end to end (checksum or authentication tag,
  SQLite integrity, schema) using a local temporary folder, never the stick.
- `prepare_restore` + `commit_restore` (or `restore`) put a backup in place of a database file
  that nobody has open (the window closes its store first); see `commit_restore` for the swap
  and its crash windows.
- `auto_backup_if_due(store, now)` on closing the program, at most once a day, kept in
  `<data folder>/backups` with rotation (ROTATION below).
- `list_removable_drives()` for the "back up to USB" action.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import re
import secrets
import shutil
import sqlite3
import string
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from app import __version__
from app.domain.errors import AppError
from app.services.paths import data_dir
from db import backup_format as fmt
from db.backup_format import (  # re-exported: the UI and the command line catch these
    EXTENSION,
    BackupDamaged,
    BackupError,
    BackupTooNew,
    DatabaseFacts,
    Manifest,
    NotABackup,
    PassphraseRequired,
    WrongPassphrase,
)
from db.schema import known_revisions
from db.store import Store

Progress = Callable[[float, str], None]

PASSPHRASE_ENV = "DYJF_BACKUP_PASSPHRASE"
AUTO_PREFIX = "auto-"
ROTATION = {"daily": 7, "weekly": 4, "monthly": 12}
CHUNK = 1 << 20
STALE_TEMP_SECONDS = 3600
_AUTO_NAME = re.compile(r"^auto-(\d{8})-(\d{6})(?:-\d+)?\.jfbak$")

# Indirections the fault tests replace to simulate a full or vanished stick.
_write = os.write
_fsync = os.fsync


class BackupWriteFailed(BackupError):
    """The file could not be written (stick full, removed, read-only, no permission)."""


class RestoreNeedsConfirmation(BackupError):
    """The restore would replace newer data or another branch's data; ask first."""


__all__ = [
    "BackupDamaged", "BackupError", "BackupTooNew", "BackupWriteFailed", "NotABackup",
    "PassphraseRequired", "RestoreNeedsConfirmation", "WrongPassphrase", "EXTENSION",
    "backup_to", "verify_backup", "inspect_backup", "unpack_backup", "upgrade_staged_copy", "prepare_restore", "commit_restore", "restore",
    "auto_backup_if_due", "rotate_auto_backups", "list_removable_drives", "is_removable_path",
]


# ----------------------------------------------------------------------------- plain OS errors

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_GONE = {errno.EIO, errno.ENXIO, errno.ENODEV, errno.ENOENT, errno.EBADF,
         getattr(errno, "ENOMEDIUM", errno.EIO), getattr(errno, "ESTALE", errno.EIO)}
_READ_ONLY = {errno.EROFS}
_NO_PERMISSION = {errno.EACCES, errno.EPERM}
# Windows reports its own codes (winerror); Python maps only some of them to errno.
_WIN_DISK_FULL = {39, 112}  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_WIN_GONE = {2, 3, 21, 31, 1117, 1167}  # not found, no path, not ready, general failure, I/O, device gone
_WIN_READ_ONLY = {19}  # ERROR_WRITE_PROTECT
_WIN_NO_PERMISSION = {5}  # ERROR_ACCESS_DENIED


def plain_os_error(exc: OSError, place: str, outcome: str) -> BackupWriteFailed:
    """One sentence for an OS error: what happened to `place` ("U 盘", "磁盘") and `outcome`."""
    winerror = getattr(exc, "winerror", None)

    def kind(posix: set, windows: set) -> bool:
        return exc.errno in posix or (winerror is not None and winerror in windows)

    if kind(_DISK_FULL, _WIN_DISK_FULL):
        what = f"{place}已满"
    elif kind(_READ_ONLY, _WIN_READ_ONLY):
        what = f"{place}是只读的（可能打开了写保护开关）"
    elif kind(_NO_PERMISSION, _WIN_NO_PERMISSION):
        what = "没有写入权限"
    elif kind(_GONE, _WIN_GONE):
        what = f"{place}被拔出或无法读写"
    else:
        what = f"读写{place}时出错"
    return BackupWriteFailed(f"{what}，{outcome}", details=f"{type(exc).__name__}: {exc}")


def _place_of(folder: Path) -> str:
    return "U 盘" if is_removable_path(folder) else "磁盘"


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


def _database_path(store: Store) -> Path:
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
    place = _place_of(folder)
    outcome = "备份没有完成，已有的备份和数据库都没有改动。"
    if not folder.is_dir():
        raise BackupWriteFailed(f"找不到文件夹“{folder}”（{place}可能已被拔出），{outcome}")
    report(0.05, "正在读取数据库……")
    blob, manifest = make_backup_bytes(_database_path(store), passphrase, now, kdf)
    report(0.3 if passphrase is None else 0.5, "正在写入备份文件……")
    path = write_new_file(folder, name or backup_file_name(manifest, now), blob, place, outcome, report)
    report(1.0, "备份完成。")
    return BackupResult(path, len(blob), manifest, time.perf_counter() - started)


def write_new_file(
    folder: Path, name: str, blob: bytes, place: str, outcome: str, report: Progress | None = None
) -> Path:
    """Write `blob` as a new file in `folder`: temporary name, fsync, read back, rename.

    Never replaces an existing file (a second backup in the same second gets "-2"). On any
    failure the temporary file is removed when the device still allows it, and nothing
    exists under the final name.
    """
    report = report or (lambda fraction, text: None)
    _remove_stale_temps(folder)
    final = _unused_name(folder, name)
    temp = folder / f".{final.name}.partial-{secrets.token_hex(4)}"
    expected = hashlib.sha256(blob).digest()
    try:
        free = shutil.disk_usage(folder).free
    except OSError as exc:
        raise plain_os_error(exc, place, outcome) from exc
    if free < len(blob) + 65536:
        raise BackupWriteFailed(
            f"{place}已满，{outcome}",
            details=f"needs {len(blob)} bytes, {free} free",
        )
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        try:
            view = memoryview(blob)
            written = 0
            while written < len(blob):
                count = _write(fd, view[written : written + CHUNK])
                if count <= 0:
                    raise OSError(errno.EIO, "short write")
                written += count
                report(0.5 + 0.35 * written / max(1, len(blob)), "正在写入备份文件……")
            _fsync(fd)
        finally:
            os.close(fd)
        report(0.9, "正在校验写入的文件……")
        if _read_back_digest(temp) != expected:
            raise BackupWriteFailed(
                f"写入{place}后读回的内容与原内容不一致（{place}可能有坏块），{outcome}",
                details="read-back mismatch",
            )
        final = _unused_name(folder, final.name)
        os.replace(temp, final)
        try:
            _fsync_folder(folder)
        except OSError:
            # The rename happened; keep the file only if the device still returns it whole.
            if not (final.exists() and _read_back_digest(final) == expected):
                _try_remove(final)
                raise
    except OSError as exc:
        _try_remove(temp)
        raise plain_os_error(exc, place, outcome) from exc
    except BaseException:
        _try_remove(temp)
        raise
    return final


def _read_back_digest(path: Path) -> bytes:
    """SHA-256 of the file as the device returns it (the page cache is dropped first where possible)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        if hasattr(os, "posix_fadvise"):
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
        while True:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                break
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.digest()


def _unused_name(folder: Path, name: str) -> Path:
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def _remove_stale_temps(folder: Path) -> None:
    """Temporary files left by a backup that was cut off (older than an hour)."""
    try:
        for leftover in folder.glob(f".*{EXTENSION}.partial-*"):
            if time.time() - leftover.stat().st_mtime > STALE_TEMP_SECONDS:
                _try_remove(leftover)
    except OSError:
        pass


def _try_remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        _fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # some file systems cannot sync folders
            raise
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- reading a backup


def read_backup_file(path: Path | str) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件“{path}”（U 盘可能已被拔出）。") from None
    except IsADirectoryError:
        raise BackupError(f"“{path}”是一个文件夹，请选择备份文件（.jfbak）。") from None
    except OSError as exc:
        raise plain_os_error(exc, "U 盘", "无法读取备份文件。") from exc


def inspect_backup(path: Path | str) -> Manifest:
    """The manifest only (no passphrase needed): for listings and the restore dialog."""
    try:
        return fmt.read_manifest(Path(path))
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件“{path}”（U 盘可能已被拔出）。") from None
    except OSError as exc:
        raise plain_os_error(exc, "U 盘", "无法读取备份文件。") from exc


def unpack_backup(
    data: bytes, passphrase: str | None, target: Path, progress: Progress | None = None
) -> tuple[Manifest, DatabaseFacts]:
    """Verify a backup's bytes and write its database to the local file `target`, then check it."""
    report = progress or (lambda fraction, text: None)
    report(0.2, "正在校验备份文件……")
    manifest, database = fmt.open_backup(data, passphrase)
    _write_local(target, database)
    report(0.4, "正在检查备份里的数据库……")
    facts = fmt.check_database_file(target, known_revisions())
    if not fmt.facts_match_manifest(facts, manifest):
        raise BackupDamaged(fmt.DAMAGED, details="database does not match its manifest")
    return manifest, facts


def _unpack_to(path: Path, passphrase: str | None, target: Path, report: Progress) -> tuple[Manifest, DatabaseFacts]:
    report(0.05, "正在读取备份文件……")
    return unpack_backup(read_backup_file(path), passphrase, target, report)


def _write_local(target: Path, data: bytes) -> None:
    with open(target, "wb") as handle:
        handle.write(data)
        handle.flush()
        _fsync(handle.fileno())


def verify_backup(path: Path | str, passphrase: str | None = None, progress: Progress | None = None) -> VerifyReport:
    """Everything restore would check, without touching any database. Raises BackupError if unfit."""
    report = progress or (lambda fraction, text: None)
    with tempfile.TemporaryDirectory(prefix="jfbak-") as work:
        staged = Path(work) / "verify.db"
        manifest, facts = _unpack_to(Path(path), passphrase, staged, report)
        older = facts.schema_revision if facts.schema_revision != known_revisions()[-1] else None
        if older:  # restore would upgrade it: so must this check, on the local copy
            report(0.7, "正在试升级备份里的数据库……")
            upgrade_staged_copy(staged)
    report(1.0, "校验完成。")
    return VerifyReport(Path(path), manifest, facts, older)


# ----------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class CurrentState:
    exists: bool
    readable: bool
    branch_name: str = ""
    branch_id: str | None = None
    last_change_at: str | None = None
    lost_changes: int = 0  # audit records only the current database has
    new_changes: int = 0  # audit records only the backup has


@dataclass
class RestorePlan:
    backup_path: Path
    target: Path
    temp_path: Path
    manifest: Manifest
    facts: DatabaseFacts
    current: CurrentState
    migrated_from: str | None
    warnings: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.warnings)

    def discard(self) -> None:
        """Remove the prepared copy (after commit it no longer exists)."""
        _try_remove(self.temp_path)
        for suffix in ("-wal", "-shm", "-journal"):
            _try_remove(Path(f"{self.temp_path}{suffix}"))


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    safety_copy: Path | None
    manifest: Manifest
    migrated_from: str | None

    @property
    def summary(self) -> str:
        text = f"已从备份恢复{self.manifest.branch_name or ''}的数据（备份于 {local_time(self.manifest.created_at)}）"
        if self.migrated_from:
            text += f"，并已从数据库版本 {self.migrated_from} 升级"
        if self.safety_copy:
            text += f"；原来的数据库已另存为“{self.safety_copy.name}”"
        return text + "。"


def _is_our_database_or_empty(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(100)
    if not head:
        return True
    if not head.startswith(fmt.SQLITE_MAGIC):
        return False
    try:  # through SQLite: a recent header change may still sit in the -wal file
        with closing(sqlite3.connect(path, timeout=2)) as connection:
            return connection.execute("PRAGMA application_id").fetchone()[0] == fmt.APPLICATION_ID
    except sqlite3.DatabaseError:  # torn inside: judge by the header on disk
        return len(head) >= 72 and int.from_bytes(head[68:72], "big") == fmt.APPLICATION_ID


def prepare_restore(
    backup_path: Path | str, target: Path | str, passphrase: str | None = None, progress: Progress | None = None
) -> RestorePlan:
    """Verify the backup and stage its database next to `target`; nothing existing is changed.

    Older schemas are migrated on the staged copy; newer ones are refused. The plan says how
    the backup compares with the current database (warnings that need the clerk's consent).
    """
    report = progress or (lambda fraction, text: None)
    backup_path, target = Path(backup_path), Path(target)
    outcome = "没有恢复，当前数据库没有改动。"
    if target.is_dir():
        raise BackupError(f"“{target}”是一个文件夹，请指定数据库文件。")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise plain_os_error(exc, "磁盘", outcome) from exc
    if target.exists() and not _is_our_database_or_empty(target):
        raise BackupError(f"“{target.name}”不是本程序的数据库文件，为免覆盖别的文件，{outcome}")
    _remove_stale_restore_temps(target)
    temp = target.with_name(f".{target.name}.restoring-{secrets.token_hex(4)}")
    try:
        manifest, facts = _unpack_to(backup_path, passphrase, temp, report)
        migrated_from = None
        if facts.schema_revision != known_revisions()[-1]:
            report(0.6, "正在升级备份里的数据库……")
            migrated_from = facts.schema_revision
            facts = upgrade_staged_copy(temp)
        report(0.8, "正在和当前数据库比较……")
        current = _current_state(target, facts)
    except OSError as exc:
        _discard_temp(temp)
        raise plain_os_error(exc, "磁盘", outcome) from exc
    except BaseException:
        _discard_temp(temp)
        raise
    plan = RestorePlan(backup_path, target, temp, manifest, facts, current, migrated_from)
    plan.warnings = _warnings(plan)
    report(1.0, "备份已校验，可以恢复。")
    return plan


def _discard_temp(temp: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        _try_remove(Path(f"{temp}{suffix}"))


def _remove_stale_restore_temps(target: Path) -> None:
    for leftover in target.parent.glob(f".{target.name}.restoring-*"):
        if time.time() - leftover.stat().st_mtime > STALE_TEMP_SECONDS:
            _try_remove(leftover)


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
                _try_remove(extra)
    _standalone(temp)
    return fmt.check_database_file(temp, known_revisions())


def _standalone(path: Path) -> None:
    """Fold any WAL into the main file and leave it in rollback-journal mode (no side files)."""
    connection = sqlite3.connect(path, timeout=2)
    try:
        mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    finally:
        connection.close()
    if str(mode).lower() != "delete":
        raise sqlite3.OperationalError(f"journal_mode stayed {mode}")


def _current_state(target: Path, backup: DatabaseFacts) -> CurrentState:
    if not target.exists() or target.stat().st_size == 0:
        return CurrentState(exists=target.exists(), readable=True)
    try:
        connection = sqlite3.connect(target, timeout=2)  # read only; mode=ro would leave -wal/-shm behind
        try:
            current = fmt.read_database_facts(connection, with_audit_ids=True)
        finally:
            connection.close()
    except sqlite3.Error:
        return CurrentState(exists=True, readable=False)
    branch = current.branch or {}
    return CurrentState(
        exists=True,
        readable=True,
        branch_name=branch.get("name", ""),
        branch_id=branch.get("id"),
        last_change_at=current.last_change_at,
        lost_changes=len(current.audit_ids - backup.audit_ids),
        new_changes=len(backup.audit_ids - current.audit_ids),
    )


def _warnings(plan: RestorePlan) -> list[str]:
    current, warnings = plan.current, []
    backup_branch = plan.manifest.branch or {}
    if current.exists and not current.readable:
        warnings.append("当前数据库无法读取（可能已经损坏）；恢复前会把它原样另存一份。")
    if current.branch_id and backup_branch.get("id") and current.branch_id != backup_branch.get("id"):
        warnings.append(
            f"这个备份是“{backup_branch.get('name')}”的数据，而当前数据库是“{current.branch_name}”的，"
            "恢复后当前数据库的内容会被换掉。"
        )
    if current.lost_changes:
        warnings.append(
            f"当前数据库里有 {current.lost_changes} 项修改是这个备份里没有的"
            f"（当前数据库最后修改于 {local_time(current.last_change_at)}，备份于 {local_time(plan.manifest.created_at)}），"
            "恢复后这些修改会丢失。"
        )
    return warnings


def commit_restore(plan: RestorePlan, allow_replacing_newer: bool = False, now: datetime | None = None,
                   progress: Progress | None = None) -> RestoreResult:
    """Swap the staged copy in. The target must not be open anywhere (the window closes its store).

    Order, and what a kill at any moment leaves behind:

    1. The current file is consolidated with `PRAGMA journal_mode=DELETE`: SQLite checkpoints
       the WAL into the main file and only then deletes `-wal` and `-shm`. Killed during the
       checkpoint: `-wal` is still there and SQLite replays it on the next open, so the data
       is whole either way. This is also where a database still open elsewhere is detected
       (SQLite refuses to leave WAL mode), and the restore stops with nothing changed. After
       this step no WAL exists that could be paired with the new file.
    2. Safety copy of the (now single-file) current database via the online backup API to a
       temporary name, fsynced, renamed to `<name>.before-restore-<time>.db`. Killed here:
       the current database is untouched; at most a stray temporary file remains.
    3. `os.replace(staged, target)`: atomic; before it the old file, after it the new one.
       The folder is fsynced (POSIX). The staged file is complete and in rollback-journal mode,
       so a kill right after the rename leaves the restored database, openable.

    A current file that SQLite cannot open at all (damaged) is copied byte for byte with its
    side files in step 2, and only then are its `-wal`/`-shm` removed, before step 3.
    """
    report = progress or (lambda fraction, text: None)
    outcome = "没有恢复，当前数据库没有改动。"
    if plan.needs_confirmation and not allow_replacing_newer:
        raise RestoreNeedsConfirmation(plan.warnings[0] + "如确实要恢复，请确认后再试。", details="\n".join(plan.warnings))
    if not plan.temp_path.exists():
        raise BackupError("准备好的恢复文件已经不在了，请重新选择备份文件。")
    target = plan.target
    now = now or datetime.now(timezone.utc)
    safety = None
    try:
        if target.exists() and target.stat().st_size > 0:
            report(0.2, "正在整理当前数据库……")
            readable = _release_current(target)
            report(0.5, "正在另存当前数据库……")
            safety = _safety_copy(target, now)
            if not readable:
                for side in ("-wal", "-shm"):
                    _try_remove(Path(f"{target}{side}"))
        report(0.8, "正在替换数据库……")
        _try_remove(Path(f"{target}-journal"))
        os.replace(plan.temp_path, target)
        try:
            _fsync_folder(target.parent)
        except OSError:
            pass  # the swap has happened; durability of the folder entry is the file system's now
        _try_remove(Path(f"{target}-shm"))
    except _InUse as exc:
        raise BackupError("数据库正被另一个窗口或程序使用，请先关闭它再恢复；当前数据没有改动。", details=str(exc)) from exc
    except sqlite3.Error as exc:
        raise BackupError(f"无法读写当前数据库，{outcome}", details=repr(exc)) from exc
    except OSError as exc:
        raise plain_os_error(exc, "磁盘", outcome) from exc
    report(1.0, "恢复完成。")
    return RestoreResult(target, safety, plan.manifest, plan.migrated_from)


class _InUse(Exception):
    pass


def _release_current(target: Path) -> bool:
    """Step 1 of commit_restore; False when SQLite cannot open the file at all."""
    try:
        _standalone(target)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc) or "journal_mode stayed" in str(exc):
            raise _InUse(str(exc)) from exc
        return False
    except sqlite3.DatabaseError:
        return False
    if Path(f"{target}-wal").exists():
        raise _InUse("-wal still present")
    return True


def _safety_copy(target: Path, now: datetime) -> Path:
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    final = _unused_name(target.parent, f"{target.stem}.before-restore-{stamp}{target.suffix or '.db'}")
    temp = target.with_name(f".{final.name}.partial-{secrets.token_hex(4)}")
    try:
        try:
            with closing(sqlite3.connect(target, timeout=2)) as source, closing(sqlite3.connect(temp)) as copy:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.DatabaseError:
            # Not openable: keep its bytes, side files included, exactly as they are.
            _discard_temp(temp)
            shutil.copyfile(target, temp)
            for side in ("-wal", "-shm"):
                if Path(f"{target}{side}").exists():
                    shutil.copyfile(f"{target}{side}", f"{final}{side}")
        with open(temp, "rb+") as handle:
            _fsync(handle.fileno())
        os.replace(temp, final)
        _fsync_folder(target.parent)
    except BaseException:
        _discard_temp(temp)
        raise
    return final


def restore(
    backup_path: Path | str,
    target: Path | str,
    passphrase: str | None = None,
    allow_replacing_newer: bool = False,
    progress: Progress | None = None,
) -> RestoreResult:
    """prepare_restore + commit_restore; refuses (RestoreNeedsConfirmation) when it would lose work."""
    plan = prepare_restore(backup_path, target, passphrase, progress)
    try:
        return commit_restore(plan, allow_replacing_newer, progress=progress)
    finally:
        plan.discard()


# ----------------------------------------------------------------------------- automatic backups


def auto_backup_folder() -> Path:
    return data_dir() / "backups"


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
    folder = folder or auto_backup_folder()
    database = _database_path(store)
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
        raise plain_os_error(exc, "磁盘", "自动备份没有完成。") from exc
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


# ----------------------------------------------------------------------------- removable drives


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free_bytes: int | None = None
    total_bytes: int | None = None

    @property
    def display(self) -> str:
        free = f"，剩余 {self.free_bytes / 1024**3:.1f} GB" if self.free_bytes is not None else ""
        return f"{self.label}（{self.path}）{free}"


def list_removable_drives() -> list[Drive]:
    """Mounted removable drives (USB sticks, SD cards), best effort on Windows, Linux and macOS."""
    try:
        if sys.platform == "win32":
            drives = _windows_drives()
        elif sys.platform == "darwin":
            drives = _mac_drives(Path("/Volumes"))
        else:
            drives = _linux_drives(Path("/proc/mounts"), Path("/sys"))
    except OSError:
        return []
    return [_with_space(drive) for drive in drives]


def is_removable_path(path: Path | str) -> bool:
    try:
        resolved = Path(path).resolve()
    except OSError:
        return False
    return any(resolved == drive.path or drive.path in resolved.parents for drive in list_removable_drives())


def _with_space(drive: Drive) -> Drive:
    try:
        usage = shutil.disk_usage(drive.path)
    except OSError:
        return drive
    return Drive(drive.path, drive.label, usage.free, usage.total)


def _windows_drives() -> list[Drive]:
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    drive_removable = 2
    old_mode = kernel32.SetErrorMode(1)  # SEM_FAILCRITICALERRORS: no "insert a disk" pop-ups
    try:
        mask = kernel32.GetLogicalDrives()
        drives = []
        for index, letter in enumerate(string.ascii_uppercase):
            if not mask & (1 << index):
                continue
            root = f"{letter}:\\"
            if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) != drive_removable:
                continue
            name = ctypes.create_unicode_buffer(261)
            ok = kernel32.GetVolumeInformationW(ctypes.c_wchar_p(root), name, 261, None, None, None, None, 0)
            if not ok:
                continue  # a card reader without a card
            drives.append(Drive(Path(root), name.value or f"U 盘 {letter}:"))
        return drives
    finally:
        kernel32.SetErrorMode(old_mode)


_PSEUDO_FS = {"proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "overlay", "squashfs",
              "autofs", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "fusectl", "configfs",
              "hugetlbfs", "ramfs", "nsfs", "efivarfs", "binfmt_misc"}


def _unescape_mount(text: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda match: chr(int(match[1], 8)), text)


def _linux_drives(mounts: Path, sys_root: Path) -> list[Drive]:
    drives = []
    seen = set()
    for line in mounts.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        device, mount_point, fs_type = parts[0], _unescape_mount(parts[1]), parts[2]
        if fs_type in _PSEUDO_FS or mount_point in seen:
            continue
        under_media = mount_point.startswith(("/media/", "/run/media/"))
        removable = device.startswith("/dev/") and _linux_block_removable(device, sys_root)
        if under_media or removable:
            seen.add(mount_point)
            drives.append(Drive(Path(mount_point), Path(mount_point).name or mount_point))
    return drives


def _linux_block_removable(device: str, sys_root: Path) -> bool:
    name = Path(os.path.realpath(device)).name if sys_root == Path("/sys") else Path(device).name
    node = sys_root / "class" / "block" / name
    if not node.exists():
        return False
    disk = node
    if (node / "partition").exists():
        disk = node.resolve().parent
    try:
        if (disk / "removable").read_text().strip() == "1":
            return True
    except OSError:
        pass
    return "/usb" in str(disk.resolve())


def _mac_drives(volumes: Path) -> list[Drive]:
    drives = []
    for entry in sorted(volumes.iterdir()) if volumes.is_dir() else []:
        try:
            if os.path.realpath(entry) == "/" or not os.path.ismount(entry):
                continue
        except OSError:
            continue
        drives.append(Drive(entry, entry.name))
    return drives
