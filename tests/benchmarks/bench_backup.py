"""Benchmark: backup, verify and restore of a large database against `cp` + `sha256sum` in the same run.

Run:

    uv run python -m tests.benchmarks.bench_backup                     # 1,000 MB database
    uv run python -m tests.benchmarks.bench_backup --megabytes 300     # quicker

It builds (once, kept in the system's temporary folder by its size) a database of this
program with a large `filler` table of ledger-like rows (tests/services/backup_memory_child.py),
then runs each verb in a fresh process, the way the command line does, and prints one line a
figure:

    NAME: project X s, baseline Y s, ratio R, peak MB M

- baseline: `cp` of the database to the same folder, then `sha256sum` of the copy — the least
  any backup that reads, writes and checksums every byte can cost (its peak is the larger of
  the two processes);
- backup, backup encrypted (Argon2id with its written parameters), verify, restore: the
  services the window and the command line call; peak = VmHWM of that process, imports
  included. Memory must not grow with the database: compare runs of different --megabytes.

Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = ROOT / "tests" / "services" / "backup_memory_child.py"
PASSPHRASE = "红星村备份口令2026"
NO_LIMIT = 1 << 20  # MB: RLIMIT_AS far above anything the verbs use


def _timed_command(argv: list[str]) -> tuple[float, float]:
    """(seconds, peak resident MB) of one external command."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{argv[0]} failed: {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def baseline(database: Path, folder: Path) -> tuple[float, float]:
    copy = folder / "copy.db"
    copy_seconds, copy_peak = _timed_command(["cp", str(database), str(copy)])
    sum_seconds, sum_peak = _timed_command(["sha256sum", str(copy)])
    copy.unlink()
    return copy_seconds + sum_seconds, max(copy_peak, sum_peak)


def verb(name: str, arguments: dict, data_dir: Path, limit_mb: int = NO_LIMIT) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DYJF_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, str(CHILD), str(limit_mb), name, json.dumps(arguments)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    answer = json.loads(lines[-1])
    if "error" in answer:
        raise SystemExit(f"{name} failed: {answer['error']}")
    return answer


def cached_database(megabytes: int) -> Path:
    from tests.services.backup_memory_child import build_large_store

    folder = Path(tempfile.gettempdir()) / f"jfbak-bench-{megabytes}mb"
    database = folder / "jifen.db"
    if not database.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        build_large_store(folder / "building.db", megabytes)
        (folder / "building.db").rename(database)
        print(f"built {database} ({database.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
    return database


def line(name: str, seconds: float, base: float, peak: float) -> None:
    print(f"{name}: project {seconds:.2f} s, baseline {base:.2f} s, ratio {seconds / base:.2f}, peak MB {peak:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=1000)
    args = parser.parse_args()
    database = cached_database(args.megabytes)
    size = database.stat().st_size
    with tempfile.TemporaryDirectory(prefix="jfbak-bench-") as work:
        work = Path(work)
        plain_folder, locked_folder = work / "plain", work / "locked"
        plain_folder.mkdir()
        locked_folder.mkdir()
        base, base_peak = baseline(database, work)
        print(f"database {size / 1e6:.0f} MB; baseline cp + sha256sum {base:.2f} s, peak MB {base_peak:.0f}")
        made = verb("backup", {"db": str(database), "folder": str(plain_folder)}, work)
        backup_file = next(plain_folder.glob("*.jfbak"))
        print(f"backup file {backup_file.stat().st_size / 1e6:.0f} MB ({size / backup_file.stat().st_size:.1f}:1)")
        line("backup", made["seconds"], base, made["peak_mb"])
        locked = verb("backup", {"db": str(database), "folder": str(locked_folder), "passphrase": PASSPHRASE}, work)
        line("backup encrypted", locked["seconds"], base, locked["peak_mb"])
        locked_file = next(locked_folder.glob("*.jfbak"))
        checked = verb("verify", {"backup": str(backup_file)}, work)
        line("verify", checked["seconds"], base, checked["peak_mb"])
        checked = verb("verify", {"backup": str(locked_file), "passphrase": PASSPHRASE}, work)
        line("verify encrypted", checked["seconds"], base, checked["peak_mb"])
        restored = verb("restore", {"backup": str(backup_file), "target": str(work / "restored" / "jifen.db")}, work)
        line("restore", restored["seconds"], base, restored["peak_mb"])


if __name__ == "__main__":
    main()
