"""The roster import as a clerk meets it: a messy roster through the preview dialog, a column
reassigned, the good rows only, the refused rows saved beside the file, and 取消 at the last moment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.domain.enums import MemberClass
from app.services.roster import members
from app.ui import jobs
from app.ui.dialogs.roster_import_dialog import RosterImportDialog

pytestmark = pytest.mark.gui

VALID_ID = "11010519491231002X"
DEMO_NAME, DEMO_ID = "戴强春", "411523198511215050"  # in the demo branch, phone 19999141997


@pytest.fixture
def page(demo_window):
    return demo_window.show_page("members")


def messy_roster(path: Path) -> str:
    """A township form: a title, a unit line, spaced and variant titles, a column the importer does not know,
    a blank row, a bad ID number, a signature and a date line under the table."""
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["红星村党支部党员花名册"])
    sheet.merge_cells("A1:I1")
    sheet.append(["填报单位：红星村党支部"])
    sheet.append(["序号", "姓　名", "性别", "民族", "身份证号码", "入党时间", "管理类型", "联系方式", "籍贯"])
    sheet.append([1, "新党员甲", "女", "汉族", VALID_ID, "2001.07", "流动党员", "138 0013 8000", "河南"])
    sheet.append([2, "新党员乙", "女", "汉", "110105194912310021", "1998年7月", "无职党员", "", "河南"])
    sheet.append([])
    sheet.append([3, DEMO_NAME, "男", "", DEMO_ID, "", "无职党员", "13800138000", ""])
    sheet.append([4, "新党员丙", "男", "汉族", "", "1998-07-01", "无职", "139-0013-9000", ""])
    sheet.append(["填表人：李四", None, "审核人：王五"])
    sheet.append(["填表日期：2026年11月20日"])
    book.save(path)
    return str(path)


def _statuses(dialog: RosterImportDialog) -> dict[str, str]:
    return {row.name: row.status for row in dialog.preview.rows}


def _open_preview(page, monkeypatch, path: str) -> RosterImportDialog:
    monkeypatch.setattr(page.ctx, "ask_open_path", lambda *args: path)
    page.import_button.click()
    dialog = page.files.import_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_a_messy_roster_is_previewed_reassigned_and_its_good_rows_imported(page, tmp_path, monkeypatch):
    source = messy_roster(tmp_path / "村里的名册.xlsx")
    dialog = _open_preview(page, monkeypatch, source)

    assert _statuses(dialog) == {"新党员甲": "new", "新党员乙": "refused", DEMO_NAME: "update", "新党员丙": "new"}
    assert "第 3 行是列名" in dialog.summary.text()
    assert "G列“管理类型”" in dialog.notices.text() and "I列“籍贯”" in dialog.notices.text()
    assert "党员类别" in dialog.notices.text()  # no class column found: new members are 无职党员
    texts = {r: dialog.rows_model.data(dialog.rows_model.index(r, 3)) for r in range(dialog.rows_model.rowCount())}
    assert any("校验位" in text for text in texts.values())
    assert any("联系电话：19999141997 → 13800138000" in text for text in texts.values())
    skipped = {row.row: row.reason for row in dialog.preview.skipped}
    assert set(skipped) == {9, 10} and "落款" in skipped[9] and "落款" in skipped[10]  # a blank row is passed over silently
    assert dialog.skipped_model.rowCount() == 2

    # The clerk says 管理类型 is the member class: the rows are checked again.
    combo = dialog.combo_for("管理类型")
    combo.setCurrentIndex(combo.findData("member_class"))
    assert dialog.preview.mapping[6] == "member_class"
    assert "G列“管理类型”" not in dialog.notices.text()
    new = {row.name: row.data for row in dialog.preview.with_status("new")}
    assert new["新党员甲"].member_class is MemberClass.MOBILE and new["新党员丙"].member_class is MemberClass.NO_POST
    assert dialog.combo_for("管理类型").currentData() == "member_class"

    # One bad row: 全部无误才导入 cannot go ahead; 只导入无误的行 can, the refused rows beside the file.
    assert not dialog.import_button.isEnabled() and "1 行有问题" in dialog.problem.text()
    dialog.good_rows_only.setChecked(True)
    assert dialog.refused_edit.text() == str(tmp_path / "村里的名册_有问题的行.xlsx")
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "导入 3 名"
    dialog.import_button.click()

    assert not dialog.isVisible()
    assert page.model.total == 37
    stored = {m.name: m for m in members.list_members(page.ctx.store, actor=page.ctx.actor)}
    assert stored["新党员甲"].member_class is MemberClass.MOBILE and stored["新党员甲"].phone == "13800138000"
    assert stored[DEMO_NAME].phone == "13800138000"
    assert "新党员乙" not in stored
    message = page.ctx.parent().statusBar().currentMessage()
    assert "导入党员 2 名" in message and "更新 1 名" in message and "另存到" in message

    refused = load_workbook(tmp_path / "村里的名册_有问题的行.xlsx").active
    assert [c.value for c in refused[1]][-1] == "原因"
    assert refused.cell(row=2, column=2).value == "新党员乙"
    assert refused.cell(row=2, column=5).value == "110105194912310021" and refused.cell(row=2, column=5).number_format == "@"
    assert "校验位" in refused.cell(row=2, column=10).value


def test_changed_rows_can_be_left_as_they_are(page, tmp_path, monkeypatch):
    dialog = _open_preview(page, monkeypatch, messy_roster(tmp_path / "名册.xlsx"))
    dialog.good_rows_only.setChecked(True)
    dialog.update_check.setChecked(False)
    assert dialog.import_button.text() == "导入 2 名"
    dialog.import_button.click()
    assert page.model.total == 37
    assert {m.name: m for m in members.list_members(page.ctx.store, actor=page.ctx.actor)}[DEMO_NAME].phone == "19999141997"


def test_cancel_at_the_last_moment_leaves_the_roster_as_it_was(page, tmp_path, monkeypatch):
    dialog = _open_preview(page, monkeypatch, messy_roster(tmp_path / "名册.xlsx"))
    dialog.good_rows_only.setChecked(True)
    original = jobs.JobControl.progress

    def clerk_presses_cancel(control, done, total):
        if done == total:  # the service's last call, inside its transaction
            control.cancel()
        original(control, done, total)

    monkeypatch.setattr(jobs.JobControl, "progress", clerk_presses_cancel)
    dialog.import_button.click()

    assert dialog.isVisible() and "没有任何改动" in dialog.problem.text()
    assert dialog.import_button.isEnabled()
    assert page.model.total == 35
    assert {m.name: m for m in members.list_members(page.ctx.store, actor=page.ctx.actor)}[DEMO_NAME].phone == "19999141997"
    assert "已取消导入" in page.ctx.parent().statusBar().currentMessage()

    monkeypatch.setattr(jobs.JobControl, "progress", original)  # and then the clerk imports after all
    dialog.import_button.click()
    assert not dialog.isVisible() and page.model.total == 37


def test_naming_no_column_as_the_name_is_explained_and_undone(page, tmp_path, monkeypatch):
    dialog = _open_preview(page, monkeypatch, messy_roster(tmp_path / "名册.xlsx"))
    combo = dialog.combos[1]  # B: 姓名
    combo.setCurrentIndex(0)  # 不导入
    assert "姓名" in dialog.problem.text()
    assert dialog.combos[1].currentData() == "name"  # the combos show the mapping still in force
    assert dialog.preview.mapping[1] == "name"


def test_the_preview_fits_a_1366_by_768_screen(page, tmp_path, monkeypatch):
    dialog = _open_preview(page, monkeypatch, messy_roster(tmp_path / "名册.xlsx"))
    assert dialog.width() <= 1366 and dialog.height() <= 728
    dialog.resize(1366 - 40, 768 - 80)
    for button in (dialog.import_button, dialog.cancel_button, dialog.good_rows_only, dialog.update_check):
        corner = button.mapTo(dialog, button.rect().bottomRight())
        assert button.isVisible() and dialog.rect().contains(corner), button.text()
    shots = os.environ.get("DYJF_SCREENSHOTS")
    if shots:
        dialog.grab().save(str(Path(shots) / "roster_preview_all_or_nothing.png"))
        dialog.good_rows_only.setChecked(True)
        for index, name in enumerate(("rows", "columns", "skipped")):
            dialog.tabs.setCurrentIndex(index)
            dialog.grab().save(str(Path(shots) / f"roster_preview_{name}.png"))
