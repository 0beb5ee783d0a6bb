"""Open one hostile workbook under an address-space limit and report (not a test module).

    python tests/services/hostile_workbook_child.py LIMIT_MB FILE

prints one JSON line: seconds spent importing the file (after the program's modules are
loaded), peak resident memory in MB, and the error sentence.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
limit = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

from app.domain.errors import AppError  # noqa: E402
from app.services.roster.excel_import import load_roster  # noqa: E402

started = time.perf_counter()
error = ""
try:
    load_roster(sys.argv[2])
except AppError as exc:
    error = exc.message
except MemoryError:
    error = "MemoryError"
seconds = time.perf_counter() - started


def peak_mb() -> float:
    """This process's own peak resident memory: VmHWM belongs to the process image, whereas Linux
    carries ru_maxrss over from the parent across fork and exec (a large pytest run would show)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass  # not Linux: fall back to getrusage below
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


peak = peak_mb()
print(json.dumps({"seconds": seconds, "peak_mb": peak, "error": error}, ensure_ascii=False))
