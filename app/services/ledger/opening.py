"""The months before go-live: points kept on paper or in Excel brought in as opening entries.

A branch that starts in November brings January–October in from its monthly points register:

- wide (the usual register): one row per member, one column per month (1月 … 12月), each cell
  that month's points; or
- long: one row per member and month (月份, 分值), optionally per item (项目: the code or name
  of an item of the year's rule set).

A month's points go on an opening item of the year's rule set (期初导入, added once: one for
points earned, one for points lost, never cut by a cap, since the branch already scored those
months, yet counted towards their category's cap when later points are priced: a month's total
is taken as 任务分, the category most of a month's points are); a row that names an item is
priced by that item like any entry. Every entry goes
through the ledger's own path (entries._record: priced, audited, chained), approved, dated the
month's last day, its note starting “期初导入”, so it counts in totals and stars and is
reversed like any entry. All rows or none; a month already brought in is refused, so importing
the same file twice adds nothing twice, and so is a month since the branch began keeping its
points in the program (its points are in the ledger already).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from app.domain.enums import Category, EntryStatus, MemberStatus, Role, ValueKind
from app.domain.errors import AppError, ImportRejected, PersonalDataLocked, ValidationError
from app.domain.names import normalise_name
from app.domain.periods import Month
from app.domain.points import format_points
from app.domain.rules import OPENING_EARNED_CODE, OPENING_LOST_CODE
from app.services.context import Actor, Change, UnitOfWork, unit_of_work
from app.services.ledger.entries import EntryRequest, _Pricer, _record
from app.services.organisation import require_branch_id
from app.services.roster import cells
from app.services.roster.personal import sealer_if_unlocked
from app.services.roster.headers import header_key, match_title
from app.services.rules.rulesets import load_rule_set_view
from app.services.workbooks import read_sheets
from db.models import Member, MemberPersonal, PointsEntry, RuleItemRecord, RuleSetRecord, reverses_nothing
from db.sealed import Sealer
from db.store import Store

Progress = Callable[[int, int], None]
WRITTEN_AT_ONCE = 500
OPENING_NOTE = "期初导入"
EARNED_CODE, LOST_CODE = OPENING_EARNED_CODE, OPENING_LOST_CODE
OPENING_ITEMS = {
    EARNED_CODE: ("期初导入（得分）", Category.DUTY, Decimal("0"), Decimal("999")),
    LOST_CODE: ("期初导入（扣分）", Category.DEDUCTION, Decimal("-999"), Decimal("0")),
}
_CHINESE_MONTHS = {name: number for number, name in enumerate("一 二 三 四 五 六 七 八 九 十 十一 十二".split(), start=1)}
_MONTH_TITLE = re.compile(r"(?:(\d{4})年)?(\d{1,2}|[一二三四五六七八九十]{1,3})月份?(?:得分|积分|分)?")
_DOTTED_MONTH = re.compile(r"(\d{4})[.\-/](\d{1,2})月?份?")
_VALUE_TITLES = {"分值", "得分", "积分", "本月得分", "月得分", "本月积分", "分数"}
_ITEM_TITLES = {"项目", "项目编号", "编号", "积分项目", "细则项目", "事项"}
_MONTH_TITLES = {"月份", "月", "年月", "时间", "日期"}


def is_opening(note: str) -> bool:
    return (note or "").startswith(OPENING_NOTE)


@dataclass(frozen=True)
class OpeningLine:
    row: int
    name: str
    month: Month
    points: Decimal
    item_code: str | None  # None: the month's points on the opening items
    id_number: str = ""


@dataclass(frozen=True)
class OpeningProblem:
    row: int
    name: str
    message: str

    def __str__(self) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"第 {self.row} 行{who}：{self.message}"


def month_of_title(title, year: int) -> int | None:
    # Excel turns a typed “2026-1” into a date, and some registers write 2026.01: both name a month.
    # A number (2026.1) does not: Excel keeps 2026.10 as 2026.1, so October would read as January.
    if isinstance(title, date):
        return title.month if title.year == year else None
    dotted = _DOTTED_MONTH.fullmatch(header_key(title)) if isinstance(title, str) else None
    if dotted:
        number = int(dotted.group(2))
        return number if int(dotted.group(1)) == year and 1 <= number <= 12 else None
    match = _MONTH_TITLE.fullmatch(header_key(title))
    if not match or (match.group(1) and int(match.group(1)) != year):
        return None
    number = int(match.group(2)) if match.group(2).isdigit() else _CHINESE_MONTHS.get(match.group(2))
    return number if number and 1 <= number <= 12 else None


@dataclass(frozen=True)
class _Layout:
    header_index: int
    name_at: int
    id_at: int | None
    months: dict[int, int]  # column → month (wide)
    month_at: int | None  # long
    value_at: int | None
    item_at: int | None


def _layout_of(row: tuple, index: int, year: int) -> _Layout | None:
    keys = [header_key(value) for value in row]
    fields = [match_title(value) for value in row]
    if "name" not in fields:
        return None
    months = {col: m for col, value in enumerate(row) if (m := month_of_title(value, year))}
    find = lambda titles: next((col for col, key in enumerate(keys) if key in titles), None)  # noqa: E731
    value_at = find(_VALUE_TITLES)
    if not months and value_at is None:
        return None
    id_at = fields.index("id_number") if "id_number" in fields else None
    return _Layout(index, fields.index("name"), id_at, months if value_at is None else {}, find(_MONTH_TITLES), value_at, find(_ITEM_TITLES))


def _find_layout(rows: list[tuple], year: int) -> _Layout | None:
    for index, row in enumerate(rows[:30]):
        layout = _layout_of(row, index, year)
        if layout:
            return layout
    return None


def _points(value, what: str) -> Decimal | None:
    if value is None or cells.text_of(value) in ("", "-", "—", "/"):
        return None
    try:
        number = Decimal(str(value)) if isinstance(value, (int, float)) else Decimal(cells.plain_of(value))
    except InvalidOperation:
        raise ValidationError(f"{what}“{cells.text_of(value)}”不是分数。") from None
    if abs(number) > 999 or number != number.quantize(Decimal("0.01")):
        raise ValidationError(f"{what}“{cells.text_of(value)}”不合理（最多两位小数，不超过 999 分）。")
    return number or None


def _long_month(value, year: int) -> Month:
    if isinstance(value, date):
        month = Month.of(value)
    else:
        text = cells.plain_of(value)
        month = Month(year, int(text)) if text.isdigit() and len(text) <= 2 else Month.parse(text.replace("月", ""))
    if month.year != year:
        raise ValidationError(f"月份 {month.label} 不是 {year} 年的。")
    return month


def _row_lines(number: int, values: tuple, layout: _Layout, year: int) -> list[OpeningLine]:
    cell = lambda col: values[col] if col is not None and col < len(values) else None  # noqa: E731
    name = normalise_name(cells.text_of(cell(layout.name_at)))
    id_number = cells.parse_id_number(cell(layout.id_at), []) if layout.id_at is not None else ""
    if layout.months:
        found = [(month, _points(cell(col), f"{month}月积分")) for col, month in layout.months.items()]
        return [OpeningLine(number, name, Month(year, m), p, None, id_number) for m, p in found if p is not None]
    value = _points(cell(layout.value_at), "分值")
    if value is None:
        return []
    item = cells.plain_of(cell(layout.item_at)).upper() or None
    return [OpeningLine(number, name, _long_month(cell(layout.month_at), year), value, item, id_number)]


def _skippable(values: tuple, layout: _Layout) -> bool:
    name = cells.text_of(values[layout.name_at]) if layout.name_at < len(values) else ""
    return not name or match_title(name) == "name" or bool(re.search(r"\d|合计|总计|填表|审核|签字|日期|注", name))


def read_opening_file(path: str | Path, year: int) -> tuple[list[OpeningLine], list[OpeningProblem]]:
    """Every month's points of every member row, and the rows that could not be read."""
    sheet = read_sheets(Path(path), lambda _name, rows: _find_layout(rows, year) is not None)
    layout = _find_layout(sheet.rows, year)
    if layout is None:
        raise ValidationError(
            f"“{Path(path).name}”中找不到“姓名”列和 {year} 年的月份列（1月……12月），也没有“月份”和“分值”列；请用积分导入模板。"
        )
    lines: list[OpeningLine] = []
    problems: list[OpeningProblem] = []
    for offset, values in enumerate(sheet.rows[layout.header_index + 1:], start=layout.header_index + 2):
        if _skippable(values, layout):
            continue
        try:
            lines.extend(_row_lines(offset, values, layout, year))
        except ValidationError as exc:
            problems.append(OpeningProblem(offset, cells.text_of(values[layout.name_at]), exc.message))
    return lines, problems


