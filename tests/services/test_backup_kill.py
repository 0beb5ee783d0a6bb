"""The process killed during a backup and during a restore, at random moments and at every
file-system call in turn: the current database and every earlier backup stay whole.

A long-lived child (tests/services/backup_child.py) imports the program once and forks one
grandchild per attempt, which it kills with SIGKILL (POSIX only).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.backup import archive as backup
from app.services.accounts import operators
from app.services.backup import restore
from conftest import add
from db import backup_format as fmt
from db.store import Store
from services.backup_child import content_digest, files_bytes, integrity_ok

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked children (POSIX)")]

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).resolve().parent / "backup_child.py"
RANDOM_KILLS = 20


class Zygote:
    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env
        )
        assert self.process.stdout.readline().strip() == "ready"

    def run(self, **command) -> dict:
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def zygote():
    child = Zygote()
    yield child
    child.close()


def small_branch(path: Path) -> None:
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        from app.services import organisation
        from app.services.rules import rulesets

        organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", ["第一党小组"])
        rulesets.create_rule_set(store, admin, 2026, template="village_100")
        for name in ("张三", "李四", "王五", "赵六", "孙七"):
            add(store, admin, name)


def final_backups(folder: Path) -> dict[str, bytes]:
    return files_bytes(folder, f"*{fmt.EXTENSION}")


def assert_backups_whole(folder: Path, earlier: dict[str, bytes]) -> None:
    """Earlier backups unchanged; every file under a backup's name opens end to end."""
    now = final_backups(folder)
    for name, data in earlier.items():
        assert now[name] == data, name
    for name, data in now.items():
        fmt.open_backup(data)  # raises if any final-named file is partial


def test_killed_during_backup(zygote, tmp_path):
    live = tmp_path / "jifen.db"
    small_branch(live)
    stick = tmp_path / "stick"
    stick.mkdir()
    with Store.open_file(live) as store:
        backup.backup_to(store, stick)
    digest = content_digest(live)
    earlier = final_backups(stick)

    calm = zygote.run(op="backup", db=str(live), folder=str(stick))
    assert not calm["killed"] and "error" not in calm, calm
    duration, calls = calm["elapsed"], calm["calls"]
    assert calls >= 3  # write(s), fsync of the file, replace, fsync of the folder
    outcomes = []
    for kill_at in range(1, calls + 1):  # every crash window in turn
        outcomes.append(zygote.run(op="backup", db=str(live), folder=str(stick), kill_at=kill_at)["killed"])
        assert_backups_whole(stick, earlier)
        earlier = final_backups(stick)
        assert content_digest(live) == digest
    assert all(outcomes)
    rng = random.Random(2026)
    for _ in range(RANDOM_KILLS):
        delay = rng.uniform(0, duration * 1.2)
        outcomes.append(zygote.run(op="backup", db=str(live), folder=str(stick), delay=delay)["killed"])
        assert_backups_whole(stick, earlier)
        earlier = final_backups(stick)
        assert content_digest(live) == digest and integrity_ok(live)
    assert any(outcomes[calls:]), "no random attempt was actually cut off"
    print(f"\nbackup: {calls} crash points, {sum(outcomes[calls:])}/{RANDOM_KILLS} random kills landed, {duration * 1000:.0f} ms a backup")
    leftovers = [p.name for p in stick.iterdir() if p.name.startswith(".")]
    assert all(".partial-" in name for name in leftovers)


def test_killed_during_restore(zygote, tmp_path):
    """Each attempt starts from the same old database — with its newest rows only in -wal,
    as after a crash — and must end with either the old data or the backup's, openable."""
    source = tmp_path / "source.db"
    small_branch(source)
    stick = tmp_path / "stick"
    stick.mkdir()
    with Store.open_file(source) as store:
        made = backup.backup_to(store, stick)
        add(store, operators.ensure_admin(store), "周八")  # the old database is newer than the backup
        pristine = tmp_path / "pristine"
        pristine.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{source}{suffix}", pristine / f"jifen.db{suffix}")
    assert (pristine / "jifen.db-wal").stat().st_size > 0
    twin = tmp_path / "twin.db"
    shutil.copyfile(pristine / "jifen.db", twin)
    shutil.copyfile(pristine / "jifen.db-wal", f"{twin}-wal")
    old_digest = content_digest(twin)
    backup_bytes = made.path.read_bytes()
    restored_probe = tmp_path / "probe.db"
    restore.restore(made.path, restored_probe)
    new_digest = content_digest(restored_probe, ignoring_restore_records=True)
    assert old_digest != new_digest

    target_dir = tmp_path / "laptop"

    def reset() -> Path:
        shutil.rmtree(target_dir, ignore_errors=True)
        target_dir.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(pristine / f"jifen.db{suffix}", target_dir / f"jifen.db{suffix}")
        return target_dir / "jifen.db"

    def check(target: Path) -> str:
        assert made.path.read_bytes() == backup_bytes
        assert integrity_ok(target)
        digest = content_digest(target)
        if digest != old_digest:
            digest = content_digest(target, ignoring_restore_records=True)
        assert digest in (old_digest, new_digest)
        for safety in target_dir.glob("jifen.before-restore-*.db"):
            assert content_digest(safety) == old_digest
        with Store.open_file(target):  # the program opens whatever is left
            pass
        return "new" if digest == new_digest else "old"

    target = reset()
    calm = zygote.run(op="restore", backup=str(made.path), db=str(target))
    assert not calm["killed"] and "error" not in calm, calm
    assert check(target) == "new"
    duration, calls = calm["elapsed"], calm["calls"]
    seen = []
    for kill_at in range(1, calls + 1):
        target = reset()
        assert zygote.run(op="restore", backup=str(made.path), db=str(target), kill_at=kill_at)["killed"]
        seen.append(check(target))
    rng = random.Random(11)
    for _ in range(RANDOM_KILLS):
        target = reset()
        zygote.run(op="restore", backup=str(made.path), db=str(target), delay=rng.uniform(0, duration * 1.2))
        seen.append(check(target))
    assert "old" in seen and "new" in seen
    print(f"\nrestore: {calls} crash points, after kills old={seen.count('old')} new={seen.count('new')}, {duration * 1000:.0f} ms a restore")
