"""会议记录: the month's meetings listed, one opened with its attendance and entries, corrected
by a reviewer with a reason, and its papers printed through the preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate

from app.domain.enums import Attendance, EntryStatus, MeetingKind, Role
from app.services.accounts import operators
from app.services.ledger import entries as ledger
from app.services.ledger.queries import EntryFilter, list_entries
from app.ui.dialogs import print_preview
from tests.ui.test_entry_page import people  # noqa: F401  (the fixture)

pytestmark = pytest.mark.gui


@pytest.fixture
def meeting(store, admin, people):  # noqa: F811
    attendance = {member_id: Attendance.PRESENT for member_id in people.values()}
    attendance[people["王五"]] = Attendance.ABSENT
    attendance[people["李四"]] = Attendance.LATE
    result = ledger.record_meeting(store, admin, MeetingKind.THEME_DAY, "11月主题党日", date(2026, 11, 5), attendance,
                                   location="村党群服务中心", today=date(2026, 11, 25), approve=True)
    return result.meeting_id


@pytest.fixture
def opened(store, meeting, make_window):
    page = make_window(store).show_page("entry")
    page.tabs.setCurrentWidget(page.meetings)
    tab = page.meetings
    tab.month_edit.setDate(QDate(2026, 11, 1))
    tab.list_table.selectRow(0)
    return tab


def _texts(model, column):
    return [model.item(row, column).text() for row in range(model.rowCount())]


def test_the_month_lists_its_meetings_with_their_counts(opened):
    tab = opened
    assert tab.list_model.rowCount() == 1
    row = [tab.list_model.item(0, c).text() for c in range(tab.list_model.columnCount())]
    assert row[:3] == ["11-05", "主题党日", "全体党员"]
    assert row[3:7] == ["2", "0", "1", "1"]  # present, excused, absent, late
    tab.month_edit.setDate(QDate(2026, 10, 1))
    assert tab.list_model.rowCount() == 0 and "还没有登记会议" in tab.list_hint.text()


def test_opening_a_meeting_shows_each_member_with_the_entries(opened):
    tab = opened
    assert "11月主题党日" in tab.heading.text() and "缺席 1 人" in tab.counts_label.text()
    names = _texts(tab.detail_model, 0)
    assert sorted(names) == ["张三", "李四", "王五", "赵老六"]
    by_name = dict(zip(names, zip(_texts(tab.detail_model, 2), _texts(tab.detail_model, 3), _texts(tab.detail_model, 4))))
    assert by_name["王五"] == ("缺席", "J03 -2 分", "-2")
    assert by_name["李四"] == ("迟到/早退", "J02 -0.5 分", "-0.5")
    assert by_name["张三"][1] == "R01 2 分"
    assert by_name["赵老六"] == ("出席（免考核）", "", "0")


def test_a_reviewer_corrects_one_members_attendance_with_a_reason(opened, store):
    tab = opened
    assert tab.select_member("王五")
    tab.status_box.set_current(Attendance.EXCUSED)
    tab.correct_button.click()
    assert "必须写明原因" in tab.problem.text()
    tab.reason_edit.setText("补交请假条")
    tab.correct_button.click()
    assert not tab.problem.isVisible(), tab.problem.text()
    names = _texts(tab.detail_model, 0)
    line = names.index("王五")
    assert tab.detail_model.item(line, 2).text() == "请假"
    assert "冲正" in tab.detail_model.item(line, 3).text() and tab.detail_model.item(line, 4).text() == "0"
    assert "缺席改为请假（补交请假条）" in tab.detail_model.item(line, 5).text()
    assert [tab.list_model.item(0, c).text() for c in (4, 5, 7)] == ["1", "0", "1"]
    points = [e.points for e in list_entries(store, EntryFilter(item_code="J03", month=None, year=2026))]
    assert sorted(points) == [Decimal("-2.00"), Decimal("2.00")]


def test_a_clerk_sees_why_he_cannot_correct(store, admin, meeting, make_window):
    clerk = operators.add_operator(store, admin, "clerk1", "王会计", Role.CLERK)
    page = make_window(store, actor=clerk).show_page("entry")
    tab = page.meetings
    assert not tab.correct_button.isVisibleTo(tab) and not tab.reason_edit.isVisibleTo(tab)
    assert tab.correction_refusal.isVisibleTo(tab) and "审核人" in tab.correction_refusal.text()


def test_the_papers_print_through_the_preview(opened, monkeypatch):
    tab = opened
    shown = []
    monkeypatch.setattr(print_preview, "open_print_preview", lambda parent, pdf, title, name: shown.append((title, pdf[:5])))
    tab.signin_button.click()
    tab.record_button.click()
    assert shown == [("签到表 11月主题党日", b"%PDF-"), ("会议记录 11月主题党日", b"%PDF-")]


def test_the_signin_sheet_prints_before_the_meeting(store, people, make_window, monkeypatch):  # noqa: F811
    page = make_window(store).show_page("entry")
    tab = page.meeting
    shown = []
    monkeypatch.setattr(print_preview, "open_print_preview", lambda parent, pdf, title, name: shown.append((title, pdf[:5])))
    tab.kind_box.set_current(MeetingKind.GROUP_MEETING)
    tab.date_edit.setDate(QDate(2026, 11, 28))
    tab.signin_button.click()
    assert shown == [("签到表 11月党小组会", b"%PDF-")]


def test_a_clerk_takes_back_his_own_entry_and_a_viewer_still_sees_the_meetings(store, admin, meeting, make_window):
    clerk = operators.add_operator(store, admin, "clerk1", "王会计", Role.CLERK)
    page = make_window(store, actor=clerk).show_page("entry")
    single = page.single
    single.picker.search.setText("zs")
    single.fields.date_edit.setDate(QDate(2026, 11, 20))
    single.fields.item_box.select_code("B02")
    assert "保存后等待审核" in single.preview_label.text()
    single.save_button.click()
    single.undo_button.click()
    [entry] = [e for e in list_entries(store, EntryFilter(item_code="B02")) if e.member_name == "张三"]
    assert entry.status is EntryStatus.REJECTED and entry.review_note == "录入错误"

    viewer = operators.add_operator(store, admin, "look", "李主任", Role.VIEWER)
    page = make_window(store, actor=viewer).show_page("entry")
    assert page.tabs.currentWidget() is page.meetings and page.meetings.isEnabled()
    assert not page.single.isEnabled() and not page.meeting.isEnabled()
    page.meetings.month_edit.setDate(QDate(2026, 11, 1))
    assert page.meetings.list_model.rowCount() == 1


@pytest.fixture
def short_list(store, admin, people):  # noqa: F811
    """The meeting saved with 李四 taken off its list (移出名单) by mistake, and 王五 left off too."""
    attendance = {people["张三"]: Attendance.PRESENT, people["赵老六"]: Attendance.PRESENT}
    return ledger.record_meeting(store, admin, MeetingKind.THEME_DAY, "11月主题党日", date(2026, 11, 5), attendance,
                                 today=date(2026, 11, 25), approve=True).meeting_id


def test_a_reviewer_adds_a_member_left_off_the_list(store, short_list, make_window):
    page = make_window(store).show_page("entry")
    page.tabs.setCurrentWidget(page.meetings)
    tab = page.meetings
    tab.month_edit.setDate(QDate(2026, 11, 1))
    tab.list_table.selectRow(0)
    assert tab.add_button.isVisibleTo(tab) and tab.add_button.isEnabled()
    tab.add_button.click()
    dialog = tab.active_dialog
    assert dialog.isVisible() and dialog.windowTitle() == "补登考勤" and "11月主题党日" in dialog.heading.text()
    assert dialog.choices() == ["李四（第一党小组）", "王五（第二党小组）"]  # on the roll, not listed
    assert dialog.select_member("李四")
    dialog.status_box.set_current(Attendance.ABSENT)
    dialog.ok_button.click()
    assert "必须写明原因" in dialog.problem.text() and dialog.isVisible()
    dialog.reason_edit.setText("移出名单时误删")
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.problem.text()
    assert tab.done_label.text() == "已把李四补登到“11月主题党日”的考勤名单（缺席），记 -2 分。"
    names = _texts(tab.detail_model, 0)
    line = names.index("李四")
    assert [tab.detail_model.item(line, c).text() for c in (2, 3, 4, 5)] == ["缺席", "J03 -2 分", "-2", "补登为缺席（移出名单时误删）"]
    assert "缺席 1 人" in tab.counts_label.text()
    assert [tab.list_model.item(0, c).text() for c in (3, 5, 7)] == ["2", "1", "1"]  # present, absent, 更正
    tab.add_button.click()
    assert tab.active_dialog.choices() == ["王五（第二党小组）"]
    tab.active_dialog.reject()
    [entry] = [e for e in list_entries(store, EntryFilter(item_code="J03", year=2026)) if e.member_name == "李四"]
    assert entry.points == Decimal("-2.00") and entry.status is EntryStatus.APPROVED


def test_a_clerk_is_not_offered_the_addition(store, admin, short_list, make_window):
    clerk = operators.add_operator(store, admin, "clerk1", "王会计", Role.CLERK)
    tab = make_window(store, actor=clerk).show_page("entry").meetings
    assert not tab.add_button.isVisibleTo(tab)
