"""The window starts without the libraries only some of its work needs: reportlab (printing),
openpyxl (Excel) and pypinyin (a name saved) took a second of the window's start on a laptop
(about 2.5 s of imports before the first page, 1.4 s without them). They are loaded by the
work that needs them; this holds the window's own import chain to that."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADED_WHEN_NEEDED = ("reportlab", "openpyxl", "pypinyin")


def test_the_main_window_imports_no_printing_excel_or_pinyin_library():
    probe = (
        "import json, sys\n"
        "import app.ui.main_window, app.ui.app, app.ui.jobs\n"
        f"print(json.dumps(sorted(name for name in {LOADED_WHEN_NEEDED!r} if name in sys.modules)))\n"
    )
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
