"""Benchmark: a county's file (issue 14) — rankings, a roster keystroke, backup, verify, check and the chain.

Run:

    uv run python -m tests.benchmarks.bench_county                      # small: runs in seconds
    uv run python -m tests.benchmarks.bench_county --members 20000 --branches 100 --entries 1000000
    uv run python -m tests.benchmarks.bench_county --members 66000 --branches 300 --entries 5000000 --villages 300  # the county
    uv run python -m tests.benchmarks.bench_county --postgres           # and the rankings on PostgreSQL too (county_postgres.py)

It builds once (kept in the system's temporary folder under its parameters) a county through
the project's own schema and migrations: a county committee, B branches each with a rule set
(village_100) a year, one branch of up to 2,000 members (the database's own branch) and the
rest spread over the others, Chinese names with their pinyin keys, and E approved points
entries, about 28 a member a year, so the file spans the years ending in 2026 that E needs
(monthly duty, bonuses within the year's cap, deductions, now and then a commendation, a veto
and its reversal), each with its `create` (or `reverse`) audit record. Rankings are of 2026. The rows go in by bulk inserts,
chained exactly as the program chains them (app.domain.chain), so `check` accepts the file.
Every year but 2026 is reported, as branches report their star rating early the next year
(county_rounds.py): the year ranking starts from those years' frozen totals ("no year
reported" is the same ranking scoring every earlier year again, as before a file's first report).

Then each figure runs in a fresh process, the way the command line does, and prints one line:

    NAME: project X s, baseline Y s, ratio R, peak MB M

(time best of three for the quick figures; peak = VmHWM of the project's process, imports
included), followed by the processor seconds of both sides in brackets (CPU: …), the steadier
figure when the machine is busy with other work. The baselines:

- rankings: the best hand-written SQL over the same file (its own indexes): the period's
  approved sums per member in one GROUP BY, sorted in Python;
- roster keystroke (app.services.roster.queries.roster_page, "zh" in the own branch): one
  LIKE query over the members' search index, one page, and that page's month sums;
- backup and verify: `cp` of the file, then `sha256sum` of the copy;
- check (app.services.check.check_store): `PRAGMA integrity_check` alone;
- chain (db.ledger_chain.verify_all_stored, both chains at once): a plain read of the same rows in chain order;
- scorecards of the own branch for the month (report_data.scorecards + render_scorecards): the
  same cards drawn on a bare reportlab canvas (tests/benchmarks/bench_scorecards.py), their text
  prepared outside the timing;
- the window's first page (MainWindow until the roster shows rows, the worker threaded as in
  the program): a bare PySide6 window with a table of 100 members read by raw SQL. Both window
  figures time the window's imports too, from modules compiled once beforehand (an unmeasured
  run of each side, bytecode kept in the run's own folder), as the frozen build carries them:
  with PYTHONDONTWRITEBYTECODE, every start compiled the program's modules again (about 0.5 s);
- the window's ledger page with the weekly chain check due (the check forced and its verdict not
  recorded; the page asked for once the check has begun): a bare PySide6 window with a table
  of the branch's 200 newest entries of the year read by raw SQL;
- gather of V village backups (--villages; tests/benchmarks/county_villages.py makes them once,
  60 members and about 5,000 entries each) into a new township database: raw ATTACH and
  INSERT OR IGNORE of every village table into one file;
- the own branch's year of ledger out to Excel (exports.export_ledger): one hand-written SELECT
  of the same entries written by bare XlsxWriter, values only (tests/benchmarks/county_exports.py);
- backup, verify and restore (the command line's services, bench_backup's child): cp + sha256sum.

Last it reports the bytes a ledger entry costs with its audit record (SQLite's dbstat: the
tables and their indexes, divided by the entries), beside a raw baseline: an integer-keyed
table of the same number of entries with one covering index.
Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path

from tests.benchmarks import county_exports

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
MONTH = 11
BIG_BRANCH = 2000
GENERATION = 3  # what the generator makes (2: earlier years reported; 3: no planner statistics); a cached file of another is not used
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国志强伟军勇明华平刚斌海波涛超德福永林文杰春生光辉庆红兵卫东振秀英桂兰玉梅丽娟芳敏静燕霞花美玲翠萍凤淑珍"
# What a member's year in a village's ledger is made of: each month's duty (R01 2 points, R02
# 1–4 points; both capped a month), bonuses within the year's bonus cap of 10 points, the rest
# deductions, now and then a county commendation (outside the cap) or a veto and its reversal.
MONTHLY = (("R01", (200,)), ("R02", (100, 200, 300, 400)))
BONUSES = (("B02", 100), ("B03", 200), ("B04", 300))
DEDUCTIONS = (("J02", -50), ("J02", -50), ("J01", -200), ("K01", -200))
BONUS_CAP = 1000
DUTY_CAP = 7000  # the duty category's cap a year
PER_MEMBER_YEAR = 28  # entries: how many years a county of E entries and N members spans
CHUNK = 50_000


# ---------------------------------------------------------------- building the county


def _branch_sizes(members: int, branches: int) -> list[int]:
    """The own branch first (up to 2,000 members), the rest spread evenly over the others."""
    if branches == 1:
        return [members]
    first = min(BIG_BRANCH, members // 3)
    rest, extra = divmod(members - first, branches - 1)
    return [first] + [rest + (1 if n < extra else 0) for n in range(branches - 1)]


def _insert(raw, table: str, rows: list[dict]) -> None:
    if rows:
        columns = list(rows[0])
        raw.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(row[c] for c in columns) for row in rows],
        )


def _copy_rows(raw, table: str, where: str, params: tuple, changes: dict) -> list[dict]:
    cursor = raw.execute(f"SELECT * FROM {table} WHERE {where}", params)
    names = [d[0] for d in cursor.description]
    return [{**dict(zip(names, row)), **changes} for row in cursor.fetchall()]


class _Chain:
    """Appends rows to one chain as the program does (app.domain.chain), in bulk."""

    def __init__(self, raw, chain: str) -> None:
        from app.domain.chain import FIELDS
        from db import ledger_chain

        head = ledger_chain.read_head(raw, chain)
        self.chain, self.seq, self.prev = chain, head.seq, head.hash
        self.fields = FIELDS[chain]

    def link(self, record: dict) -> dict:
        from app.domain.chain import link_hash, normalise

        self.seq += 1
        digest = link_hash(self.prev, self.chain, normalise(self.chain, record))
        linked = {**record, "chain_seq": self.seq, "chain_prev": self.prev, "chain_hash": digest}
        self.prev = digest
        return linked


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _setup(path: Path, branches: int, years: list[int]) -> tuple[str, list[str], dict[tuple[str, int], dict[str, str]]]:
    """The schema, the admin, the own branch and its rule sets through the services; the other
    branches and their rule sets copied from it. Returns (admin, branch ids, items per branch and year)."""
    from app.services import organisation
    from app.services.accounts import operators
    from app.services.rules import rulesets
    from db.store import Store

    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        organisation.setup_branch(store, admin, "县委组织部汇总", "第001村党支部", ["第一党小组", "第二党小组"])
        for year in years:
            rulesets.create_rule_set(store, admin, year, template="village_100")
        own = organisation.get_branch(store)
    with closing(sqlite3.connect(path)) as raw:
        own_hex = own.id.hex
        units = _copy_rows(raw, "org_units", "id = ?", (own_hex,), {})[0]
        rule_sets = _copy_rows(raw, "rule_sets", "branch_id = ?", (own_hex,), {})
        items = {rs["year"]: _copy_rows(raw, "rule_items", "rule_set_id = ?", (rs["id"],), {}) for rs in rule_sets}
        ids = [own_hex]
        item_ids = {(own_hex, year): {item["code"]: item["id"] for item in items[year]} for year in items}
        for number in range(2, branches + 1):
            branch = uuid.uuid4().hex
            _insert(raw, "org_units", [{**units, "id": branch, "name": f"第{number:03d}村党支部", "sort_order": number}])
            for rule_set in rule_sets:
                set_id = uuid.uuid4().hex
                _insert(raw, "rule_sets", [{**rule_set, "id": set_id, "branch_id": branch}])
                copied = [{**item, "id": uuid.uuid4().hex, "rule_set_id": set_id} for item in items[rule_set["year"]]]
                _insert(raw, "rule_items", copied)
                item_ids[branch, rule_set["year"]] = {item["code"]: item["id"] for item in copied}
            ids.append(branch)
        raw.commit()
    return admin.id.hex, ids, item_ids


def _members(raw, rng: random.Random, branch_ids: list[str], sizes: list[int], now: str) -> list[tuple[str, str]]:
    """(member id, branch id) of every member inserted."""
    from app.domain.names import pinyin_keys

    keys: dict[str, tuple[str, str]] = {}
    rows, made = [], []
    classes = ("no_post", "no_post", "in_service", "mobile", "retired", "exempt_frail", "cadre")
    for branch, size in zip(branch_ids, sizes):
        for number in range(size):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            if name not in keys:
                keys[name] = pinyin_keys(name)
            member = uuid.uuid4().hex
            joined = f"{1960 + number % 60}-07-01"
            rows.append({
                "id": member, "created_at": now, "updated_at": now, "branch_id": branch, "group_id": None,
                "grid_id": None, "name": name, "name_pinyin": keys[name][0], "name_initials": keys[name][1],
                "gender": rng.choice(("male", "female")), "ethnicity": "汉族", "birth_date": None, "id_number": None,
                "phone": "", "join_date": joined, "full_member_date": None, "membership": "full",
                "member_class": rng.choice(classes), "is_hub_household": int(number % 17 == 0),
                "is_vanguard_post": int(number % 11 == 0), "post_title": "", "status": "active", "status_date": None,
                "in_branch_since": joined, "note": "",
            })
            made.append((member, branch))
    # only the columns this schema has (personal data moves into sealed columns as it evolves)
    columns = {row[1] for row in raw.execute("PRAGMA table_info(members)")}
    _insert(raw, "members", [{key: value for key, value in row.items() if key in columns} for row in rows])
    return made


class _Ledger:
    """Approved entries with their `create` audit records, both chained, written in chunks."""

    def __init__(self, raw, admin: str, started: datetime) -> None:
        from app.domain.chain import AUDIT, ENTRIES

        self.raw, self.admin, self.clock = raw, admin, started
        self.entries, self.audit = _Chain(raw, ENTRIES), _Chain(raw, AUDIT)
        self.entry_rows: list[dict] = []
        self.audit_rows: list[dict] = []
        self.count = 0

    def add(self, member: str, item: str, day: str, value: int, reverses: str | None = None) -> str:
        self.clock += timedelta(microseconds=37)
        created, entry_id = _stamp(self.clock), uuid.uuid4().hex
        quantity = 100
        self.entry_rows.append(self.entries.link({
            "id": entry_id, "created_at": created, "member_id": member, "rule_item_id": item, "occurred_on": day,
            "quantity": quantity, "points": value, "note": "", "evidence": "", "entered_by": self.admin,
            "reverses_id": reverses, "meeting_id": None, "batch_id": None,
        }) | {"status": "approved", "reviewed_by": self.admin, "reviewed_at": created, "review_note": ""})
        self.audit_rows.append(self.audit.link({
            "id": uuid.uuid4().hex, "created_at": created, "operator_id": self.admin,
            "action": "reverse" if reverses else "create", "entity": "points_entry", "entity_id": entry_id,
            "summary": f"{day} {value / 100:g} 分", "details": '{"status": "approved"}',
        }))
        self.count += 1
        if len(self.entry_rows) >= CHUNK:
            self.flush()
        return entry_id

    def flush(self) -> None:
        _insert(self.raw, "points_entries", self.entry_rows)
        _insert(self.raw, "audit_log", self.audit_rows)
        self.entry_rows.clear()
        self.audit_rows.clear()


def _member_year(ledger: _Ledger, rng: random.Random, member: str, items: dict[str, str], year: int, count: int) -> None:
    months = range(1, 12 if year == YEAR else 13)
    monthly = [(code, month) for month in months for code, _ in MONTHLY][:count]
    values, duty = dict(MONTHLY), DUTY_CAP
    for code, month in monthly:
        value = min(rng.choice(values[code]), duty)
        if value:
            duty -= value
            ledger.add(member, items[code], f"{year}-{month:02d}-{rng.randrange(1, 29):02d}", value)
    budget = BONUS_CAP
    for _ in range(count - len(monthly)):
        day = f"{year}-{rng.choice(months):02d}-{rng.randrange(1, 29):02d}"
        code, value = rng.choice(BONUSES)
        if rng.random() < 0.01:
            code, value = "B05", 500
        elif rng.random() < 0.5 and value <= budget:
            budget -= value
        else:
            code, value = rng.choice(DEDUCTIONS)
        ledger.add(member, items[code], day, value)
    if rng.random() < 0.02:
        veto = ledger.add(member, items["V04"], f"{year}-06-01", 0)
        if rng.random() < 0.5:
            ledger.add(member, items["V04"], f"{year}-06-01", 0, reverses=veto)


def _years(members: int, entries: int) -> list[int]:
    span = max(1, round(entries / max(members, 1) / PER_MEMBER_YEAR))
    return list(range(YEAR - span + 1, YEAR + 1))


def build_county(path: Path, members: int, branches: int, entries: int, seed: int = 14) -> None:
    from tests.benchmarks.county_rounds import report_earlier_years

    years = _years(members, entries)
    admin, branch_ids, items = _setup(path, branches, years)
    fill_county(path, admin, branch_ids, items, members, entries, seed)
    report_earlier_years(path, years)


def fill_county(path: Path, admin: str, branch_ids: list[str], items: dict, members: int, entries: int, seed: int) -> None:
    """Members spread over the branches and their chained ledger, by bulk inserts; then the
    kept month sums. No ANALYZE: nothing in the program runs it, so a clerk's file has no
    planner statistics, and the figures are measured on a file as the program leaves it."""
    years = _years(members, entries)
    rng = random.Random(seed)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode=OFF")  # a throwaway file being built: no journal
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-200000")
        now = _stamp(datetime(YEAR, 1, 1, 8))
        roster = _members(raw, rng, branch_ids, _branch_sizes(members, len(branch_ids)), now)
        ledger = _Ledger(raw, admin, datetime(years[0], 1, 2, 8))
        share, extra = divmod(entries, len(roster) * len(years))
        for year in years:
            for number, (member, branch) in enumerate(roster):
                _member_year(ledger, rng, member, items[branch, year], year, share + (1 if number < extra else 0))
        ledger.flush()
        raw.commit()
        raw.execute("PRAGMA journal_mode=DELETE")
    _keep_summaries(path)


def _keep_summaries(path: Path) -> None:
    """The member month sums the program keeps entry by entry, made in one pass for the bulk rows."""
    from db import summaries
    from db.store import Store

    with Store.open_file(path) as store, store.session() as session, session.begin():
        summaries.rebuild(session)


def schema_mark() -> str:
    """Eight hex digits of the schema's revision and the tables, columns and indexes the program
    maps now: a cached file made before the schema changed (a migration filled in, a column
    moved, an index replaced) is not used again."""
    import hashlib

    import db.store  # noqa: F401  (every model module is imported, so the metadata is whole)
    from db.base import Base
    from db.schema import head_revision

    shape = sorted(
        (table.name, tuple(sorted(table.columns.keys())), tuple(sorted(str(index.name) for index in table.indexes)))
        for table in Base.metadata.tables.values()
    )
    return hashlib.sha256(repr((head_revision(), shape)).encode()).hexdigest()[:8]


def cached_county(members: int, branches: int, entries: int) -> Path:
    folder = Path(tempfile.gettempdir()) / f"jfcounty-bench-{members}m-{branches}b-{entries}e-{schema_mark()}-g{GENERATION}"
    database = folder / "county.db"
    if not database.exists():
        folder.mkdir(parents=True, exist_ok=True)
        building = folder / "building.db"
        building.unlink(missing_ok=True)
        started = time.perf_counter()
        build_county(building, members, branches, entries)
        building.rename(database)
        print(f"built {database} ({database.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s", flush=True)
    return database


# ---------------------------------------------------------------- the figures (each in a child process)


_STORES: dict = {}


def _open(database: str):
    """The project's store on the file, opened once a process (opening is not part of a figure)."""
    from db.store import Store

    if database not in _STORES:
        _STORES[database] = Store.open_file(Path(database))
    return _STORES[database]


