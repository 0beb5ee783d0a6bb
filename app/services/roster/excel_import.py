"""Importing the roster a clerk already keeps in Excel: read, preview, then save.

1. `load_roster(path)` opens the workbook safely (app.services.workbooks) and finds the header
   wherever it is (app.services.roster.headers).
2. `preview_roster(store, sheet, today, mapping)` reads every row without saving anything:
   which column went to which field, the columns not used, the rows that are not members
   (title, blank, totals, signature and date lines) and why they are skipped, and for each
   member row whether it is new, an update of a member already on the roster (the ID number
   is the key; without one, the name), unchanged, or refused and why. `remap` gives the
   clerk's reassignment of a column, and the preview is made again from the same rows.
3. `commit_roster(store, actor, preview, good_rows_only)` saves in one unit of work: all rows,
   or (when asked) the good rows only; `write_refused` saves the refused rows as .xlsx with a
   原因 column, ready to correct and import again.

`progress(done, total)` is called through reading and saving, the last time inside the
transaction before it commits; if it raises (the clerk pressed 取消), nothing is saved.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.enums import MemberClass, MemberStatus, Membership, Role
from app.domain.errors import ConflictError, ImportRejected, PersonalDataLocked, ValidationError
from app.domain.idcard import birth_date_from_id, gender_from_id
from app.domain.names import normalise_name, pinyin_keys
from app.domain.personal import mask_id_number, mask_phone
from app.domain.dates import day_text
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.organisation import get_branch
from app.services.roster import cells, members
from app.services.roster.headers import LABELS, Header, find_header, match_title
from app.services.roster.members import MemberInput
from app.services.roster.personal import PersonalFields, has_personal, open_from, sealer_for, sealer_if_unlocked
from app.services.workbooks import read_sheets
from db.models import Member, MemberEvent, MemberPersonal
from db.sealed import Sealer
from db.store import Store

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 50
MAX_LISTED = 50  # problems listed in a message; the rest are counted
DEFAULT_CLASS = MemberClass.NO_POST

# field → (MemberInput attribute, reader(value, groups, notes))
READERS = {
    "name": ("name", lambda v, g, n: normalise_name(cells.text_of(v))),
    "gender": ("gender", lambda v, g, n: cells.parse_gender(v)),
    "ethnicity": ("ethnicity", lambda v, g, n: cells.parse_ethnicity(v)),
    "birth_date": ("birth_date", lambda v, g, n: cells.parse_date(v, "出生日期", n)),
    "id_number": ("id_number", lambda v, g, n: cells.parse_id_number(v, n)),
    "phone": ("phone", lambda v, g, n: cells.parse_phone(v, n)),
    "join_date": ("join_date", lambda v, g, n: cells.parse_date(v, "入党日期", n)),
    "full_member_date": ("full_member_date", lambda v, g, n: cells.parse_date(v, "转正日期", n)),
    "member_class": ("member_class", lambda v, g, n: cells.parse_member_class(v)),
    "membership": ("membership", lambda v, g, n: cells.parse_membership(v)),
    "group": ("group_id", lambda v, g, n: cells.parse_group(v, g)),
    "hub": ("is_hub_household", lambda v, g, n: cells.parse_yes_no(v, "党员中心户")),
    "vanguard": ("is_vanguard_post", lambda v, g, n: cells.parse_yes_no(v, "先锋岗")),
    "post_title": ("post_title", lambda v, g, n: cells.text_of(v)),
    "note": ("note", lambda v, g, n: cells.text_of(v)),
}
ATTRIBUTE_LABELS = {attribute: LABELS[key] for key, (attribute, _reader) in READERS.items()}
ATTRIBUTE_LABELS.update(gender="性别", birth_date="出生日期")

_FOOTER = re.compile(
    r"^(合\s*计|总\s*计|小\s*计|共\s*计|填表人|制表人|填报人|审核人|审批人|负责人|联系人|经办人|统计人|支部书记|书记|"
    r"填表日期|填报日期|制表日期|报送日期|日\s*期|注|说明|单位)\s*[:：（(]?|签字|签名|盖章|^共\s*\d+\s*[人名]|^以上|^此表"
)


@dataclass(frozen=True)
class ColumnUse:
    index: int  # from 0
    title: str
    field: str | None
    note: str = ""

    @property
    def letter(self) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.index + 1)

    @property
    def label(self) -> str:
        return LABELS[self.field] if self.field else "（不导入）"


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.label}：{self.before or '（空）'} → {self.after or '（空）'}"


@dataclass(frozen=True)
class PreviewRow:
    """A member row: status is new, update, same or refused."""

    row: int  # the row number Excel shows
    name: str
    status: str
    values: tuple
    data: MemberInput | None = None
    problem: str = ""
    notes: tuple[str, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    member_id: uuid.UUID | None = None
    message: str = ""  # the problem, as RowProblem and ImportRejected read it

    def __str__(self) -> str:
        who = f"（{self.name}）" if self.name else ""
        return f"第 {self.row} 行{who}：{self.problem}"


@dataclass(frozen=True)
class SkippedRow:
    row: int
    reason: str
    text: str


@dataclass(frozen=True)
class RosterSheet:
    path: Path
    sheet_name: str
    sheet_names: tuple[str, ...]
    rows: list[tuple]
    header: Header


@dataclass
class RosterPreview:
    sheet: RosterSheet
    mapping: dict[int, str | None]
    columns: tuple[ColumnUse, ...]
    rows: list[PreviewRow]
    skipped: list[SkippedRow]
    notices: list[str] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return self.sheet.path.name

    @property
    def header_row(self) -> int:
        return self.sheet.header.row_index + 1

    def with_status(self, *statuses: str) -> list[PreviewRow]:
        return [row for row in self.rows if row.status in statuses]

    @property
    def refused(self) -> list[PreviewRow]:
        return self.with_status("refused")

    @property
    def unused_columns(self) -> list[ColumnUse]:
        return [column for column in self.columns if column.field is None and column.title]

    def counts(self) -> dict[str, int]:
        return {status: len(self.with_status(status)) for status in ("new", "update", "same", "refused")}

    def summary(self) -> str:
        c = self.counts()
        return (
            f"“{self.file_name}”：新党员 {c['new']} 名，信息有变化 {c['update']} 名，与名册相同 {c['same']} 名，"
            f"有问题 {c['refused']} 行，跳过 {len(self.skipped)} 行（不是党员）。"
        )

    def problem_lines(self, limit: int = MAX_LISTED) -> list[str]:
        lines = [str(row) for row in self.refused[:limit]]
        if len(self.refused) > limit:
            lines.append(f"另有 {len(self.refused) - limit} 行有问题，没有逐一列出（见另存的问题表）。")
        return lines


# ---------------------------------------------------------------- reading


def _has_header(_name: str, rows: list[tuple]) -> bool:
    return find_header(rows[:40]) is not None


def load_roster(path: str | Path, progress: Progress | None = None) -> RosterSheet:
    """The first sheet with a roster header (姓名 and at least one more known column)."""
    path = Path(path)
    found = read_sheets(path, _has_header, progress)
    header = find_header(found.rows[:40])
    if header is None:
        raise ValidationError(
            f"“{path.name}”的前 30 行中找不到“姓名”列和其他党员信息的列（如性别、身份证号、入党日期），请检查是不是党员名册。"
        )
    return RosterSheet(path, found.name, found.sheet_names, found.rows, header)


def default_mapping(sheet: RosterSheet) -> dict[int, str | None]:
    return dict(enumerate(sheet.header.fields))


def remap(mapping: dict[int, str | None], column: int, field_key: str | None) -> dict[int, str | None]:
    """The clerk's reassignment: `column` now gives `field_key` (None: not imported); no other column does."""
    if field_key is not None and field_key not in LABELS:
        raise ValidationError(f"没有“{field_key}”这一项。")
    changed = {index: (None if field_key is not None and used == field_key else used) for index, used in mapping.items()}
    changed[column] = field_key
    return changed