# ---------------------------------------------------------------- saving


def _ensure_opening_items(uow, branch_id: uuid.UUID, year: int) -> None:
    """The year's rule set gets the two opening items once (audited like any new item)."""
    record = uow.session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
    if record is None:
        raise ValidationError(f"{year} 年的积分细则还没有建立，请先建立细则再导入积分。")
    have = {item.code for item in record.items}
    for order, (code, (name, category, low, high)) in enumerate(OPENING_ITEMS.items(), start=len(record.items)):
        if code in have:
            continue
        item = RuleItemRecord(rule_set_id=record.id, code=code, name=name, category=category, value_kind=ValueKind.RANGE,
                              min_value=low, max_value=high, outside_cap=True, sort_order=order,
                              description="上线前各月的积分（从 Excel 导入的期初记录），不受上限约束。")
        uow.session.add(item)
        uow.session.flush()
        uow.audit("create", "rule_item", item.id, f"{year} 年细则新增项目 {code} {name}（期初导入用）")
    uow.session.expire(record)


def _members(session, branch_id: uuid.UUID, sealer: Sealer | None) -> tuple:
    """(the sealer, members by their ID number's look-up hash, members by name)."""
    by_lookup, by_name = {}, {}
    found = session.execute(
        select(Member.id, Member.name, MemberPersonal.id_number_lookup)
        .outerjoin(MemberPersonal, MemberPersonal.member_id == Member.id)
        .where(Member.branch_id == branch_id)
    )
    for member_id, name, lookup in found:
        if lookup:
            by_lookup[lookup] = member_id
        by_name.setdefault(name, []).append(member_id)
    return sealer, by_lookup, by_name


