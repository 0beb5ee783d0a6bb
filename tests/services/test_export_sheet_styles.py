"""Each cell of an export carries its own number format, box and quote prefix, though cells of
the same format share one made style (app/services/exports/sheet.py, `_put`): a text that looks
like a formula is quoted alone, its neighbours of the same format are not."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from app.services.exports.sheet import Col, Table, write_tables

COLUMNS = [Col("姓名"), Col("次数", kind="int"), Col("积分", kind="points"), Col("日期", kind="date"), Col("月份", kind="month"),
           Col("备注", kind="plain")]
ROWS = [
    ["=SUM(A1)", 3, Decimal("2.5"), date(2026, 3, 1), date(2026, 3, 1), "-3"],
    ["张三", None, Decimal("-1"), date(2026, 4, 2), date(2026, 4, 1), datetime(2026, 4, 2, 8, 30)],
    ["@李四", 7, Decimal("0"), date(2026, 5, 3), date(2026, 5, 1), "普通"],
    ["王五", 1, Decimal("1.25"), date(2026, 6, 4), date(2026, 6, 1), 12],
]


def _reopened(tables, folder):
    return load_workbook(write_tables(folder / "表.xlsx", tables))


def test_each_cell_keeps_its_own_format_box_and_quote(tmp_path):
    sheet = _reopened([Table("表", "标题", ["说明"], COLUMNS, ROWS)], tmp_path).active
    header = 3
    cells = [[sheet.cell(row=header + 1 + r, column=c + 1) for c in range(len(COLUMNS))] for r in range(len(ROWS))]
    assert [[cell.number_format for cell in row] for row in cells] == [
        ["@", "0", "0.0#", "yyyy-mm-dd", "yyyy-mm", "General"],
        ["@", "General", "0.0#", "yyyy-mm-dd", "yyyy-mm", "yyyy-mm-dd"],
        ["@", "0", "0.0#", "yyyy-mm-dd", "yyyy-mm", "General"],
        ["@", "0", "0.0#", "yyyy-mm-dd", "yyyy-mm", "General"],
    ]
    assert [[cell.quotePrefix for cell in row] for row in cells] == [
        [True, False, False, False, False, True],
        [False, False, False, False, False, False],
        [True, False, False, False, False, False],
        [False, False, False, False, False, False],
    ]
    assert all(cell.border.left.style == cell.border.bottom.style == "thin" for row in cells for cell in row)
    assert [cell.value for cell in cells[0]][:3] == ["=SUM(A1)", 3, 2.5] and cells[0][0].data_type == "s"


def test_a_second_sheet_of_the_same_workbook_is_styled_alike(tmp_path):
    book = _reopened([Table("一", "一", [], COLUMNS, ROWS), Table("二", "二", [], COLUMNS, ROWS[::-1])], tmp_path)
    first, second = book.worksheets
    row_of = {sheet.title: {sheet.cell(row=r, column=1).value: r for r in range(3, 3 + len(ROWS))} for sheet in (first, second)}
    for name, row in row_of["一"].items():
        for column in range(1, len(COLUMNS) + 1):
            one, two = first.cell(row=row, column=column), second.cell(row=row_of["二"][name], column=column)
            assert (one.number_format, one.quotePrefix, one.border.left.style) == (two.number_format, two.quotePrefix, two.border.left.style)


def test_an_empty_text_is_a_blank_cell_with_its_box(tmp_path):
    """Excel's 定位空值, COUNTA and Ctrl+↓ take a cell holding "" for a filled one."""
    sheet = _reopened([Table("表", "标题", [], COLUMNS, [["", 1, Decimal("1"), date(2026, 1, 1), date(2026, 1, 1), ""]])], tmp_path).active
    blank = [sheet.cell(row=3, column=1), sheet.cell(row=3, column=6)]
    assert [cell.value for cell in blank] == [None, None]
    assert [(cell.number_format, cell.border.left.style) for cell in blank] == [("@", "thin"), ("General", "thin")]