def _columns(sheet: RosterSheet, mapping: dict[int, str | None]) -> tuple[ColumnUse, ...]:
    titles = sheet.header.titles
    result = []
    for index, title in enumerate(titles):
        used = mapping.get(index)
        note = ""
        if used is None and title and match_title(title):
            note = f"与前面的“{LABELS[match_title(title)]}”列重复，未使用"
        result.append(ColumnUse(index, title, used, note))
    return tuple(result)


# ---------------------------------------------------------------- rows that are not members


def _texts(values: tuple) -> list[str]:
    return [cells.text_of(value) for value in values if cells.text_of(value)]


def _name_in(values: tuple, mapping: dict[int, str | None]) -> str:
    name_at = next((index for index, used in mapping.items() if used == "name"), None)
    return cells.text_of(values[name_at]) if name_at is not None and name_at < len(values) else ""


def _is_footer(name: str, texts: list[str]) -> bool:
    """A signature, date, note or totals line: such words in the row, and no name (or not a name) in the name column."""
    not_a_name = not name or re.search(r"\d", name) or _FOOTER.search(name)
    return bool(not_a_name) and any(_FOOTER.search(text) for text in texts)


def skip_reason(values: tuple, mapping: dict[int, str | None]) -> str | None:
    """Why a row is not a member (None: it is a member row, good or bad); "" for a blank row."""
    texts = _texts(values)
    if not texts:
        return ""
    name = _name_in(values, mapping)
    if name and match_title(name) == "name":
        return "重复的表头行"
    if _is_footer(name, texts):
        return "落款、签字、日期或合计行"
    filled = [index for index, value in enumerate(values) if cells.text_of(value)]
    if not name and all(mapping.get(index) is None for index in filled):
        return "没有姓名，只有序号或分组标题"
    return None


