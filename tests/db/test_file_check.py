"""SQLite's check of a file in parts side by side (db/file_check.py), as restore and verify
use it (db/backup_format.check_database_file): whichever part finds the damage, in one lane or
two, the file is refused; a sound file passes; the parts' findings come back in their order."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest

from app.domain import errors
from db import backup_format as fmt
from db.file_check import BIG_TABLES, file_problems, structure_parts
from db.schema import known_revisions
from store.damage import damaged_copy, index_defined_anew

ROWS = 3000


@pytest.fixture(scope="module")
def sound(tmp_path_factory):
    """A file shaped like ours where it matters here: both big tables and a small one, each indexed."""
    path = tmp_path_factory.mktemp("file") / "sound.db"
    with closing(sqlite3.connect(path)) as raw:
        raw.executescript(
            """
            CREATE TABLE members (id TEXT PRIMARY KEY, name TEXT NOT NULL);
            CREATE INDEX ix_members_name ON members (name);
            CREATE TABLE points_entries (id TEXT PRIMARY KEY, member_id TEXT NOT NULL REFERENCES members (id),
                                         occurred_on TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE INDEX ix_points_entries_occurred_on ON points_entries (occurred_on);
            CREATE TABLE audit_log (id TEXT PRIMARY KEY, entity_id TEXT, summary TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE INDEX ix_audit_log_entity_id ON audit_log (entity_id);
            """
        )
        raw.executemany("INSERT INTO members VALUES (?, ?)", [(f"m{n}", f"党员{n % 97}") for n in range(300)])
        raw.executemany(
            "INSERT INTO points_entries VALUES (?, ?, ?, ?)",
            [(f"e{n}", f"m{n % 300}", f"2026-{n % 12 + 1:02d}-01", f"2026-11-{n % 28 + 1:02d}") for n in range(ROWS)],
        )
        raw.executemany("INSERT INTO audit_log VALUES (?, ?, ?, ?)", [(f"a{n}", f"e{n}", "录入积分", "2026-11-30 08:00:00") for n in range(ROWS)])
        raw.commit()
    return path


def _plain_check(path) -> list[str]:
    with closing(sqlite3.connect(path)) as raw:
        return [row[0] for row in raw.execute("PRAGMA integrity_check")]


@pytest.mark.parametrize("lanes", [1, 2])
def test_a_sound_file_has_nothing_in_any_part(sound, lanes):
    assert file_problems(sound, lanes=lanes) == [[] for _ in structure_parts()]


@pytest.mark.parametrize("lanes", [1, 2])
@pytest.mark.parametrize(
    "index, table, column, part",
    [
        ("ix_points_entries_occurred_on", "points_entries", "created_at", BIG_TABLES.index("points_entries")),
        ("ix_audit_log_entity_id", "audit_log", "summary", BIG_TABLES.index("audit_log")),
        ("ix_members_name", "members", "id", len(BIG_TABLES)),  # the rest of the file's part
    ],
)
def test_an_index_that_disagrees_with_its_table_is_found_by_its_part(sound, tmp_path, lanes, index, table, column, part):
    path = damaged_copy(sound, tmp_path, index_defined_anew(index, table, column))
    assert _plain_check(path) != ["ok"]
    found = file_problems(path, lanes=lanes)
    assert [bool(lines) for lines in found] == [n == part for n in range(len(found))]
    assert any(index in line for line in found[part])
    with pytest.raises(errors.BackupDamaged) as caught:
        fmt.check_database_file(path, known_revisions(), lanes=lanes)
    assert caught.value.details.startswith("integrity_check: ") and index in caught.value.details


@pytest.mark.parametrize("lanes", [1, 2])
def test_pages_no_table_uses_are_found_by_the_whole_file_part(sound, tmp_path, lanes):
    path = damaged_copy(sound, tmp_path, "CREATE TABLE filler (reason TEXT)",
                    "INSERT INTO filler SELECT hex(randomblob(500)) FROM points_entries")
    with closing(sqlite3.connect(path, isolation_level=None)) as raw:  # a new connection reads the new schema
        raw.execute("PRAGMA writable_schema=ON")
        raw.execute("DELETE FROM sqlite_schema WHERE name = 'filler'")
    found = file_problems(path, lanes=lanes)
    assert not any(found[:len(BIG_TABLES)]) and any("never used" in line for line in found[len(BIG_TABLES)])
    with pytest.raises(errors.BackupDamaged):
        fmt.check_database_file(path, known_revisions(), lanes=lanes)


@pytest.mark.parametrize("lanes", [1, 2])
def test_a_file_that_is_not_a_database_is_refused(tmp_path, lanes):
    path = tmp_path / "noise.db"
    path.write_bytes(b"not a database at all " * 2000)
    found = file_problems(path, lanes=lanes)
    assert all(lines and "not a database" in lines[0] for lines in found)
    with pytest.raises(errors.BackupDamaged):
        fmt.check_database_file(path, known_revisions(), lanes=lanes)


def test_a_broken_reference_is_refused_after_the_structure(sound, tmp_path):
    path = tmp_path / "orphan.db"
    shutil.copy(sound, path)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("INSERT INTO points_entries VALUES ('e-orphan', 'nobody', '2026-11-01', '2026-11-01')")
        raw.execute(f"PRAGMA application_id = {fmt.APPLICATION_ID}")  # ours, of a known schema: only the reference is wrong
        raw.execute("CREATE TABLE alembic_version (version_num TEXT NOT NULL)")
        raw.execute("INSERT INTO alembic_version VALUES (?)", (known_revisions()[-1],))
        raw.commit()
    assert _plain_check(path) == ["ok"]
    with pytest.raises(errors.BackupDamaged) as caught:
        fmt.check_database_file(path, known_revisions())
    assert caught.value.details.startswith("foreign_key_check: ") and "points_entries" in caught.value.details