def _branches(store) -> dict[uuid.UUID, str]:
    from sqlalchemy import select

    from app.domain.enums import OrgKind
    from db.models import OrgUnit

    with store.session() as session:
        return {row.id: row.name for row in session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.kind == OrgKind.BRANCH))}


def _project_ranking(database: str, scope: str, month: int | None) -> None:
    from app.services.totals import ranking as totals

    store = _open(database)
    if scope == "branch":
        totals.branch_ranking(store, YEAR, month=month)
    else:
        totals.ranking_across(store, _branches(store), YEAR, month=month)


def _project_unreported(database: str) -> None:
    """The county's year ranking as in a file before its first report: every earlier year is
    scored again for its carried base (no frozen totals are read), on the same file."""
    from app.services.totals.standings import Standings

    # this child process only; both ways a frozen total is read (with its member, and by branch)
    Standings.frozen_finals = lambda self, year: {}
    Standings.frozen_in_branch = lambda self, year: {}
    _project_ranking(database, "county", None)


def _baseline_ranking(database: str, scope: str, month: int | None) -> None:
    first, last = (f"{YEAR}-{month:02d}-01", f"{YEAR}-{month:02d}-31") if month else (f"{YEAR}-01-01", f"{YEAR}-12-31")
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        if scope == "branch":
            own = raw.execute("SELECT value FROM store_settings WHERE key = 'branch_id'").fetchone()
            branch = own[0].replace("-", "") if own else raw.execute("SELECT branch_id FROM members LIMIT 1").fetchone()[0]
            rows = raw.execute(
                "SELECT e.member_id, SUM(e.points) FROM members m JOIN points_entries e ON e.member_id = m.id "
                "AND e.occurred_on BETWEEN ? AND ? WHERE m.branch_id = ? AND e.status = 'approved' GROUP BY e.member_id",
                (first, last, branch),
            ).fetchall()
        else:
            # a year is a third of the county's entries: read in table order (2.8 s) rather than one
            # by one through the date index (6.0 s), which SQLite takes on a file without statistics
            reading = "" if month else "NOT INDEXED"
            rows = raw.execute(
                f"SELECT member_id, SUM(points) FROM points_entries {reading} "
                "WHERE status = 'approved' AND occurred_on BETWEEN ? AND ? GROUP BY member_id", (first, last),
            ).fetchall()
    sorted(rows, key=lambda row: -row[1])