# ---------------------------------------------------------------- one member row


def _parsed(values: tuple, mapping: dict[int, str | None], groups: dict, notes: list[str]) -> dict[str, object]:
    """The MemberInput attributes the row's non-blank mapped cells give; the first bad cell raises."""
    parsed: dict[str, object] = {}
    for index, key in mapping.items():
        if key is None or index >= len(values) or not cells.text_of(values[index]):
            continue
        attribute, reader = READERS[key]
        parsed[attribute] = reader(values[index], groups, notes)
    return _birth_from_id(parsed)


def _birth_from_id(parsed: dict[str, object]) -> dict[str, object]:
    """A birth date written as year-month only takes its day from the ID number when they agree."""
    number, born = str(parsed.get("id_number") or ""), parsed.get("birth_date")
    if born and born.day == 1 and len(number) == 18 and number[6:12] == f"{born:%Y%m}":
        parsed.pop("birth_date")
    return parsed


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return getattr(value, "label", str(value))


@dataclass
class _Context:
    today: date
    groups: dict[str, uuid.UUID]
    group_names: dict[uuid.UUID, str]
    by_id: dict[str, tuple[uuid.UUID, MemberInput]]
    by_name: dict[str, list[tuple[uuid.UUID, MemberInput]]]
    class_mapped: bool
    sealer: Sealer | None = None
    seen_ids: dict[str, int] = field(default_factory=dict)
    seen_names_without_id: dict[str, int] = field(default_factory=dict)  # name → the first such row


def _existing_for(parsed: dict, ctx: _Context) -> tuple[uuid.UUID, MemberInput] | None:
    """The member on the roster this row is about: by ID number, else by a name only one member has."""
    if parsed.get("id_number"):
        return ctx.by_id.get(ctx.sealer.lookup(parsed["id_number"])) if ctx.sealer else None
    namesakes = ctx.by_name.get(parsed.get("name", ""), [])
    if len(namesakes) > 1:
        raise ValidationError(f"名册中有 {len(namesakes)} 名叫“{parsed['name']}”的党员，这一行没有身份证号，无法区分是哪一位。")
    return namesakes[0] if namesakes else None


def _new_input(parsed: dict, ctx: _Context) -> MemberInput:
    if "member_class" not in parsed:
        if ctx.class_mapped:
            raise ValidationError("请填写党员类别。")
        parsed = {**parsed, "member_class": DEFAULT_CLASS}
    return MemberInput(**{"name": "", "membership": _membership_unsaid(parsed, ctx.today), **parsed})


