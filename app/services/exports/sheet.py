"""Writing one or more tables to an .xlsx the clerk can print from WPS or Excel.

A `Table` is a title, lines under it (branch, period, what is masked), columns with their kind
(text, number, points, date, stars) and rows of plain values. `write_tables` lays each table on
its own sheet: title merged over the columns, header frozen and repeated on every printed page,
fitted to the page width. Text that starts with = + − - @ or a tab is stored as text with
Excel's quote prefix, so it never becomes a live formula, even after the clerk edits the cell.

XlsxWriter writes the sheets, each row to a temporary file as it is made (its constant-memory
mode: rows in order, strings inline), so a table of any length takes the memory of one row.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

from app.services.files import write_atomically

FORMULA_STARTS = ("=", "+", "-", "−", "@", "\t", "\r")
FORMATS = {"int": "0", "points": "0.0#", "date": "yyyy-mm-dd", "text": "@", "month": "yyyy-mm"}
MASKED_NOTE = "身份证号、联系电话已打码（需要完整信息时请选择“完整导出”）。"
FULL_NOTE = "本表含完整的身份证号和联系电话，请妥善保管，不要张贴或外传。"
BOX = {"border": 1, "border_color": "#999999"}  # thin, grey, on all four sides
A4 = 9  # Excel's number for the paper
LANDSCAPE_ABOVE = 8  # columns

Progress = Callable[[int, int], None]


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


class _Formats:
    """The workbook's cell formats, each made once: a box, with the number format a value of its
    column's kind takes, and Excel's quote prefix for text that would read as a formula."""

    TITLE = {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}
    HEADER = {**BOX, "bold": True, "bg_color": "#DDEBF7", "align": "center", "valign": "vcenter", "text_wrap": True}

    def __init__(self, book) -> None:
        self._book, self._made = book, {}

    def __call__(self, number_format: str | None, quoted: bool = False):
        """A box with `number_format` (None: General)."""
        return self._format((number_format, quoted), {**BOX, "num_format": number_format} if number_format else BOX, quoted)

    def line(self, text: str, title: bool = False):
        """The title's look, or a plain line's (no box), for `text`."""
        quoted = looks_like_formula(text)
        return self._format(("title" if title else "line", quoted), self.TITLE if title else {}, quoted)

    def header(self):
        return self._format(("header", False), self.HEADER, False)

    def _format(self, key: tuple, settings: dict, quoted: bool):
        if key not in self._made:
            self._made[key] = self._book.add_format({**settings, "quote_prefix": True} if quoted else dict(settings))
        return self._made[key]


class _ColumnFormats(NamedTuple):
    """The formats a column's cells take, by the kind of value: looked up once a column, not once a cell."""

    text: object
    quoted_text: object  # text that would read as a formula
    number: object
    when: object  # a date or a time


def _column_formats(col: Col, formats: _Formats) -> _ColumnFormats:
    text = FORMATS["text"] if col.kind == "text" else None
    when = FORMATS[col.kind if col.kind in ("date", "month") else "date"]
    return _ColumnFormats(formats(text), formats(text, True), formats(FORMATS.get(col.kind, "General")), formats(when))


def _put(sheet, row: int, column: int, value, chosen: _ColumnFormats) -> None:
    """One cell: a number or date with its column's number format (a date in another column as a
    date), text as text ('@' in a text column), and every cell boxed."""
    if value is None or value == "":  # a blank cell, not an empty text: Excel's 定位空值 and COUNTA see it as empty
        sheet.write_blank(row, column, None, chosen.text)
    elif isinstance(value, str):
        sheet.write_string(row, column, value, chosen.quoted_text if value.startswith(FORMULA_STARTS) else chosen.text)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, chosen.text)
    elif isinstance(value, (datetime, date)):
        sheet.write_datetime(row, column, value.replace(tzinfo=None) if isinstance(value, datetime) else value, chosen.when)
    elif isinstance(value, (int, float, Decimal)):
        sheet.write_number(row, column, float(value) if isinstance(value, Decimal) else value, chosen.number)
    else:
        sheet.write_string(row, column, str(value), chosen.text)


def _lay_out(sheet, table: Table, header_row: int) -> None:
    """Column widths, frozen header and page."""
    for index, col in enumerate(table.columns):
        sheet.set_column(index, index, col.width)
    sheet.freeze_panes(header_row, 0)
    sheet.repeat_rows(header_row - 1)
    sheet.set_paper(A4)
    if len(table.columns) > LANDSCAPE_ABOVE:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()


def _plain_line(sheet, row: int, line: str, width: int, formats: _Formats, title: bool = False) -> None:
    """A line of text over the whole width (the title, a line under it, a footer); `row` counts from 0."""
    cell_format = formats.line(line, title)
    if width > 1:
        sheet.merge_range(row, 0, row, width - 1, line, cell_format)
    else:
        sheet.write_string(row, 0, line, cell_format)


def _head(sheet, table: Table, formats: _Formats) -> None:
    """The title, the lines under it and the header (on row 2 + the lines: _header_row)."""
    width = max(1, len(table.columns))
    sheet.set_row(0, 30)
    _plain_line(sheet, 0, table.title, width, formats, title=True)
    for row, line in enumerate(table.lines, start=1):
        _plain_line(sheet, row, line, width, formats)
    header = _header_row(table) - 1
    for column, col in enumerate(table.columns):
        sheet.write_string(header, column, col.title, formats.header())


def _header_row(table: Table) -> int:
    """The header's row, counting from 1 as Excel shows it."""
    return 2 + len(table.lines)


def _fill(sheet, table: Table, formats: _Formats, progress: Progress | None, done: int, total: int) -> int:
    row = _header_row(table) - 1
    width = max(1, len(table.columns))
    columns = [_column_formats(col, formats) for col in table.columns]
    for row, values in enumerate(table.rows, start=row + 1):
        for column, (value, chosen) in enumerate(zip(values, columns)):
            _put(sheet, row, column, value, chosen)
        done += 1
        if progress and done % 200 == 0:
            progress(done, total)
    for line in table.footer:
        row += 1
        _plain_line(sheet, row, line, width, formats)
    return done


def write_tables(path: str | Path, tables: Iterable[Table], progress: Progress | None = None) -> Path:
    """Write the tables, one a sheet, all or nothing: the file appears whole or not at all, and
    when a table's rows fail, or `progress` stops the work by raising (the clerk's 取消), the
    sheets' temporary files go with the folder they were made in."""
    import xlsxwriter

    path = Path(path)
    tables = list(tables)
    total = sum(table.size for table in tables)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="jf-xlsx-", ignore_cleanup_errors=True) as scratch:
        book = xlsxwriter.Workbook(buffer, {
            "constant_memory": True, "tmpdir": scratch,
            # what a clerk typed stays what he typed: never a formula, a link or a number
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
        formats, done = _Formats(book), 0
        try:
            for table in tables:
                sheet = book.add_worksheet(table.sheet_name[:31])
                _lay_out(sheet, table, _header_row(table))
                _head(sheet, table, formats)
                done = _fill(sheet, table, formats, progress, done, total)
            book.close()
        except BaseException:
            _close_sheet_files(book)  # a roster's rows may hold whole ID numbers: none stays behind
            raise
    write_atomically(path, buffer.getvalue(), locked_hint="这个文件正在 Excel/WPS 中打开")
    return path


def _close_sheet_files(book) -> None:
    """Close the sheets' temporary files of a workbook that will not be written, so that their
    folder can go (Windows keeps an open file). XlsxWriter closes them only when it writes the
    workbook, and names the handle in no public way."""
    for sheet in book.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None and not handle.closed:
            handle.close()