def _project_roster(database: str) -> None:
    from app.domain.periods import Month
    from app.services.roster.queries import RosterQuery, roster_page

    store = _open(database)
    roster_page(store, RosterQuery(text="zh"), Month(YEAR, MONTH))


def _baseline_roster(database: str) -> None:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        branch = raw.execute("SELECT value FROM store_settings WHERE key = 'branch_id'").fetchone()[0].replace("-", "")
        page = raw.execute(
            "SELECT id, name FROM members WHERE branch_id = ? AND status = 'active' "
            "AND (name_pinyin LIKE 'zh%' OR name_initials LIKE 'zh%') ORDER BY name_pinyin LIMIT 101", (branch,),
        ).fetchall()
        ids = [row[0] for row in page]
        raw.execute(
            f"SELECT member_id, SUM(points) FROM points_entries WHERE status = 'approved' AND occurred_on BETWEEN ? AND ? "
            f"AND member_id IN ({', '.join('?' * len(ids))}) GROUP BY member_id",
            (f"{YEAR}-01-01", f"{YEAR}-12-31", *ids),
        ).fetchall()


def _project_check(database: str) -> None:
    from app.services.check import check_store

    store = _open(database)
    report = check_store(store)
    if not report.ok:
        raise SystemExit("check found problems: " + "；".join(report.problems[:3]))


