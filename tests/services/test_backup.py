"""Backup, verify and restore: a full round trip, and every fault leaving data and earlier backups alone."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import shutil
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.enums import MemberStatus
from app.services import check, demo, files, organisation, paths
from app.services.backup import automatic as auto_backup
from app.services.backup import archive as backup
from app.services.backup import drives
from app.services.roster import members
from app.services.rating import rounds as rating
from app.services.backup import restore
from app.services.totals import ranking as totals
from app.services.backup.archive import BackupDamaged, BackupTooNew, BackupWriteFailed, WrongPassphrase
from app.services.backup.restore import RestoreNeedsConfirmation
from app.services.ledger.queries import EntryFilter, list_entries
from app.cli.login import OPERATOR_ENV, PASSWORD_ENV
from conftest import TEST_PASSWORD, TODAY, add, keyed_admin
from db import backup_format as fmt
from db.base import Base
from db.models import AppraisalRecord, AuditRecord
from db.schema import known_revisions
from db.store import Store
from services.backup_child import content_digest, files_bytes, integrity_ok

FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
OUTCOME = "备份没有完成，已有的备份和数据库都没有改动。"


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo branch (its tallied 民主评议 gives 35 members an appraisal) and a star-rating round, closed on disk."""
    path = tmp_path_factory.mktemp("demo") / "jifen.db"
    with Store.open_file(path) as store:
        admin = keyed_admin(store)
        demo.create_demo_branch(store, admin, today=TODAY)
        rating.start_round(store, admin, 2026, on=TODAY, today=TODAY)
    return path


@pytest.fixture
def demo_copy(demo_file, tmp_path):
    target = tmp_path / "live" / "jifen.db"
    target.parent.mkdir()
    shutil.copy(demo_file, target)
    return target


@dataclass
class Scene:
    live: Path
    stick: Path
    earlier: dict[str, bytes]
    digest: str
    admin: object  # the live file's administrator, logged in: only he may restore over it

    def assert_untouched(self) -> None:
        """The current database, every earlier backup and the folder next to the database."""
        assert content_digest(self.live) == self.digest
        assert integrity_ok(self.live)
        assert files_bytes(self.stick, f"*{fmt.EXTENSION}") == self.earlier
        leftovers = [p.name for p in self.live.parent.iterdir() if "restoring" in p.name or "before-restore" in p.name]
        assert leftovers == []


@pytest.fixture
def scene(tmp_path, store, admin, village_year):
    """A small live branch, and a USB stick that already holds two backups of it."""
    for name in ("张三", "李四", "王五"):
        add(store, admin, name)
    stick = tmp_path / "stick"
    stick.mkdir()
    backup.backup_to(store, stick, now=NOW - timedelta(days=2))
    backup.backup_to(store, stick, "old-passphrase", now=NOW - timedelta(days=1), kdf=FAST_KDF)
    add(store, admin, "赵六")
    return Scene(store.path, stick, files_bytes(stick, f"*{fmt.EXTENSION}"), content_digest(store.path), admin)