def _member_for(line: OpeningLine, sealer: Sealer | None, by_lookup: dict, by_name: dict) -> uuid.UUID:
    if line.id_number:
        if sealer is None:
            raise PersonalDataLocked()
        found = by_lookup.get(sealer.lookup(line.id_number))
        if found is None:
            raise ValidationError(f"身份证号 {line.id_number[:6]}…不在本支部名册上，请先导入名册。")
        return found
    found = by_name.get(line.name, [])
    if len(found) != 1:
        raise ValidationError(f"名册上{'没有' if not found else f'有 {len(found)} 名'}叫“{line.name}”的党员" + ("，请先导入名册。" if not found else "，请加上身份证号区分。"))
    return found[0]


def _opening_months(session, branch_id: uuid.UUID, year: int) -> set[tuple[uuid.UUID, Month]]:
    """(member, month) of every opening entry of `year` in the branch that still counts (not
    rejected, not a reversal, not reversed): one query for the whole file, since a query a line
    walked a village's ledger once per line."""
    reversed_ids = select(PointsEntry.reverses_id).where(PointsEntry.reverses_id.is_not(None))
    found = session.execute(
        select(PointsEntry.member_id, PointsEntry.occurred_on)
        .join(Member, Member.id == PointsEntry.member_id)
        .where(
            Member.branch_id == branch_id, PointsEntry.occurred_on.between(date(year, 1, 1), date(year, 12, 31)),
            PointsEntry.note.startswith(OPENING_NOTE, autoescape=True), PointsEntry.status != EntryStatus.REJECTED,
            reverses_nothing(PointsEntry.reverses_id), PointsEntry.id.not_in(reversed_ids),
        )
    )
    return {(member_id, Month.of(on)) for member_id, on in found}


def _live_since(session, branch_id: uuid.UUID, year: int) -> Month | None:
    """The month the branch began keeping `year`'s points in the program: when the first of its
    entries of the year that is not an opening one was made. By when it was made, not by the day
    it is for: a March commendation typed in after going live in November leaves March open."""
    first = session.scalar(
        select(func.min(PointsEntry.created_at))
        .join(Member, Member.id == PointsEntry.member_id)
        .where(
            Member.branch_id == branch_id, PointsEntry.occurred_on.between(date(year, 1, 1), date(year, 12, 31)),
            ~PointsEntry.note.startswith(OPENING_NOTE, autoescape=True), PointsEntry.status != EntryStatus.REJECTED,
        )
    )
    return None if first is None else Month(first.year, first.month)


def _opening_day(month: Month, today: date, left_on: date | None) -> date:
    """The day a month's points are dated: its last day, or for a member who died or left during
    it, the day before (he earned them before; dated later they would be refused as points after
    he left). Gone on the first, the month keeps its last day and pricing says why it is not his."""
    on = min(month.last_day, today)
    if left_on is not None and month.first_day < left_on <= on:
        on = left_on - timedelta(days=1)
    return on


def _request(line: OpeningLine, member_id: uuid.UUID, file_name: str, on: date) -> EntryRequest:
    code = line.item_code or (EARNED_CODE if line.points > 0 else LOST_CODE)
    note = f"{OPENING_NOTE}：{line.month.label}（{file_name} 第 {line.row} 行）"
    return EntryRequest(member_id, code, on, points=line.points, note=note, evidence=file_name)


