"""Writing one or more tables to an .xlsx the clerk can print from WPS or Excel.

A `Table` is a title, lines under it (branch, period, what is masked), columns with their kind
(text, number, points, date, stars) and rows of plain values. `write_tables` lays each table on
its own sheet: title merged over the columns, header frozen and repeated on every printed page,
fitted to the page width. Text that starts with = + − - @ or a tab is stored as text with
Excel's quote prefix, so it never becomes a live formula, even after the clerk edits the cell.
"""

from __future__ import annotations

import io
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from app.services.files import write_atomically

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "−", "@", "\t", "\r")
FORMATS = {"int": "0", "points": "0.0#", "date": "yyyy-mm-dd", "text": "@", "month": "yyyy-mm"}
MASKED_NOTE = "身份证号、联系电话已打码（需要完整信息时请选择“完整导出”）。"
FULL_NOTE = "本表含完整的身份证号和联系电话，请妥善保管，不要张贴或外传。"

Progress = Callable[[int, int], None]


@cache
def _styles() -> tuple:
    """(the cells' box, the header's fill), made at the first sheet written: openpyxl is imported in
    the functions that write, not at the top, since the window's start would pay half a second for it."""
    from openpyxl.styles import Border, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return Border(left=thin, right=thin, top=thin, bottom=thin), PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Col:
    title: str
    width: float = 12
    kind: str = "text"  # text | int | points | date | month | plain (text without the @ format)


@dataclass
class Table:
    """`rows`: a list, or rows read as they are written (a county branch's ledger) with
    `row_count` saying how many will come, for the progress shown meanwhile."""

    sheet_name: str
    title: str
    lines: list[str]
    columns: list[Col]
    rows: Iterable[Sequence]
    footer: list[str] = field(default_factory=list)
    row_count: int | None = None

    @property
    def size(self) -> int:
        return len(self.rows) if self.row_count is None else self.row_count


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _put(sheet, value, col: Col, styles: dict):
    """One cell with its value, number format and box. `styles`: the style of each number format
    already made in this sheet, copied whole onto the next cell with that format: assigning
    a box or format hashes openpyxl's style objects each time, which was half of a 52,000-row
    ledger's export (37.9 s on a county's branch)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value)
    number_format = None
    if isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool):
        number_format = FORMATS.get(col.kind, "General")
        if isinstance(value, date) and col.kind not in ("date", "month"):
            number_format = FORMATS["date"]
    elif col.kind == "text":
        number_format = "@"
    made = styles.get(number_format)
    if made is None:
        if number_format is not None:
            cell.number_format = number_format
        cell.border = _styles()[0]
        styles[number_format] = copy(cell._style)
    else:
        cell._style = copy(made)
    _quoted(cell)
    return cell


def _quoted(cell) -> None:
    """Text that Excel would take for a formula stays text, even after the clerk edits the cell."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def _lay_out(sheet, table: Table, header_row: int) -> None:
    """Row height, column widths, frozen header and page: a write-only sheet takes them before its rows."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    sheet.row_dimensions[1].height = 30
    for index, col in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = col.width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if len(table.columns) > 8 else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True


def _plain_line(sheet, row: int, line: str, last: str, font=None, alignment=None) -> None:
    """A line of text over the whole width (the title, a line under it, a footer)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, line)
    _quoted(cell)
    if font is not None:
        cell.font, cell.alignment = font, alignment
    sheet.append([cell])
    sheet.merged_cells.add(f"A{row}:{last}{row}")


def _head(sheet, table: Table, last: str) -> None:
    """The title, the lines under it and the header (on row 2 + the lines: _header_row)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    box, header_fill = _styles()
    _plain_line(sheet, 1, table.title, last, Font(bold=True, size=16), Alignment(horizontal="center", vertical="center"))
    for row, line in enumerate(table.lines, start=2):
        _plain_line(sheet, row, line, last)
    header = []
    for col in table.columns:
        cell = WriteOnlyCell(sheet, col.title)
        cell.font, cell.fill, cell.border = Font(bold=True), header_fill, box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)


def _header_row(table: Table) -> int:
    return 2 + len(table.lines)


def _fill(sheet, table: Table, header_row: int, last: str, progress: Progress | None, done: int, total: int) -> int:
    row = header_row
    styles: dict = {}  # a sheet's own: the styles' numbers belong to its workbook
    for row, values in enumerate(table.rows, start=header_row + 1):
        sheet.append([_put(sheet, value, col, styles) for value, col in zip(values, table.columns)])
        done += 1
        if progress and done % 200 == 0:
            progress(done, total)
    for line in table.footer:
        row += 1
        _plain_line(sheet, row, line, last)
    return done


def build_workbook(tables: Iterable[Table], progress: Progress | None = None) -> Workbook:
    """A write-only workbook (rows go to a temporary file as they are made, not kept as cell
    objects: a 52,000-row ledger took 425 MB the other way), to be saved once. When a table's
    rows fail, or `progress` stops the work (the clerk's 取消), the sheets' temporary files go too."""
    tables = list(tables)
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    total = sum(table.size for table in tables)
    done = 0
    try:
        for table in tables:
            sheet = book.create_sheet(table.sheet_name[:31])
            last = get_column_letter(max(1, len(table.columns)))
            header_row = _header_row(table)
            _lay_out(sheet, table, header_row)
            _head(sheet, table, last)
            done = _fill(sheet, table, header_row, last, progress, done, total)
    except BaseException:
        _remove_sheet_files(book)
        raise
    return book


def _remove_sheet_files(book) -> None:
    """The temporary files of a write-only workbook that will not be saved (saving removes them;
    otherwise openpyxl leaves them until the program ends, and a cancelled export of a county
    branch's ledger is a hundred megabytes of them). The file is removed through openpyxl's own
    sheet writer: the library offers nothing public for it."""
    for sheet in book.worksheets:
        if not sheet.closed:
            sheet.close()  # ends the sheet's XML, so that nothing writes to the file once it is gone
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            writer.cleanup()


def write_tables(path: str | Path, tables: Iterable[Table], progress: Progress | None = None) -> Path:
    """Build the workbook and write it all or nothing."""
    path = Path(path)
    book = build_workbook(tables, progress)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue(), locked_hint="这个文件正在 Excel/WPS 中打开")
    return path