def table_rows(path: Path, ignoring_restore_records: bool = False) -> dict[str, list]:
    """Every row of every mapped table, decoded by the models' column types, ordered by id;
    without the record a restore adds of itself (and the unattended restorer's name) if asked."""
    with Store.open_file(path) as store, store.engine.connect() as connection:
        rows = {
            table.name: [row for row in connection.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }
    if ignoring_restore_records:
        rows["audit_log"] = [r for r in rows["audit_log"] if r.action != "restore"]
        rows["operators"] = [r for r in rows["operators"] if r.username != "restore_unattended" and "@restore" not in r.username]
    return {name: [tuple(r) for r in table] for name, table in rows.items()}


# ----------------------------------------------------------------------------- the round trip


def test_round_trip_demo_encrypted_restored_on_a_fresh_data_folder(demo_copy, tmp_path, monkeypatch):
    stick = tmp_path / "stick"
    stick.mkdir()
    passphrase = "红星村备份口令2026"
    with Store.open_file(demo_copy) as store:
        started = time.perf_counter()
        made = backup.backup_to(store, stick, passphrase)
        backup_seconds = time.perf_counter() - started
        source_members = members.list_members(store, members.MemberFilter(statuses=tuple(MemberStatus)))
        source_entries = list_entries(store, EntryFilter())
        source_ranking = totals.branch_ranking(store, 2026)
    assert made.manifest.encrypted and made.path.parent == stick and made.path.suffix == ".jfbak"

    monkeypatch.setenv("DYJF_DATA_DIR", str(tmp_path / "new-laptop"))
    target = paths.default_database_path()
    assert not target.exists()
    started = time.perf_counter()
    result = restore.restore(made.path, target, passphrase)
    restore_seconds = time.perf_counter() - started
    assert result.target == target and result.safety_copy is None
    print(f"\ndemo backup {made.size / 1024:.0f} KB in {backup_seconds:.2f} s, restore {restore_seconds:.2f} s")

    assert table_rows(target, ignoring_restore_records=True) == table_rows(demo_copy)
    with Store.open_file(target) as restored:
        assert members.list_members(restored, members.MemberFilter(statuses=tuple(MemberStatus))) == source_members
        assert list_entries(restored, EntryFilter()) == source_entries
        assert totals.branch_ranking(restored, 2026) == source_ranking
        assert len(source_entries) > 700 and len(source_members) == 36
        with restored.session() as session:
            assert len(session.scalars(select(AppraisalRecord)).all()) == 35
        assert check.check_store(restored).ok
    assert rating_rows(target) == rating_rows(demo_copy) != []


def rating_rows(path: Path) -> list:
    with closing(sqlite3.connect(path)) as raw:
        return raw.execute("SELECT member_id, final_total, band_stars, stars FROM rating_candidates ORDER BY member_id").fetchall()


def test_verify_reports_what_is_inside(scene):
    newest = sorted(scene.stick.glob("*.jfbak"))[-1]
    report = backup.verify_backup(newest, "old-passphrase")
    assert report.manifest.branch_name == "红星村党支部" and report.manifest.counts["members"] == 3
    assert "党员 3 名" in report.summary and report.migrates_from is None


# ----------------------------------------------------------------------------- reading faults

# What the clerk reads, written out here rather than taken from the error classes under test.
EMPTY = "备份文件是空的（可能复制时 U 盘被拔出），无法使用，请换用其他备份。"
INCOMPLETE = "备份文件不完整（可能复制时 U 盘被拔出），无法使用，请换用其他备份。"
DAMAGED = "备份文件已损坏（内容与校验值对不上），无法使用，请换用其他备份。"


def test_truncated_backups_are_refused_at_every_length(scene):
    blob = sorted(scene.stick.glob("*.jfbak"))[0].read_bytes()
    rng = random.Random(6)
    header_end = fmt.parse_header(blob).payload_offset
    lengths = sorted(set(rng.sample(range(1, len(blob)), 36) + [1, 8, 15, header_end - 33, header_end - 1, header_end, len(blob) - 1]))
    cut = scene.stick / "cut" / "truncated.jfbak"
    cut.parent.mkdir()
    for length in [0, *lengths]:
        cut.write_bytes(blob[:length])
        expected = EMPTY if length == 0 else INCOMPLETE
        with pytest.raises(BackupDamaged) as caught:
            backup.verify_backup(cut)
        assert caught.value.message == expected, length
        with pytest.raises(BackupDamaged) as caught:
            restore.restore(cut, scene.live, actor=scene.admin)
        assert caught.value.message == expected, length
    scene.assert_untouched()


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_flipped_byte_is_refused(scene, encrypted):
    source = sorted(scene.stick.glob("*.jfbak"))[1 if encrypted else 0]
    blob = source.read_bytes()
    header_end = fmt.parse_header(blob).payload_offset
    trailer = len(blob) - fmt.TRAILER.size
    rng = random.Random(7)
    # The header, the first chunk's word, its body (the ciphertext of an encrypted file), the trailer.
    positions = [10, 12, 20, header_end - 5, header_end + 1] + rng.sample(range(header_end + 4, trailer), 10) + [trailer + 3]
    flipped = scene.stick / "flip" / "flipped.jfbak"
    flipped.parent.mkdir()
    for position in positions:
        damaged = bytearray(blob)
        damaged[position] ^= 0x04
        flipped.write_bytes(bytes(damaged))
        with pytest.raises(BackupDamaged) as caught:
            restore.restore(flipped, scene.live, "old-passphrase" if encrypted else None, actor=scene.admin)
        if header_end + 4 <= position < trailer and encrypted:
            assert caught.value.message == "口令正确，但备份文件已损坏或被改动过，无法解密，请换用其他备份。"
        elif position >= header_end or position == header_end - 5:
            assert caught.value.message == DAMAGED
        else:
            assert caught.value.message in (DAMAGED, INCOMPLETE), position
    scene.assert_untouched()


def test_wrong_passphrase_changes_nothing(scene):
    encrypted = sorted(scene.stick.glob("*.jfbak"))[1]
    with pytest.raises(WrongPassphrase) as caught:
        restore.restore(encrypted, scene.live, "new-passphrase", actor=scene.admin)
    assert caught.value.message == "口令不对（备份文件本身是完整的），请核对后再输入一次。"
    with pytest.raises(backup.PassphraseRequired):
        backup.verify_backup(encrypted)
    scene.assert_untouched()


def test_a_backup_from_a_newer_schema_is_refused(scene, tmp_path):
    snapshot = tmp_path / "future.db"
    facts = fmt.take_snapshot(scene.live, snapshot)
    with closing(sqlite3.connect(snapshot)) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999'")
        raw.commit()
    blob, _ = fmt.build_backup(snapshot.read_bytes(), facts, NOW, "9.0.0")
    future = scene.stick / "future" / "future.jfbak"
    future.parent.mkdir()
    future.write_bytes(blob)
    message = "这个备份是更新版本的程序做的，请先把本程序升级到最新版本再恢复；当前数据没有改动。"
    for attempt in (lambda: backup.verify_backup(future), lambda: restore.restore(future, scene.live, actor=scene.admin)):
        with pytest.raises(BackupTooNew) as caught:
            attempt()
        assert caught.value.message == message
    scene.assert_untouched()


def test_backups_in_the_first_format_still_verify_and_restore(tmp_path):
    """Files written before the streamed layout (tests/fixtures/README.md): schema 0002 inside."""
    for name, passphrase in (("backup-v1-plain.jfbak", None), ("backup-v1-encrypted.jfbak", "村里的口令2026")):
        report = backup.verify_backup(FIXTURES / name, passphrase)
        assert report.manifest.format_version == 1 and report.manifest.counts["members"] == 3
        result = restore.restore(FIXTURES / name, tmp_path / name / "jifen.db", passphrase)
        with Store.open_file(result.target) as store:
            assert sorted(m.name for m in members.list_members(store)) == ["张三", "李四", "王五"]


def test_a_restored_database_is_the_snapshot_byte_for_byte(scene, tmp_path):
    """The staged copy is the snapshot byte for byte; what is swapped in is that plus the
    restore's own audit record."""
    newest = sorted(scene.stick.glob("*.jfbak"))[0]
    with open(newest, "rb") as handle:
        handle.seek(-fmt.TRAILER.size, os.SEEK_END)
        snapshot_sha256 = fmt.TRAILER.unpack(handle.read())[2]  # taken from the snapshot while it was written
    plan = restore.prepare_restore(newest, tmp_path / "fresh" / "jifen.db")
    assert hashlib.sha256(plan.temp_path.read_bytes()).digest() == snapshot_sha256
    staged = content_digest(plan.temp_path)
    result = restore.commit_restore(plan)
    assert content_digest(result.target, ignoring_restore_records=True) == staged
    with Store.open_file(result.target) as store, store.session() as session:
        [record] = session.scalars(select(AuditRecord).where(AuditRecord.action == "restore")).all()
        assert newest.name in record.summary and record.details["backup"] == newest.name


def test_restore_and_verify_refuse_when_the_disk_cannot_hold_the_database(scene, monkeypatch):
    newest = sorted(scene.stick.glob("*.jfbak"))[0]
    size = fmt.read_manifest(newest).database_size
    usage = shutil.disk_usage(scene.live.parent)
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: usage._replace(free=size // 2))
    with pytest.raises(BackupWriteFailed) as caught:
        restore.restore(newest, scene.live, allow_replacing_newer=True, actor=scene.admin)
    assert caught.value.message.startswith("本机磁盘空间不够（需要约 ") and caught.value.message.endswith("没有恢复，当前数据库没有改动。")
    with pytest.raises(BackupWriteFailed) as caught:
        backup.verify_backup(newest)
    assert caught.value.message.startswith("本机磁盘空间不够")
    scene.assert_untouched()


def test_a_restore_onto_a_read_only_disk_blames_the_disk_not_the_backup(scene, monkeypatch):
    """The staged copy beside the database cannot be made: the backup file itself is fine."""
    newest = sorted(scene.stick.glob("*.jfbak"))[0]

    def read_only_disk(path, mode="r", *args, **kwargs):
        if "x" in mode:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(backup, "open", read_only_disk, raising=False)
    with pytest.raises(BackupWriteFailed) as caught:
        restore.restore(newest, scene.live, allow_replacing_newer=True, actor=scene.admin)
    assert caught.value.message == "磁盘是只读的（可能打开了写保护开关），没有恢复，当前数据库没有改动。"
    scene.assert_untouched()


def test_what_an_interrupted_restore_left_is_removed_at_the_next_start(tmp_path, monkeypatch, scene):
    import subprocess
    import sys
    import tempfile

    import main as entry

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead = int(gone.stdout)
    folder = scene.live.parent
    left = [folder / f".{scene.live.name}.restoring-{dead}-0a1b2c3d{suffix}" for suffix in ("", "-journal")]
    running = folder / f".{scene.live.name}.restoring-{os.getpid()}-4e5f6a7b"  # a restore under way here
    legacy_fresh = folder / f".{scene.live.name}.restoring-89abcdef"  # an older program's, just made
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    staging = tmp_path / "temp" / f"jfbak-{dead}-xyz"
    (staging / "sub").mkdir(parents=True)
    (staging / "sub" / "verify.db").write_bytes(b"x" * 1000)
    for path in [*left, running, legacy_fresh]:
        path.write_bytes(b"half a database")
    monkeypatch.setenv(OPERATOR_ENV, "admin")
    monkeypatch.setenv(PASSWORD_ENV, TEST_PASSWORD)
    assert entry.main(["totals", "--db", str(scene.live), "--year", "2026"]) == 0
    assert [path.exists() for path in left] == [False, False] and not staging.exists()
    assert running.exists() and legacy_fresh.exists()
    os.utime(legacy_fresh, (time.time() - 7200, time.time() - 7200))
    removed = restore.clean_interrupted_work(scene.live)
    assert not legacy_fresh.exists() and running.exists() and removed == []
    running.unlink()


# ----------------------------------------------------------------------------- writing faults


@pytest.fixture
def on_usb(monkeypatch):
    """The stick is a removable drive (the plain sentences say "U 盘")."""
    monkeypatch.setattr(drives, "is_removable_path", lambda path: True)
    monkeypatch.setattr(files, "CHUNK", 4096)


def _failing_write(after_calls: int, error: OSError, also=None):
    calls = {"n": 0}

    def write(fd, data):
        calls["n"] += 1
        if calls["n"] > after_calls:
            if also:
                also()
            raise error
        return os.write(fd, data[: max(1, len(data) // 2)])  # short writes, as a slow stick does

    return write


@pytest.mark.parametrize(
    "code, sentence",
    [
        (errno.ENOSPC, "U 盘已满"),
        (errno.EIO, "U 盘被拔出或无法读写"),
        (errno.EROFS, "U 盘是只读的（可能打开了写保护开关）"),
        (errno.EACCES, "没有写入权限"),
    ],
)
def test_a_write_failing_part_way_leaves_no_file_and_earlier_backups_alone(scene, store, monkeypatch, on_usb, code, sentence):
    monkeypatch.setattr(files, "_write", _failing_write(5, OSError(code, os.strerror(code))))
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, scene.stick, now=NOW)
    assert caught.value.message == f"{sentence}，{OUTCOME}"
    assert [p.name for p in scene.stick.iterdir() if p.name.startswith(".")] == []
    scene.assert_untouched()


def test_a_stick_pulled_out_mid_write(scene, store, monkeypatch, on_usb, tmp_path):
    elsewhere = tmp_path / "unplugged"
    pull = lambda: scene.stick.rename(elsewhere)  # noqa: E731  the mount point disappears
    monkeypatch.setattr(files, "_write", _failing_write(3, OSError(errno.EIO, "Input/output error"), also=pull))
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, scene.stick, now=NOW)
    assert caught.value.message == f"U 盘被拔出或无法读写，{OUTCOME}"
    elsewhere.rename(scene.stick)  # plugged in again
    scene.assert_untouched()
    # The cut-off temporary file is hidden, never under a backup's name, and verify refuses it.
    partial = [p for p in scene.stick.iterdir() if ".partial-" in p.name]
    assert len(partial) == 1 and partial[0].name.startswith(".")


def test_fsync_failure_and_a_bad_read_back(scene, store, monkeypatch, on_usb):
    def broken_fsync(fd):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(files, "_fsync", broken_fsync)
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, scene.stick, now=NOW)
    assert caught.value.message == f"U 盘被拔出或无法读写，{OUTCOME}"
    monkeypatch.setattr(files, "_fsync", os.fsync)
    monkeypatch.setattr(files, "_read_back_digest", lambda path: b"not what was written")
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, scene.stick, now=NOW)
    assert caught.value.message == f"写入U 盘后读回的内容与原内容不一致（U 盘可能有坏块），{OUTCOME}"
    assert [p.name for p in scene.stick.iterdir() if p.name.startswith(".")] == []
    scene.assert_untouched()


def test_a_full_stick_is_noticed_before_writing(scene, store, monkeypatch, on_usb):
    usage = shutil.disk_usage(scene.stick)
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: usage._replace(free=10_000))
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, scene.stick, now=NOW)
    assert caught.value.message == f"U 盘已满，{OUTCOME}"
    scene.assert_untouched()


