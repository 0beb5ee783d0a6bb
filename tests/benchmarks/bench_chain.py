"""Benchmark: verifying the ledger chain, and what chaining costs each entry written.

Run:

    uv run python -m tests.benchmarks.bench_chain                       # 200,000 entries, 2,000 written
    uv run python -m tests.benchmarks.bench_chain --entries 5000000     # the issue's size (builds for minutes)
    uv run python -m tests.benchmarks.bench_chain --entries 50000 --written 500   # quicker

Verification: a file with N chained entries (filled with raw inserts, hashed as the program
hashes them), then, best of three, wall and processor seconds (all threads):

- baseline: one plain `SELECT` of the same columns in chain order, every row fetched;
- exact:    the walk in chain order alone (what verify_stored falls back on to name a break);
- verify 1: db.ledger_chain.verify_stored with one thread (db.chain_scan's batches, rowid order);
- verify T: the same with as many threads as the machine has cores (at most chain_scan.MAX_THREADS);
- and the share of verify's processor time spent inside SQLite (other threads run meanwhile)
  and in Python (one thread at a time): the least time T cores could take is
  max(all / T, Python's share), the figure to compare when the machine is busy with other work.

Writing: W entries through ORM sessions in transactions of 50 (a meeting's worth), with the
chain hook installed and, as the baseline, without it (same run, same file, same rows).

It prints times, rows per second, the ratios to the baselines and the verification time
extrapolated to 5,000,000 entries. Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import os
import resource
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
from db import chain_scan, ledger_chain
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


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _best(function, repeat: int = 3) -> tuple[float, float]:
    """The best (wall, processor) seconds of `repeat` runs."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        started, cpu = time.perf_counter(), _cpu()
        function()
        best = min(best, (time.perf_counter() - started, _cpu() - cpu))
    return best


def _bare_read(path: Path) -> None:
    columns = ", ".join(("chain_seq", "chain_prev", "chain_hash", *ENTRY_FIELDS))
    with closing(sqlite3.connect(path)) as raw:
        for _ in raw.execute(f"SELECT {columns} FROM points_entries WHERE chain_seq IS NOT NULL ORDER BY chain_seq"):
            pass


def _exact(path: Path) -> None:
    with closing(sqlite3.connect(path)) as raw:
        assert ledger_chain._walk_stored(raw, raw, ENTRIES, True).ok


def _verify(path: Path, threads: int) -> None:
    """What verify_stored does on a sound chain (the exact walk is not needed after it)."""
    with closing(sqlite3.connect(path)) as raw:
        assert chain_scan.prove_sound(raw, (ENTRIES,), True, threads)[ENTRIES].ok


def _same_results(path: Path) -> None:
    with closing(sqlite3.connect(path)) as raw:
        assert ledger_chain.verify_stored(raw, ENTRIES) == ledger_chain._walk_stored(raw, raw, ENTRIES, True)


def _shares(path: Path) -> tuple[float, float]:
    """Processor seconds of one thread's verification inside SQLite and in Python."""
    with closing(sqlite3.connect(path)) as raw:
        sql, top = chain_scan._batch_sql(ENTRIES, True), raw.execute("SELECT max(rowid) FROM points_entries").fetchone()[0]
        inside = outside = 0.0
        head = (0, GENESIS)
        for low in range(0, top, chain_scan.BATCH):
            started = time.thread_time()
            batch = raw.execute(sql, (low, low + chain_scan.BATCH)).fetchone()
            between = time.thread_time()
            if batch[0]:
                head = chain_scan._follow(batch, head) if head[0] else chain_scan._follow(batch, (chain_scan._first_of(batch)[0] - 1, GENESIS))
            inside, outside = inside + between - started, outside + time.thread_time() - between
        assert head is not None
        return inside, outside


def _line(name: str, what: str, figures: tuple[float, float], rows: int, bare: float | None = None) -> None:
    wall, cpu = figures
    ratio = f"  ratio {wall / bare:5.2f}" if bare else ""
    print(f"{name:9s} {what:34s} {wall:7.2f} s wall {cpu:7.2f} s cpu {rows / wall:11,.0f} rows/s{ratio}"
          f"  → 5,000,000 entries ≈ {wall / rows * 5_000_000:5.1f} s wall, {cpu / rows * 5_000_000:5.1f} s cpu", flush=True)


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
        cores = min(chain_scan.MAX_THREADS, os.cpu_count() or 1)
        _same_results(path)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        bare = _best(lambda: _bare_read(path))
        _line("baseline", "plain read in chain order", bare, args.entries)
        _line("exact", "walk in chain order", _best(lambda: _exact(path)), args.entries, bare[0])
        _line("verify 1", "hash and link every row, 1 thread", _best(lambda: _verify(path, 1)), args.entries, bare[0])
        _line(f"verify {cores}", f"the same, {cores} threads", _best(lambda: _verify(path, cores)), args.entries, bare[0])
        inside, outside = _shares(path)
        least = max((inside + outside) / cores, outside)
        print(f"verify's processor time: {inside:.2f} s inside SQLite, {outside:.2f} s in Python; least wall on {cores} cores "
              f"{least:.2f} s → 5,000,000 entries ≈ {least / args.entries * 5_000_000:.1f} s", flush=True)
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
