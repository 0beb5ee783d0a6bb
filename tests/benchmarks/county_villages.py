"""Village backups for the county benchmark's `gather` figure (tests/benchmarks/bench_county.py).

`village_backups(count, members, entries)` makes (once, kept in the system's temporary folder
under its parameters) `count` villages, each its own branch with its own ids, members and
chained ledger, and one backup of each made by the program (`archive.backup_to`). Building a
village through the services costs seconds (migrations, the administrator, the rule sets), so
one village is set up that way and the others are copies of it with new branch, rule-set and
rule-item ids, filled by the county generator's bulk inserts (chained as the program chains).

`gather_baseline(databases, target)` is the figure's baseline: each village's tables copied
into one file with raw `ATTACH` and `INSERT OR IGNORE … SELECT *`.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from contextlib import closing
from pathlib import Path

VILLAGE_TABLES_SKIPPED = ("alembic_version", "sqlite_sequence", "sqlite_stat1")


def _renamed_branch(path: Path, number: int) -> None:
    """The copied village gets its own branch, rule sets and rule items (new ids, a new name)."""
    with closing(sqlite3.connect(path)) as raw:
        old = raw.execute("SELECT id FROM org_units WHERE kind = 'branch'").fetchone()[0]
        new = uuid.uuid4().hex
        raw.execute("UPDATE org_units SET id = ?, name = ? WHERE id = ?", (new, f"第{number:03d}村党支部", old))
        raw.execute("UPDATE org_units SET parent_id = ? WHERE parent_id = ?", (new, old))
        for (group,) in raw.execute("SELECT id FROM org_units WHERE parent_id = ?", (new,)).fetchall():
            raw.execute("UPDATE org_units SET id = ? WHERE id = ?", (uuid.uuid4().hex, group))
        raw.execute("UPDATE store_settings SET value = ? WHERE value IN (?, ?)", (str(uuid.UUID(new)), old, str(uuid.UUID(old))))
        for (rule_set,) in raw.execute("SELECT id FROM rule_sets").fetchall():
            fresh = uuid.uuid4().hex
            raw.execute("UPDATE rule_sets SET id = ?, branch_id = ? WHERE id = ?", (fresh, new, rule_set))
            raw.execute("UPDATE rule_items SET rule_set_id = ? WHERE rule_set_id = ?", (fresh, rule_set))
        for (item,) in raw.execute("SELECT id FROM rule_items").fetchall():
            raw.execute("UPDATE rule_items SET id = ? WHERE id = ?", (uuid.uuid4().hex, item))
        raw.commit()


def _items_by_year(path: Path) -> dict[int, dict[str, str]]:
    with closing(sqlite3.connect(path)) as raw:
        rows = raw.execute("SELECT s.year, i.code, i.id FROM rule_items i JOIN rule_sets s ON s.id = i.rule_set_id").fetchall()
    items: dict[int, dict[str, str]] = {}
    for year, code, item in rows:
        items.setdefault(year, {})[code] = item
    return items


def _make_village(template: Path, path: Path, number: int, members: int, entries: int) -> None:
    from tests.benchmarks.bench_county import fill_county

    shutil.copyfile(template, path)
    _renamed_branch(path, number)
    with closing(sqlite3.connect(path)) as raw:
        admin = raw.execute("SELECT id FROM operators ORDER BY created_at LIMIT 1").fetchone()[0]
        branch = raw.execute("SELECT id FROM org_units WHERE kind = 'branch'").fetchone()[0]
    items = {(branch, year): codes for year, codes in _items_by_year(path).items()}
    fill_county(path, admin, [branch], items, members, entries, seed=1000 + number)


def village_backups(count: int, members: int, entries: int) -> Path:
    """The folder holding `backups/` (`count` village backups), `villages/` (the databases they
    were made of) and `template.db` (the first village before its members: the schema)."""
    from app.services.backup import archive
    from db.store import Store
    from tests.benchmarks.bench_county import _setup, _years, schema_mark

    folder = Path(tempfile.gettempdir()) / f"jfcounty-villages-{count}v-{members}m-{entries}e-{schema_mark()}"
    backups, databases = folder / "backups", folder / "villages"
    done = folder / "done"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        backups.mkdir(parents=True)
        databases.mkdir()
        template = folder / "template.db"
        _setup(template, 1, _years(members, entries))
        for number in range(1, count + 1):
            village = databases / f"village-{number:03d}.db"
            _make_village(template, village, number, members, entries)
            with Store.open_file(village) as store:
                archive.backup_to(store, backups, name=f"village-{number:03d}.jfbak")
        done.touch()
    return folder


def gather_baseline(databases: list[Path], target: Path) -> None:
    """Every table of every village copied into `target` (an empty file of the same schema)."""
    with closing(sqlite3.connect(target)) as raw:
        tables = [
            name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name not in VILLAGE_TABLES_SKIPPED
        ]
        for database in databases:
            raw.execute("ATTACH DATABASE ? AS village", (str(database),))
            for table in tables:
                raw.execute(f'INSERT OR IGNORE INTO main."{table}" SELECT * FROM village."{table}"')
            raw.commit()
            raw.execute("DETACH DATABASE village")
