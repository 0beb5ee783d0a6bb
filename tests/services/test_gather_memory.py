"""The township's gathering in constant memory: a village's backup whose database is larger than
the memory limit is gathered in a process under that limit (RLIMIT_AS), and everything in it
arrives. Before the merge became SQL over the attached village file, it read each village table
whole into Python (its history table alone here is 250 MB).

The village is built in seconds by bulk inserts (tests/services/gather_memory_child.py); the
module takes about a minute here, most of it the backup and the gathering of 250 MB. The
gathering peaks at about 105 MB here (100 MB for a village of 2 MB); the merge it replaced
needed 935 MB for this village.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from app.services.backup import archive
from db.store import Store
from services.backup_memory_child import answer_of
from services.gather_memory_child import build_large_village

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc/self/status (Linux)"),
]

CHILD = Path(__file__).resolve().parent / "gather_memory_child.py"
LIMIT_MB = 200
VILLAGE_MB = 250


def gather_in_child(township: Path, backup: Path, data_dir: Path) -> dict:
    answer = answer_of(CHILD, LIMIT_MB, str(township), str(backup), data_dir=data_dir)
    print(f"gather: {answer}")
    assert "error" not in answer, answer
    assert answer["peak_mb"] < LIMIT_MB and answer["address_space_mb"] < LIMIT_MB, answer
    return answer


def figures(path: Path) -> tuple:
    """Raw SQL, independent of the program: what must arrive whole."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
        return (
            raw.execute("SELECT count(*), sum(length(reason)) FROM member_events").fetchone(),
            raw.execute("SELECT count(*), sum(points) FROM points_entries WHERE status = 'approved'").fetchone(),
            raw.execute("SELECT count(*), sum(points), sum(vetoes) FROM member_month_sums").fetchone(),
            raw.execute("SELECT count(*) FROM members").fetchone(),
        )


def test_a_village_larger_than_the_memory_limit_is_gathered_whole(tmp_path):
    village = build_large_village(tmp_path / "village.db", VILLAGE_MB)
    assert village.stat().st_size > VILLAGE_MB << 20
    stick = tmp_path / "stick"
    stick.mkdir()
    with Store.open_file(village) as store:
        backup = archive.backup_to(store, stick).path
    expected = figures(village)
    village.unlink()  # the disk holds the backup, its staged copy and the township, not a fourth copy

    township = tmp_path / "乡镇汇总.db"
    try:
        answer = gather_in_child(township, backup, tmp_path / "data")
        assert [status for status, _ in answer["files"]] == ["gathered"], answer
        assert township.stat().st_size > LIMIT_MB << 20
        assert figures(township) == expected
    finally:  # pytest keeps the last runs' folders: not these 500 MB
        for path in (backup, township):
            path.unlink(missing_ok=True)
