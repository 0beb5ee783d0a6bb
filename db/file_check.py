"""SQLite's own check of a database file, in parts that can run side by side.

`PRAGMA integrity_check` is the largest piece of `check`, `verify` and `restore` on a big file
(about 90 processor seconds on a county's 6 GB file), and nearly all of it is spent looking
every row of a table up in each of the table's indexes. As one statement it keeps one core busy
while the other waits, so the same check is made in parts:

- each of BIG_TABLES is a part of its own, `integrity_check(TABLE)`: the table's b-tree and
  its indexes' b-trees page by page, its rows (NOT NULL, types, CHECK), and every row found in
  every index of the table with the same key, the entry counts equal, UNIQUE indexes unique;
- the rest of the file is one part: `quick_check` over the whole file — every b-tree page by
  page, each page used by one b-tree or the freelist and never twice, no page left unused,
  the freelist itself, every row's NOT NULL, types and CHECK — then `integrity_check(TABLE)`
  of every other table, for what quick_check leaves out (the indexes against their rows).

Together they find what one `integrity_check` finds. What integrity_check(TABLE) leaves out
(SQLite's pragma documentation and pragma.c: a named table is verified alone, the freelist only
when the table is sqlite_schema, and pages that no b-tree uses are not looked for) is the
whole-file accounting that quick_check does; what quick_check leaves out (the cross-check of
indexes with their table) is done by integrity_check(TABLE) for every table, the big ones in
their own parts. Only the wording can differ: SQLite reports each problem where it finds it.

A part is given `run`, which executes one statement and returns its rows: a sqlite3
connection's `execute`, or a SQLAlchemy connection's `exec_driver_sql` (app/services/check_file.py).
"""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Sequence

BIG_TABLES = ("audit_log", "points_entries")  # each about 40 s of integrity_check on a county's file

Run = Callable[[str], Iterable[Sequence]]
Part = Callable[[Run], list[str]]

__all__ = ["BIG_TABLES", "big_table_problems", "rest_of_file_problems", "structure_parts", "file_problems"]


def big_table_problems(table: str, run: Run) -> list[str]:
    """`integrity_check` of one of BIG_TABLES with its indexes (nothing when the file has no such table:
    the rest of the file's part checks whatever tables there are)."""
    if table in _tables(run):
        return _problems(run, f"integrity_check({_quoted(table)})")
    return []


def rest_of_file_problems(run: Run) -> list[str]:
    """The whole file's pages and rows (`quick_check`), and every table but BIG_TABLES with its indexes."""
    found = _problems(run, "quick_check")
    for table in _tables(run):
        if table not in BIG_TABLES:
            found += _problems(run, f"integrity_check({_quoted(table)})")
    return found


def structure_parts() -> list[Part]:
    """The parts, heaviest first."""
    return [partial(big_table_problems, table) for table in BIG_TABLES] + [rest_of_file_problems]


def file_problems(path: Path, lanes: int = 2) -> list[list[str]]:
    """What each part of the structure check finds in the file at `path`, in the parts' order; an
    empty list where a part found nothing. Up to `lanes` parts run at once, each on a connection of
    its own. The file must not be written meanwhile: the caller holds it (a staged copy)."""
    parts = structure_parts()
    if lanes <= 1:
        return [_answered(path, part) for part in parts]
    with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="file-check") as pool:
        return list(pool.map(partial(_answered, path), parts))


def _answered(path: Path, part: Part) -> list[str]:
    """The part's findings, on a connection of its own."""
    try:
        with closing(sqlite3.connect(path)) as connection:
            return part(connection.execute)
    except sqlite3.DatabaseError as exc:  # a truncated or damaged file raises instead of answering
        return [str(exc)]


def _tables(run: Run) -> list[str]:
    return [row[0] for row in run("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")]


def _quoted(name: str) -> str:
    """A table's name as a string literal, which the pragma takes as its argument."""
    return "'" + name.replace("'", "''") + "'"


def _problems(run: Run, pragma: str) -> list[str]:
    found = [row[0] for row in run(f"PRAGMA {pragma}")]
    return [] if found == ["ok"] else found
