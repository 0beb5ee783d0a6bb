"""`check` reports a damaged file whichever part of the file's structure check finds it
(db/file_check.py, run by app/services/check_file.py): an index of a big ledger table that disagrees with its rows (its
own part), an index of a small table (the rest of the file's part), and pages no table uses
(only the whole file's accounting, which no table's own check sees). One sentence either way."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from app.services import check, demo
from app.services.check_file import BIG_TABLES
from conftest import TODAY
from db.store import Store
from store.damage import damaged_copy, index_defined_anew

DAMAGE = "数据库文件内部结构损坏："


@pytest.fixture(scope="module")
def sound(tmp_path_factory):
    from conftest import keyed_admin

    path = tmp_path_factory.mktemp("file") / "demo.db"
    with Store.open_file(path) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")  # one file to copy
    return path


def _pragma(path, pragma: str) -> list[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
        return [row[0] for row in raw.execute(f"PRAGMA {pragma}")]


def _tables(path) -> list[str]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as raw:
        return [row[0] for row in raw.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]


def _checked(path, lanes: int, monkeypatch) -> check.CheckReport:
    monkeypatch.setattr(check, "LANES", lanes)
    with Store.open_file(path, read_only=True) as store:
        return check.check_store(store)


def test_a_sound_file_has_no_damage(sound, monkeypatch):
    assert not any(problem.startswith(DAMAGE) for problem in _checked(sound, 2, monkeypatch).problems)


@pytest.mark.parametrize("lanes", [1, 2])
def test_an_index_of_the_entries_that_disagrees_with_them(sound, tmp_path, lanes, monkeypatch):
    path = damaged_copy(sound, tmp_path, index_defined_anew("ix_points_entries_occurred_on", "points_entries", "created_at"))
    assert "points_entries" in BIG_TABLES and _pragma(path, "quick_check") == ["ok"]  # only the index cross-check sees it
    report = _checked(path, lanes, monkeypatch)
    assert report.problems[0].startswith(DAMAGE) and "ix_points_entries_occurred_on" in report.problems[0]
    assert sum(problem.startswith(DAMAGE) for problem in report.problems) == 1


def test_an_index_of_a_small_table_that_disagrees_with_it(sound, tmp_path, monkeypatch):
    path = damaged_copy(sound, tmp_path, index_defined_anew("ix_members_name", "members", "name_initials"))
    assert "members" not in BIG_TABLES and _pragma(path, "quick_check") == ["ok"]
    report = _checked(path, 2, monkeypatch)
    assert report.problems[0].startswith(DAMAGE) and "ix_members_name" in report.problems[0]


def test_pages_that_no_table_uses(sound, tmp_path, monkeypatch):
    """A table taken out of the schema by hand leaves its pages behind: only the whole file's
    accounting finds them, not the check of any table that is left."""
    path = damaged_copy(sound, tmp_path, "CREATE TABLE filler (reason TEXT)",
                    "INSERT INTO filler SELECT hex(randomblob(500)) FROM points_entries")
    with closing(sqlite3.connect(path, isolation_level=None)) as raw:  # a new connection reads the new schema
        raw.execute("PRAGMA writable_schema=ON")
        raw.execute("DELETE FROM sqlite_schema WHERE name = 'filler'")
    assert all(_pragma(path, f"integrity_check('{table}')") == ["ok"] for table in _tables(path))
    assert _pragma(path, "integrity_check") != ["ok"]
    report = _checked(path, 2, monkeypatch)
    assert report.problems[0].startswith(DAMAGE) and "never used" in report.problems[0]
