"""The Excel dialogs with the real, threaded runner and a store that refuses the UI thread: the roster
preview, a reassigned column, the import, an export and the opening-points import all ask on the worker."""

from __future__ import annotations

import pytest

from app.ui.jobs import JobRunner
from app.ui.main_window import MainWindow
from conftest import TODAY, keyed_admin
from tests.ui.test_reads_on_the_worker import UiThreadGuard
from tests.ui.test_roster_import_dialog import messy_roster

pytestmark = pytest.mark.gui

WAIT = 20000


@pytest.fixture
def window(app, qtbot, demo_store, monkeypatch):
    admin = keyed_admin(demo_store)
    guard = UiThreadGuard(demo_store, monkeypatch)
    made = MainWindow(demo_store, admin, today=TODAY, jobs=JobRunner())
    made.guard = guard
    qtbot.addWidget(made)
    made.show()
    made.resize(1366, 768)
    qtbot.waitUntil(lambda: made.has_branch, timeout=WAIT)
    yield made
    made.ctx.jobs.wait()
    guard.remove()


def test_preview_reassign_import_and_export_never_touch_the_database_on_the_ui_thread(window, qtbot, tmp_path, monkeypatch):
    page = window.show_page("members")
    qtbot.waitUntil(lambda: page.model.total == 35, timeout=WAIT)
    monkeypatch.setattr(window.ctx, "ask_open_path", lambda *args: messy_roster(tmp_path / "名册.xlsx"))
    page.import_button.click()
    qtbot.waitUntil(lambda: page.files.import_dialog is not None and page.files.import_dialog.isVisible(), timeout=WAIT)
    dialog = page.files.import_dialog

    combo = dialog.combo_for("管理类型")
    combo.setCurrentIndex(combo.findData("member_class"))
    assert not dialog.import_button.isEnabled()  # checking again on the worker
    qtbot.waitUntil(lambda: dialog.preview.mapping[6] == "member_class", timeout=WAIT)
    dialog.good_rows_only.setChecked(True)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: page.model.total == 37, timeout=WAIT)
    assert (tmp_path / "名册_有问题的行.xlsx").exists()

    totals = window.show_page("totals")
    qtbot.waitUntil(lambda: totals.model.rowCount() > 0, timeout=WAIT)
    monkeypatch.setattr(window.ctx, "ask_save_path", lambda *args: str(tmp_path / "排名.xlsx"))
    totals.export_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "排名.xlsx").exists() and window.ctx.jobs.idle, timeout=WAIT)

    opening = window.open_opening_points()
    monkeypatch.setattr(window.ctx, "ask_save_path", lambda *args: str(tmp_path / "期初模板.xlsx"))
    opening.template_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "期初模板.xlsx").exists() and window.ctx.jobs.idle, timeout=WAIT)
    monkeypatch.setattr(window.ctx, "ask_open_path", lambda *args: str(tmp_path / "期初模板.xlsx"))
    opening.import_button.click()  # an empty register: refused with a sentence, nothing saved
    qtbot.waitUntil(lambda: window.ctx.jobs.idle, timeout=WAIT)
    assert window.guard.seen == []
