"""A large village built fast, and the township's gathering of its backup run under a memory
limit (not a test module): see tests/services/test_gather_memory.py.

`build_large_village(path, megabytes)` makes a village's database of this program: the schema,
the branch and its rule sets through the services, members and a chained ledger by the county
benchmark's bulk inserts (tests/benchmarks/bench_county.py), then the members' history
(member_events, a table the gathering merges like any other) filled by INSERT … SELECT with
long reasons until the file is at least that large.

Run as a script::

    python tests/services/gather_memory_child.py LIMIT_MB TOWNSHIP.db BACKUP.jfbak

it sets RLIMIT_AS to LIMIT_MB before importing anything of the program, gathers the backup into
the township database (made if new) through the service the window and the command line use,
and prints one JSON line: each file's status and message, seconds, peak resident memory (VmHWM)
and peak address space (VmPeak) in MB, and the error, if any.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

MEMBERS = 200
ENTRIES = 20_000
EVENT_ROWS = 20_000  # of about 2 KB each, per INSERT … SELECT


def build_large_village(path: Path, megabytes: int) -> Path:
    """A village's database of at least `megabytes` MB, whose bulk is rows the gathering merges."""
    from tests.benchmarks.bench_county import _setup, _years, fill_county

    admin, [branch], items = _setup(path, 1, _years(MEMBERS, ENTRIES))
    fill_county(path, admin, [branch], items, MEMBERS, ENTRIES, seed=15)
    with closing(sqlite3.connect(path)) as raw:
        raw.execute("PRAGMA journal_mode=OFF")  # a throwaway file being built: no journal
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("CREATE TEMP TABLE roster AS SELECT id FROM members")
        while path.stat().st_size < megabytes << 20:
            raw.execute(
                """WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < ?)
                INSERT INTO member_events (id, member_id, kind, occurred_on, from_unit, to_unit, reason, operator_id, created_at)
                SELECT lower(hex(randomblob(16))), (SELECT id FROM temp.roster WHERE rowid = 1 + value % ?), 'transfer_in',
                       '2026-' || printf('%02d', 1 + value % 12) || '-' || printf('%02d', 1 + value % 28),
                       '县城社区党支部', '', '随迁，组织关系转入；' || hex(randomblob(900)), ?,
                       '2026-01-02 08:30:00.000000'
                FROM s""",
                (EVENT_ROWS, MEMBERS, admin),
            )
            raw.commit()
        raw.execute("PRAGMA journal_mode=DELETE")
    return path


def main() -> None:
    from services.backup_memory_child import limit_memory, run_and_report

    limit_memory(sys.argv[1])
    from app.services.accounts import operators
    from app.services.township import gather
    from db.store import Store

    def gather_one() -> dict:
        with Store.open_file(Path(sys.argv[2])) as store:
            report = gather.gather(store, operators.ensure_admin(store), [Path(sys.argv[3])])
        return {"files": [(result.status, result.message) for result in report.files]}

    run_and_report(gather_one)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