@dataclass
class _Saving:
    """What saving a sheet's lines needs: the write, the pricer, the members by ID number and name,
    the (member, month) already brought in (this sheet's lines so far included), and the file's
    name and batch."""

    uow: UnitOfWork
    pricer: _Pricer
    members: tuple
    brought_in: set
    file_name: str
    batch_id: uuid.UUID
    live_since: Month | None  # the first month kept in the program: it and later ones are not opening months
    sheet_rows: dict = field(default_factory=dict)  # (member, month) → the sheet's first row that brought it in

    def save(self, lines: list[OpeningLine], problems: list, progress: Progress | None) -> list[uuid.UUID]:
        """The ids of the entries saved; a line that cannot be saved goes to `problems` instead."""
        created = []
        for done, line in enumerate(lines, start=1):
            try:
                created.append(self._save_line(line))
            except AppError as exc:
                problems.append(OpeningProblem(line.row, line.name, f"{line.month.label}：{exc.message}"))
            if done % WRITTEN_AT_ONCE == 0:
                self.uow.session.flush()  # a sheet's entries are written a few hundred at a time, not all kept until the end
            if progress and done % 100 == 0:
                progress(done, len(lines) + 1)
        return created

    def _save_line(self, line: OpeningLine) -> uuid.UUID:
        pricer = self.pricer
        if line.month.first_day > pricer.today:
            raise ValidationError("这个月还没有到，不能作为期初积分导入。")
        if self.live_since is not None and line.month >= self.live_since:
            raise ValidationError(
                f"本支部从{self.live_since.label}起已经在程序里记分，这个月的积分已在台账中，不能再作为期初积分导入"
                "（期初只导入开始用程序之前的月份；漏记的请逐条录入）。"
            )
        member_id = _member_for(line, *self.members)
        if line.item_code is None and (member_id, line.month) in self.brought_in:
            first = self.sheet_rows.get((member_id, line.month))
            if first is not None:
                raise ValidationError(f"表中第 {first} 行和第 {line.row} 行是同一名党员，这个月的积分列了两次；请合并成一行或删去一行。")
            raise ValidationError("这个月的积分已经导入过了（要重新导入，请先冲正原来的期初记录）。")  # the problem line names the month
        member = pricer.member(member_id)
        left_on = member.status_date if member.status is not MemberStatus.ACTIVE else None
        request = _request(line, member_id, self.file_name, _opening_day(line.month, pricer.today, left_on))
        if line.item_code and pricer.view(line.month.year).rule_set.item(line.item_code).value_kind is not ValueKind.RANGE:
            request.points = None  # a fixed or per-unit item: the item's own value, checked against the sheet below
        entry = _record(self.uow, pricer, request, True, batch_id=self.batch_id)[0]
        if entry.points != line.points:
            raise ValidationError(f"项目 {line.item_code} 按细则记 {format_points(entry.points)} 分，表中是 {format_points(line.points)} 分。")
        self.brought_in.add((member_id, Month.of(entry.occurred_on)))  # as _opening_months reads it back
        self.sheet_rows.setdefault((member_id, Month.of(entry.occurred_on)), line.row)
        return entry.id


def import_opening(
    store: Store, actor: Actor, path: str | Path, year: int, today: date | None = None, progress: Progress | None = None,
) -> Change:
    """Bring the months already kept into the ledger as approved opening entries: all rows or none."""
    actor.require(Role.REVIEWER, action="导入期初积分")
    path, today = Path(path), today or date.today()
    lines, problems = read_opening_file(path, year)
    if not lines and not problems:
        raise ValidationError(f"“{path.name}”里没有 {year} 年的积分。")
    branch_id = require_branch_id(store)
    batch_id = uuid.uuid4()
    with unit_of_work(store, actor) as uow:
        _ensure_opening_items(uow, branch_id, year)
        pricer = _Pricer(uow.session, branch_id, today)
        members = _members(uow.session, branch_id, sealer_if_unlocked(actor))
        _, _, by_name = members
        pricer.preload({member_id for found in by_name.values() for member_id in found}, [year])
        saving = _Saving(
            uow, pricer, members, _opening_months(uow.session, branch_id, year), path.name, batch_id,
            _live_since(uow.session, branch_id, year),
        )
        created = saving.save(lines, problems, progress)
        if problems:
            raise ImportRejected(sorted(problems, key=lambda p: p.row), len({line.row for line in lines} | {p.row for p in problems}))
        uow.audit("import", "points_entry", None, f"从“{path.name}”导入 {year} 年期初积分 {len(created)} 条", file=path.name, batch=str(batch_id))
        if progress:
            progress(len(lines) + 1, len(lines) + 1)  # the last chance to cancel: still inside the transaction
    people = len({(line.name, line.id_number) for line in lines})
    return Change(f"已从“{path.name}”导入 {year} 年期初积分 {len(created)} 条（{people} 名党员），已计入积分。", created=created)


def load_view_codes(store: Store, year: int) -> list[tuple[str, str]]:
    """(code, name) of the year's items, for the template's notes."""
    branch_id = require_branch_id(store)
    with store.session() as session:
        view = load_rule_set_view(session, branch_id, year)
    return [(item.code, item.name) for item in view.rule_set.items] if view else []
