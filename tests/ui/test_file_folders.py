"""File dialogs start in the folder last used for that kind of file (issue 10)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFileDialog

from app.ui.context import file_kind

pytestmark = pytest.mark.gui


def test_the_kind_of_file_is_the_filters_first_extension():
    assert file_kind("Excel 工作簿 (*.xlsx);;所有文件 (*)") == "xlsx"
    assert file_kind("数据库文件 (*.db)") == "db"
    assert file_kind("所有文件 (*)") == "other"


def test_open_and_save_remember_the_folder_per_kind(demo_window, tmp_path, monkeypatch):
    ctx = demo_window.ctx
    excel, databases = tmp_path / "表格", tmp_path / "数据"
    excel.mkdir()
    databases.mkdir()
    asked = []

    def save(parent, title, suggested, file_filter):
        asked.append(suggested)
        return str(excel / "排名.xlsx"), file_filter

    def open_(parent, title, folder, file_filter):
        asked.append(folder)
        return (str(databases / "a.db") if "db" in file_filter else str(excel / "名册.xlsx")), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", open_)
    assert ctx.ask_save_path(demo_window, "导出", "排名.xlsx", "Excel 文件 (*.xlsx)") == str(excel / "排名.xlsx")
    assert asked[-1] == "排名.xlsx"  # nothing remembered yet
    ctx.ask_open_path(demo_window, "导入", "Excel 文件 (*.xlsx)")
    assert asked[-1] == str(excel)  # the import opens where the export (or template) was just saved
    ctx.ask_open_path(demo_window, "打开数据库", "数据库文件 (*.db)")
    assert asked[-1] == ""  # another kind of file has its own folder
    ctx.ask_open_path(demo_window, "打开数据库", "数据库文件 (*.db)")
    assert asked[-1] == str(databases)
    ctx.ask_save_path(demo_window, "导出", "名册.xlsx", "Excel 文件 (*.xlsx)")
    assert asked[-1] == str(excel / "名册.xlsx")
    ctx.ask_open_path(demo_window, "导入", "Excel 文件 (*.xlsx)", str(tmp_path))
    assert asked[-1] == str(tmp_path)  # a folder the caller names wins
