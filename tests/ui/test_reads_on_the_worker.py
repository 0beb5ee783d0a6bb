"""Every service call the window makes runs on the one database worker, never on the UI thread.

The window runs with the real, threaded JobRunner, and the store refuses to open a session (or
to check a connection out of its pool) on the UI thread. Each page is then driven through what
a clerk does — open it, search, filter, pick, type, select, scroll further, write — waiting for
the worker with qtbot.waitUntil. A page that calls a service directly fails here, and the test
says where it did so.
"""

from __future__ import annotations

import threading
import traceback

import pytest
from PySide6.QtCore import QDate, QModelIndex
from sqlalchemy import event

from app.domain.enums import EntryStatus
from app.ui.jobs import JobRunner
from app.ui.main_window import MainWindow
from app.ui.models import roster_model
from conftest import TODAY, keyed_admin

pytestmark = pytest.mark.gui

WAIT = 20000


class UiThreadGuard:
    """Installed on a store: opening a session or a connection on the UI thread is recorded and refused."""

    def __init__(self, store, monkeypatch) -> None:
        self.seen: list[str] = []
        self.engine = store.engine
        monkeypatch.setattr(store, "session", self._guarded(store.session, "store.session()"))
        monkeypatch.setattr(store, "write_session", self._guarded(store.write_session, "store.write_session()"))
        event.listen(self.engine, "checkout", self._checkout)

    def _refuse_on_ui_thread(self, what: str) -> None:
        if threading.current_thread() is threading.main_thread():
            ours = [frame for frame in traceback.extract_stack()[:-2] if "/app/" in frame.filename.replace("\\", "/")]
            self.seen.append(what + " on the UI thread, from:\n" + "".join(traceback.format_list(ours)))
            raise AssertionError(f"{what} on the UI thread")

    def _guarded(self, open_session, what: str):
        def opened():
            self._refuse_on_ui_thread(what)
            return open_session()
        return opened

    def _checkout(self, *_args) -> None:
        self._refuse_on_ui_thread("a connection checked out")

    def remove(self) -> None:
        event.remove(self.engine, "checkout", self._checkout)


@pytest.fixture
def guard(demo_store, monkeypatch):
    admin = keyed_admin(demo_store)  # the test's own set-up, before the guard
    guard = UiThreadGuard(demo_store, monkeypatch)
    guard.admin = admin
    yield guard
    guard.remove()


@pytest.fixture
def window(app, qtbot, demo_store, guard, monkeypatch):
    monkeypatch.setattr(roster_model, "PAGE_SIZE", 5)  # so the demo's 35 members take several pages
    made = MainWindow(demo_store, guard.admin, today=TODAY, jobs=JobRunner())
    made.guard = guard
    qtbot.addWidget(made)
    made.show()
    made.resize(1366, 768)
    qtbot.waitUntil(lambda: made.has_branch, timeout=WAIT)  # the branch, too, is read on the worker
    yield made
    made.ctx.jobs.wait()


def _settled(qtbot, window) -> None:
    """Every question asked has been answered and shown (an answer may ask the next question),
    and none was asked on the UI thread."""
    qtbot.waitUntil(lambda: window.ctx.jobs.idle, timeout=WAIT)
    _no_ui_thread_calls(window.guard)


def _no_ui_thread_calls(guard) -> None:
    assert guard.seen == [], "\n\n".join(guard.seen)