def test_a_place_that_is_not_full_but_has_no_room_is_named_for_what_it_is(scene, store, monkeypatch, on_usb):
    """/proc and /sys report 0 bytes free of 0: not a full disk but no disk at all; a read-only
    stick reports 0 free too."""
    usage = shutil.disk_usage(scene.stick)
    monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: usage._replace(total=0, used=0, free=0))
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, scene.stick, now=NOW)
    assert caught.value.message == f"“{scene.stick}”不是磁盘或 U 盘上的文件夹，不能存放文件，{OUTCOME}"
    if hasattr(os, "statvfs"):  # POSIX tells a read-only mount; Windows fails the write itself
        monkeypatch.setattr(backup.shutil, "disk_usage", lambda path: usage._replace(free=0))
        monkeypatch.setattr(backup.os, "statvfs", lambda path: os.statvfs_result((0,) * 8 + (os.ST_RDONLY, 255)))
        with pytest.raises(BackupWriteFailed) as caught:
            backup.backup_to(store, scene.stick, now=NOW)
        assert caught.value.message == f"U 盘是只读的（可能打开了写保护开关），{OUTCOME}"
    scene.assert_untouched()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_backup_to_proc_is_not_told_the_disk_is_full(store):
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, "/proc", now=NOW)
    assert caught.value.message == f"“/proc”不是磁盘或 U 盘上的文件夹，不能存放文件，{OUTCOME}"


