"""Verbs that only read leave the file exactly as it was: bytes, journal mode and companion files.

An empty file, a stranger's SQLite file and a file that is no database at all are refused
with one sentence and stay as they were (`check` used to switch a stranger's file to WAL and
turn an empty file into a 311 KB database).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.test_commands import run

ROOT = Path(__file__).resolve().parents[2]


def fingerprint(folder) -> dict[str, str]:
    """Every file in the folder with the SHA-256 of its bytes."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readonly")
    result = run("demo", "--db", str(folder / "demo.db"), "--until", "2026-11-23")
    assert result.returncode == 0, result.stderr
    backup = run("backup", "--to", str(folder), "--db", str(folder / "demo.db"))
    assert backup.returncode == 0, backup.stderr
    return folder


READ_VERBS = [
    ["totals", "--month", "2026-10"],
    ["totals", "--year", "2026"],
    ["check"],
    ["report", "notice", "--month", "2026-10", "--out", "{out}/notice.pdf"],
    ["report", "scorecards", "--month", "2026-10", "--member", "李䶮", "--out", "{out}/cards.pdf"],
]


@pytest.mark.parametrize("verb", READ_VERBS, ids=lambda verb: " ".join(verb[:2]))
def test_a_reading_verb_changes_nothing_in_the_database_folder(demo_folder, tmp_path, verb):
    before = fingerprint(demo_folder)
    args = [part.replace("{out}", str(tmp_path)) for part in verb]
    result = run(*args, "--db", str(demo_folder / "demo.db"))
    assert result.returncode == 0, result.stderr
    assert fingerprint(demo_folder) == before


def test_verify_changes_nothing(demo_folder):
    before = fingerprint(demo_folder)
    [backup] = [path for path in demo_folder.iterdir() if path.suffix == ".jfbak"]
    result = run("verify", str(backup))
    assert result.returncode == 0, result.stderr
    assert fingerprint(demo_folder) == before


def _foreign(path):
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("CREATE TABLE 账本 (姓名 TEXT, 分数 INTEGER)")
        raw.execute("INSERT INTO 账本 VALUES ('张三', 90)")
        raw.commit()


@pytest.mark.parametrize("kind", ["empty", "foreign", "text"])
@pytest.mark.parametrize("verb", [["check"], ["totals", "--year", "2026"]], ids=lambda verb: verb[0])
def test_an_empty_or_foreign_file_is_refused_untouched(tmp_path, kind, verb):
    path = tmp_path / "别人的文件.db"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "foreign":
        _foreign(path)
    else:
        path.write_text("姓名,分数\n张三,90\n", encoding="utf-8")
    before = fingerprint(tmp_path)
    result = run(*verb, "--db", str(path))
    assert result.returncode == 1
    assert "不是本程序的数据库" in result.stderr and "Traceback" not in result.stderr
    assert fingerprint(tmp_path) == before
    if kind == "foreign":
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def _on_read_only_media(folder, command: list[str]):
    """Run `command` with `folder` bind-mounted read-only in a private mount namespace (root only),
    as a database on a write-protected stick or a CD would be."""
    script = f'mount --bind -o ro "{folder}" "{folder}" && exec "$@"'
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *command],
        capture_output=True, text=True, cwd=ROOT, timeout=180,
    )


def _can_mount() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not sys.platform.startswith("linux") or not _can_mount(), reason="needs root and Linux mount namespaces")
def test_reading_verbs_work_on_read_only_media(demo_folder, tmp_path):
    media = tmp_path / "光盘"
    media.mkdir()
    shutil.copy2(demo_folder / "demo.db", media / "demo.db")
    # A WAL-mode file (header bytes 18 and 19 are 2): the hard case, since a reader of a WAL file
    # needs a -shm beside it, which read-only media cannot hold.
    assert (media / "demo.db").read_bytes()[18:20] == b"\x02\x02"
    before = fingerprint(media)
    out = tmp_path / "notice.pdf"
    for verb in (["check"], ["totals", "--month", "2026-10"], ["report", "notice", "--month", "2026-10", "--out", str(out)]):
        result = _on_read_only_media(media, [sys.executable, str(ROOT / "main.py"), *verb, "--db", str(media / "demo.db")])
        assert result.returncode == 0, (verb, result.stderr)
    assert out.stat().st_size > 0
    assert fingerprint(media) == before
