"""`check` in constant memory: run in its own process under an address-space limit (RLIMIT_AS)
smaller than the database it checks, on a ledger of 100,000 entries with their audit records
(built by the county benchmark's generator, tests/benchmarks/bench_county.py) and a filler
table that takes the file past the limit. Before its ledger rules became SQL, check built every
entry as an ORM object (about 2.6 KB each): this file would have taken it past 300 MB.

About a minute here (building the file is most of it).
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest

from services.backup_memory_child import answer_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc/self/status (Linux)"),
]

CHILD = Path(__file__).resolve().parent / "check_memory_child.py"
LIMIT_MB = 200
DATABASE_MB = 210
ENTRIES = 100_000


def _fill_past(path: Path, megabytes: int) -> None:
    """Rows of a table the ledger does not know, until the file is `megabytes` MB."""
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, reason TEXT)")
        while path.stat().st_size < megabytes << 20:
            raw.execute(
                """WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 20000)
                INSERT INTO filler (reason) SELECT '参加党员活动日，清理村道垃圾' || hex(randomblob(400)) FROM s"""
            )
            raw.commit()


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    from tests.benchmarks.bench_county import build_county

    path = tmp_path_factory.mktemp("county") / "county.db"
    build_county(path, members=2000, branches=3, entries=ENTRIES)
    _fill_past(path, DATABASE_MB)
    assert path.stat().st_size > LIMIT_MB << 20
    yield path
    path.unlink()


def test_check_of_a_database_larger_than_the_memory_limit(county, tmp_path):
    answer = answer_of(CHILD, LIMIT_MB, str(county), data_dir=tmp_path / "data")
    print(f"check: {answer['seconds']:.1f} s, peak {answer['peak_mb']:.0f} MB, address space {answer['address_space_mb']:.0f} MB")
    assert "error" not in answer, answer
    assert answer["problems"] == [] and answer["counts"]["积分记录"] >= ENTRIES
    assert answer["peak_mb"] < LIMIT_MB and answer["address_space_mb"] < LIMIT_MB