def test_a_missing_folder_and_a_second_backup_in_the_same_second(scene, store):
    with pytest.raises(BackupWriteFailed) as caught:
        backup.backup_to(store, scene.stick / "gone", now=NOW)
    assert "找不到文件夹" in caught.value.message
    first = backup.backup_to(store, scene.stick, now=NOW)
    second = backup.backup_to(store, scene.stick, now=NOW)
    assert first.path != second.path and second.path.name.endswith("-2.jfbak")
    assert files_bytes(scene.stick, f"*{fmt.EXTENSION}") == {**scene.earlier, first.path.name: first.path.read_bytes(), second.path.name: second.path.read_bytes()}


def test_encrypt_needs_a_reasonable_passphrase(scene, store):
    with pytest.raises(backup.BackupError) as caught:
        backup.backup_to(store, scene.stick, "12345", now=NOW)
    assert caught.value.message == "口令太短了，请至少用 6 个字符。"
    scene.assert_untouched()


def test_plain_sentences_for_os_errors():
    outcome = "备份没有完成。"
    cases = {
        errno.ENOSPC: "U 盘已满，备份没有完成。",
        errno.EIO: "U 盘被拔出或无法读写，备份没有完成。",
        errno.ENOENT: "U 盘被拔出或无法读写，备份没有完成。",
        errno.EACCES: "没有写入权限，备份没有完成。",
        errno.EROFS: "U 盘是只读的（可能打开了写保护开关），备份没有完成。",
        errno.EBUSY: "读写U 盘时出错，备份没有完成。",
    }
    for code, sentence in cases.items():
        assert files.plain_os_error(OSError(code, "x"), outcome, place="U 盘").message == sentence
    windows_full = OSError(errno.EINVAL, "x")
    windows_full.winerror = 112
    assert files.plain_os_error(windows_full, outcome, place="U 盘").message.startswith("U 盘已满")