def _membership_unsaid(parsed: dict, today: date) -> Membership:
    """A roster without 正式/预备 still tells a probationary member: his 备注 says so, or he joined
    less than a year ago (the probation period) and has no 转正 date."""
    if "预备党员" in str(parsed.get("note") or "") and not parsed.get("full_member_date"):
        return Membership.PROBATIONARY
    joined = parsed.get("join_date")
    if isinstance(joined, date) and not parsed.get("full_member_date") and _a_year_after(joined) > today:
        return Membership.PROBATIONARY
    return Membership.FULL


def _a_year_after(day: date) -> date:
    return day.replace(year=day.year + 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year + 1)


def _changes(before: MemberInput, after: MemberInput, ctx: _Context) -> tuple[FieldChange, ...]:
    found = []
    for item in fields(MemberInput):
        old, new = getattr(before, item.name), getattr(after, item.name)
        if old != new:
            if item.name == "group_id":
                old, new = ctx.group_names.get(old, ""), ctx.group_names.get(new, "")
            found.append(FieldChange(ATTRIBUTE_LABELS.get(item.name, item.name), _shown(old), _shown(new)))
    return tuple(found)


def _member_row(number: int, values: tuple, mapping: dict, ctx: _Context) -> PreviewRow:
    notes: list[str] = []
    name = normalise_name(_name_in(values, mapping))
    try:
        parsed = _parsed(values, mapping, ctx.groups, notes)
        name = str(parsed.get("name", ""))
        existing = _existing_for(parsed, ctx)
        if existing is None:
            data = members.validate_member_input(_new_input(parsed, ctx), ctx.today)
        else:
            data = members.validate_member_input(replace(existing[1], **_agreeing_with_roster(parsed, existing[1])), ctx.today)
        _check_seen(data, number, ctx)
    except ValidationError as exc:
        return PreviewRow(number, name, "refused", values, problem=exc.message, notes=tuple(notes), message=exc.message)
    if existing is None:
        return PreviewRow(number, data.name, "new", values, data, notes=tuple(notes))
    changes = _changes(existing[1], data, ctx)
    status = "update" if changes else "same"
    return PreviewRow(number, data.name, status, values, data, notes=tuple(notes), changes=changes, member_id=existing[0])


def _agreeing_with_roster(parsed: dict, known: MemberInput) -> dict:
    """A row without an ID number, matched by name to a member whose ID number is on the roster:
    its gender and birth date must agree with that number. Said so, naming the member, since the
    row itself shows no ID number to disagree with."""
    number = known.id_number
    if parsed.get("id_number") or not number:
        return parsed
    gender, born = parsed.get("gender"), parsed.get("birth_date")
    if born and born.day == 1 and number[6:12] == f"{born:%Y%m}":  # a year and month only, as _birth_from_id
        parsed = {key: value for key, value in parsed.items() if key != "birth_date"}
        born = None
    unlike = []
    if gender and gender is not gender_from_id(number):
        unlike.append(f"性别是{gender_from_id(number).label}（这一行是{gender.label}）")
    if born and born != birth_date_from_id(number):
        unlike.append(f"出生日期是{day_text(birth_date_from_id(number))}（这一行是{day_text(born)}）")
    if unlike:
        raise ValidationError(
            f"这一行没有身份证号，按姓名对应到名册中的{known.name}，但名册中{known.name}的身份证号显示{'，'.join(unlike)}；"
            "如果不是同一个人，请在这一行填上身份证号。"
        )
    return parsed


def _check_seen(data: MemberInput, number: int, ctx: _Context) -> None:
    if not data.id_number:
        if data.name in ctx.seen_names_without_id:
            raise ValidationError(
                f"与第 {ctx.seen_names_without_id[data.name]} 行同名，两行都没有身份证号，导入后分不清是哪一位；"
                "是同一个人请删去一行，是两个人请填上身份证号。"
            )
        ctx.seen_names_without_id[data.name] = number
        return
    if data.id_number in ctx.seen_ids:
        raise ValidationError(f"身份证号与第 {ctx.seen_ids[data.id_number]} 行相同，同一个人不能登记两次。")
    ctx.seen_ids[data.id_number] = number