def _baseline_check(database: str) -> None:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _project_chain(database: str) -> None:
    from app.domain.chain import CHAINS
    from db import ledger_chain

    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        for result in ledger_chain.verify_all_stored(raw, CHAINS).values():  # both chains at once, as check does
            assert result.ok, result.first_break


def _baseline_chain(database: str) -> None:
    from app.domain.chain import CHAINS, FIELDS

    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        for chain in CHAINS:
            columns = ", ".join(("chain_seq", "chain_prev", "chain_hash", *FIELDS[chain]))
            for _ in raw.execute(f"SELECT {columns} FROM {chain} WHERE chain_seq IS NOT NULL ORDER BY chain_seq"):
                pass


def _project_scorecards(database: str) -> None:
    from app.domain.periods import Month
    from app.reports import render_scorecards
    from app.services.printing import report_data

    render_scorecards(report_data.scorecards(_open(database), Month(YEAR, MONTH)))


_BATCH: dict = {}


def _prepare_bare_cards(database: str) -> None:
    """The cards' text and lines for the baseline, made before its timing starts."""
    from app.domain.periods import Month
    from app.services.printing import report_data
    from db.store import Store
    from tests.benchmarks.bench_scorecards import _prepare_bare

    with Store.open_file(Path(database), read_only=True) as store:
        _BATCH[database] = _prepare_bare(report_data.scorecards(store, Month(YEAR, MONTH)))


