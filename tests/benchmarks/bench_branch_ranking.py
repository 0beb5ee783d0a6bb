"""Benchmark: the one scorer on a large branch, against the bare SQL sums in the same run.

Run:

    uv run python -m tests.benchmarks.bench_branch_ranking                    # 2,000 and 4,000 members
    uv run python -m tests.benchmarks.bench_branch_ranking --members 500 1000 # quicker

For each size it builds a branch (village_100 rules, 2026) with about 30 approved entries a
member — monthly duty, deductions, bonuses, a veto and its reversal now and then — through
bulk inserts, then times, best of five:

- year:     totals.branch_ranking(store, 2026) — the ranking every paper and page uses;
- month:    totals.branch_ranking(store, 2026, month=11);
- baseline: one raw `SELECT member_id, SUM(points) ... GROUP BY member_id` with a Python sort,
            the least any ranking can cost on the same file.

It prints one line per figure with the ratio to the baseline. Linear growth shows as a ratio
that stays about the same when the branch doubles. Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
import uuid
from contextlib import closing
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from app.domain.enums import EntryStatus, MemberClass, MemberStatus, Membership
from app.services import organisation
from app.services.accounts import operators
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from db.models import Member, PointsEntry, RuleItemRecord
from db.store import Store

YEAR = 2026


def _entry(member_id, item_id, day, value, admin_id, now, reverses=None):
    return {
        "id": uuid.uuid4(), "created_at": now, "member_id": member_id, "rule_item_id": item_id, "occurred_on": day,
        "quantity": Decimal(1), "points": Decimal(value), "note": "", "evidence": "", "status": EntryStatus.APPROVED,
        "entered_by": admin_id, "reviewed_by": admin_id, "reviewed_at": now, "review_note": "", "reverses_id": reverses,
    }


def _member_entries(rng, member_id, items, admin_id, now) -> list[dict]:
    rows = []
    for month in range(1, 12):
        rows.append(_entry(member_id, items["R01"], date(YEAR, month, 3), 2, admin_id, now))
        rows.append(_entry(member_id, items["R02"], date(YEAR, month, 4), rng.choice((1, 2, 3, 4)), admin_id, now))
    for code, value in (("J01", -2), ("J02", "-0.5"), ("B02", 1), ("B03", 2), ("K01", -2)):
        for _ in range(rng.randrange(3)):
            rows.append(_entry(member_id, items[code], date(YEAR, rng.randrange(1, 12), 10), value, admin_id, now))
    if rng.random() < 0.02:
        veto = _entry(member_id, items["V04"], date(YEAR, 6, 1), 0, admin_id, now)
        rows.append(veto)
        if rng.random() < 0.5:
            rows.append(_entry(member_id, items["V04"], date(YEAR, 6, 1), 0, admin_id, now, reverses=veto["id"]))
    return rows


def build(path: Path, count: int, seed: int = 11) -> Store:
    store = Store.open_file(path)
    admin = operators.ensure_admin(store)
    organisation.setup_branch(store, admin, "城关镇党委", "测试社区党支部", ["第一党小组", "第二党小组"])
    rulesets.create_rule_set(store, admin, YEAR, template="village_100")
    branch = organisation.get_branch(store)
    with store.session() as session:
        items = {r.code: r.id for r in session.scalars(select(RuleItemRecord))}
    rng, now = random.Random(seed), datetime.now(timezone.utc)
    member_rows, entry_rows = [], []
    for number in range(count):
        member_id = uuid.uuid4()
        member_rows.append({
            "id": member_id, "created_at": now, "updated_at": now, "branch_id": branch.id, "group_id": branch.groups[number % 2].id,
            "name": f"党员{number:05d}", "name_pinyin": f"dangyuan{number:05d}", "name_initials": "dy", "ethnicity": "汉族",
            "phone": "", "join_date": date(2000, 7, 1), "membership": Membership.FULL, "member_class": MemberClass.NO_POST,
            "is_hub_household": False, "is_vanguard_post": False, "post_title": "", "status": MemberStatus.ACTIVE,
            "in_branch_since": date(2000, 7, 1), "note": "",
        })
        entry_rows.extend(_member_entries(rng, member_id, items, admin.id, now))
    with store.session() as session, session.begin():
        session.execute(insert(Member), member_rows)
        session.execute(insert(PointsEntry), entry_rows)
    return store


def best_of(fn, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def baseline(path: Path) -> None:
    with closing(sqlite3.connect(path)) as raw:
        rows = raw.execute(
            "SELECT member_id, SUM(points) FROM points_entries WHERE status = 'approved' "
            "AND occurred_on BETWEEN ? AND ? GROUP BY member_id", (f"{YEAR}-01-01", f"{YEAR}-12-31"),
        ).fetchall()
    sorted(rows, key=lambda row: -row[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, nargs="+", default=[2000, 4000])
    args = parser.parse_args()
    for count in args.members:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            store = build(path, count)
            with closing(sqlite3.connect(path)) as raw:
                entries = raw.execute("SELECT COUNT(*) FROM points_entries").fetchone()[0]
            base = best_of(lambda: baseline(path))
            year = best_of(lambda: totals.branch_ranking(store, YEAR))
            month = best_of(lambda: totals.branch_ranking(store, YEAR, month=11))
            store.close()
        print(f"{count} members, {entries} entries")
        print(f"  baseline SQL sums: {base * 1000:8.1f} ms")
        print(f"  year ranking:      {year * 1000:8.1f} ms  ratio {year / base:5.1f}")
        print(f"  month ranking:     {month * 1000:8.1f} ms  ratio {month / base:5.1f}", flush=True)


if __name__ == "__main__":
    main()
