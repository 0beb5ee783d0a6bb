"""`check` run under a memory limit (not a test module): see tests/services/test_check_memory.py.

    python tests/services/check_memory_child.py LIMIT_MB DATABASE

sets RLIMIT_AS to LIMIT_MB before importing anything of the program, runs check_store on the
database (read-only, as the command line does) and prints one JSON line: the problems found,
the counts, seconds, peak resident memory (VmHWM) and peak address space (VmPeak) in MB, and
the error, if any.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    from services.backup_memory_child import limit_memory, run_and_report

    limit_memory(sys.argv[1])
    from app.services.check import check_store
    from db.store import Store

    def check() -> dict:
        with Store.open_file(Path(sys.argv[2]), read_only=True) as store:
            report = check_store(store)
        return {"problems": report.problems, "counts": report.counts}

    run_and_report(check)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