def _baseline_scorecards(database: str) -> None:
    """The same cards drawn on a bare reportlab canvas (tests/benchmarks/bench_scorecards.py)."""
    from tests.benchmarks.bench_scorecards import bare_canvas

    bare_canvas(_BATCH[database])


def _wait_for(app, done, seconds: float = 300) -> None:
    deadline = time.perf_counter() + seconds
    while not done():
        if time.perf_counter() > deadline:
            raise SystemExit("the window showed nothing in time")
        app.processEvents()
        time.sleep(0.002)


def _project_window(database: str) -> None:
    """The main window on the file until its first page (the roster) shows rows."""
    from app.services.accounts import operators
    from app.ui.app import make_application
    from app.ui.jobs import JobRunner
    from app.ui.main_window import MainWindow

    app = make_application()
    store = _open(database)
    window = MainWindow(store, operators.ensure_admin(store), jobs=JobRunner())
    window.resize(1366, 768)
    window.show()
    _wait_for(app, lambda: window.pages["members"].model.rowCount() > 0)
    window.hide()  # not closed: closing makes the automatic backup


def _bare_window(rows: list[tuple]) -> None:
    """A bare PySide6 window with a table of `rows` (four columns), until it is shown."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication.instance() or QApplication([])
    model = QStandardItemModel(len(rows), 4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            model.setItem(r, c, QStandardItem(str(value)))
    window, table = QMainWindow(), QTableView()
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1366, 768)
    window.show()
    _wait_for(app, lambda: table.isVisible())
    app.processEvents()
    window.hide()


def _baseline_window(database: str) -> None:
    """A bare PySide6 window with a table of the branch's first 100 members, read with raw SQL."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        _bare_window(raw.execute("SELECT name, gender, join_date, member_class FROM members ORDER BY name_pinyin LIMIT 100").fetchall())


