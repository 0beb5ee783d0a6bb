"""Benchmark: what a log-in, an unlock and a wrong password cost, against one raw Argon2id hash.

Run:

    uv run python -m tests.benchmarks.bench_login              # 5 rounds each, best and median
    uv run python -m tests.benchmarks.bench_login --rounds 10

On a fresh database with its first administrator (the program's real parameters: password hash
t=3 m=64 MiB p=4; the data key's wrap as keyring.KDF_PARAMETERS):

- baseline: one argon2-cffi PasswordHasher.verify of the same password (what any log-in costs);
- log-in:   login.log_in: the hash verified, the data key unwrapped (a second Argon2id), the
            log-in audited (the window's) or not (the command line's);
- unlock:   login.confirm_password (the lock screen: the hash only, no key);
- wrong:    a wrong password (counted and audited; the slow-down is reset between rounds).

It prints milliseconds and the ratio of each to the baseline. Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher

from app.domain.errors import LoginRefused
from app.services.accounts import login, setup
from app.services.context import unit_of_work
from db.models import Operator
from db.store import Store

PASSWORD = "qiaomen huangniu 37"


def timed(work, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    hasher = PasswordHasher()
    stored = hasher.hash(PASSWORD)
    with tempfile.TemporaryDirectory() as folder, Store.open_file(Path(folder) / "bench.db") as store:
        admin = setup.create_first_admin(store, "admin", "管理员", PASSWORD).actor

        def wrong() -> None:
            try:
                login.log_in(store, "admin", "not the password at all")
            except LoginRefused:
                pass
            with unit_of_work(store, admin) as uow:  # no slow-down between rounds
                operator = uow.session.get(Operator, admin.id)
                operator.failed_logins, operator.blocked_until = 0, None

        results = {
            "baseline: one Argon2id verify": timed(lambda: hasher.verify(stored, PASSWORD), rounds),
            "log-in (window, audited)": timed(lambda: login.log_in(store, "admin", PASSWORD), rounds),
            "log-in (command line)": timed(lambda: login.log_in(store, "admin", PASSWORD, record=False), rounds),
            "unlock (lock screen)": timed(lambda: login.confirm_password(store, admin, PASSWORD), rounds),
            "wrong password": timed(wrong, rounds),
        }
    base = min(results["baseline: one Argon2id verify"])
    print(f"{'':34}{'best ms':>9}{'median ms':>11}{'× baseline':>12}")
    for name, times in results.items():
        print(f"{name:34}{min(times):9.0f}{statistics.median(times):11.0f}{min(times) / base:12.1f}")


if __name__ == "__main__":
    main()