def _context(store: Store, today: date, mapping: dict, actor: Actor | None) -> _Context:
    """The roster as the rows are compared with it: members by their ID number's look-up hash
    and by name, personal data opened with the log-in's key (needed once anyone has some)."""
    branch = get_branch(store)
    sealer = sealer_if_unlocked(actor)
    by_id: dict[str, tuple[uuid.UUID, MemberInput]] = {}
    by_name: dict[str, list[tuple[uuid.UUID, MemberInput]]] = {}
    with read_session(store) as session:
        query = select(Member).where(Member.branch_id == branch.id).options(selectinload(Member.personal))
        for member in session.scalars(query):
            if sealer is None and has_personal(member):
                raise PersonalDataLocked()
            values = {name: getattr(member, name) for name in members.PLAIN_FIELDS}
            personal = open_from(member, sealer)
            pair = (member.id, MemberInput(**values, id_number=personal.id_number, phone=personal.phone, birth_date=personal.birth_date))
            if member.personal is not None and member.personal.id_number_lookup:
                by_id[member.personal.id_number_lookup] = pair
            by_name.setdefault(member.name, []).append(pair)
    groups = {group.name: group.id for group in branch.groups}
    return _Context(today, groups, {v: k for k, v in groups.items()}, by_id, by_name, "member_class" in mapping.values(), sealer)


def _notices(mapping: dict) -> list[str]:
    used = set(mapping.values())
    notices = []
    if "member_class" not in used:
        notices.append(f"表格没有“党员类别”列，新党员都按“{DEFAULT_CLASS.label}”登记；如有这一列，请在上面指定。")
    if "id_number" not in used:
        notices.append("表格没有“身份证号”列，按姓名识别已在名册中的党员。")
    if "membership" not in used:
        notices.append("表格没有“正式/预备”列：没有转正时间且入党不满一年、或备注写“预备党员”的，按预备党员登记，其余按正式党员。")
    return notices


def preview_roster(
    store: Store, sheet: RosterSheet, today: date | None = None, mapping: dict[int, str | None] | None = None,
    progress: Progress | None = None, actor: Actor | None = None,
) -> RosterPreview:
    """Every row read and checked against the roster (opened with `actor`'s data key); nothing is saved."""
    mapping = default_mapping(sheet) if mapping is None else mapping
    if "name" not in mapping.values():
        raise ValidationError("请指定哪一列是“姓名”。")
    ctx = _context(store, today or date.today(), mapping, actor)
    data_rows = sheet.rows[sheet.header.first_data_index:]
    rows: list[PreviewRow] = []
    skipped: list[SkippedRow] = []
    for offset, values in enumerate(data_rows):
        number = sheet.header.first_data_index + offset + 1
        reason = skip_reason(values, mapping)
        if reason:
            skipped.append(SkippedRow(number, reason, " ".join(_texts(values))[:60]))
        elif reason is None:
            rows.append(_member_row(number, values, mapping, ctx))
        if progress and offset % PROGRESS_EVERY == 0:
            progress(offset, len(data_rows) * 2)
    return RosterPreview(sheet, mapping, _columns(sheet, mapping), rows, skipped, _notices(mapping))


# ---------------------------------------------------------------- saving


def _sealer_for_row(uow, row: PreviewRow, member: Member | None = None):
    fields_given = PersonalFields(row.data.id_number or "", row.data.phone or "", row.data.birth_date)
    needed = not fields_given.empty or (member is not None and has_personal(member))
    return sealer_for(uow.actor) if needed else None


def _new_member(uow, branch_id: uuid.UUID, row: PreviewRow, file_name: str, today: date) -> uuid.UUID:
    member = Member(id=uuid.uuid4(), branch_id=branch_id, status=MemberStatus.ACTIVE)
    members._apply(member, row.data, _sealer_for_row(uow, row))
    member.in_branch_since = row.data.join_date
    uow.session.add(member)
    uow.session.add(MemberEvent(member_id=member.id, kind="joined", occurred_on=member.in_branch_since or today,
                                reason=f"从 Excel 导入（{file_name}）", operator_id=uow.actor.id))
    uow.audit("create", "member", member.id, f"从 Excel 导入党员 {member.name}", file=file_name, row=row.row)
    return member.id


def _update_member(uow, row: PreviewRow, file_name: str) -> uuid.UUID:
    member = uow.session.get(Member, row.member_id)
    members._apply(member, row.data, _sealer_for_row(uow, row, member))
    changed = {change.label: _masked_for_audit(change) for change in row.changes}
    uow.audit("update", "member", member.id, f"从 Excel 更新党员 {member.name} 的信息", file=file_name, row=row.row, changed=changed)
    return member.id