# ----------------------------------------------------------------------------- restore decisions


def _audit_ids(path: Path) -> set:
    with closing(sqlite3.connect(path)) as connection:
        return {row[0] for row in connection.execute("SELECT id FROM audit_log")}


def test_restore_counts_the_changes_only_each_side_has_exactly(scene, store, admin, tmp_path):
    """The current file added 赵六 after the stick's backups (changes only it has); a copy of it
    that then added 孙七 has a change the current file lacks."""
    store.close()
    fork = tmp_path / "fork.db"
    shutil.copyfile(scene.live, fork)
    (tmp_path / "fork-stick").mkdir()
    with Store.open_file(fork) as forked:
        add(forked, scene.admin, "孙七")
        fork_backup = backup.backup_to(forked, tmp_path / "fork-stick", now=NOW).path
    older, newer = sorted(scene.stick.glob("*.jfbak"))
    for backup_file, passphrase in ((older, None), (newer, "old-passphrase"), (fork_backup, None)):
        plan = restore.prepare_restore(backup_file, scene.live, passphrase, actor=scene.admin)
        try:
            live, staged = _audit_ids(scene.live), _audit_ids(plan.temp_path)
            assert (plan.current.lost_changes, plan.current.new_changes) == (len(live - staged), len(staged - live))
            forked_later = backup_file == fork_backup
            assert (plan.current.lost_changes >= 1, plan.current.new_changes >= 1) == (not forked_later, forked_later)
        finally:
            plan.discard()
    scene.assert_untouched()


