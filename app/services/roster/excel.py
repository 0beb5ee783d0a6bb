"""The roster to and from Excel (.xlsx), in the shape clerks already keep.

- `write_template` makes an empty import sheet with Chinese headers, drop-down lists and
  text-formatted ID/phone columns (so Excel does not turn an ID number into 1.1E+17).
- `import_members` reads every row, checks each with `members.validate_member_input` and the
  roster's own rules, and saves all of them in one unit of work, or none: when any row is bad,
  `ImportRejected` lists every bad row with its Excel row number and the reason.
- `export_members` writes the roster in the same columns; ID numbers and phones are masked
  unless the caller asks for them in full.

Both long functions take `progress(done, total)`; if the callback raises (the clerk pressed
“取消”), the exception propagates and nothing is saved. They run on whatever thread calls them
and open their own sessions.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from app.domain.enums import Gender, MemberClass, MemberStatus, Membership
from app.domain.errors import ImportRejected, ValidationError  # ImportRejected: re-exported for the UI
from app.domain.idcard import mask_id_number, mask_phone
from app.domain.names import pinyin_keys
from app.services.roster import members
from app.services.context import Actor, Change, unit_of_work
from app.services.files import plain_os_error, write_atomically
from app.services.roster.members import MemberFilter, MemberInput
from app.services.organisation import get_branch, require_branch_id
from db.models import Member, MemberEvent
from db.store import Store

Progress = Callable[[int, int], None]

COLUMNS = (
    "姓名", "性别", "民族", "出生日期", "身份证号", "联系电话", "入党日期", "转正日期",
    "党员类别", "正式/预备", "党小组", "党员中心户", "先锋岗", "岗位", "备注",
)
REQUIRED_COLUMNS = ("姓名", "党员类别")
DATE_COLUMNS = ("出生日期", "入党日期", "转正日期")
TEXT_COLUMNS = ("身份证号", "联系电话")
COLUMN_WIDTHS = {"姓名": 10, "身份证号": 22, "联系电话": 15, "党员类别": 20, "党小组": 14, "备注": 24}
TEMPLATE_ROWS = 1000  # rows that get drop-downs and text format in the template
YES = {"是", "√", "✓", "✔", "y", "yes", "1", "true", "有"}
NO = {"", "否", "×", "n", "no", "0", "false", "无"}
SHEET_NAME = "党员名册"
MAX_PROBLEMS_IN_MESSAGE = 1


@dataclass(frozen=True)
class RowProblem:
    row: int  # the row number Excel shows
    name: str
    message: str

    def __str__(self) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"第 {self.row} 行{who}：{self.message}"


# ---------------------------------------------------------------- parsing cells

_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date_text(value, what: str = "日期") -> date | None:
    """A date from an Excel cell or a typed text: 2001-07-01, 2001/7/1, 2001.07.01, 2001年7月1日, 20010701."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    if not text:
        return None
    match = _DATE_TEXT.fullmatch(text) or _DATE_DIGITS.fullmatch(text)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise ValidationError(f"{what}“{text}”不存在，请核对年月日。") from None
    raise ValidationError(f"{what}“{text}”看不懂，请写成 2001-07-01 这样的格式。")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _id_number_text(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = _text(value)
        if len(text) >= 15 and (isinstance(value, float) or text.endswith("000")):
            raise ValidationError("身份证号被 Excel 当成了数字，后几位已经丢失。请把这一列设为“文本”格式后重新填写。")
        return text
    text = _text(value)
    if "*" in text:
        raise ValidationError("身份证号是打码的（导出时没有选择完整导出），请填写完整的身份证号。")
    return text


def _enum(enum_cls, value, what: str, aliases: dict[str, object] | None = None):
    text = _text(value)
    if not text:
        return None
    if aliases and text in aliases:
        return aliases[text]
    try:
        return enum_cls.from_label_or_value(text)
    except ValueError:
        pass
    starting = [member for member in enum_cls if member.label.startswith(text)]
    if len(starting) == 1:
        return starting[0]
    choices = "、".join(member.label for member in enum_cls)
    raise ValidationError(f"{what}“{text}”不认识，请填写：{choices}。")


CLASS_ALIASES = {"两委": MemberClass.CADRE, "村两委": MemberClass.CADRE, "支委": MemberClass.CADRE,
                 "社区两委": MemberClass.CADRE, "老弱病残": MemberClass.EXEMPT_FRAIL, "70岁以上": MemberClass.EXEMPT_FRAIL}
MEMBERSHIP_ALIASES = {"正式": Membership.FULL, "预备": Membership.PROBATIONARY}


def _yes_no(value, what: str) -> bool:
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationError(f"“{what}”一栏请填“是”或“否”（现在是“{text}”）。")


def _header_key(cell) -> str:
    text = _text(cell)
    text = re.sub(r"[*＊\s]", "", text)
    return re.sub(r"[（(].*?[)）]", "", text)


# ---------------------------------------------------------------- template


def write_template(path: str | Path, store: Store | None = None) -> Path:
    """An empty import sheet at `path`; with `store`, the branch's party groups fill the drop-down."""
    path = Path(path)
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
        "导入时会检查每一行，只要有一行有问题，整张表都不会导入，并列出每一处问题。",
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


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class SheetRow:
    row: int
    name: str
    data: MemberInput | None
    problem: str = ""


def _open_rows(path: Path) -> Iterable[tuple]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise ValidationError(f"找不到文件“{path}”。", details=str(exc)) from exc
    except OSError as exc:  # locked by Excel/WPS, the stick pulled, ...: one plain sentence from files
        raise plain_os_error(
            exc, f"“{path.name}”没有导入。", folder=path.parent, locked_hint="这个文件正在 Excel/WPS 中打开", error=ValidationError
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a valid .xlsx
        raise ValidationError(
            f"“{path.name}”不是可以读取的 Excel 文件（.xlsx）。如果是 .xls 或 WPS 格式，请先另存为 .xlsx。", details=repr(exc)
        ) from exc
    try:
        sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
        return list(sheet.iter_rows(values_only=True))
    finally:
        book.close()


def read_sheet(path: str | Path, groups: dict[str, uuid.UUID]) -> list[SheetRow]:
    """Every non-empty data row of the sheet, parsed; a row that cannot be parsed carries its problem."""
    rows = _open_rows(Path(path))
    header_index, position = _header(rows)
    parsed = []
    for offset, values in enumerate(rows[header_index + 1:], start=header_index + 2):
        if all(_text(v) == "" for v in values):
            continue
        cell = {title: (values[i] if i < len(values) else None) for title, i in position.items()}
        name = _text(cell.get("姓名"))
        try:
            parsed.append(SheetRow(offset, name, _member_input(cell, groups)))
        except ValidationError as exc:
            parsed.append(SheetRow(offset, name, None, exc.message))
    return parsed


def _header(rows: list) -> tuple[int, dict[str, int]]:
    """The header row's index (within the first 20 rows) and each known column's position."""
    header_index = next((i for i, row in enumerate(rows[:20]) if "姓名" in [_header_key(c) for c in row]), None)
    if header_index is None:
        raise ValidationError("表格前 20 行中找不到“姓名”列。请使用导入模板，第一行写列名。")
    header = [_header_key(c) for c in rows[header_index]]
    missing = [title for title in REQUIRED_COLUMNS if title not in header]
    if missing:
        raise ValidationError(f"表格中缺少“{'”“'.join(missing)}”列，请使用导入模板。")
    return header_index, {title: header.index(title) for title in COLUMNS if title in header}


def _member_input(cell: dict, groups: dict[str, uuid.UUID]) -> MemberInput:
    member_class = _enum(MemberClass, cell.get("党员类别"), "党员类别", CLASS_ALIASES)
    if member_class is None:
        raise ValidationError("请填写党员类别。")
    group_name = _text(cell.get("党小组"))
    if group_name and group_name not in groups:
        known = "、".join(groups) or "（本支部还没有党小组）"
        raise ValidationError(f"党小组“{group_name}”不存在，本支部的党小组有：{known}。")
    dates = {title: parse_date_text(cell.get(title), title) for title in DATE_COLUMNS}
    return MemberInput(
        name=_text(cell.get("姓名")),
        member_class=member_class,
        membership=_enum(Membership, cell.get("正式/预备"), "正式/预备", MEMBERSHIP_ALIASES) or Membership.FULL,
        gender=_enum(Gender, cell.get("性别"), "性别"),
        ethnicity=_text(cell.get("民族")) or "汉族",
        birth_date=dates["出生日期"],
        id_number=_id_number_text(cell.get("身份证号")),
        phone=_text(cell.get("联系电话")),
        join_date=dates["入党日期"],
        full_member_date=dates["转正日期"],
        group_id=groups.get(group_name) if group_name else None,
        is_hub_household=_yes_no(cell.get("党员中心户"), "党员中心户"),
        is_vanguard_post=_yes_no(cell.get("先锋岗"), "先锋岗"),
        post_title=_text(cell.get("岗位")),
        note=_text(cell.get("备注")),
    )


def check_rows(store: Store, rows: list[SheetRow], today: date, progress: Progress | None = None) -> tuple[list[tuple[int, MemberInput]], list[RowProblem]]:
    """Validate every row (as the add-member form does) and look for duplicate ID numbers."""
    with store.session() as session:
        registered = dict(session.execute(select(Member.id_number, Member.name).where(Member.id_number.is_not(None))).all())
    good: list[tuple[int, MemberInput]] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for done, sheet_row in enumerate(rows, start=1):
        if progress and done % 200 == 0:
            progress(done, len(rows) * 2)
        if sheet_row.data is None:
            problems.append(RowProblem(sheet_row.row, sheet_row.name, sheet_row.problem))
            continue
        try:
            cleaned = members.validate_member_input(sheet_row.data, today)
        except ValidationError as exc:
            problems.append(RowProblem(sheet_row.row, sheet_row.name, exc.message))
            continue
        number = cleaned.id_number
        if number and number in seen:
            problems.append(RowProblem(sheet_row.row, sheet_row.name, f"身份证号与第 {seen[number]} 行相同，同一个人不能登记两次。"))
            continue
        if number and number in registered:
            problems.append(RowProblem(sheet_row.row, sheet_row.name, f"身份证号已登记给“{registered[number]}”，同一个人不能登记两次。"))
            continue
        if number:
            seen[number] = sheet_row.row
        good.append((sheet_row.row, cleaned))
    return good, problems


def import_members(
    store: Store, actor: Actor, path: str | Path, today: date | None = None, progress: Progress | None = None
) -> Change:
    """Import every row of the sheet at `path`, or none (ImportRejected lists every bad row)."""
    actor.require(action="导入党员名册")
    today = today or date.today()
    path = Path(path)
    branch = get_branch(store)
    rows = read_sheet(path, {group.name: group.id for group in branch.groups})
    if not rows:
        raise ValidationError("表格里没有党员数据（只有列名）。")
    good, problems = check_rows(store, rows, today, progress)
    if problems:
        raise ImportRejected(problems, len(rows))
    created: list[uuid.UUID] = []
    total = len(rows) * 2
    with unit_of_work(store, actor) as uow:
        session = uow.session
        for done, (_row, data) in enumerate(good, start=1):
            member = Member(branch_id=branch.id, status=MemberStatus.ACTIVE)
            for item in fields(MemberInput):
                setattr(member, item.name, getattr(data, item.name))
            member.id_number = data.id_number or None
            member.name_pinyin, member.name_initials = pinyin_keys(data.name)
            member.in_branch_since = data.join_date
            member.id = uuid.uuid4()
            session.add(member)
            session.add(MemberEvent(member_id=member.id, kind="joined", occurred_on=member.in_branch_since or today,
                                    reason=f"从 Excel 导入（{path.name}）", operator_id=actor.id))
            uow.audit("create", "member", member.id, f"从 Excel 导入党员 {member.name}", file=path.name, row=_row)
            created.append(member.id)
            if done % 200 == 0:
                session.flush()
                if progress:
                    progress(len(rows) + done, total)
        session.flush()
        uow.audit("import", "member", None, f"从“{path.name}”导入党员 {len(created)} 名", file=path.name)
    if progress:
        progress(total, total)
    return Change(f"已从“{path.name}”导入党员 {len(created)} 名。", created=created)


# ---------------------------------------------------------------- export


def export_members(
    store: Store,
    path: str | Path,
    statuses: tuple[MemberStatus, ...] = (MemberStatus.ACTIVE,),
    full_personal_data: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write the roster to `path` in the import columns; returns how many members were written."""
    path = Path(path)
    require_branch_id(store)
    rows = members.list_members(store, MemberFilter(statuses=statuses))
    # MemberRow has no 转正日期, so it is read here in one query.
    with store.session() as session:
        full_dates = dict(session.execute(select(Member.id, Member.full_member_date)).all())
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_NAME)
    for index, title in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMN_WIDTHS.get(title, 12)
    sheet.freeze_panes = "A2"
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)

    def dated(value: date | None):
        cell = WriteOnlyCell(sheet, value=value)
        if value is not None:
            cell.number_format = "yyyy-mm-dd"
        return cell

    def text(value: str):
        """Free text stays text: openpyxl stores "=…" as a formula, which reads back empty."""
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    for done, row in enumerate(rows, start=1):
        sheet.append([
            text(row.name),
            row.gender.label if row.gender else "",
            text(row.ethnicity),
            dated(row.birth_date),
            row.id_number if full_personal_data else mask_id_number(row.id_number),
            row.phone if full_personal_data else mask_phone(row.phone),
            dated(row.join_date),
            dated(full_dates.get(row.id)),
            row.member_class.label,
            row.membership.label,
            text(row.group_name),
            "是" if row.is_hub_household else "否",
            "是" if row.is_vanguard_post else "否",
            text(row.post_title),
            text(row.note),
        ])
        if progress and done % 200 == 0:
            progress(done, len(rows))
    _save(book, path)
    if progress:
        progress(len(rows), len(rows))
    return len(rows)
