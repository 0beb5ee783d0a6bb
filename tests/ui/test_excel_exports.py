"""导出Excel from every page that shows a table, as the clerk presses it; each file opened again with openpyxl.

The save dialog is replaced (a test must not block on it): it records the suggested path, so the
remembered folder can be checked, and answers with a path in the test's folder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.domain.enums import Role
from app.services.accounts import operators
from app.services.rating import rounds
from app.services.rating.queries import load_view
from app.services.roster import members
from conftest import keyed_admin

pytestmark = pytest.mark.gui


class SaveDialog:
    """Stands in for the save-file dialog: answers each question with the next path."""

    def __init__(self, *answers: Path) -> None:
        self.answers = list(answers)
        self.suggested: list[str] = []

    def __call__(self, _parent, _title, suggested, _filter) -> str:
        self.suggested.append(suggested)
        return str(self.answers.pop(0))


def _opened(path: Path):
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    return book


def _header(sheet, first: str) -> int:
    """The row number of the header (the row whose first cell is `first`)."""
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == first)


def _status(window) -> str:
    return window.statusBar().currentMessage()


def test_rankings_month_quarter_and_year_go_out_as_the_page_shows_them(demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("totals")
    page.set_period("year")  # the page opens on the current month
    dialog = SaveDialog(tmp_path / "年度", tmp_path / "季度.xlsx", tmp_path / "月度.xlsx")
    monkeypatch.setattr(page.ctx, "ask_save_path", dialog)

    page.export_button.click()
    sheet = _opened(tmp_path / "年度.xlsx").active  # .xlsx added to a name typed without it
    assert "2026年" in sheet["A1"].value and "积分排名" in sheet["A1"].value
    top = _header(sheet, "名次")
    # inside the year: its total so far, and the band and stars that total would give
    assert [c.value for c in sheet[top]][:8] == ["名次", "姓名", "党小组", "党员类别", "累计总分", "预计等次", "预计星级", "提示"]
    assert sheet.freeze_panes == f"A{top + 1}"
    shown = page.model.rows()
    assert [sheet.cell(row=top + 1 + i, column=2).value for i in range(len(shown))] == [r.name for r in shown]
    assert sheet.cell(row=top + 1, column=5).value == pytest.approx(float(shown[0].period_points))
    assert sheet.cell(row=top + 1, column=5).number_format == "0.0#"
    assert f"已导出 {len(shown)} 人的积分排名" in _status(demo_window)
    assert dialog.suggested[0] == "2026年积分排名.xlsx"

    page.set_period("quarter", 3)
    page.export_button.click()
    sheet = _opened(tmp_path / "季度.xlsx").active
    assert "第三季度" in sheet["A1"].value or "3季度" in sheet["A1"].value
    assert "本期积分" in [c.value for c in sheet[_header(sheet, "名次")]]
    assert dialog.suggested[1] == str(tmp_path / "2026年第3季度积分排名.xlsx")  # the folder used last time

    page.set_period("month", 10)
    page.export_button.click()
    sheet = _opened(tmp_path / "月度.xlsx").active
    assert "10月" in sheet["A1"].value
    assert sheet.max_row - _header(sheet, "名次") - 1 == page.model.rowCount()  # the rows, then the count line


def test_a_members_year_goes_out_with_every_entry(demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("totals")
    assert not page.detail.export_button.isEnabled()
    page.table.selectRow(0)
    row = page.selected_row()
    assert page.detail.export_button.isEnabled()
    monkeypatch.setattr(page.ctx, "ask_save_path", SaveDialog(tmp_path / "一人.xlsx"))
    page.detail.export_button.click()
    book = _opened(tmp_path / "一人.xlsx")
    assert book.sheetnames == ["各月积分", "积分明细"]
    months = book["各月积分"]
    assert months["A1"].value == f"{row.name}2026年积分"
    top = _header(months, "月份")
    assert [months.cell(row=top + m, column=1).value for m in (1, 12, 13)] == ["1月", "12月", "全年"]
    detail = book["积分明细"]
    entries = detail.max_row - _header(detail, "日期")
    assert entries > 0 and f"（{entries} 条记录）" in _status(demo_window)
    assert detail.cell(row=_header(detail, "日期") + 1, column=1).number_format == "yyyy-mm-dd"


def test_the_ledger_goes_out_with_its_filters_and_search(demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("ledger")
    page.month_box.setCurrentIndex(page.month_box.findData(10))
    name = page.model.row_at(0).member_name
    page.search.setText(name)
    shown = page.model.rowCount()
    assert 0 < shown
    monkeypatch.setattr(page.ctx, "ask_save_path", SaveDialog(tmp_path / "台账.xlsx"))
    page.export_button.click()
    sheet = _opened(tmp_path / "台账.xlsx").active
    assert "2026年10月" in sheet["A2"].value and f"查找：{name}" in sheet["A2"].value
    top = _header(sheet, "日期")
    names = {sheet.cell(row=r, column=2).value for r in range(top + 1, top + 1 + shown)}
    assert names == {name}
    assert sheet.cell(row=top + shown + 1, column=1).value == f"共 {shown} 条记录。"
    assert f"已导出 {shown} 条积分记录" in _status(demo_window)


def test_a_year_without_a_round_has_nothing_to_export(demo_window):
    assert not demo_window.show_page("rating").export_button.isEnabled()


def test_the_star_rating_round_goes_out(demo_store, make_window, tmp_path, monkeypatch):
    admin = keyed_admin(demo_store)
    rounds.start_round(demo_store, admin, 2026, date(2026, 11, 20), today=date(2026, 11, 23))
    window = make_window(demo_store)
    page = window.show_page("rating")
    assert page.export_button.isEnabled()
    monkeypatch.setattr(page.ctx, "ask_save_path", SaveDialog(tmp_path / "评星.xlsx"))
    page.export_button.click()
    book = _opened(tmp_path / "评星.xlsx")
    assert book.sheetnames == ["星级评定", "评定步骤", "公示异议"]
    sheet = book["星级评定"]
    top = _header(sheet, "名次")
    candidates = load_view(demo_store, 2026).candidates
    assert sheet.max_row - top == len(candidates)
    assert [sheet.cell(row=top + 1 + i, column=2).value for i in range(len(candidates))] == [c.name for c in candidates]
    assert "当前步骤" in sheet["A2"].value
    assert f"2026 年星级评定（{len(candidates)} 名党员）" in _status(window)


def test_the_roster_is_masked_unless_asked_and_a_viewer_cannot_ask(demo_store, make_window, tmp_path, monkeypatch):
    window = make_window(demo_store)
    page = window.show_page("members")
    monkeypatch.setattr(page.ctx, "ask_save_path", SaveDialog(tmp_path / "打码.xlsx", tmp_path / "完整.xlsx"))
    page.export_button.click()
    page.files.export_dialog.accept()
    sheet = _opened(tmp_path / "打码.xlsx").active
    ids = [sheet.cell(row=r, column=5).value for r in range(5, sheet.max_row + 1)]
    assert ids and all("*" in value for value in ids if value)
    assert "已打码" in sheet["A3"].value and "已打码" in _status(window)

    page.export_button.click()
    assert page.files.export_dialog.full_data.isEnabled()
    page.files.export_dialog.full_data.setChecked(True)
    page.files.export_dialog.accept()
    sheet = _opened(tmp_path / "完整.xlsx").active
    stored = {m.id_number for m in members.list_members(demo_store, actor=page.ctx.actor)}
    exported = {sheet.cell(row=r, column=5).value for r in range(5, sheet.max_row + 1)}
    assert exported <= stored and len(exported) == sheet.max_row - 4
    assert sheet.cell(row=5, column=5).number_format == "@"

    admin = keyed_admin(demo_store)
    viewer = operators.add_operator(demo_store, admin, "chakan", "查看员", Role.VIEWER)
    viewer_page = make_window(demo_store, viewer).show_page("members")
    monkeypatch.setattr(viewer_page.ctx, "ask_save_path", SaveDialog(tmp_path / "查看员.xlsx"))
    viewer_page.export_button.click()
    box = viewer_page.files.export_dialog.full_data
    assert not box.isEnabled() and "查看" in box.toolTip()
    box.setChecked(True)  # even if ticked somehow, a viewer's export stays masked
    viewer_page.files.export_dialog.accept()
    sheet = _opened(tmp_path / "查看员.xlsx").active
    assert all("*" in (sheet.cell(row=r, column=5).value or "*") for r in range(5, sheet.max_row + 1))


def test_cancel_before_the_export_starts_writes_nothing(demo_window, tmp_path, monkeypatch):
    from app.ui import jobs

    page = demo_window.show_page("totals")
    monkeypatch.setattr(page.ctx, "ask_save_path", SaveDialog(tmp_path / "不要.xlsx"))

    def cancelled(control, done, total):
        raise jobs.JobCancelled()

    monkeypatch.setattr(jobs.JobControl, "progress", cancelled)
    page.export_button.click()
    assert not (tmp_path / "不要.xlsx").exists()
    assert "已取消导出" in _status(demo_window)


def test_the_months_meetings_go_out_from_the_meetings_tab(demo_window, tmp_path, monkeypatch):
    page = demo_window.show_page("entry")
    tab = page.meetings
    tab.month_edit.setDate(tab.month_edit.date().addMonths(-1))  # October 2026: the demo's meetings
    shown = tab.list_model.rowCount()
    assert shown > 0
    monkeypatch.setattr(page.ctx, "ask_save_path", SaveDialog(tmp_path / "会议.xlsx"))
    tab.export_button.click()
    sheet = _opened(tmp_path / "会议.xlsx").active
    assert "2026年10月" in sheet["A1"].value
    top = _header(sheet, "日期")
    listed = [row for row in sheet.iter_rows(min_row=top + 1, values_only=True) if row[1]]  # the total line has no kind
    assert len(listed) == shown
    assert [row[1] for row in listed][:3] == ["主题党日", "支部党员大会", "党课"]
    assert f"已导出 {shown} 次会议" in _status(demo_window)