def test_restore_warns_before_replacing_newer_data_then_keeps_a_safety_copy(scene, store, admin):
    older = sorted(scene.stick.glob("*.jfbak"))[0]  # three members; the live file has four
    store.close()
    plan = restore.prepare_restore(older, scene.live, actor=scene.admin)
    try:
        assert plan.current.lost_changes >= 1
        assert len(plan.warnings) == 1 and "恢复后这些修改会丢失" in plan.warnings[0]
        with pytest.raises(RestoreNeedsConfirmation):
            restore.commit_restore(plan, actor=scene.admin)
    finally:
        plan.discard()
    scene.assert_untouched()
    with pytest.raises(RestoreNeedsConfirmation):
        restore.restore(older, scene.live, actor=scene.admin)
    scene.assert_untouched()

    result = restore.restore(older, scene.live, allow_replacing_newer=True, actor=scene.admin)
    assert content_digest(result.safety_copy) == scene.digest
    with Store.open_file(scene.live) as reopened:
        assert len(members.list_members(reopened)) == 3
    assert "原来的数据库已另存为" in result.summary


def test_restore_of_another_branch_asks_first(tmp_path, scene):
    other = tmp_path / "other.db"
    with Store.open_file(other) as store:
        admin = keyed_admin(store)
        organisation.setup_branch(store, admin, "城关镇党委", "东风村党支部", [])
        made = backup.backup_to(store, scene.stick, now=NOW)
    scene.earlier[made.path.name] = made.path.read_bytes()
    plan = restore.prepare_restore(made.path, scene.live, actor=scene.admin)
    try:
        assert any("东风村党支部" in w and "红星村党支部" in w for w in plan.warnings)
    finally:
        plan.discard()
    scene.assert_untouched()


def test_a_villages_backup_restored_over_the_township_gathering_is_warned_about_both_ways(tmp_path, scene):
    from app.services.township import gather

    village_backup = sorted(scene.stick.glob("*.jfbak"))[0]
    township_path, township_stick = tmp_path / "乡镇汇总.db", tmp_path / "township-stick"
    township_stick.mkdir()
    with Store.open_file(township_path) as township:
        township_admin = keyed_admin(township)
        gather.gather(township, township_admin, [village_backup])
        made = backup.backup_to(township, township_stick, now=NOW)
    plan = restore.prepare_restore(village_backup, township_path, actor=township_admin)
    try:
        assert plan.warnings[0].startswith("当前是乡镇汇总数据库，而这个备份是红星村党支部自己的数据")
        assert "汇总各村备份" in plan.warnings[0]
    finally:
        plan.discard()
    plan = restore.prepare_restore(made.path, scene.live, actor=scene.admin)
    try:
        assert "这个备份是乡镇汇总数据库，而当前数据库是红星村党支部的，恢复后本支部的数据会被换掉。" in plan.warnings
    finally:
        plan.discard()
    scene.assert_untouched()


def test_two_branches_of_the_same_name_are_told_apart(tmp_path, scene):
    """Another township's 红星村党支部: the warning names the townships and the ids, not the same words twice."""
    other = tmp_path / "namesake.db"
    with Store.open_file(other) as store:
        admin = keyed_admin(store)
        organisation.setup_branch(store, admin, "向阳镇党委", "红星村党支部", [])
        made = backup.backup_to(store, scene.stick, now=NOW)
        theirs = str(organisation.current_branch_id(store))
    scene.earlier[made.path.name] = made.path.read_bytes()
    plan = restore.prepare_restore(made.path, scene.live, actor=scene.admin)
    try:
        [warning] = [w for w in plan.warnings if "恢复后当前数据库的内容会被换掉" in w]
        assert warning.startswith(f"这个备份是“向阳镇党委 红星村党支部”（编号 {theirs[:8]}）的数据，而当前数据库是“城关镇党委 红星村党支部”（编号 ")
    finally:
        plan.discard()
    scene.assert_untouched()


def test_branch_labels_grow_only_when_the_names_alone_would_read_the_same():
    east = {"name": "东风村党支部", "township": "城关镇党委", "id": "aaaaaaaa-1111"}
    red = {"name": "红星村党支部", "township": "城关镇党委", "id": "bbbbbbbb-2222"}
    namesake = {"name": "红星村党支部", "township": "向阳镇党委", "id": "cccccccc-3333"}
    assert restore.tell_branches_apart(east, red) == ("“东风村党支部”", "“红星村党支部”")
    assert restore.tell_branches_apart(namesake, red) == (
        "“向阳镇党委 红星村党支部”（编号 cccccccc）", "“城关镇党委 红星村党支部”（编号 bbbbbbbb）"
    )


def test_restore_refuses_while_the_database_is_open_elsewhere(scene, store):
    newest = sorted(scene.stick.glob("*.jfbak"))[1]
    with pytest.raises(backup.BackupError) as caught:
        restore.restore(newest, scene.live, "old-passphrase", allow_replacing_newer=True, actor=scene.admin)
    assert caught.value.message == "数据库正被另一个窗口或程序使用，请先关闭它再恢复；当前数据没有改动。"
    scene.assert_untouched()


