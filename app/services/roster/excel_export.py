"""The roster out to Excel: the import template, the roster itself, and the refused rows of an import.

- `write_template` makes an empty import sheet with Chinese headers, drop-down lists and
  text-formatted ID/phone columns (so Excel does not turn an ID number into 1.1E+17).
- `export_members` writes the roster with a title, the branch and the date, in the import's
  columns (so the file imports again); ID numbers and phones masked unless asked, and the
  sheet says which.
- `write_refused` saves the rows an import refused, in the clerk's own columns plus 原因.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from app.domain.enums import Gender, MemberClass, MemberStatus, Membership
from app.domain.personal import mask_id_number, mask_phone
from app.services.exports.sheet import FULL_NOTE, MASKED_NOTE, Col, Table, looks_like_formula, write_tables
from app.services.files import write_atomically
from app.services.organisation import get_branch
from app.services.roster import members
from app.services.roster.members import MemberFilter
from app.services.roster.personal import note_full_export
from app.services.context import Actor
from db.store import Store

if TYPE_CHECKING:
    from openpyxl import Workbook

Progress = Callable[[int, int], None]

COLUMNS = (
    "姓名", "性别", "民族", "出生日期", "身份证号", "联系电话", "入党日期", "转正日期",
    "党员类别", "正式/预备", "党小组", "党员中心户", "先锋岗", "岗位", "备注",
)
REQUIRED_COLUMNS = ("姓名", "党员类别")
TEXT_COLUMNS = ("身份证号", "联系电话")
COLUMN_WIDTHS = {"姓名": 10, "身份证号": 22, "联系电话": 15, "党员类别": 20, "党小组": 14, "备注": 24}
KINDS = {"出生日期": "date", "入党日期": "date", "转正日期": "date"}
TEMPLATE_ROWS = 1000  # rows that get drop-downs and text format in the template
SHEET_NAME = "党员名册"
REASON_TITLE = "原因"
STATUS_TITLE, STATUS_DATE_TITLE = "在册状态", "转出或去世日期"  # not import columns: an import leaves them aside


# ---------------------------------------------------------------- template


def write_template(path: str | Path, store: Store | None = None) -> Path:
    """An empty import sheet at `path`; with `store`, the branch's party groups fill the drop-down."""
    path = Path(path)
    # openpyxl here and in write_refused, not at the top: the window's start would pay half a second for it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    groups = [group.name for group in get_branch(store).groups] if store is not None else []
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    sheet.append(list(COLUMNS))
    header_fill = PatternFill("solid", fgColor="F4CCCC")
    for index, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if title in REQUIRED_COLUMNS else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(title, 12)
        if title in TEXT_COLUMNS:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    lists = {
        "性别": [g.label for g in Gender],
        "党员类别": [c.label for c in MemberClass],
        "正式/预备": [m.label for m in Membership],
        "党员中心户": ["是", "否"],
        "先锋岗": ["是", "否"],
    }
    if groups:
        lists["党小组"] = groups
    for title, choices in lists.items():
        letter = get_column_letter(COLUMNS.index(title) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        validation.error = f"请从下拉列表中选择{title}。"
        validation.errorTitle = title
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    notes = book.create_sheet("填写说明")
    for line in (
        "党员名册导入模板：每行一名党员，第一行的列名不要改动。",
        "红色列名（姓名、党员类别）必须填写，其余可以留空。",
        "日期可以写成 2001-07-01、2001/7/1、2001.07.01 或 2001年7月1日。",
        "身份证号请填 18 位；填写后出生日期和性别以身份证号为准。",
        "党员类别：" + "、".join(c.label for c in MemberClass) + "。",
        "正式/预备：填“正式党员”或“预备党员”，不填按正式党员。预备党员不填转正日期。",
        "党小组：填本支部已有的党小组名称" + (f"（{'、'.join(groups)}）" if groups else "") + "。",
        "党员中心户、先锋岗：填“是”或“否”。",
        "列名也可以用名册上常见的写法（如“入党时间”“身份证号码”“联系方式”），上面可以有标题行，下面可以有落款。",
        "日期也可以只写年月（1975.07、1975年7月）；15 位旧身份证号会自动换算为 18 位。",
        "导入前会先预览每一行：可以选择全部没有问题才导入，或只导入没有问题的行并把有问题的行另存，改好后再导入。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    _save(book, path)
    return path


def _save(book: Workbook, path: Path) -> None:
    """Build the file in memory, then write it all or nothing (app.services.files.write_atomically)."""
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue(), locked_hint="这个文件正在 Excel/WPS 中打开")


# ---------------------------------------------------------------- the roster


def _row(row, full: bool) -> list:
    return [
        row.name, row.gender.label if row.gender else "", row.ethnicity, row.birth_date,
        row.id_number if full else mask_id_number(row.id_number),
        row.phone if full else mask_phone(row.phone),
        row.join_date, row.full_member_date, row.member_class.label, row.membership.label, row.group_name,
        "是" if row.is_hub_household else "否", "是" if row.is_vanguard_post else "否", row.post_title, row.note,
    ]


def export_members(
    store: Store,
    path: str | Path,
    statuses: tuple[MemberStatus, ...] = (MemberStatus.ACTIVE,),
    full_personal_data: bool = False,
    progress: Progress | None = None,
    today: date | None = None,
    actor: Actor | None = None,
) -> int:
    """Write the roster to `path` in the import columns; returns how many members were written.

    Personal data is opened with `actor`'s data key (left empty without one) and masked unless
    `full_personal_data`, which needs an account with the right and is audited.
    """
    branch = get_branch(store)
    if full_personal_data:
        note_full_export(store, actor, "导出党员名册 Excel（含完整身份证号和电话）", file=Path(path).name)
    rows = members.list_members(store, MemberFilter(statuses=statuses), actor)
    only_active = tuple(statuses) == (MemberStatus.ACTIVE,)
    which = "在册党员" if only_active else "全部党员（含已转出、去世）"
    # A roster with members who left says who left and when: without it a deceased member read as one on the roll.
    extra = () if only_active else (Col(STATUS_TITLE, 10), Col(STATUS_DATE_TITLE, 12, "date"))
    table = Table(
        SHEET_NAME,
        f"{branch.name}党员名册",
        [f"{branch.township}　{branch.name}　{which} {len(rows)} 名　导出日期：{(today or date.today()):%Y-%m-%d}",
         FULL_NOTE if full_personal_data else MASKED_NOTE],
        [*(Col(title, COLUMN_WIDTHS.get(title, 12), KINDS.get(title, "text")) for title in COLUMNS), *extra],
        [[*_row(row, full_personal_data), *([row.status.label, row.status_date] if extra else [])] for row in rows],
    )
    write_tables(path, [table], progress)
    if progress:
        progress(len(rows), len(rows))
    return len(rows)


# ---------------------------------------------------------------- refused rows


def write_refused(preview, path: str | Path) -> Path:
    """The refused rows of an import in the clerk's own columns, a 原因 column at the end."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    book = Workbook()
    sheet = book.active
    sheet.title = "有问题的行"
    titles = [title or f"第{get_column_letter(i + 1)}列" for i, title in enumerate(preview.sheet.header.titles)]
    sheet.append([*titles, REASON_TITLE])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    text_columns = {use.index for use in preview.columns if use.field in ("id_number", "phone")}
    for line, row in enumerate(preview.refused, start=2):
        for index, value in enumerate([*row.values[: len(titles)], *[None] * (len(titles) - len(row.values))]):
            _refused_cell(sheet.cell(row=line, column=index + 1), value, index in text_columns)
        sheet.cell(row=line, column=len(titles) + 1, value=row.problem).font = Font(color="C00000")
    for index in range(len(titles)):
        sheet.column_dimensions[get_column_letter(index + 1)].width = 14
    sheet.column_dimensions[get_column_letter(len(titles) + 1)].width = 60
    sheet.freeze_panes = "A2"
    _save(book, path)
    return path


def _refused_cell(cell, value, as_text: bool) -> None:
    if as_text and value is not None and not isinstance(value, str):
        value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    cell.value = value
    if as_text:
        cell.number_format = "@"
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    if isinstance(value, (date, datetime)):
        cell.number_format = "yyyy-mm-dd"
