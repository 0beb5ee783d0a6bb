"""Screenshots of the entry page's tabs at 1366×768 (looked at by a person; kept in /tmp)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QSize, Qt

from app.domain.enums import Attendance, MeetingKind
from tests.ui.test_entry_meetings import meeting  # noqa: F401  (the fixtures)
from tests.ui.test_entry_page import people  # noqa: F401

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ.get("ENTRY_SHOTS", "/tmp/entry_shots"))


def _shot(window, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert window.grab().save(str(path))
    return path


def _laptop_window(make_window, store, size, actor=None):
    """The window at a laptop's size (the offscreen screen is 800×800, where it would open maximised)."""
    window = make_window(store, actor=actor, shown=False)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.setMaximumSize(size)
    window.resize(size)
    window.show()
    return window


def test_screens_at_1366x768(store, meeting, make_window, qtbot):  # noqa: F811
    window = _laptop_window(make_window, store, QSize(1366, 768))
    page = window.show_page("entry")
    single = page.single
    single.picker.search.setText("zs")
    single.fields.date_edit.setDate(QDate(2026, 11, 20))
    single.fields.item_box.select_code("B04")
    _shot(window, "single_range_empty")
    single.fields.points_spin.setValue(3)
    single.fields.note_edit.setText("村道硬化项目")
    _shot(window, "single_preview")
    single.save_button.click()
    _shot(window, "single_saved")

    page.tabs.setCurrentWidget(page.meeting)
    page.meeting.kind_box.set_current(MeetingKind.GROUP_MEETING)
    _shot(window, "meeting")

    page.tabs.setCurrentWidget(page.meetings)
    tab = page.meetings
    tab.month_edit.setDate(QDate(2026, 11, 1))
    tab.list_table.selectRow(0)
    tab.select_member("王五")
    tab.status_box.set_current(Attendance.EXCUSED)
    tab.reason_edit.setText("补交请假条")
    tab.correct_button.click()
    _shot(window, "meetings")
    assert all((SHOTS / f"{n}.png").stat().st_size > 0 for n in ("single_preview", "single_saved", "meeting", "meetings"))


def test_the_meetings_as_a_clerk_sees_them(store, admin, meeting, make_window):  # noqa: F811
    from app.domain.enums import Role
    from app.services.accounts import operators

    clerk = operators.add_operator(store, admin, "clerk1", "王会计", Role.CLERK)
    window = _laptop_window(make_window, store, QSize(1366, 768), actor=clerk)
    page = window.show_page("entry")
    page.tabs.setCurrentWidget(page.meetings)
    page.meetings.month_edit.setDate(QDate(2026, 11, 1))
    page.meetings.list_table.selectRow(0)
    assert _shot(window, "meetings_clerk").stat().st_size > 0


@pytest.mark.parametrize("size", ["1366x768", "1280x720"])
def test_nothing_is_cut_on_the_entry_tabs(store, meeting, make_window, size):  # noqa: F811
    from tests.ui.screen_check import LAPTOPS, cut_off, settle, usable

    window = _laptop_window(make_window, store, usable(LAPTOPS[size]))
    settle()
    assert window.size() == usable(LAPTOPS[size])
    page = window.show_page("entry")
    page.single.picker.search.setText("zs")
    page.single.fields.date_edit.setDate(QDate(2026, 11, 20))
    page.single.fields.item_box.select_code("B02")
    page.single.save_button.click()
    page.meetings.month_edit.setDate(QDate(2026, 11, 1))
    page.meetings.list_table.selectRow(0)
    problems = {}
    for number, tab in enumerate((page.single, page.meeting, page.meetings)):
        page.tabs.setCurrentWidget(tab)
        settle()
        _shot(window, f"entry-{number + 1}-{size}")
        found = [p for p in cut_off(window) if "TabBar" not in p]
        if found:
            problems[type(tab).__name__] = found
    assert problems == {}
