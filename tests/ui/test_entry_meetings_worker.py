"""The meetings view and the single entry's 撤销 ask and write on the worker, never on the UI thread."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate

from app.domain.enums import Attendance, MeetingKind
from app.ui.dialogs import print_preview
from conftest import TODAY
from tests.ui.test_reads_on_the_worker import WAIT, _no_ui_thread_calls, _settled, guard, window  # noqa: F401

pytestmark = pytest.mark.gui


def test_meetings_are_listed_opened_corrected_and_printed_on_the_worker(qtbot, window, guard, monkeypatch):  # noqa: F811
    shown = []
    monkeypatch.setattr(print_preview, "open_print_preview", lambda parent, pdf, title, name: shown.append(title))
    page = window.show_page("entry")
    _settled(qtbot, window)
    meeting = page.meeting
    page.tabs.setCurrentWidget(meeting)
    meeting.kind_box.set_current(MeetingKind.PARTY_LECTURE)
    meeting.date_edit.setDate(QDate(TODAY.year, TODAY.month, 2))
    _settled(qtbot, window)
    meeting.signin_button.click()
    _settled(qtbot, window)
    meeting.model.set_status(list(range(meeting.model.rowCount())), Attendance.PRESENT)
    meeting.model.set_status([0], Attendance.ABSENT)
    absent = meeting.model.rows()[0].name
    meeting.save_button.click()
    _settled(qtbot, window)
    assert not meeting.problem.isVisible(), meeting.problem.text()

    tab = page.meetings
    page.tabs.setCurrentWidget(tab)
    tab.month_edit.setDate(QDate(TODAY.year, TODAY.month, 1))
    _settled(qtbot, window)
    assert tab.list_model.rowCount() >= 1
    ours = [r for r in range(tab.list_model.rowCount())
            if (tab.list_model.item(r, 0).text(), tab.list_model.item(r, 1).text()) == (f"{TODAY.month:02d}-02", "党课")]
    tab.list_table.selectRow(ours[-1])
    _settled(qtbot, window)
    assert tab.detail is not None and tab.select_member(absent)
    tab.status_box.set_current(Attendance.EXCUSED)
    tab.reason_edit.setText("补交请假条")
    tab.correct_button.click()
    _settled(qtbot, window)
    assert not tab.problem.isVisible(), tab.problem.text()
    assert "改为请假" in tab.done_label.text()
    tab.record_button.click()
    _settled(qtbot, window)
    assert len(shown) == 2 and shown[1].startswith("会议记录")
    _no_ui_thread_calls(guard)


def test_undo_after_a_single_entry_runs_on_the_worker(qtbot, window, guard):  # noqa: F811
    page = window.show_page("entry")
    _settled(qtbot, window)
    single = page.single
    single.picker.search.setText("a")
    _settled(qtbot, window)
    single.picker.list.setCurrentRow(0)
    single.fields.item_box.select_code("B02")
    _settled(qtbot, window)
    assert single.save_button.isEnabled(), single.preview_label.text()
    single.save_button.click()
    _settled(qtbot, window)
    assert single.saved_box.isVisible()
    single.undo_button.click()
    _settled(qtbot, window)
    assert "已撤销" in single.saved_label.text()
    _no_ui_thread_calls(guard)
