"""The shell: pages, navigation, Chinese drawn with the bundled font, window state remembered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.services.ledger import watch
from app.ui.jobs import JobRunner
from app.ui.main_window import PAGE_KEYS, MainWindow
from app.ui.window_state import WindowState
from conftest import TODAY, behind_the_programs_back, keyed_admin
from db import chain_scan

pytestmark = pytest.mark.gui


def _dark_pixels(widget) -> int:
    image = widget.grab().toImage()
    return sum(
        1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2) if image.pixelColor(x, y).lightness() < 128
    )


def test_every_page_opens_with_the_demo_branch(demo_window):
    assert "红星村党支部" in demo_window.branch_label.text()
    titles = [demo_window.nav.item(i).text() for i in range(demo_window.nav.count())]
    assert titles == ["党员名册", "积分细则", "积分录入", "积分台账", "积分统计", "星级评定", "双报到·评议·驻村", "积分超市"]
    for key in PAGE_KEYS:
        page = demo_window.show_page(key)
        assert demo_window.current_page() is page
        assert not page.stale
    assert demo_window.pages["members"].model.total == 35
    assert demo_window.pages["totals"].model.rowCount() == 35  # the page opens on this month's ranking
    demo_window.pages["totals"].set_period("year")
    assert demo_window.pages["totals"].model.rowCount() == 36  # the year's ranking has one more row


def test_an_empty_database_shows_the_set_up_page(store, admin, make_window):
    window = make_window(store)
    assert window.current_page() is window.setup_page
    assert not window.nav.isEnabled()
    wizard = window.start_first_run()
    assert wizard.isVisible()
    wizard.reject()


def test_chinese_is_drawn_with_the_bundled_font(demo_window, qtbot):
    qtbot.waitExposed(demo_window)
    label = demo_window.branch_label
    assert QFontInfo(label.font()).family() == "LXGW WenKai"
    assert QFontInfo(demo_window.pages["members"].table.font()).family() == "LXGW WenKai"
    assert _dark_pixels(label) > 50, "the Chinese label rendered blank"
    assert _dark_pixels(demo_window.nav) > 100


def test_qt_standard_buttons_speak_chinese(app):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = {box.button(b).text().replace("&", "") for b in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel)}
    assert texts & {"确定", "取消"} == texts, texts


def test_ctrl_f_puts_the_cursor_in_the_search_box(demo_window, qtbot):
    qtbot.waitExposed(demo_window)
    demo_window.show_page("members")
    demo_window.activateWindow()
    qtbot.keyClick(demo_window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is demo_window.pages["members"].search
    demo_window.show_page("ledger")
    demo_window.focus_search()
    assert QApplication.focusWidget() is demo_window.pages["ledger"].search


def test_window_size_and_column_widths_are_remembered(demo_store, make_window):
    window = make_window(demo_store)
    window.resize(1200, 700)
    header = window.pages["members"].table.horizontalHeader()
    header.resizeSection(0, 211)
    window.close()
    assert WindowState().path.exists()

    again = make_window(demo_store, shown=False)
    again.show()
    # the offscreen screen is 800×800, so restoreGeometry keeps the width within reach; the height fits
    assert again.size().height() == 700
    assert again.pages["members"].table.horizontalHeader().sectionSize(0) == 211
    assert again.current_page() is again.pages["members"]


def test_columns_fit_their_chinese_headers(demo_window):
    for key in ("members", "ledger", "totals"):
        page = demo_window.show_page(key)
        header = page.table.horizontalHeader()
        metrics = header.fontMetrics()
        model = page.table.model()
        for section in range(header.count() - 1):  # the last one stretches
            title = model.headerData(section, Qt.Orientation.Horizontal)
            assert header.sectionSize(section) >= metrics.horizontalAdvance(title), (key, title)


def test_opening_another_database_closes_this_window_for_run_gui_to_reopen(demo_window, tmp_path, monkeypatch):
    existing = tmp_path / "已有.db"
    existing.write_bytes(b"")
    monkeypatch.setattr(demo_window.ctx, "ask_save_path", lambda *args: str(existing))
    demo_window.new_database()
    assert demo_window.isVisible() and demo_window.next_database is None  # never overwrite a file
    fresh = tmp_path / "新支部.db"
    monkeypatch.setattr(demo_window.ctx, "ask_save_path", lambda *args: str(fresh))
    demo_window.new_database()
    assert demo_window.next_database == str(fresh)
    assert not demo_window.isVisible()


def test_run_gui_reopens_on_the_file_the_clerk_chose(tmp_path, monkeypatch, app):
    from app.ui import app as app_module

    opened = []

    class FakeWindow:
        def __init__(self, store, actor):
            opened.append(store.path.name)
            self.next_database = str(tmp_path / "second.db") if len(opened) == 1 else None
            self.ctx = type("Ctx", (), {"jobs": type("Jobs", (), {"wait": staticmethod(lambda: True)})()})()

        def show(self):
            pass

        def start_first_run(self):
            pass

    monkeypatch.setattr(app_module, "MainWindow", FakeWindow)
    monkeypatch.setattr(app_module, "sign_in", lambda store, jobs, operator: object())  # the log-in is tested on its own
    monkeypatch.setattr(app_module, "install_error_hook", lambda window: None)
    monkeypatch.setattr(type(app), "exec", lambda self: 0)
    assert app_module.run_gui(str(tmp_path / "first.db")) == 0
    assert opened == ["first.db", "second.db"]


def test_a_rewritten_ledger_is_told_when_the_window_opens(demo_store, make_window):
    """The weekly chain check runs as the window opens; a row changed behind the program's back
    (triggers dropped, one entry multiplied by ten, triggers put back) is shown in one sentence."""
    behind_the_programs_back(demo_store.path, "UPDATE points_entries SET points = points * 10 WHERE chain_seq = 5")
    window = make_window(demo_store)
    warning = window.chain_warning
    assert warning is not None and warning.isVisible()
    assert "积分台账第 5 条" in warning.message and "请不要再录入" in warning.message


def test_a_sound_ledger_opens_without_a_warning(demo_window):
    assert demo_window.chain_check_started and demo_window.chain_warning is None


def test_the_pages_are_answered_between_the_weekly_check_s_steps(demo_store, app, qtbot, monkeypatch):
    """On a county's file the check takes minutes: it goes to the database worker a short step at
    a time, so a page's question asked meanwhile waits for one step, not for the whole check."""
    monkeypatch.setattr(chain_scan, "BATCH", 16)
    monkeypatch.setattr(watch, "STEP_SECONDS", 0)
    window = MainWindow(demo_store, keyed_admin(demo_store), today=TODAY, jobs=JobRunner())
    qtbot.addWidget(window)
    events, checked = [], window._chain_stepped

    def stepped(run, known: bool) -> None:
        if not events:  # the page asks while the check is under way
            window.ctx.read(lambda _control: None, lambda _answer: events.append("page answered"))
        events.append("verdict known" if known else "step done")
        checked(run, known)

    window._chain_stepped = stepped
    window.show()
    qtbot.waitUntil(lambda: "verdict known" in events and window.ctx.jobs.idle, timeout=60_000)
    assert events[:3] == ["step done", "page answered", "step done"]
    assert events.count("step done") > 10 and events[-1] == "verdict known"
    assert window.chain_warning is None and not watch.chain_check_due(demo_store, TODAY)
    window.ctx.jobs.wait()


