"""A large database built fast, and one backup verb run under a memory limit (not a test module).

`build_large_store(path, megabytes)` makes a database of this program (schema, a branch,
a 2026 rule set) and then fills a `filler` table with ledger-like rows (Chinese text and
random hex, about 4:1 under zlib) through one INSERT ... SELECT per 20,000 rows until the file
is at least that large: about 150 MB/s here.

Run as a script::

    python tests/services/backup_memory_child.py LIMIT_MB VERB '{"arguments": ...}'

it sets RLIMIT_AS to LIMIT_MB before importing anything of the program, runs the verb
(backup, verify or restore, through the services the window and the command line use) and
prints one JSON line: seconds, peak resident memory (VmHWM) and peak address space (VmPeak)
in MB, and the error, if any. The address-space limit is what makes a verb that reads the
whole file fail outright instead of merely using a lot.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Callable

M_ARENA_MAX = -8  # glibc's malloc.h

FILLER_ROWS = 20_000  # of about 1.7 KB each
AUDIT_ROWS = 700_000  # about 100 MB of the file; their ids as Python strings in a set alone would take more than 70 MB


def build_large_store(path: Path | str, megabytes: int) -> Path:
    """A database of this program of at least `megabytes` MB."""
    from app.services import organisation
    from app.services.accounts import operators
    from app.services.rules import rulesets
    from db.store import Store

    path = Path(path)
    with Store.open_file(path) as store:
        admin = operators.ensure_admin(store)
        organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", ["第一党小组"])
        rulesets.create_rule_set(store, admin, 2026, template="village_100")
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode=OFF")  # a throwaway file: no journal while filling
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, member TEXT, reason TEXT, points INTEGER, made TEXT)")
        _add_audit_records(raw, AUDIT_ROWS)
        while path.stat().st_size < megabytes << 20:
            raw.execute(
                """WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < ?)
                INSERT INTO filler (member, reason, points, made)
                SELECT lower(hex(randomblob(16))),
                       replace(printf('%.20c', '_'), '_', '参加党员活动日，清理村道垃圾' || (value % 97) || '次；')
                           || hex(randomblob(300)),
                       value % 13 - 3,
                       '2026-' || printf('%02d', 1 + value % 12) || '-' || printf('%02d', 1 + value % 28) || ' 08:30:00'
                FROM s""",
                (FILLER_ROWS,),
            )
            raw.commit()
        raw.execute("PRAGMA journal_mode=DELETE")
    return path


def _add_audit_records(raw: sqlite3.Connection, count: int) -> None:
    """Audit records by the file's administrator (not chained: backup, verify and restore do not
    walk the chains, `check` does): a verb that held something per record — every record's id in
    a set took 933 MB at a county's five million — shows under the limit."""
    operator = raw.execute("SELECT operator_id FROM audit_log LIMIT 1").fetchone()[0]
    raw.execute(
        """WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < ?)
        INSERT INTO audit_log (id, operator_id, action, entity, entity_id, summary, details, created_at)
        SELECT lower(hex(randomblob(16))), ?, 'update', 'member', lower(hex(randomblob(16))),
               '修改党员信息 ' || value, '{}', '2026-03-01 08:00:00.000000'
        FROM s""",
        (count, operator),
    )
    raw.commit()


def memory_mb() -> dict[str, float]:
    """Peak resident (VmHWM) and peak address space (VmPeak) of this process, in MB."""
    found = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(("VmHWM:", "VmPeak:")):
                name, value = line.split(":")
                found[name] = int(value.split()[0]) / 1024
    return {"peak_mb": found.get("VmHWM", 0.0), "address_space_mb": found.get("VmPeak", 0.0)}


def run_verb(verb: str, arguments: dict) -> None:
    from app.services.backup import archive, restore
    from db.store import Store

    if verb == "backup":
        with Store.open_file(arguments["db"]) as store:
            archive.backup_to(store, arguments["folder"], arguments.get("passphrase"), kdf=arguments.get("kdf"))
    elif verb == "verify":
        archive.verify_backup(arguments["backup"], arguments.get("passphrase"))
    elif verb == "restore":
        restore.restore(arguments["backup"], arguments["target"], arguments.get("passphrase"), allow_replacing_newer=True)
    else:
        raise ValueError(verb)


def limit_memory(megabytes: str) -> None:
    """RLIMIT_AS to `megabytes`: called before anything of the program is imported.

    glibc gives each thread that allocates a malloc arena of its own, reserving 64 MB of address
    space (128 MB while it is made) of which a thread checking one table uses a few pages; the
    limit would then count arenas, not memory (each thread's stack still counts). So the arenas are capped at one (M_ARENA_MAX):
    what the threads really allocate still counts, in the one arena."""
    if platform.libc_ver()[0] == "glibc":
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1)
    limit = int(megabytes) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def answer_of(child: Path, limit_mb: int, *arguments: str, data_dir: Path, timeout: int = 600) -> dict:
    """The test's side: run the memory child script `child` (which calls limit_memory, then
    run_and_report) under `limit_mb` with its own data folder, and give back its JSON line."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "DYJF_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, str(child), str(limit_mb), *arguments],
        capture_output=True, text=True, cwd=root, env=env, timeout=timeout, check=False,
    )
    assert done.returncode == 0 and done.stdout.strip(), done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_and_report(work: Callable[[], dict | None]) -> None:
    """Run the measured call and print one JSON line: what it returned (or its error), seconds,
    peak resident memory and peak address space. Every memory child ends this way."""
    started = time.perf_counter()
    answer: dict = {}
    try:
        answer.update(work() or {})
    except BaseException as exc:  # reported to the test, which fails on it
        answer["error"] = repr(exc)
    answer["seconds"] = time.perf_counter() - started
    answer.update(memory_mb())
    print(json.dumps(answer, ensure_ascii=False), flush=True)


def main() -> None:
    limit_memory(sys.argv[1])
    import app.services.backup.archive  # noqa: F401  (imported before the clock starts)
    import app.services.backup.restore  # noqa: F401
    import db.store  # noqa: F401

    run_and_report(lambda: run_verb(sys.argv[2], json.loads(sys.argv[3])))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
