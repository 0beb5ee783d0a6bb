"""SQLite files damaged behind SQLite's back, for the tests of the structure check
(tests/db/test_file_check.py, tests/services/test_check_file.py). Not a test module."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path


def damaged_copy(sound: Path, folder: Path, *statements: str) -> Path:
    """A copy of `sound` in `folder` with `statements` run on it, the schema writable."""
    path = folder / "damaged.db"
    shutil.copy(sound, path)
    with closing(sqlite3.connect(path, isolation_level=None)) as raw:
        raw.execute("PRAGMA writable_schema=ON")
        for statement in statements:
            raw.execute(statement)
    return path


def index_defined_anew(index: str, table: str, column: str) -> str:
    """The index's definition changed behind SQLite's back: its entries no longer match the rows."""
    return f"UPDATE sqlite_schema SET sql = 'CREATE INDEX {index} ON {table} ({column})' WHERE name = '{index}'"
