"""The file's own structure, checked by `check` (app/services/check.py) in parts the lanes share.

`PRAGMA integrity_check` is the largest piece of `check` on a big file (about 90 processor
seconds on a county's 6 GB file), and nearly all of it is spent looking every row of a table up
in each of the table's indexes. One part that size keeps one lane busy while the other runs
out of work, so the same check is made in parts:

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
The findings of all parts make one sentence (check.py, _merged).
"""

from __future__ import annotations

from sqlalchemy import text

BIG_TABLES = ("audit_log", "points_entries")  # each about 40 s of integrity_check on a county's file
SHOWN = 5  # SQLite's lines quoted in the sentence


def file_damage_sentence(found: list[str]) -> str:
    return "数据库文件内部结构损坏：" + "；".join(found[:SHOWN])


def check_big_table(table: str, session, report) -> None:
    """`integrity_check` of one of BIG_TABLES with its indexes (nothing when the file has no such table:
    the rest of the file's part checks whatever tables there are)."""
    if table in _tables(session):
        report.file_damage += _problems(session, f"integrity_check({_quoted(table)})")


def check_rest_of_file(session, report) -> None:
    """The whole file's pages and rows (`quick_check`), and every table but BIG_TABLES with its indexes."""
    report.file_damage += _problems(session, "quick_check")
    for table in _tables(session):
        if table not in BIG_TABLES:
            report.file_damage += _problems(session, f"integrity_check({_quoted(table)})")


def _tables(session) -> list[str]:
    return list(session.scalars(text("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")))


def _quoted(name: str) -> str:
    """A table's name as a string literal, which the pragma takes as its argument."""
    return "'" + name.replace("'", "''") + "'"


def _problems(session, pragma: str) -> list[str]:
    found = [row[0] for row in session.execute(text(f"PRAGMA {pragma}"))]
    return [] if found == ["ok"] else found
