"""`check` run under a memory limit (not a test module): see tests/services/test_check_memory.py.

    python tests/services/check_memory_child.py LIMIT_MB DATABASE

sets RLIMIT_AS to LIMIT_MB before importing anything of the program, runs check_store on the
database (read-only, as the command line does) and prints one JSON line: the problems found,
the counts, seconds, peak resident memory (VmHWM) and peak address space (VmPeak) in MB, and
the error, if any.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    limit = int(sys.argv[1]) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from app.services.check import check_store
    from db.store import Store
    from services.backup_memory_child import memory_mb

    started = time.perf_counter()
    answer: dict = {}
    try:
        with Store.open_file(Path(sys.argv[2]), read_only=True) as store:
            report = check_store(store)
        answer.update(problems=report.problems, counts=report.counts)
    except BaseException as exc:  # reported to the test, which fails on it
        answer["error"] = repr(exc)
    answer["seconds"] = time.perf_counter() - started
    answer.update(memory_mb())
    print(json.dumps(answer, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
