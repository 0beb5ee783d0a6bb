"""The roster page as a clerk uses it: search by pinyin, filters, add and edit, transfers, Excel."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.enums import MemberStatus
from app.services.roster import members
from app.services.roster.excel import COLUMNS
from conftest import add

pytestmark = pytest.mark.gui

VALID_ID = "11010519491231002X"


@pytest.fixture
def page(demo_window):
    return demo_window.show_page("members")


def _names(page):
    return [page.model.row_at(r).name for r in range(page.model.rowCount())]


def test_typing_pinyin_initials_finds_the_member(page, qtbot):
    assert page.model.total == 35
    page.search.setFocus()
    qtbot.keyClicks(page.search, "ly")  # ASCII only: keyClicks of Chinese would abort Qt's test library
    assert "李䶮" in _names(page)
    assert _names(page) == [row.name for row in members.list_members(page.ctx.store, members.MemberFilter(query="ly"))]
    assert page.count_label.text() == f"共 {page.model.total} 人"
    page.search.setText("䶮")
    assert _names(page) == ["李䶮"]
    page.search.clear()
    assert page.model.total == 35


def test_filters_by_group_class_and_status(page):
    page.group_box.setCurrentIndex(1)
    assert {page.model.row_at(r).group_name for r in range(page.model.rowCount())} == {"第一党小组"}
    page.group_box.setCurrentIndex(0)
    page.class_box.setCurrentIndex(page.class_box.findText("老弱病残党员"))
    assert page.model.total == 4
    page.class_box.setCurrentIndex(0)
    page.status_box.setCurrentIndex(1)  # 已转出
    assert page.model.total == 1
    row = page.model.row_at(0)
    assert row.status is MemberStatus.TRANSFERRED_OUT
    assert "已转出2026-06-30" in page.model.data(page.model.index(0, 8))


def test_sorting_by_a_column_is_done_by_the_database(page):
    page.table.horizontalHeader().setSortIndicator(7, Qt.SortOrder.DescendingOrder)  # 本年得分
    points = [page.model.row_at(r).year_points for r in range(page.model.rowCount())]
    assert points == sorted(points, reverse=True)
    assert page.model.query.sort == "year_points"


def test_adding_a_member_explains_mistakes_then_saves(page):
    dialog = page.add_member()
    assert dialog.isVisible() and page.active_dialog is dialog
    dialog.name_edit.setText("张三")
    dialog.id_edit.setText("110105194912310021")
    assert "校验位" in dialog.id_hint.text()
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "校验位" in dialog.problem.text()

    dialog.id_edit.setText(VALID_ID)
    assert "1949-12-31" in dialog.id_hint.text() and dialog.gender_box.currentText() == "女"
    dialog.phone_edit.setText("12345")
    dialog.save_button.click()
    assert "电话" in dialog.problem.text()
    dialog.phone_edit.setText("13800138000")
    dialog.join_edit.setText("1975年7月1日")
    dialog.full_date_edit.setText("1976/7/1")
    dialog.group_box.setCurrentIndex(2)
    dialog.save_button.click()
    assert not dialog.isVisible()

    assert page.model.total == 36
    assert "已登记党员张三" in page.ctx.parent().statusBar().currentMessage()
    page.search.setText("zs")
    row = next(page.model.row_at(r) for r in range(page.model.rowCount()) if page.model.row_at(r).name == "张三")
    assert row.group_name == "第二党小组" and row.join_date == date(1975, 7, 1)


def test_a_name_of_digits_is_refused_and_a_namesake_is_asked_about(page, monkeypatch):
    asked = []
    answer = {"yes": False}
    monkeypatch.setattr(page.ctx, "confirm", lambda _parent, _title, text: asked.append(text) or answer["yes"])
    dialog = page.add_member()
    dialog.name_edit.setText("12345")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.problem.text() == "“12345”不像姓名，请填写党员的姓名。"
    assert page.model.total == 35 and not asked

    dialog.name_edit.setText("李䶮")  # the demo's member of the first group, joined 1985
    dialog.save_button.click()
    assert asked == ["已有同名党员李䶮（第一党小组，1985 年入党），确实要再添加一位吗？"]
    assert dialog.isVisible() and "没有保存" in dialog.problem.text()
    page.refresh()
    assert page.model.total == 35

    answer["yes"] = True
    dialog.save_button.click()
    assert not dialog.isVisible() and len(asked) == 2
    page.refresh()
    assert page.model.total == 36


def test_renaming_to_a_namesake_is_asked_about(page, monkeypatch):
    asked = []
    monkeypatch.setattr(page.ctx, "confirm", lambda _parent, _title, text: asked.append(text) or False)
    assert page.select_member_named("曹卫")
    dialog = page.edit_member()
    dialog.name_edit.setText("李䶮")
    dialog.save_button.click()
    assert asked == ["已有同名党员李䶮（第一党小组，1985 年入党），确实要改用这个姓名吗？"]
    assert dialog.isVisible()
    assert {"曹卫", "李䶮"} <= set(_names(page)) and page.model.total == 35


def test_a_member_transferred_in_is_added_with_the_day_he_came(page):
    dialog = page.add_member()
    dialog.name_edit.setText("钱转来")
    dialog.join_edit.setText("1995-07-01")
    dialog.arrival_edit.setText("1994-01-01")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.problem.text() == "转入日期不能早于入党日期。"
    dialog.arrival_edit.setText("2026年7月1日")
    dialog.save_button.click()
    assert not dialog.isVisible()
    saved = members.find_member_by_name(page.ctx.store, "钱转来")
    assert saved.in_branch_since == date(2026, 7, 1) and saved.join_date == date(1995, 7, 1)


def test_a_transfer_in_date_typed_wrong_is_corrected_in_the_edit_form(page):
    store, admin = page.ctx.store, page.ctx.actor
    member_id = members.add_member(
        store, admin, members.MemberInput(name="钱转来", member_class=members.MemberClass.NO_POST, join_date=date(1995, 7, 1)),
        today=date(2026, 11, 23), joined_on=date(2026, 10, 1),  # meant 2026-01-10
    )
    page.refresh()
    assert page.select_member_named("钱转来")
    dialog = page.edit_member()
    assert dialog.arrival_edit.text() == "2026-10-01"
    dialog.arrival_edit.setText("2026-01-10")
    dialog.save_button.click()
    assert not dialog.isVisible(), dialog.problem.text()
    assert members.get_member(store, member_id).in_branch_since == date(2026, 1, 10)
    assert page.select_member_named("曹卫")  # here since he joined the party: the box is blank
    other = page.edit_member()
    assert other.arrival_edit.text() == ""
    other.reject()


def test_a_bad_date_is_named_in_plain_words(page):
    dialog = page.add_member()
    dialog.name_edit.setText("王五")
    dialog.join_edit.setText("去年七月")
    dialog.save_button.click()
    assert "入党日期“去年七月”看不懂" in dialog.problem.text()


def test_editing_keeps_what_the_form_does_not_touch(page):
    store, admin = page.ctx.store, page.ctx.actor
    page.search.setText("zs")
    member_id = add(store, admin, "赵善", full_member_date=date(2001, 7, 1), group_id=None)
    page.refresh()
    assert page.select_member_named("赵善")
    dialog = page.edit_member()
    assert dialog.full_date_edit.text() == "2001-07-01"
    dialog.post_edit.setText("环境监督岗")
    dialog.vanguard_check.setChecked(True)
    dialog.save_button.click()
    assert not dialog.isVisible()
    saved = members.get_member(store, member_id)
    assert saved.post_title == "环境监督岗" and saved.is_vanguard_post
    assert [e.kind for e in members.member_history(store, member_id)] == ["joined"]
    from app.services.roster.queries import member_input_for

    assert member_input_for(store, member_id).full_member_date == date(2001, 7, 1)


def test_transfer_out_then_back_in_keeps_the_history(page):
    page.table.selectRow(0)
    member = page.selected_member()
    assert page.transfer_out_button.isEnabled() and not page.transfer_in_button.isEnabled()
    dialog = page.change_status("transfer_out")
    dialog.ok_button.click()
    assert "转往的党组织" in dialog.problem.text()
    dialog.unit_edit.setText("广东省东莞市长安镇党委")
    dialog.reason_edit.setText("外出务工")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert page.model.total == 34

    page.status_box.setCurrentIndex(1)
    assert page.select_member_named(member.name)
    assert page.transfer_in_button.isEnabled() and not page.deceased_button.isEnabled()
    back = page.change_status("transfer_in")
    back.unit_edit.setText("广东省东莞市长安镇党委")
    back.ok_button.click()
    assert not back.isVisible()
    kinds = [e.kind for e in members.member_history(page.ctx.store, member.id)]
    assert kinds == ["joined", "transfer_out", "transfer_in"]


def test_marking_a_death(page):
    page.table.selectRow(1)
    member = page.selected_member()
    dialog = page.change_status("deceased")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert members.get_member(page.ctx.store, member.id).status is MemberStatus.DECEASED
    page.status_box.setCurrentIndex(2)
    assert [page.model.row_at(r).name for r in range(page.model.rowCount())] == [member.name]


def _sheet(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(title) for title in COLUMNS])
    book.save(path)
    return str(path)


def test_importing_a_sheet_with_bad_rows_lists_them_and_imports_nothing(page, tmp_path, monkeypatch):
    bad = _sheet(tmp_path / "名册.xlsx", [
        {"姓名": "新党员甲", "党员类别": "无职党员", "党小组": "第一党小组", "入党日期": "2001.07.01"},
        {"姓名": "新党员乙", "党员类别": "无职党员", "身份证号": "110105194912310021"},
        {"姓名": "新党员丙", "党员类别": "外星党员"},
    ])
    monkeypatch.setattr(page.ctx, "ask_open_path", lambda *args: bad)
    page.import_button.click()
    dialog = page.files.import_dialog
    assert dialog is not None and dialog.isVisible()
    assert [row.row for row in dialog.preview.refused] == [3, 4]
    assert "校验位" in dialog.row_detail(dialog.preview.refused[0])
    assert not dialog.import_button.isEnabled()  # 全部无误才导入: nothing goes in
    assert page.model.total == 35
    dialog.copy_button.click()
    assert "第 4 行（新党员丙）" in QApplication.clipboard().text()
    dialog.cancel_button.click()
    assert not dialog.isVisible() and page.model.total == 35

    good = _sheet(tmp_path / "改好的名册.xlsx", [
        {"姓名": "新党员甲", "党员类别": "无职党员", "党小组": "第一党小组", "入党日期": "2001.07.01"},
        {"姓名": "新党员乙", "党员类别": "无职党员", "身份证号": VALID_ID},
    ])
    monkeypatch.setattr(page.ctx, "ask_open_path", lambda *args: good)
    page.import_button.click()
    page.files.import_dialog.import_button.click()
    assert page.model.total == 37
    assert "导入党员 2 名" in page.ctx.parent().statusBar().currentMessage()


def test_template_and_masked_export(page, tmp_path, monkeypatch):
    template = tmp_path / "模板"
    monkeypatch.setattr(page.ctx, "ask_save_path", lambda *args: str(template))
    page.template_button.click()
    assert [c.value for c in load_workbook(tmp_path / "模板.xlsx").active[1]] == list(COLUMNS)

    exported = tmp_path / "导出.xlsx"
    monkeypatch.setattr(page.ctx, "ask_save_path", lambda *args: str(exported))
    page.export_button.click()
    dialog = page.files.export_dialog
    assert not dialog.full_data.isChecked()
    dialog.accept()
    sheet = load_workbook(exported).active
    assert sheet.max_row == 39  # title, branch line, masking line, header, 35 members
    assert all("*" in str(sheet.cell(row=r, column=5).value) for r in range(5, 40))
    assert "已导出 35 名党员" in page.ctx.parent().statusBar().currentMessage()


def test_a_long_roster_shows_the_first_page_at_once_and_counts_when_typing_stops(store, admin, branch, make_window, qtbot):
    from app.ui.models.roster_model import PAGE_SIZE

    for number in range(PAGE_SIZE + 20):
        add(store, admin, f"党员{number:03d}")
    page = make_window(store).show_page("members")
    assert page.count_label.text() == f"共 {PAGE_SIZE + 20} 人"  # counted when the page opens
    page.search.setText("d")
    assert page.model.rowCount() == PAGE_SIZE and page.model.total is None
    assert page.count_label.text() == f"{PAGE_SIZE} 多人…"
    qtbot.waitUntil(lambda: page.count_label.text() == f"共 {PAGE_SIZE + 20} 人", timeout=3000)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.model.rowCount() == PAGE_SIZE + 20, timeout=3000)


def test_enter_saves_and_escape_cancels(page, qtbot):
    dialog = page.add_member()
    dialog.name_edit.setText("王五")
    dialog.join_edit.setFocus()
    qtbot.keyClicks(dialog.join_edit, "2001-07-01")
    qtbot.keyClick(dialog.join_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible() and page.model.total == 36
    other = page.add_member()
    qtbot.keyClick(other, Qt.Key.Key_Escape)
    assert not other.isVisible() and page.model.total == 36