def test_closing_the_window_halfway_through_the_check_stops_it(demo_store, app, qtbot, monkeypatch):
    """The status bar shows how far the check is; closing the window asks for no further step,
    and the check, not done, is due again next time."""
    monkeypatch.setattr(chain_scan, "BATCH", 16)
    monkeypatch.setattr(watch, "STEP_SECONDS", 0)
    window = MainWindow(demo_store, keyed_admin(demo_store), today=TODAY, jobs=JobRunner())
    qtbot.addWidget(window)
    steps, shown, checked = [], [], window._chain_stepped

    def stepped(run, known: bool) -> None:
        steps.append(known)
        if len(steps) == 3:
            shown.append(window.chain_check_label.text() if window.chain_check_label.isVisible() else "")
            window.close()
        checked(run, known)

    window._chain_stepped = stepped
    window.show()
    qtbot.waitUntil(lambda: len(steps) >= 3 and window.ctx.jobs.idle, timeout=60_000)
    qtbot.wait(300)
    assert steps == [False, False, False] and not window.chain_check_label.isVisibleTo(window)
    assert shown[0].startswith("台账防篡改检查 ") and shown[0].endswith("%")
    assert watch.chain_check_due(demo_store, TODAY)


def test_a_second_window_on_the_same_database_says_so(demo_store, make_window, monkeypatch):
    told = []
    first = make_window(demo_store)
    assert first.window_claim is not None
    monkeypatch.setattr(type(first.ctx), "inform", lambda self, parent, title, text: told.append((title, text)))
    other = make_window(demo_store)
    assert other.window_claim is None
    assert told and told[0][0] == "数据库已在别的窗口中打开" and "本机另一个窗口（进程" in told[0][1]
    assert "最好先关掉其中一个" in other.statusBar().currentMessage()
    first.close()
    assert not first.window_claim.held
    third = make_window(demo_store)  # the first window's hold went with it
    assert third.window_claim is not None and third.window_claim.held


def test_about_names_the_database_once(demo_window, monkeypatch):
    told = []
    monkeypatch.setattr(demo_window.ctx, "inform", lambda _parent, title, text: told.append((title, text)))
    demo_window._about()
    title, text = told[0]
    database = str(demo_window.ctx.store.path)
    assert title == "关于" and text.count(database) == 1 and f"数据库文件：{database}" in text
    assert "离线软件，数据只保存在本机。" in text
