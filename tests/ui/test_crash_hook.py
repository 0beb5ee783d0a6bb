"""The crash hook: a log in the data folder, one sentence with where it is, the traceback only in details."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QWidget

from app.ui import app as app_module
from app.ui.errors import ErrorDialog


def test_an_unexpected_error_writes_a_log_and_says_where(app, qtbot, tmp_path, monkeypatch):
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    app_module.install_error_hook(window)
    before = set(QApplication.topLevelWidgets())  # a box another test left open is not this one
    try:
        raise KeyError("成员")
    except KeyError:
        sys.excepthook(*sys.exc_info())
    logs = list((tmp_path / "userdata" / "logs").glob("crash-*.log"))
    assert len(logs) == 1 and "KeyError" in logs[0].read_text(encoding="utf-8")
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible() and w not in before]
    assert boxes and str(logs[0]) in boxes[-1].message and "Traceback" not in boxes[-1].message
    assert "Traceback" in boxes[-1].details
    for box in boxes:
        box.close()
