"""A clerk's first day, through the real widgets: set up, roster, import, a meeting, review, reversal, ranking."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook
from PySide6.QtCore import QDate

from app.domain.enums import Attendance, EntryStatus, MeetingKind
from app.services.ledger.queries import EntryFilter, list_entries
from app.services.roster.excel import COLUMNS

pytestmark = pytest.mark.gui


def _sheet(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(title) for title in COLUMNS])
    book.save(path)
    return str(path)


def _ranking(page):
    return {page.model.row_at(r).name: page.model.row_at(r) for r in range(page.model.rowCount())}


def test_a_clerks_first_day(store, admin, make_window, tmp_path, monkeypatch):
    window = make_window(store)
    status = window.statusBar().currentMessage

    # 1. the first-run wizard
    wizard = window.start_first_run()
    wizard.next()
    wizard.township_edit.setText("城关镇党委")
    wizard.branch_edit.setText("向阳村党支部")
    wizard.groups_edit.setPlainText("第一党小组\n第二党小组")
    wizard.next()
    wizard.accept()
    assert window.current_page() is window.pages["members"]

    # 2. add a member by hand
    members_page = window.pages["members"]
    dialog = members_page.add_member()
    dialog.name_edit.setText("张三")
    dialog.id_edit.setText("11010519491231002X")
    dialog.join_edit.setText("1975-07-01")
    dialog.group_box.setCurrentIndex(1)
    dialog.save_button.click()
    assert not dialog.isVisible() and members_page.model.total == 1

    # 3. an Excel sheet with one bad row imports nothing; corrected, it imports all
    rows = [
        {"姓名": "李四", "党员类别": "无职党员", "党小组": "第一党小组", "入党日期": "1990/7/1"},
        {"姓名": "王五", "党员类别": "在职党员", "党小组": "第二党小组", "入党日期": "2001年7月1日"},
        {"姓名": "赵六", "党员类别": "无职党员", "党小组": "第二党小组", "联系电话": "12345"},
    ]
    monkeypatch.setattr(window.ctx, "ask_open_path", lambda *a: _sheet(tmp_path / "bad.xlsx", rows))
    members_page.import_button.click()
    preview = members_page.files.import_dialog
    assert [p.row for p in preview.preview.refused] == [4] and "电话" in preview.preview.refused[0].problem
    assert not preview.import_button.isEnabled()  # 全部无误才导入
    preview.cancel_button.click()
    assert members_page.model.total == 1
    rows[2]["联系电话"] = "13900139000"
    monkeypatch.setattr(window.ctx, "ask_open_path", lambda *a: _sheet(tmp_path / "good.xlsx", rows))
    members_page.import_button.click()
    members_page.files.import_dialog.import_button.click()
    assert members_page.model.total == 4

    # 4. a theme day with mixed attendance
    entry_page = window.show_page("entry")
    meeting = entry_page.meeting
    entry_page.tabs.setCurrentWidget(meeting)
    meeting.kind_box.set_current(MeetingKind.THEME_DAY)
    meeting.date_edit.setDate(QDate(2026, 11, 5))
    assert meeting.model.rowCount() == 4
    meeting.model.set_status_of("李四", Attendance.ABSENT)
    meeting.model.set_status_of("王五", Attendance.LATE)
    meeting.model.set_status_of("赵六", Attendance.EXCUSED)
    meeting.save_button.click()
    assert "生成积分记录 3 条" in status()  # 张三 present R01 +2, 李四 absent J03 −2, 王五 late J02 −0.5

    # 5. a duty rating for 张三, entered as a single entry
    single = entry_page.single
    entry_page.tabs.setCurrentWidget(single)
    single.picker.search.setText("zs")
    single.fields.date_edit.setDate(QDate(2026, 11, 20))
    single.fields.item_box.select_code("R02")
    single.fields.points_spin.setValue(4)
    single.save_button.click()
    assert "已记 4 分" in status()

    # the month's ranking counts nothing until it is reviewed
    totals_page = window.show_page("totals")
    totals_page.set_period("month", 11)
    ranking = _ranking(totals_page)
    assert {row.period_points for row in ranking.values()} == {Decimal("0")}

    # 6. the reviewer approves everything waiting
    ledger_page = window.show_page("ledger")
    review = ledger_page.review
    ledger_page.tabs.setCurrentWidget(review)
    assert review.model.rowCount() == 4
    review.table.selectAll()
    review.approve_button.click()
    assert review.model.rowCount() == 0

    totals_page = window.show_page("totals")
    ranking = _ranking(totals_page)
    assert ranking["张三"].period_points == Decimal("6") and ranking["张三"].rank == 1  # R01 2 + R02 4
    assert ranking["李四"].period_points == Decimal("-2") and ranking["李四"].rank == 4
    assert ranking["王五"].period_points == Decimal("-0.5")

    # 7. 李四 was absent by mistake: reverse his entry with a reason
    ledger_page = window.show_page("ledger")
    ledger_page.tabs.setCurrentIndex(0)
    ledger_page.search.setText("ls")
    assert ledger_page.model.rowCount() == 1
    ledger_page.table.selectRow(0)
    reason = ledger_page.reverse_selected()
    reason.reason_edit.setText("实际已请假，考勤登记错误")
    reason.ok_button.click()
    rows_shown = [ledger_page.model.row_at(r) for r in range(ledger_page.model.rowCount())]
    assert [r.points for r in rows_shown] == [Decimal("-2.00"), Decimal("2.00")]
    assert rows_shown[1].reverses_id == rows_shown[0].id

    # and the ranking follows
    totals_page = window.show_page("totals")
    ranking = _ranking(totals_page)
    assert ranking["李四"].period_points == Decimal("0")
    assert ranking["李四"].rank == 2 and ranking["王五"].rank == 4
    approved = list_entries(store, EntryFilter(status=EntryStatus.APPROVED))
    assert len(approved) == 5
