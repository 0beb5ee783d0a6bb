"""The ledger's Excel export run under a memory limit (not a test module): see
tests/services/test_export_memory.py.

    python tests/services/export_memory_child.py LIMIT_MB DATABASE OUT

sets RLIMIT_AS to LIMIT_MB before importing anything of the program, exports every year of the
database's own branch to OUT (read-only, as a viewer could) and prints one JSON line: the rows
written, seconds, peak resident memory (VmHWM) and peak address space (VmPeak) in MB, and the
error, if any.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> None:
    from services.backup_memory_child import limit_memory, run_and_report

    limit_memory(sys.argv[1])
    from app.services.exports import tables
    from app.services.ledger.queries import EntryFilter
    from db.store import Store

    def export() -> dict:
        with Store.open_file(Path(sys.argv[2]), read_only=True) as store:
            return {"rows": tables.export_ledger(store, sys.argv[3], EntryFilter())}

    run_and_report(export)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