def test_a_group_box_filled_from_the_worker_shows_its_longest_choice_whole(qtbot, window):
    """The 党小组 box is filled after the page was first shown; sized once while still empty, as
    Qt's default does, the roster's box read “全部党小”."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    window.setWindowState(Qt.WindowState.WindowNoState)  # the laptop's width, not the offscreen 800
    window.setMaximumSize(QSize(1366, 768))
    window.resize(1366, 768)
    box = window.show_page("members").group_box
    _settled(qtbot, window)
    longest = max((box.itemText(index) for index in range(box.count())), key=box.fontMetrics().horizontalAdvance)
    assert box.count() > 1
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    text = QSize(box.fontMetrics().horizontalAdvance(longest), box.fontMetrics().height())
    needed = box.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, box).width()
    qtbot.waitUntil(lambda: box.width() >= needed, timeout=WAIT)


def test_the_members_page_asks_on_the_worker(qtbot, window, guard):
    page = window.show_page("members")
    _settled(qtbot, window)
    assert page.model.rowCount() >= 5 and page.model.total == 35
    qtbot.waitUntil(lambda: page.model.canFetchMore(QModelIndex()), timeout=WAIT)
    page.model.fetchMore(QModelIndex())  # scrolling on
    assert not page.model.canFetchMore(QModelIndex())  # while the next page is on its way: asked once

    def scrolled_to_the_end() -> bool:
        if page.model.canFetchMore(QModelIndex()):
            page.model.fetchMore(QModelIndex())
        return page.model.rowCount() == 35

    qtbot.waitUntil(scrolled_to_the_end, timeout=WAIT)
    _settled(qtbot, window)
    page.table.selectRow(3)
    chosen = page.selected_member()
    page.search.setText("z")
    page.search.setText("")  # two keystrokes: only the last answer is shown
    page.class_box.setCurrentIndex(0)
    page.count_matches()
    _settled(qtbot, window)
    assert page.model.total == 35 and page.selected_member().id == chosen.id
    dialog = page.edit_member()  # the form asks for the member, his history and the groups
    _settled(qtbot, window)
    assert dialog.name_edit.text() == chosen.name and dialog.save_button.isEnabled()
    dialog.reject()
    _no_ui_thread_calls(guard)


def test_the_rules_page_asks_on_the_worker_and_keeps_the_item_just_saved(qtbot, window, guard):
    page = window.show_page("rules")
    _settled(qtbot, window)
    assert page.model.rowCount() > 0 and page.year == TODAY.year
    page.select_code("J03")
    page.toggle_active()  # a write: the page is read again, then J03 is selected again
    _settled(qtbot, window)
    assert page.selected_item().code == "J03" and not page.selected_item().active
    page.year_box.setCurrentIndex(page.year_box.findData(TODAY.year + 1))
    _settled(qtbot, window)
    assert page.view is None and page.model.rowCount() == 0
    _no_ui_thread_calls(guard)


def test_the_entry_page_previews_and_picks_on_the_worker(qtbot, window, guard):
    page = window.show_page("entry")
    _settled(qtbot, window)
    single = page.single
    single.picker.search.setText("z")
    _settled(qtbot, window)
    assert 0 < single.picker.list.count() < 35
    single.picker.list.setCurrentRow(0)
    single.fields.item_box.select_code("B01")
    single.fields.note_edit.setText("volunteer")  # each keystroke asks for the preview again
    _settled(qtbot, window)
    assert "本次记" in single.preview_label.text() and single.save_button.isEnabled()
    single.fields.date_edit.setDate(QDate(TODAY.year + 1, 1, 5))  # another year: its (missing) items
    _settled(qtbot, window)
    assert single.fields.item_box.current_item() is None and not single.save_button.isEnabled()

    page.tabs.setCurrentWidget(page.batch)
    page.batch.picker.check_all(True)
    page.batch.picker.group_box.setCurrentIndex(1)
    _settled(qtbot, window)
    assert page.batch.picker.list.count() > 0

    page.tabs.setCurrentWidget(page.meeting)
    page.meeting.group_box.setCurrentIndex(1)
    page.meeting.date_edit.setDate(QDate(TODAY.year, TODAY.month, 2))
    _settled(qtbot, window)
    assert page.meeting.model.rowCount() > 0 and page.meeting.rule_set is not None
    _no_ui_thread_calls(guard)


def test_the_ledger_page_asks_on_the_worker_and_keeps_the_entry_just_reversed(qtbot, window, guard):
    page = window.show_page("ledger")
    _settled(qtbot, window)
    assert page.model.rowCount() > 0 and page.review.model.rowCount() > 0
    page.search.setText("z")
    page.month_box.setCurrentIndex(TODAY.month)
    page.year_spin.setValue(TODAY.year - 1)
    page.year_spin.setValue(TODAY.year)
    page.search.setText("")
    page.month_box.setCurrentIndex(0)
    page.status_box.set_current(EntryStatus.APPROVED)
    _settled(qtbot, window)
    assert page.model.rowCount() > 0
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).reversed_by_id is None)
    entry = page.model.row_at(row)
    page.table.selectRow(row)
    dialog = page.reverse_selected()
    dialog.reason_edit.setText("wrong member")
    dialog.ok_button.click()
    _settled(qtbot, window)
    assert not dialog.isVisible()
    assert page.selected_entry().id == entry.id and page.selected_entry().reversed_by_id is not None
    _no_ui_thread_calls(guard)


def test_the_totals_page_and_the_member_detail_ask_on_the_worker(qtbot, window, guard):
    page = window.show_page("totals")
    _settled(qtbot, window)
    assert page.model.rowCount() > 0
    page.table.selectRow(0)
    _settled(qtbot, window)
    assert page.detail.month_model.rowCount() == 2 and "年度累计" in page.detail.summary.text()
    page.set_period("month", TODAY.month)
    page.near_edge_check.setChecked(True)
    _settled(qtbot, window)
    assert page.kind_box.currentData() == "year"
    _no_ui_thread_calls(guard)


def test_the_rating_page_asks_on_the_worker(qtbot, window, guard):
    page = window.show_page("rating")
    _settled(qtbot, window)
    if page.view is None:
        assert page.start_panel.start_button.isEnabled()
        page.start_panel.start_button.click()  # a write; the page reads the new round
        _settled(qtbot, window)
    assert page.view is not None and page.model.rowCount() > 0
    page.table.selectRow(2)
    _settled(qtbot, window)
    assert page.tabs.member_label.text().startswith(page.selected_candidate().name)
    page.year_spin.setValue(TODAY.year - 1)
    _settled(qtbot, window)
    assert page.view is None and page.stack.currentIndex() == 0
    _no_ui_thread_calls(guard)