def _masked_for_audit(change: FieldChange) -> list[str]:
    """An audit row never holds a full ID number, phone or birth date (app/domain/personal.py)."""
    masks = {
        ATTRIBUTE_LABELS["id_number"]: mask_id_number,
        ATTRIBUTE_LABELS["phone"]: mask_phone,
        ATTRIBUTE_LABELS["birth_date"]: lambda text: f"{text[:4]}年" if text else "",
    }
    mask = masks.get(change.label)
    return [mask(change.before), mask(change.after)] if mask else [change.before, change.after]


def _check_still_free(session, rows: list[PreviewRow], sealer) -> None:
    """An ID number registered since the preview (by someone else) stops the import."""
    numbers = [row.data.id_number for row in rows if row.status == "new" and row.data.id_number]
    if numbers and sealer is None:
        raise PersonalDataLocked()
    lookups = [sealer.lookup(number) for number in numbers]
    if lookups and session.scalar(select(MemberPersonal.id).where(MemberPersonal.id_number_lookup.in_(lookups)).limit(1)):
        raise ConflictError("预览之后名册有了变化（有人登记了其中的党员），请重新预览后再导入。")


def commit_roster(
    store: Store, actor: Actor, preview: RosterPreview, good_rows_only: bool = False, apply_updates: bool = True,
    progress: Progress | None = None, today: date | None = None,
) -> Change:
    """Save the preview's new members (and updates): all rows, or the good ones when asked."""
    actor.require(Role.CLERK, action="导入党员名册")
    today = today or date.today()
    refused = preview.refused
    if not preview.rows:
        raise ValidationError("表格里没有党员数据（只有列名）。")
    if refused and not good_rows_only:
        raise ImportRejected(refused, len(preview.rows))
    todo = preview.with_status("new", "update") if apply_updates else preview.with_status("new")
    total, base = len(preview.rows) * 2, len(preview.rows)
    created, updated = [], []
    with unit_of_work(store, actor) as uow:
        _check_still_free(uow.session, todo, sealer_if_unlocked(actor))
        branch_id = get_branch(store).id
        for done, row in enumerate(todo, start=1):
            if row.status == "new":
                created.append(_new_member(uow, branch_id, row, preview.file_name, today))
            else:
                updated.append(_update_member(uow, row, preview.file_name))
            if progress and done % PROGRESS_EVERY == 0:
                uow.session.flush()
                progress(base + done * base // max(1, len(todo)), total)
        uow.session.flush()
        uow.audit("import", "member", None, f"从“{preview.file_name}”导入党员 {len(created)} 名，更新 {len(updated)} 名",
                  file=preview.file_name, refused=len(refused))
        if progress:
            progress(total, total)  # the last chance to cancel: still inside the transaction
    return Change(_summary(preview, created, updated, apply_updates), created=created, updated=updated)


def _summary(preview: RosterPreview, created: list, updated: list, apply_updates: bool) -> str:
    parts = [f"已从“{preview.file_name}”导入党员 {len(created)} 名"]
    if updated:
        parts.append(f"更新 {len(updated)} 名")
    left = len(preview.with_status("update")) - len(updated)
    if left and not apply_updates:
        parts.append(f"{left} 名信息有变化但没有更新")
    if preview.with_status("same"):
        parts.append(f"{len(preview.with_status('same'))} 名与名册相同")
    if preview.refused:
        parts.append(f"{len(preview.refused)} 行有问题没有导入")
    return "，".join(parts) + "。"


def import_members(
    store: Store, actor: Actor, path: str | Path, today: date | None = None, progress: Progress | None = None,
    good_rows_only: bool = False,
) -> Change:
    """Read, check and save in one call (the command line, and scripts): all rows or none, unless `good_rows_only`."""
    actor.require(Role.CLERK, action="导入党员名册")
    sheet = load_roster(path)
    preview = preview_roster(store, sheet, today, progress=progress, actor=actor)
    return commit_roster(store, actor, preview, good_rows_only, progress=progress, today=today)