def _project_ledger_page(database: str) -> None:
    """The main window on the file with its weekly chain check due (minutes of work on a county's
    file, done a step at a time on the database worker), until its ledger page shows rows."""
    from app.services.accounts import operators
    from app.services.ledger import watch
    from app.ui.app import make_application
    from app.ui.jobs import JobRunner
    from app.ui.main_window import MainWindow

    watch.chain_check_due = lambda store, today: True  # this child process only
    watch.ScheduledChainCheck.record = lambda run, actor: watch.WatchResult(False)  # nothing written into the file
    app = make_application()
    store = _open(database)
    window = MainWindow(store, operators.ensure_admin(store), jobs=JobRunner())
    window.resize(1366, 768)
    window.show()
    _wait_for(app, lambda: window.chain_check_label.isVisible())
    page = window.show_page("ledger")
    _wait_for(app, lambda: page.model.rowCount() > 0)
    window.hide()


def _baseline_ledger_page(database: str) -> None:
    """A bare PySide6 window with a table of the branch's 200 newest entries of the year, read with raw SQL."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        branch = raw.execute("SELECT value FROM store_settings WHERE key = 'branch_id'").fetchone()[0].replace("-", "")
        rows = raw.execute(
            "SELECT e.occurred_on, m.name, e.points, e.status FROM points_entries e JOIN members m ON m.id = e.member_id "
            "WHERE m.branch_id = ? AND e.member_id IN (SELECT id FROM members WHERE branch_id = ?) AND e.occurred_on BETWEEN ? AND ? "
            "ORDER BY e.occurred_on DESC, e.created_at DESC LIMIT 200", (branch, branch, f"{YEAR}-01-01", f"{YEAR}-12-31"),
        ).fetchall()
    _bare_window(rows)


def _project_gather(folder: str) -> None:
    """Every village backup gathered into a new township database by the program."""
    from app.services.accounts import operators
    from app.services.township import gather as township
    from db.store import Store

    with tempfile.TemporaryDirectory(prefix="jfcounty-gather-") as work:
        with Store.open_file(Path(work) / "township.db") as store:
            actor = operators.ensure_admin(store)
            township.start_township_database(store, actor, "县委组织部")
            report = township.gather(store, actor, [Path(folder) / "backups"])
    failed = [result.message for result in report.files if result.status != "gathered"]
    if failed:
        raise SystemExit(f"{len(failed)} backups not gathered: {failed[:3]}")


def _baseline_gather(folder: str) -> None:
    from tests.benchmarks.county_villages import gather_baseline

    with tempfile.TemporaryDirectory(prefix="jfcounty-gather-") as work:
        target = Path(work) / "township.db"
        shutil.copyfile(Path(folder) / "template.db", target)
        gather_baseline(sorted((Path(folder) / "villages").glob("*.db")), target)


QUICK = {
    "month ranking, one branch": (lambda db: _project_ranking(db, "branch", MONTH), lambda db: _baseline_ranking(db, "branch", MONTH)),
    "year ranking, one branch": (lambda db: _project_ranking(db, "branch", None), lambda db: _baseline_ranking(db, "branch", None)),
    "month ranking, county": (lambda db: _project_ranking(db, "county", MONTH), lambda db: _baseline_ranking(db, "county", MONTH)),
    "year ranking, county": (lambda db: _project_ranking(db, "county", None), lambda db: _baseline_ranking(db, "county", None)),
    "year ranking, county, no year reported": (_project_unreported, lambda db: _baseline_ranking(db, "county", None)),
    "roster search keystroke": (_project_roster, _baseline_roster),
    "check": (_project_check, _baseline_check),
    "chain verification": (_project_chain, _baseline_chain),
    "scorecards, own branch": (_project_scorecards, _baseline_scorecards),
    "window, first page": (_project_window, _baseline_window),
    "window, ledger page, weekly check due": (_project_ledger_page, _baseline_ledger_page),
    "gather of the village backups": (_project_gather, _baseline_gather),
    "Excel export, own branch's year of ledger": (
        lambda db: county_exports.project_export(_open(db), YEAR), lambda db: county_exports.baseline_export(db, YEAR),
    ),
}
GATHER = "gather of the village backups"
SCORECARDS = "scorecards, own branch"
VILLAGE_MEMBERS = 60  # a village of 60 members and three years of ledger, about 5,000 entries
ONCE = {"check", "chain verification", "scorecards, own branch", "window, first page", "window, ledger page, weekly check due",
        "gather of the village backups", "Excel export, own branch's year of ledger"}


def _peak_mb() -> float:
    """VmHWM of this process (ru_maxrss would carry the parent's high-water mark over exec)."""
    for text in Path("/proc/self/status").read_text().splitlines():
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(name: str, side: str, database: str) -> None:
    """Run one figure in this (fresh) process and print {"seconds", "peak_mb"} as JSON."""
    project, baseline = QUICK[name]
    function = project if side == "project" else baseline
    if side == "project" and name != GATHER:
        _open(database)
    if side == "project" and name == GATHER:
        import app.services.accounts.operators  # noqa: F401  (imports are not part of the figure:
        import app.services.township.gather  # noqa: F401  about 1.6 s of processor time here)
    if side == "baseline" and name == SCORECARDS:
        _prepare_bare_cards(database)
    best, best_cpu = float("inf"), float("inf")
    for _ in range(1 if name in ONCE else 3):
        started, cpu = time.perf_counter(), time.process_time()
        function(database)
        best, best_cpu = min(best, time.perf_counter() - started), min(best_cpu, time.process_time() - cpu)
    print(json.dumps({"seconds": best, "cpu": best_cpu, "peak_mb": _peak_mb()}), flush=True)
    os._exit(0)  # no clean-up: a window may still exist (PySide6 can abort in the final collection)


WINDOWS = ("window, first page", "window, ledger page, weekly check due")  # their imports are timed
BYTECODE = Path(tempfile.gettempdir()) / f"jfcounty-bytecode-{os.getpid()}"  # this run's compiled modules


def _in_child(name: str, side: str, database: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="jfcounty-data-") as data:  # the window's settings and locks
        env = {**os.environ, "DYJF_DATA_DIR": data, "QT_QPA_PLATFORM": "offscreen"}
        if name in WINDOWS:  # the others import before their timing, or compile as before (no order between them)
            env["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_county", "--child", name, side, str(database)],
            capture_output=True, text=True, cwd=ROOT, check=False, env=env,
        )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{name} ({side}) failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def line(name: str, seconds: float, base: float, peak: float, cpu: tuple[float, float] | None = None) -> None:
    """One figure; `cpu`: (project, baseline) processor seconds (all threads), which a machine
    busy with other work inflates far less than the elapsed seconds."""
    text = f"{name}: project {seconds:.3f} s, baseline {base:.3f} s, ratio {seconds / base:.2f}, peak MB {peak:.0f}"
    if cpu:
        text += f" (CPU: project {cpu[0]:.3f} s, baseline {cpu[1]:.3f} s, ratio {cpu[0] / max(cpu[1], 1e-9):.2f})"
    print(text, flush=True)


