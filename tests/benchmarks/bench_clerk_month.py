"""Benchmark: the clerk's month through the window, counted in interactions (issue 10).

Run:

    uv run python -m tests.benchmarks.bench_clerk_month

It builds a fresh 50-member branch on the village_100 rules in a temporary folder (not
counted), opens the main window offscreen and plays tests/ui/clerk_month.py: three meetings,
ten single entries, review, one reversal, the month's ranking, the notice and the 50
scorecards saved as PDF from the preview, a backup to a folder standing in for a USB stick.
It prints the interactions (clicks, typed fields, key presses) per step, the seconds the
whole month took, and last the line `interactions: N` (the goal: at most 150).
Not collected by pytest (bench_*.py).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEvent


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="clerk-month-") as folder:
        root = Path(folder)
        os.environ["DYJF_DATA_DIR"] = str(root / "userdata")  # the window's settings, not the user's
        from app.ui.app import make_application
        from db.store import Store
        from tests.ui import clerk_month as month

        app = make_application()
        with Store.open_file(root / "branch.db") as store:
            admin, ids = month.set_up_branch(store)
            window = month.make_window(store, admin)
            started = time.perf_counter()
            hand, done = month.play_month(None, window, setattr, root, ids)
            seconds = time.perf_counter() - started
            for widget in app.topLevelWidgets():  # the previews and dialogs too, before Python finalizes
                widget.close()
                widget.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            app.processEvents()
            del window
        print(f"村党支部 50 人，village_100，{month.MONTH}月：会议 {len(done.meetings)} 次，单条录入 {len(done.adhoc)} 条，"
              f"审核 {done.pending_reviewed} 条，冲正 1 条，公示表和积分卡 50 张存为 PDF，备份 {len(done.backups)} 个文件")
        for line in hand.lines():
            print(line)
        print(f"seconds: {seconds:.1f}")
        print(f"interactions: {hand.total()}")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Python's finalization after this window-and-dialogs run aborts inside PySide
    # ("bool_dealloc: deallocating True or False"); the store is closed and the report printed,
    # so leave without finalizing.
    os._exit(code)