def test_restore_creates_an_absent_database_and_refuses_a_foreign_file(scene, tmp_path):
    newest = sorted(scene.stick.glob("*.jfbak"))[1]
    fresh = tmp_path / "elsewhere" / "new.db"
    restore.restore(newest, fresh, "old-passphrase")
    with Store.open_file(fresh) as store:
        assert len(members.list_members(store)) == 3
    document = tmp_path / "账本.xlsx"
    document.write_bytes(b"PK\x03\x04 not a database")
    with pytest.raises(backup.BackupError) as caught:
        restore.restore(newest, document, "old-passphrase")
    assert "不是本程序的数据库文件" in caught.value.message
    assert document.read_bytes() == b"PK\x03\x04 not a database"


def test_an_older_schema_is_migrated_on_restore(tmp_path):
    old = tmp_path / "schema-0001.db"
    shutil.copy(FIXTURES / "schema-0001.db", old)
    facts = fmt.take_snapshot(old, tmp_path / "snap.db")
    assert facts.schema_revision == "0001"
    blob, _ = fmt.build_backup((tmp_path / "snap.db").read_bytes(), facts, NOW, "0.0.9")
    (tmp_path / "old.jfbak").write_bytes(blob)
    report = backup.verify_backup(tmp_path / "old.jfbak")
    assert report.migrates_from == ("0001" if known_revisions()[-1] != "0001" else None)
    result = restore.restore(tmp_path / "old.jfbak", tmp_path / "restored" / "jifen.db")
    assert result.migrated_from == report.migrates_from
    with closing(sqlite3.connect(result.target)) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == known_revisions()[-1]
    with Store.open_file(result.target) as store:
        assert not store.schema.migrated
        assert len(totals.branch_ranking(store, 2026).rows) == 36
    assert sorted(p.name for p in result.target.parent.iterdir()) == ["jifen.db"]


def test_a_damaged_current_database_is_kept_byte_for_byte(scene, store):
    store.close()
    newest = sorted(scene.stick.glob("*.jfbak"))[1]
    header = bytearray(b"\xee" * 100)
    header[:16] = b"SQLite format 3\x00"
    header[68:72] = fmt.APPLICATION_ID.to_bytes(4, "big")  # ours by its header, torn inside
    scene.live.write_bytes(bytes(header) + b"\x01" * 8000)
    damaged = scene.live.read_bytes()
    plan = restore.prepare_restore(newest, scene.live, "old-passphrase", actor=scene.admin)
    assert not plan.current.readable and "无法读取" in plan.warnings[0]
    result = restore.commit_restore(plan, allow_replacing_newer=True, actor=scene.admin)
    plan.discard()
    assert result.safety_copy.read_bytes() == damaged
    assert integrity_ok(scene.live)


def test_uncheckpointed_wal_rows_survive_in_the_safety_copy(scene, store, admin, tmp_path):
    """The program was killed: the newest rows are only in -wal. They must reach the safety copy."""
    add(store, admin, "钱七")
    crashed = tmp_path / "crashed" / "jifen.db"
    twin = tmp_path / "twin" / "jifen.db"
    for folder in (crashed, twin):
        folder.parent.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{scene.live}{suffix}", f"{folder}{suffix}")  # the store is idle but open
    assert Path(f"{crashed}-wal").stat().st_size > 0
    digest = content_digest(twin)
    assert digest != scene.digest  # 钱七 is there, in the WAL only
    result = restore.restore(sorted(scene.stick.glob("*.jfbak"))[0], crashed, allow_replacing_newer=True, actor=scene.admin)
    assert content_digest(result.safety_copy) == digest
    assert not Path(f"{crashed}-wal").exists()
    with Store.open_file(crashed) as restored:
        assert [m.name for m in members.list_members(restored)] != []
        assert "钱七" not in [m.name for m in members.list_members(restored)]


# ----------------------------------------------------------------------------- automatic backups


