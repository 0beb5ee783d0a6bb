"""Benchmark: what sealing members' personal data costs, column by column or as a whole file.

Run:

    uv run python -m tests.benchmarks.bench_personal_sealing                 # 70,000 members
    uv run python -m tests.benchmarks.bench_personal_sealing --members 5000

Measured in one process, on the same values:

- column-level AES-256-GCM (db/sealed.py, the mechanism chosen): sealing and opening one value,
  the keyed look-up hash of an ID number, and opening every member's ID number, phone and birth
  date (what a full export or the naive roster would pay);
- plain columns, the baseline: reading the same three values from plain TEXT columns;
- a whole-file cipher, the alternative: the SQLite file of the same roster encrypted and
  decrypted with AES-256-GCM in one piece (what opening and closing the program would pay with
  a file-level cipher that decrypts to a working copy; SQLCipher itself is not in Python's
  sqlite3 module and would need a native build for Windows, and neither protects the township's
  PostgreSQL rows);
- the look-up: finding one member by his full ID number through the keyed hash's unique index;
- the keyring (app/services/accounts/keyring.py) at its real Argon2id parameters: making the
  data key with its first wrapped copy, and unwrapping it (what every log-in and unlock pays).

Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.domain.idcard import id_check_char
from db.sealed import Sealer


def _people(count: int) -> list[tuple[str, str, date]]:
    people = []
    for number in range(count):
        born = date(1940 + number % 60, 1 + number % 12, 1 + number % 28)
        first17 = f"{410000 + number // 1000:06d}{born:%Y%m%d}{number % 1000:03d}"  # region and sequence: one per member
        people.append((first17 + id_check_char(first17), f"13{number:09d}", born))
    return people


def _per_value_us(action, values) -> float:
    started = time.perf_counter()
    for value in values:
        action(value)
    return (time.perf_counter() - started) / len(values) * 1e6


def _database(path: Path, sealer: Sealer, people, sealed: bool) -> None:
    with sqlite3.connect(path) as connection:
        if sealed:
            connection.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, id_s BLOB, lookup TEXT UNIQUE, phone_s BLOB, born_s BLOB)")
            connection.executemany("INSERT INTO m (id_s, lookup, phone_s, born_s) VALUES (?, ?, ?, ?)", [
                (sealer.seal("id_number", n), sealer.lookup(n), sealer.seal("phone", p), sealer.seal_date("birth_date", b))
                for n, p, b in people
            ])
        else:
            connection.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, id_number TEXT UNIQUE, phone TEXT, born TEXT)")
            connection.executemany("INSERT INTO m (id_number, phone, born) VALUES (?, ?, ?)", [(n, p, b.isoformat()) for n, p, b in people])
    connection.close()


def _timed(action, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=70_000)
    args = parser.parse_args()
    people = _people(args.members)
    sealer = Sealer(os.urandom(32))
    ids = [n for n, _p, _b in people]
    sealed_ids = [sealer.seal("id_number", n) for n in ids]
    print(f"{args.members} members; per value (µs):")
    print(f"  seal an ID number (AES-256-GCM)     {_per_value_us(lambda n: sealer.seal('id_number', n), ids):6.2f}")
    print(f"  open an ID number                   {_per_value_us(lambda s: sealer.open('id_number', s), sealed_ids):6.2f}")
    print(f"  keyed look-up hash (HMAC-SHA256)    {_per_value_us(sealer.lookup, ids):6.2f}")
    with tempfile.TemporaryDirectory() as folder:
        plain_path, sealed_path = Path(folder) / "plain.db", Path(folder) / "sealed.db"
        _database(plain_path, sealer, people, sealed=False)
        _database(sealed_path, sealer, people, sealed=True)

        def read_plain():
            with sqlite3.connect(plain_path) as connection:
                return connection.execute("SELECT id_number, phone, born FROM m").fetchall()

        def read_sealed():
            with sqlite3.connect(sealed_path) as connection:
                rows = connection.execute("SELECT id_s, phone_s, born_s FROM m").fetchall()
            return [(sealer.open("id_number", a), sealer.open("phone", b), sealer.open_date("birth_date", c)) for a, b, c in rows]

        plain_ms, sealed_ms = _timed(read_plain), _timed(read_sealed)
        print("every member's ID number, phone and birth date (ms):")
        print(f"  plain columns (baseline)            {plain_ms:8.1f}")
        print(f"  sealed columns, opened              {sealed_ms:8.1f}   ({sealed_ms / plain_ms:.1f}× the baseline)")

        wanted = ids[len(ids) // 2]

        def look_up():
            with sqlite3.connect(sealed_path) as connection:
                return connection.execute("SELECT id FROM m WHERE lookup = ?", (sealer.lookup(wanted),)).fetchone()

        print(f"  one member by full ID number (keyed hash, unique index): {_timed(look_up, 20):.2f} ms")

        content = sealed_path.read_bytes()
        cipher, nonce = AESGCM(os.urandom(32)), os.urandom(12)
        encrypted = cipher.encrypt(nonce, content, None)
        encrypt_ms = _timed(lambda: cipher.encrypt(nonce, content, None))
        decrypt_ms = _timed(lambda: cipher.decrypt(nonce, encrypted, None))
        print(f"whole-file cipher on the same roster's file ({len(content) / 1e6:.1f} MB): "
              f"encrypt {encrypt_ms:.1f} ms, decrypt {decrypt_ms:.1f} ms a time the file is opened or closed,")
        print("  plus a decrypted working copy on the disk while the program runs (what column sealing avoids)")
        time_keyring(Path(folder))


def time_keyring(folder: Path) -> None:
    from app.services.accounts import keyring, operators
    from app.services.context import read_session, unit_of_work
    from db.store import Store

    with Store.open_file(folder / "keys.db") as store:
        admin = operators.ensure_admin(store)
        started = time.perf_counter()
        with unit_of_work(store, admin) as uow:
            keyring.set_up(uow, admin.id, "bench password 70k")
        made_ms = (time.perf_counter() - started) * 1000

        def unlock():
            with read_session(store) as session:
                keyring.unlock(session, admin.id, "bench password 70k")

        print(f"keyring ({keyring.KDF_PARAMETERS}): data key made and wrapped {made_ms:.0f} ms, "
              f"unwrapped at log-in or unlock {_timed(unlock, 5):.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
