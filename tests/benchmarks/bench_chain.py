"""Benchmark: verifying the ledger chain, and what chaining costs each entry written.

Run:

    uv run python -m tests.benchmarks.bench_chain                       # 200,000 entries, 2,000 written
    uv run python -m tests.benchmarks.bench_chain --entries 5000000     # the issue's size (builds for minutes)
    uv run python -m tests.benchmarks.bench_chain --entries 50000 --written 500   # quicker

Verification: a file with N chained entries (filled with raw inserts, hashed as the program
hashes them), then, best of three:

- baseline: one plain `SELECT` of the same columns in chain order, every row fetched;
- verify:   db.ledger_chain.verify_stored — the same rows, each hashed and linked.

Writing: W entries through ORM sessions in transactions of 50 (a meeting's worth), with the
chain hook installed and, as the baseline, without it (same run, same file, same rows).

It prints times, rows per second, the ratios to the baselines and the verification time
extrapolated to 5,000,000 entries. Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
import uuid
from contextlib import closing
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.domain.chain import ENTRIES, ENTRY_FIELDS, GENESIS, link_hash, normalise
from app.domain.enums import EntryStatus, MemberClass, Membership
from app.services import organisation
from app.services.roster import members
from app.services.accounts import operators
from app.services.rules import rulesets
from db import ledger_chain
from db.models import PointsEntry, RuleItemRecord
from db.store import Store

BATCH = 50


def _setup(path: Path) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", [])
        rulesets.create_rule_set(store, admin, 2026, template="village_100")
        data = members.MemberInput(name="张三", member_class=MemberClass.NO_POST, membership=Membership.FULL, join_date=date(2000, 7, 1))
        member = members.add_member(store, admin, data, today=date(2026, 11, 23))
        with store.session() as session:
            item = session.scalar(select(RuleItemRecord.id).where(RuleItemRecord.code == "B02"))
        return admin.id, member, item


def _fill(path: Path, count: int, ids: tuple) -> None:
    """`count` chained entries after whatever the file holds, with raw inserts."""
    admin, member, item = (value.hex for value in ids)
    columns = (*ENTRY_FIELDS, "status", "reviewed_by", "reviewed_at", "review_note", "chain_seq", "chain_prev", "chain_hash")
    sql = f"INSERT INTO points_entries ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    start = datetime(2026, 1, 1)
    with closing(sqlite3.connect(path)) as raw:
        head = ledger_chain.read_head(raw, ENTRIES)
        seq, prev, rows = head.seq, head.hash, []
        for n in range(count):
            created = (start + timedelta(microseconds=n)).strftime("%Y-%m-%d %H:%M:%S.%f")
            record = {
                "id": uuid.uuid4().hex, "created_at": created, "member_id": member, "rule_item_id": item,
                "occurred_on": "2026-03-01", "quantity": 100, "points": 100, "note": f"第 {n} 条", "evidence": "",
                "entered_by": admin, "reverses_id": None, "meeting_id": None, "batch_id": None,
            }
            seq += 1
            digest = link_hash(prev, ENTRIES, normalise(ENTRIES, record))
            rows.append((*record.values(), "approved", admin, created, "", seq, prev, digest))
            prev = digest
            if len(rows) == 50000:
                raw.executemany(sql, rows)
                rows.clear()
        raw.executemany(sql, rows)
        raw.commit()


def _best(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _bare_read(path: Path) -> None:
    columns = ", ".join(("chain_seq", "chain_prev", "chain_hash", *ENTRY_FIELDS))
    with closing(sqlite3.connect(path)) as raw:
        for _ in raw.execute(f"SELECT {columns} FROM points_entries WHERE chain_seq IS NOT NULL ORDER BY chain_seq"):
            pass


def _verify(path: Path) -> None:
    with closing(sqlite3.connect(path)) as raw:
        result = ledger_chain.verify_stored(raw, ENTRIES)
        assert result.ok, result.first_break


def _write(path: Path, count: int, ids: tuple) -> float:
    admin, member, item = ids
    now = datetime.now(timezone.utc)
    with Store.open_file(path) as store:
        started = time.perf_counter()
        for _ in range(0, count, BATCH):
            with store.write_session() as session, session.begin():
                for _ in range(BATCH):
                    session.add(PointsEntry(
                        member_id=member, rule_item_id=item, occurred_on=date(2026, 3, 2), quantity=Decimal(1),
                        points=Decimal(1), note="", evidence="", status=EntryStatus.APPROVED, entered_by=admin,
                        reviewed_by=admin, reviewed_at=now, review_note="",
                    ))
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000, help="entries in the file to verify")
    parser.add_argument("--written", type=int, default=2_000, help="entries to write through the ORM, each way")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        ids = _setup(path)
        started = time.perf_counter()
        _fill(path, args.entries, ids)
        print(f"built {args.entries:,} chained entries in {time.perf_counter() - started:.1f} s")
        bare, verify = _best(lambda: _bare_read(path)), _best(lambda: _verify(path))
        print(f"baseline  plain read in chain order  {bare:8.2f} s  {args.entries / bare:12,.0f} rows/s")
        print(f"verify    hash and link every row    {verify:8.2f} s  {args.entries / verify:12,.0f} rows/s"
              f"  ratio {verify / bare:5.1f}  → 5,000,000 entries ≈ {verify / args.entries * 5_000_000:.1f} s")
        ledger_chain.uninstall_ledger_chain()
        plain = _write(path, args.written, ids)
        ledger_chain.install_ledger_chain()
        chained = _write(path, args.written, ids)
        per = 1e6 / args.written
        print(f"baseline  write without the chain    {plain * per:8.1f} µs/entry")
        print(f"chained   write with the chain       {chained * per:8.1f} µs/entry  ratio {chained / plain:5.2f}"
              f"  (+{(chained - plain) * per:.1f} µs/entry)")


if __name__ == "__main__":
    main()