def test_automatic_backups_daily_on_close_with_rotation(tmp_path, store, admin, village_year):
    add(store, admin, "张三")
    folder = auto_backup.auto_backup_folder(store)
    assert folder.parent == tmp_path / "userdata" / "backups" and folder.name.startswith("branch-")
    first = auto_backup.auto_backup_if_due(store, NOW)
    assert first is not None and first.backup.path.parent == folder and not first.backup.manifest.encrypted
    assert auto_backup.auto_backup_if_due(store, NOW + timedelta(hours=3)) is None  # same day
    assert auto_backup.auto_backup_if_due(store, NOW + timedelta(days=1)) is None  # nothing changed
    add(store, admin, "李四")
    second = auto_backup.auto_backup_if_due(store, NOW + timedelta(days=1))
    assert second is not None and len(auto_backup.auto_backups(folder)) == 2
    (folder / "notes.txt").write_text("mine")
    (folder / "红星村党支部-20200101-000000.jfbak").write_bytes(b"a manual backup")
    # Two years of daily automatic backups: the rotation keeps 7 daily, 4 weekly, 12 monthly.
    for day in range(730):
        moment = datetime(2024, 11, 1, 18, 0) + timedelta(days=day)
        (folder / f"auto-{moment:%Y%m%d-%H%M%S}.jfbak").write_bytes(b"x")
    before = [moment for moment, _ in auto_backup.auto_backups(folder)]
    removed = auto_backup.rotate_auto_backups(folder)
    kept = [moment for moment, _ in auto_backup.auto_backups(folder)]
    assert (folder / "notes.txt").exists() and (folder / "红星村党支部-20200101-000000.jfbak").exists()
    assert len(kept) + len(removed) == len(before) == 732
    assert kept == sorted(auto_backup.backups_to_keep(before), reverse=True)
    assert 12 <= len(kept) <= 23 and kept[0] == max(before)


def test_each_database_keeps_its_own_automatic_backups(tmp_path, store, admin, village_year):
    from app.services import demo
    from app.services.accounts import operators

    add(store, admin, "张三")
    with Store.open_file(tmp_path / "demo.db") as other:
        demo.create_demo_branch(other, keyed_admin(other), today=NOW.date())
        assert auto_backup.auto_backup_if_due(other, NOW) is not None
        other_folder = auto_backup.auto_backup_folder(other)
    # The demo's backup today does not stand in for the real branch's.
    made = auto_backup.auto_backup_if_due(store, NOW)
    assert made is not None and made.backup.path.parent == auto_backup.auto_backup_folder(store) != other_folder
    assert len(auto_backup.auto_backups(other_folder)) == 1


def test_rotation_keeps_exactly_the_documented_set():
    stamps = [datetime(2025, 1, 1, 20, 0) + timedelta(days=d, hours=(d % 3)) for d in range(500)]
    keep = auto_backup.backups_to_keep(stamps)
    newest_first = sorted(stamps, reverse=True)
    expected = set(newest_first[:7])  # one backup a day: the last 7 days
    weeks, months = {}, {}
    for moment in newest_first:
        weeks.setdefault(moment.isocalendar()[:2], moment)
        months.setdefault((moment.year, moment.month), moment)
    expected |= set(list(weeks.values())[:4]) | set(list(months.values())[:12])
    assert keep == expected
    assert auto_backup.backups_to_keep([]) == set()


# ----------------------------------------------------------------------------- removable drives


def test_linux_removable_drives_from_mounts_and_sysfs(tmp_path):
    sys_root = tmp_path / "sys"
    for disk, removable in (("sda", "0"), ("sdb", "1")):
        (sys_root / "block" / disk).mkdir(parents=True)
        (sys_root / "block" / disk / "removable").write_text(removable + "\n")
        for part in (1, 2):
            node = sys_root / "block" / disk / f"{disk}{part}"
            node.mkdir()
            (node / "partition").write_text(str(part))
            (sys_root / "class" / "block").mkdir(parents=True, exist_ok=True)
            (sys_root / "class" / "block" / f"{disk}{part}").symlink_to(node)
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        "proc /proc proc rw 0 0\n"
        "/dev/sdb1 /mnt/stick vfat rw 0 0\n"
        "/dev/sdc1 /media/clerk/KINGSTON\\040U exfat rw 0 0\n"
        "tmpfs /run/media/clerk tmpfs rw 0 0\n"
    )
    found = drives._linux_drives(mounts, sys_root)
    assert [d.path for d in found] == [Path("/mnt/stick"), Path("/media/clerk/KINGSTON U")]
    assert found[1].label == "KINGSTON U"


def test_drive_listing_never_fails(monkeypatch):
    monkeypatch.setattr(drives, "_linux_drives", lambda *a: (_ for _ in ()).throw(OSError("no /proc")))
    monkeypatch.setattr(drives.sys, "platform", "linux")
    assert drives.list_removable_drives() == []
    assert drives.is_removable_path("/tmp") is False


def test_mac_volumes_skip_the_system_disk(tmp_path, monkeypatch):
    volumes = tmp_path / "Volumes"
    (volumes / "U盘").mkdir(parents=True)
    (volumes / "Macintosh HD").symlink_to("/")
    monkeypatch.setattr(drives.os.path, "ismount", lambda path: True)
    assert [d.label for d in drives._mac_drives(volumes)] == ["U盘"]
