"""Benchmark: what each part of `check` costs alone (app.services.check.check_parts), on a file.

Run (on a county's file from tests/benchmarks/bench_county.py, for instance):

    uv run python -m tests.benchmarks.bench_check_parts --database /tmp/jfcounty-bench-.../county.db

Each part runs alone in a fresh process on a read-only store, inside one read transaction as a
lane runs it; its processor seconds (all threads of the process, SQLite's included: the chain
part has threads of its own) and wall seconds are printed against the baseline measured in the
same run, `PRAGMA integrity_check` alone on a plain read-only connection, with `quick_check`
beside it. Last, the sum of the parts and the least wall time two lanes could take,
max(sum / cores, largest part): the figure `check` is held to (issue 14: within 60 s on the
county). Processor seconds are the figures to compare when the machine is busy (`uptime`).
Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINES = ("integrity_check", "quick_check")


def _name(part) -> str:
    """A part's name: its function, and the argument it was bound to (a table's name)."""
    function = getattr(part, "func", part)
    bound = ", ".join(str(arg) for arg in getattr(part, "args", ()))
    return f"{function.__name__}({bound})" if bound else function.__name__


def _measured(run) -> dict:
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    run()
    after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - start
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {"cpu": cpu, "wall": wall}


def _child(database: str, name: str) -> dict:
    """Run one part (or a baseline pragma) alone and measure it."""
    if name in BASELINES:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as raw:
            return _measured(lambda: raw.execute(f"PRAGMA {name}").fetchall())
    from app.services.check import CheckReport, check_parts
    from app.services.context import read_session
    from db.store import Store

    part = {_name(p): p for _, p in check_parts(sqlite=True)}[name]
    with Store.open_file(Path(database), read_only=True) as store, read_session(store) as session:
        session.connection()  # the transaction begun before the clock starts, as a lane's is
        report = CheckReport()
        figures = _measured(lambda: part(session, report=report))
    return {**figures, "problems": len(report.problems) + len(report.file_damage)}


def _run(database: str, name: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_check_parts", "--database", database, "--child", name],
        capture_output=True, text=True, cwd=ROOT, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode:
        raise SystemExit(f"{name} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.database, args.child)), flush=True)
        return
    from app.services.check import LANES, check_parts

    print(f"{args.database}: {Path(args.database).stat().st_size / 1e9:.2f} GB; load {os.getloadavg()[0]:.2f}", flush=True)
    base = {name: _run(args.database, name) for name in BASELINES}
    for name, figures in base.items():
        print(f"baseline PRAGMA {name}: {figures['cpu']:.2f} s processor, {figures['wall']:.2f} s wall", flush=True)
    total, largest = 0.0, 0.0
    for _, part in check_parts(sqlite=True):
        name = _name(part)
        figures = _run(args.database, name)
        total, largest = total + figures["cpu"], max(largest, figures["cpu"])
        print(f"check part {name}: project {figures['cpu']:.2f} s, baseline {base['integrity_check']['cpu']:.2f} s, "
              f"ratio {figures['cpu'] / base['integrity_check']['cpu']:.2f} (wall {figures['wall']:.2f} s, "
              f"problems {figures['problems']})", flush=True)
    lanes = max(1, min(LANES, os.cpu_count() or 1))
    print(f"check parts together: {total:.1f} s processor; on {lanes} lanes at best {max(total / lanes, largest):.1f} s wall; "
          f"load {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