# ---------------------------------------------------------------- bytes per entry


def _dbstat_bytes(raw, tables: tuple[str, ...]) -> int | None:
    """Bytes of the tables and their indexes (dbstat), or None when SQLite lacks dbstat."""
    names = [row[0] for row in raw.execute(
        f"SELECT name FROM sqlite_master WHERE tbl_name IN ({', '.join('?' * len(tables))})", tables)]
    try:
        return raw.execute(
            f"SELECT SUM(pgsize) FROM dbstat WHERE name IN ({', '.join('?' * len(names))})", names).fetchone()[0]
    except sqlite3.OperationalError:
        return None


def bytes_per_entry(database: Path, folder: Path) -> tuple[float, float, float, float]:
    """(entry alone, entry with its audit record, raw baseline, member month and year sums) in bytes an entry."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        count = raw.execute("SELECT COUNT(*) FROM points_entries").fetchone()[0]
        entry = _dbstat_bytes(raw, ("points_entries",))
        audit = _dbstat_bytes(raw, ("audit_log",))
        kept = _dbstat_bytes(raw, ("member_month_sums", "member_year_sums")) or 0
    if entry is None or audit is None:
        return float("nan"), database.stat().st_size / count, float("nan"), float("nan")
    baseline_file = folder / "raw.db"
    with closing(sqlite3.connect(baseline_file)) as raw:
        raw.execute("PRAGMA journal_mode=OFF")
        raw.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, member INTEGER, item INTEGER, day INTEGER, points INTEGER)")
        raw.execute(
            """WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ?)
            INSERT INTO entry (member, item, day, points) SELECT abs(random()) % 66000, abs(random()) % 40,
                20454 + abs(random()) % 365, (abs(random()) % 9 - 3) * 50 FROM s""", (count,))
        raw.execute("CREATE INDEX ix_entry ON entry (member, day, item, points)")
        raw.commit()
        base = _dbstat_bytes(raw, ("entry",))
    baseline_file.unlink()
    return entry / count, (entry + audit) / count, base / count, kept / count


# ---------------------------------------------------------------- main


def _backup_figures(database: Path) -> None:
    from tests.benchmarks.bench_backup import baseline as copy_and_sum, verb

    with tempfile.TemporaryDirectory(prefix="jfcounty-bench-") as work:
        work = Path(work)
        (work / "out").mkdir()
        base, _ = copy_and_sum(database, work)
        made = verb("backup", {"db": str(database), "folder": str(work / "out")}, work)
        line("backup", made["seconds"], base, made["peak_mb"])
        made_backup = next((work / "out").glob("*.jfbak"))
        checked = verb("verify", {"backup": str(made_backup)}, work)
        line("verify", checked["seconds"], base, checked["peak_mb"])
        restored = verb("restore", {"backup": str(made_backup), "target": str(work / "restored" / "county.db")}, work)
        line("restore", restored["seconds"], base, restored["peak_mb"])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--branches", type=int, default=10)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=10, help="village backups gathered (the county: 300)")
    parser.add_argument("--skip", nargs="*", default=[], help="figures to leave out (names as printed)")
    parser.add_argument("--postgres", action="store_true",
                        help="also the ranking figures on a throwaway local PostgreSQL server (tests/benchmarks/county_postgres.py)")
    args = parser.parse_args()
    database = cached_county(args.members, args.branches, args.entries)
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
        entries = raw.execute("SELECT COUNT(*) FROM points_entries").fetchone()[0]
        audit = raw.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    print(f"county: {args.members:,} members in {args.branches} branches, {entries:,} entries, {audit:,} audit records, "
          f"{database.stat().st_size / 1e6:.0f} MB", flush=True)
    try:
        _figures(args, database)
    finally:
        shutil.rmtree(BYTECODE, ignore_errors=True)


def _figures(args, database: Path) -> None:
    figures = {}  # name: (project, baseline), for the PostgreSQL figures beside them
    for name in QUICK:
        if name in args.skip:
            continue
        argument = database
        if name == GATHER:
            from tests.benchmarks.county_villages import village_backups

            argument = village_backups(args.villages, VILLAGE_MEMBERS, VILLAGE_MEMBERS * PER_MEMBER_YEAR * 3)
        if name in WINDOWS:  # compiled once, unmeasured
            for side in ("project", "baseline"):
                _in_child(name, side, argument)
        project, base = _in_child(name, "project", argument), _in_child(name, "baseline", argument)
        figures[name] = (project, base)
        label = f"{name} ({args.villages}, {project['seconds'] / args.villages * 1000:.0f} ms each)" if name == GATHER else name
        line(label, project["seconds"], base["seconds"], project["peak_mb"], (project["cpu"], base["cpu"]))
    if args.postgres:
        from tests.benchmarks import county_postgres

        county_postgres.run(database, figures, [name for name in county_postgres.RANKINGS if name not in args.skip])
    if "backup" not in args.skip:
        _backup_figures(database)
    with tempfile.TemporaryDirectory(prefix="jfcounty-bench-") as work:
        alone, with_audit, raw, kept = bytes_per_entry(database, Path(work))
    print(f"bytes per entry: {alone:.0f} (the entry and its indexes), {with_audit:.0f} with its audit record; "
          f"raw baseline {raw:.0f} (integer keys, one covering index); ratio {with_audit / raw:.1f}; "
          f"member month and year sums {kept:.0f} more", flush=True)


if __name__ == "__main__":
    main()
