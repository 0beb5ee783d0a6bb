"""Putting a backup in place of a database file: verify and stage, then swap with a safety copy.

`prepare_restore` + `commit_restore` (or `restore`, both at once) work on a database file
that nobody has open (the window closes its store first). Nothing existing changes until
`commit_restore`; see it for the order of the swap and what a crash at any moment leaves.
The backup is streamed into the staged copy (a few MiB of memory whatever its size), after
checking that the disk has room for it and for the safety copy; a staged copy left by a
restore that was cut off is removed at the next start (`clean_interrupted_work`).
Runs on the UI's database worker thread, never on the UI thread; never imports Qt.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from app.domain.errors import BackupError, BackupWriteFailed, RestoreNeedsConfirmation, folder_not_file
from app.services.backup.archive import (
    DatabaseFacts,
    Manifest,
    clean_stale_staging,
    fold_wal,
    local_time,
    unpack_file,
    upgrade_staged_copy,
)
from app.services.files import (
    TEMP_MARK,
    Progress,
    fsync_file,
    fsync_folder,
    plain_os_error,
    remove_orphaned,
    remove_quietly,
    remove_stale,
    unused_name,
)
from app.services.accounts import restore_audit
from app.services.context import Actor
from app.services.paths import default_database_path
from db import backup_format as fmt
from db.schema import known_revisions

OUTCOME = "没有恢复，当前数据库没有改动。"
SIDE_FILES = ("-wal", "-shm", "-journal")


__all__ = [
    "RestoreNeedsConfirmation", "RestorePlan", "RestoreResult", "prepare_restore", "commit_restore", "restore",
    "clean_interrupted_work",
]


@dataclass(frozen=True)
class CurrentState:
    exists: bool
    readable: bool
    branch_name: str = ""
    branch_id: str | None = None
    township: str = ""
    kind: str = "empty"  # branch | township | empty, as DatabaseFacts.kind
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
        _discard_temp(self.temp_path)


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


def _disk_error(exc: OSError) -> BackupWriteFailed:
    return plain_os_error(exc, OUTCOME, place="磁盘", error=BackupWriteFailed)


# ----------------------------------------------------------------------------- preparing


def prepare_restore(
    backup_path: Path | str, target: Path | str, passphrase: str | None = None, progress: Progress | None = None,
    actor: Actor | None = None,
) -> RestorePlan:
    """Verify the backup and stage its database next to `target`; nothing existing is changed.

    Older schemas are migrated on the staged copy; newer ones are refused. The plan says how
    the backup compares with the current database (warnings that need the clerk's consent).
    Over a database with accounts, `actor` must be one of its administrators (restore_audit).
    """
    report = progress or (lambda fraction, text: None)
    backup_path, target = Path(backup_path), Path(target)
    restore_audit.check_restorer(target, actor)
    if target.is_dir():
        raise BackupError(folder_not_file(target, "请指定数据库文件"))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _disk_error(exc) from exc
    if target.exists() and not _is_our_database_or_empty(target):
        raise BackupError(f"“{target.name}”不是本程序的数据库文件，为免覆盖别的文件，{OUTCOME}")
    clean_interrupted_work(target)
    temp = target.with_name(f"{_staging_prefix(target)}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        manifest, facts = unpack_file(backup_path, passphrase, temp, report, OUTCOME, also_needed=_size(target))
        migrated_from = None
        if facts.schema_revision != known_revisions()[-1]:
            report(0.6, "正在升级备份里的数据库……")
            migrated_from = facts.schema_revision
            facts = upgrade_staged_copy(temp)
        report(0.8, "正在和当前数据库比较……")
        current = _current_state(target, temp)
    except OSError as exc:
        _discard_temp(temp)
        raise _disk_error(exc) from exc
    except BaseException:
        _discard_temp(temp)
        raise
    plan = RestorePlan(backup_path, target, temp, manifest, facts, current, migrated_from)
    plan.warnings = _warnings(plan)
    report(1.0, "备份已校验，可以恢复。")
    return plan


def _staging_prefix(target: Path) -> str:
    """`.<name>.restoring-`: the staged copy is `.<name>.restoring-<pid>-<random>` beside the target."""
    return f".{target.name}.restoring-"


def _size(path: Path) -> int:
    """Bytes of a database and its WAL (what its safety copy can take), 0 when absent."""
    return sum(Path(f"{path}{suffix}").stat().st_size for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists())


def clean_interrupted_work(database: Path | str | None = None) -> list[Path]:
    """Remove what a restore, backup, verification or gathering that was cut off left behind:
    staged copies beside `database` (`.<name>.restoring-<pid>-…`, with their side files) and
    staging folders in the system's temporary folder (`jfbak-<pid>-…`), of processes that no
    longer run, whatever their age. The window and the command line call this at start
    (main.py); `database` defaults to the default database file. Never raises.
    """
    removed = clean_stale_staging()
    try:
        target = Path(database) if database else default_database_path()
        removed += remove_orphaned(target.parent, _staging_prefix(target))
        remove_stale(target.parent, glob.escape(_staging_prefix(target)) + "?" * 8)  # older programs: .restoring-<8 hex>, after an hour
    except (OSError, ValueError):
        pass
    return removed


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


def _discard_temp(temp: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        remove_quietly(Path(f"{temp}{suffix}"))


def _current_state(target: Path, staged: Path) -> CurrentState:
    if not target.exists() or target.stat().st_size == 0:
        return CurrentState(exists=target.exists(), readable=True)
    try:
        connection = sqlite3.connect(target, timeout=2)  # read only; mode=ro would leave -wal/-shm behind
        try:
            current = fmt.read_database_facts(connection)
            lost, new = _changes_on_one_side(connection, staged)
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
        township=branch.get("township", ""),
        kind=current.kind,
        last_change_at=current.last_change_at,
        lost_changes=lost,
        new_changes=new,
    )


def _changes_on_one_side(connection: sqlite3.Connection, staged: Path) -> tuple[int, int]:
    """(audit records only the current database has, audit records only the staged backup has),
    counted by SQLite over both files' primary keys: memory stays flat with millions of records
    (sets of ids in Python took a gigabyte at a county's size)."""
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "audit_log" not in tables:
        return 0, 0
    connection.execute("ATTACH DATABASE ? AS staged", (str(staged),))
    try:
        only = "SELECT count(*) FROM {0}.audit_log a WHERE NOT EXISTS (SELECT 1 FROM {1}.audit_log b WHERE b.id = a.id)"
        lost = connection.execute(only.format("main", "staged")).fetchone()[0]
        new = connection.execute(only.format("staged", "main")).fetchone()[0]
    finally:
        connection.execute("DETACH DATABASE staged")
    return lost, new


def tell_branches_apart(first: dict, second: dict) -> tuple[str, str]:
    """Two branches as one sentence names them: “name”, or, where the names alone read the same,
    “township name”（编号 first 8 characters of the id）, so the difference is visible."""
    def label(branch: dict, full: bool) -> str:
        name = f"“{branch.get('name') or '未命名支部'}”"
        if not full:
            return name
        township = branch.get("township") or ""
        return f"“{township + ' ' if township else ''}{branch.get('name') or '未命名支部'}”（编号 {str(branch.get('id', ''))[:8]}）"

    same_name = (first.get("name") or "") == (second.get("name") or "")
    return label(first, same_name), label(second, same_name)


def _warnings(plan: RestorePlan) -> list[str]:
    current, warnings = plan.current, []
    backup_branch = plan.manifest.branch or {}
    if current.exists and not current.readable:
        warnings.append("当前数据库无法读取（可能已经损坏）；恢复前会把它原样另存一份。")
    if current.kind == "township" and plan.facts.kind == "branch":
        # a village's backup meant for 汇总各村备份, chosen in 恢复备份 by mistake
        whose = backup_branch.get("name") or "一个村"
        warnings.append(
            f"当前是乡镇汇总数据库，而这个备份是{whose}自己的数据：恢复后汇总来的各村数据和验星记录都会被换成这一个村的数据。"
            "收村里交来的备份请用“汇总各村备份”。"
        )
    elif current.kind == "branch" and plan.facts.kind == "township":
        warnings.append(f"这个备份是乡镇汇总数据库，而当前数据库是{current.branch_name or '本支部'}的，恢复后本支部的数据会被换掉。")
    if current.branch_id and backup_branch.get("id") and current.branch_id != backup_branch.get("id"):
        theirs, ours = tell_branches_apart(
            backup_branch, {"name": current.branch_name, "township": current.township, "id": current.branch_id}
        )
        warnings.append(f"这个备份是{theirs}的数据，而当前数据库是{ours}的，恢复后当前数据库的内容会被换掉。")
    if current.lost_changes:
        warnings.append(
            f"当前数据库里有 {current.lost_changes} 项修改是这个备份里没有的"
            f"（当前数据库最后修改于 {local_time(current.last_change_at)}，备份于 {local_time(plan.manifest.created_at)}），"
            "恢复后这些修改会丢失。"
        )
    return warnings


# ----------------------------------------------------------------------------- the swap


def commit_restore(plan: RestorePlan, allow_replacing_newer: bool = False, now: datetime | None = None,
                   progress: Progress | None = None, actor: Actor | None = None) -> RestoreResult:
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

    Between 2 and 3 the staged copy gets the audit record of who restored what (restore_audit).
    """
    report = progress or (lambda fraction, text: None)
    restore_audit.check_restorer(plan.target, actor)
    if plan.needs_confirmation and not allow_replacing_newer:
        raise RestoreNeedsConfirmation.for_warnings(plan.warnings)
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
                    remove_quietly(Path(f"{target}{side}"))
        _record(plan, actor, safety)
        report(0.8, "正在替换数据库……")
        remove_quietly(Path(f"{target}-journal"))
        os.replace(plan.temp_path, target)
        try:
            fsync_folder(target.parent)
        except OSError:
            pass  # the swap has happened; durability of the folder entry is the file system's now
        remove_quietly(Path(f"{target}-shm"))
    except _InUse as exc:
        raise BackupError("数据库正被另一个窗口或程序使用，请先关闭它再恢复；当前数据没有改动。", details=str(exc)) from exc
    except sqlite3.Error as exc:
        raise BackupError(f"无法读写当前数据库，{OUTCOME}", details=repr(exc)) from exc
    except OSError as exc:
        raise _disk_error(exc) from exc
    report(1.0, "恢复完成。")
    return RestoreResult(target, safety, plan.manifest, plan.migrated_from)


def _record(plan: RestorePlan, actor: Actor | None, safety: Path | None) -> None:
    """Step 2½: the restore's audit record goes into the staged copy, so the swap brings the data
    and the record of who restored it together (a kill leaves the old file or both)."""
    summary = RestoreResult(plan.target, safety, plan.manifest, plan.migrated_from).summary
    restore_audit.record_restore(
        plan.temp_path, actor, f"从备份“{plan.backup_path.name}”恢复数据库：{summary}",
        backup=plan.backup_path.name, backup_created_at=plan.manifest.created_at,
        safety_copy=safety.name if safety else None, warnings=plan.warnings,
    )
    fold_wal(plan.temp_path)


class _InUse(Exception):
    pass


def _release_current(target: Path) -> bool:
    """Step 1 of commit_restore; False when SQLite cannot open the file at all."""
    try:
        fold_wal(target)
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
    """Step 2 of commit_restore: `<name>.before-restore-<time>.db` beside the target."""
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    final = unused_name(target.parent, f"{target.stem}.before-restore-{stamp}{target.suffix or '.db'}")
    temp = target.with_name(f".{final.name}{TEMP_MARK}{secrets.token_hex(4)}")
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
        fsync_file(temp)
        os.replace(temp, final)
        fsync_folder(target.parent)
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
    actor: Actor | None = None,
) -> RestoreResult:
    """prepare_restore + commit_restore; refuses (RestoreNeedsConfirmation) when it would lose work."""
    plan = prepare_restore(backup_path, target, passphrase, progress, actor=actor)
    try:
        return commit_restore(plan, allow_replacing_newer, progress=progress, actor=actor)
    finally:
        plan.discard()
