"""期初积分 from the File menu: the template downloaded, filled as a clerk fills it, imported; a bad
file lists its rows and imports nothing; 取消 at the last moment leaves the ledger as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.services.ledger.opening import is_opening
from app.services.ledger.queries import EntryFilter, list_entries
from app.ui import jobs
from conftest import keyed_admin

pytestmark = pytest.mark.gui


def _menu_action(window, text: str):
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(text)


def _opening_entries(store) -> list:
    return [e for e in list_entries(store, EntryFilter(year=2026)) if is_opening(e.note)]


def _filled_template(window, tmp_path: Path, monkeypatch, points: dict[int, dict[int, float]]) -> tuple[Path, list[str]]:
    monkeypatch.setattr(window.ctx, "ask_save_path", lambda *args: str(tmp_path / "期初模板"))
    _menu_action(window, "下载期初积分导入模板…").trigger()
    template = tmp_path / "期初模板.xlsx"
    book = load_workbook(template)
    sheet = book["积分登记表"]
    top = next(row[0].row for row in sheet.iter_rows() if row[0].value == "序号")
    titles = [c.value for c in sheet[top]]
    names = []
    for offset, months in points.items():
        names.append(sheet.cell(row=top + 1 + offset, column=2).value)
        for month, value in months.items():
            sheet.cell(row=top + 1 + offset, column=titles.index(f"{month}月") + 1, value=value)
    filled = tmp_path / "填好的期初积分.xlsx"
    book.save(filled)
    return filled, names


def test_the_months_before_go_live_come_in_from_the_file_menu(demo_window, tmp_path, monkeypatch):
    filled, names = _filled_template(demo_window, tmp_path, monkeypatch, {0: {1: 6, 2: -2}, 1: {1: 5.5}})
    dialog = demo_window.opening_dialog
    assert dialog.isVisible() and dialog.year_spin.value() == 2026
    assert "积分导入模板已保存" in demo_window.statusBar().currentMessage()

    monkeypatch.setattr(dialog.ctx, "ask_open_path", lambda *args: str(filled))
    dialog.import_button.click()
    assert "导入 2026 年期初积分 3 条（2 名党员）" in dialog.result.text()
    entries = _opening_entries(demo_window.ctx.store)
    assert sorted((e.member_name, float(e.points)) for e in entries) == sorted(
        [(names[0], 6.0), (names[0], -2.0), (names[1], 5.5)]
    )
    assert all(e.status.value == "approved" for e in entries)

    dialog.import_button.click()  # the same file again: those months are in already, nothing twice
    assert dialog.problems_dialog is not None and dialog.problems_dialog.isVisible()
    assert "已经导入过" in dialog.problems_dialog.model.data(dialog.problems_dialog.model.index(0, 2))
    assert len(_opening_entries(demo_window.ctx.store)) == 3


def test_cancel_at_the_last_moment_imports_nothing(demo_window, tmp_path, monkeypatch):
    filled, _names = _filled_template(demo_window, tmp_path, monkeypatch, {0: {3: 4}})
    dialog = demo_window.opening_dialog
    monkeypatch.setattr(dialog.ctx, "ask_open_path", lambda *args: str(filled))
    original = jobs.JobControl.progress

    def clerk_presses_cancel(control, done, total):
        if done == total:
            control.cancel()
        original(control, done, total)

    monkeypatch.setattr(jobs.JobControl, "progress", clerk_presses_cancel)
    dialog.import_button.click()
    assert "已取消导入" in dialog.result.text()
    assert _opening_entries(demo_window.ctx.store) == []


def test_a_viewer_may_download_the_template_but_not_import(demo_store, make_window):
    from app.domain.enums import Role
    from app.services.accounts import operators

    viewer = operators.add_operator(demo_store, keyed_admin(demo_store), "chakan", "查看员", Role.VIEWER)
    window = make_window(demo_store, viewer)
    dialog = window.open_opening_points()
    assert not dialog.import_button.isEnabled() and dialog.template_button.isEnabled()


def test_the_dialog_reads_whole(demo_window):
    import os

    dialog = demo_window.open_opening_points()
    for button in (dialog.template_button, dialog.import_button, dialog.close_button):
        assert button.isVisible() and button.width() >= button.sizeHint().width(), button.text()
    shots = os.environ.get("DYJF_SCREENSHOTS")
    if shots:
        dialog.grab().save(str(Path(shots) / "opening_points.png"))


def test_the_dialog_grows_to_show_its_whole_text_after_an_import(demo_window, tmp_path, monkeypatch, qapp):
    """The result's second line took the height of the explanation above it: the dialog kept its
    first height, and “有一行有问题就全部不导入；同一个月已经导入过的不会再导入” was cut off mid-word."""
    filled, _names = _filled_template(demo_window, tmp_path, monkeypatch, {0: {1: 6, 2: -2}, 1: {1: 5.5}})
    dialog = demo_window.opening_dialog
    qapp.processEvents()
    monkeypatch.setattr(dialog.ctx, "ask_open_path", lambda *args: str(tmp_path / "一个名字很长很长的村党支部二〇二六年一至八月份党员积分登记表（定稿）.xlsx"))
    filled.rename(tmp_path / "一个名字很长很长的村党支部二〇二六年一至八月份党员积分登记表（定稿）.xlsx")
    dialog.import_button.click()
    qapp.processEvents()
    assert "已计入积分" in dialog.result.text()
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())
