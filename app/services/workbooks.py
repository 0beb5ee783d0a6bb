"""Opening a clerk's .xlsx safely: refuse what is not a workbook, or too big to be a roster,
before openpyxl reads it, then read a sheet's rows with bounds.

An .xlsx is a zip archive. Its members' sizes are checked first (openpyxl reads a whole
cell, or the whole shared-string table, into memory; zipfile stops at the declared size), so
a workbook with a 100 MB cell or a million rows is refused at once, with one sentence, and
memory stays small. Every refusal is a ValidationError the window and the command line show.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from app.domain.errors import ValidationError, folder_not_file
from app.services.files import plain_os_error

MB = 1 << 20
MAX_FILE_BYTES = 40 * MB
MAX_SHEET_XML = 32 * MB  # a 5,000-member roster with 20 columns is about 4 MB
MAX_SHARED_STRINGS = 16 * MB
MAX_OTHER_MEMBER = 8 * MB
MAX_TOTAL_XML = 64 * MB
MAX_MEMBERS = 1000
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 2_000
ROWS_PER_PROGRESS = 500

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SheetRows:
    name: str  # the sheet's name
    sheet_names: tuple[str, ...]
    rows: list[tuple]  # the values of every row, at most MAX_COLUMNS wide


def _refuse(path: Path, why: str, details: str = "") -> ValidationError:
    return ValidationError(f"“{path.name}”没有导入：{why}", details=details)


def _member_limit(name: str) -> int:
    if name.startswith("xl/worksheets/"):
        return MAX_SHEET_XML
    if name == "xl/sharedStrings.xml":
        return MAX_SHARED_STRINGS
    return MAX_OTHER_MEMBER


def _check_kind(path: Path, head: bytes, size: int) -> None:
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(path, "这是旧版 .xls 文件或加了密码的工作簿，请在 Excel/WPS 中“另存为” .xlsx（不设密码）后再导入。")
    if not head.startswith(b"PK"):
        raise _refuse(path, "它不是 Excel 工作簿（.xlsx）。如果是 .xls、.et 或 .csv，请在 Excel/WPS 中另存为 .xlsx。")
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"文件有 {size // MB} MB，远大于一个支部的表格，请只保留要导入的工作表。")


def _check_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise _refuse(path, "它不是 Excel 工作簿（.xlsx），可能是 Word 文档或其他压缩文件。")
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"工作簿里有 {len(infos)} 个部件，不像一个普通的表格。")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > _member_limit(info.filename):
            what = "一个工作表" if info.filename.startswith("xl/worksheets/") else "表格里的文字"
            raise _refuse(
                path, f"{what}展开后有 {info.file_size // MB} MB，远超一个支部的名册（可能有上百万行或一个极大的单元格），请只保留要导入的内容。"
            )
    if total > MAX_TOTAL_XML:
        raise _refuse(path, f"工作簿展开后有 {total // MB} MB，远超一个支部的名册，请只保留要导入的工作表。")


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
SCAN_CHUNK = 1 << 20


def _count_rows(archive: zipfile.ZipFile, name: str) -> int:
    """Rows in a worksheet, counted on the compressed stream (openpyxl may read a whole sheet
    before the first row), stopping once past MAX_ROWS."""
    rows, carry = 0, b""
    with archive.open(name) as stream:
        while rows <= MAX_ROWS and (chunk := stream.read(SCAN_CHUNK)):
            text = carry + chunk
            rows += len(_ROW_TAG.findall(text[: len(text) - 16])) if len(text) > 16 else 0
            carry = text[-16:] if len(text) > 16 else text
    return rows + len(_ROW_TAG.findall(carry))


def _check_rows(path: Path, archive: zipfile.ZipFile) -> None:
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and _count_rows(archive, name) > MAX_ROWS:
            raise _refuse(path, f"一个工作表超过 {MAX_ROWS:,} 行，远超一个支部的名册，请只保留要导入的行。")


def check_workbook_file(path: Path) -> None:
    """Refuse, with one sentence, a file that is missing, not an .xlsx, or too large to read safely."""
    if path.is_dir():  # opening it fails as "permission denied" on Windows, "is a directory" here: neither says it
        raise ValidationError(folder_not_file(path, "请选择要导入的 Excel 工作簿（.xlsx）"))
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
        _check_kind(path, head, size)
        with zipfile.ZipFile(path) as archive:
            _check_members(path, archive.infolist())
            _check_rows(path, archive)
    except FileNotFoundError as exc:
        raise ValidationError(f"找不到文件“{path}”。", details=str(exc)) from exc
    except zipfile.BadZipFile as exc:
        raise _refuse(path, "文件已损坏或不是 Excel 工作簿（.xlsx）。", repr(exc)) from exc
    except OSError as exc:  # locked by Excel/WPS, the stick pulled, ...
        raise plain_os_error(
            exc, f"“{path.name}”没有导入。", folder=path.parent, locked_hint="这个文件正在 Excel/WPS 中打开", error=ValidationError
        ) from exc


def _open(path: Path):
    check_workbook_file(path)  # before openpyxl is even imported: a refusal costs nothing
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise _refuse(path, DAMAGED, repr(exc)) from exc


DAMAGED = "文件已损坏或不是可以读取的 Excel 文件（.xlsx）。如果是 .xls 或 WPS 格式，请先另存为 .xlsx。"


def _parsed_rows(path: Path, sheet) -> Iterator[tuple]:
    """The sheet's rows as openpyxl parses them. In read-only mode a sheet's XML is parsed only
    while its rows are read, long after load_workbook succeeded, so a damaged sheet (an unescaped
    "&" written by some other program, a cut-off file) fails here and gets the damaged file's
    sentence. Only the parsing is guarded: a cancellation raised by the progress callback passes."""
    rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # ParseError, zlib/zip errors, openpyxl's own ValueErrors
            raise _refuse(path, DAMAGED, repr(exc)) from exc
        yield values


def _bounded_rows(path: Path, sheet, progress: Progress | None) -> list[tuple]:
    rows: list[tuple] = []
    for values in _parsed_rows(path, sheet):
        if len(rows) >= MAX_ROWS:
            raise _refuse(path, f"工作表“{sheet.title}”超过 {MAX_ROWS:,} 行，远超一个支部的名册，请只保留要导入的行。")
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        rows.append(tuple(_bounded_cell(path, value, len(rows) + 1) for value in values))
        if progress and len(rows) % ROWS_PER_PROGRESS == 0:
            progress(len(rows), MAX_ROWS)
    while rows and all(value is None or str(value).strip() == "" for value in rows[-1]):
        rows.pop()
    return rows


def _bounded_cell(path: Path, value, row: int):
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise _refuse(path, f"第 {row} 行有一个单元格写了 {len(value):,} 个字，不像名册内容，请检查后再导入。")
    return value


def read_sheets(path: str | Path, wanted: Callable[[str, list[tuple]], bool] | None = None, progress: Progress | None = None) -> SheetRows:
    """The rows of the first sheet (in workbook order) that `wanted(name, rows)` accepts, or of the first sheet."""
    path = Path(path)
    book = _open(path)
    try:
        names = tuple(book.sheetnames)
        first: SheetRows | None = None
        for sheet in book.worksheets:
            found = SheetRows(sheet.title, names, _bounded_rows(path, sheet, progress))
            if wanted is None or wanted(found.name, found.rows):
                return found
            first = first or found
        if first is None:
            raise _refuse(path, "工作簿里没有工作表。")
        return first
    finally:
        book.close()
