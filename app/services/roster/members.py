"""The roster: add and edit members, transfers in and out, deaths; lists and search."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.domain.enums import Gender, MemberClass, MemberStatus, Membership, OrgKind, Role
from app.domain.errors import ConflictError, DateNotYet, MemberNotFound, NotFound, ValidationError
from app.domain.idcard import birth_date_from_id, gender_from_id, validate_id_number, validate_phone
from app.domain.names import name_matches, normalise_name, pinyin_keys
from app.domain.personal import PERSONAL_FIELDS, masked_change
from app.domain.dates import day_text
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.organisation import require_branch_id
from app.services.roster.personal import (
    PersonalFields,
    has_personal,
    member_with_id_number,
    open_from,
    seal_into,
    sealer_for,
    sealer_if_unlocked,
)
from db.models import AttendanceRecord, Meeting, Member, MemberEvent, OrgUnit, PointsEntry
from db.store import Store


@dataclass
class MemberInput:
    """What the add/edit form or an import row supplies."""

    name: str
    member_class: MemberClass
    membership: Membership = Membership.FULL
    gender: Gender | None = None
    ethnicity: str = "汉族"
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    join_date: date | None = None
    full_member_date: date | None = None
    group_id: uuid.UUID | None = None
    is_hub_household: bool = False
    is_vanguard_post: bool = False
    post_title: str = ""
    note: str = ""
    # The edit form of a member whose personal data was not revealed: ID number, phone and
    # birth date are not part of this input and stay as they are.
    keep_personal: bool = False


# The form's fields that are plain columns of a member (personal ones are sealed).
PLAIN_FIELDS = tuple(f.name for f in fields(MemberInput) if f.name not in (*PERSONAL_FIELDS, "keep_personal"))


@dataclass(frozen=True)
class MemberRow:
    id: uuid.UUID
    name: str
    name_pinyin: str
    name_initials: str
    gender: Gender | None
    ethnicity: str
    birth_date: date | None
    id_number: str
    phone: str
    join_date: date | None
    full_member_date: date | None
    membership: Membership
    member_class: MemberClass
    group_id: uuid.UUID | None
    group_name: str
    is_hub_household: bool
    is_vanguard_post: bool
    post_title: str
    status: MemberStatus
    status_date: date | None
    in_branch_since: date | None
    note: str
    # False when read without a log-in's data key: id_number, phone and birth_date are then empty.
    personal_open: bool = True


@dataclass(frozen=True)
class MemberEventRow:
    kind: str
    occurred_on: date
    from_unit: str
    to_unit: str
    reason: str


@dataclass
class MemberFilter:
    query: str = ""
    group_id: uuid.UUID | None = None
    member_class: MemberClass | None = None
    statuses: tuple[MemberStatus, ...] = field(default_factory=lambda: (MemberStatus.ACTIVE,))


EVENT_LABELS = {
    "joined": "登记入册",
    "transfer_in": "转入",
    "transfer_out": "转出",
    "deceased": "去世",
    "class_changed": "类别变更",
    "edited": "信息修改",
}


def validate_member_input(data: MemberInput, today: date) -> MemberInput:
    """Check a form or import row; return a cleaned copy or raise ValidationError (one sentence).

    The checks run in the form's order, so the first problem the clerk sees is the topmost.
    """
    name = _checked_name(data.name)
    cleaned = MemberInput(**{f.name: getattr(data, f.name) for f in fields(MemberInput)})
    cleaned.name = name
    _check_choices(data)
    _take_id_number(cleaned, today)
    cleaned.phone = validate_phone(data.phone)
    _check_future_dates(cleaned, today)
    _check_join_age(cleaned)
    _check_full_membership(cleaned)
    cleaned.ethnicity = (data.ethnicity or "").strip() or "汉族"
    cleaned.post_title = (data.post_title or "").strip()
    cleaned.note = (data.note or "").strip()
    return cleaned


def _checked_name(name: str | None) -> str:
    name = normalise_name(name)
    if not name:
        raise ValidationError("请填写姓名。")
    if len(name) > 50:
        raise ValidationError("姓名太长了（最多 50 个字）。")
    if not any(character.isalpha() for character in name):
        # "12345" typed into 姓名 (a number meant for another field) has no letter of any script
        raise ValidationError(f"“{name}”不像姓名，请填写党员的姓名。")
    return name


def _check_choices(data: MemberInput) -> None:
    if not isinstance(data.member_class, MemberClass):
        raise ValidationError("请选择党员类别。")
    if not isinstance(data.membership, Membership):
        raise ValidationError("请选择正式党员或预备党员。")


def _take_id_number(cleaned: MemberInput, today: date) -> None:
    """Normalise the ID number; birth date and gender then come from it (and must agree if given)."""
    if not (cleaned.id_number and cleaned.id_number.strip()):
        cleaned.id_number = ""
        return
    number = validate_id_number(cleaned.id_number, today)
    cleaned.id_number = number
    born = birth_date_from_id(number)
    if cleaned.birth_date and cleaned.birth_date != born:
        raise ValidationError(f"出生日期{day_text(cleaned.birth_date)}与身份证号中的{day_text(born)}不一致。")
    cleaned.birth_date = born
    id_gender = gender_from_id(number)
    if cleaned.gender and cleaned.gender is not id_gender:
        raise ValidationError(f"性别与身份证号不一致（身份证号显示为{id_gender.label}）。")
    cleaned.gender = id_gender


def _check_future_dates(data: MemberInput, today: date) -> None:
    for what, value in (("出生", data.birth_date), ("入党", data.join_date), ("转正", data.full_member_date)):
        if value and value > today:
            raise DateNotYet(value, what, hint="请检查")


def _check_join_age(data: MemberInput) -> None:
    born, joined = data.birth_date, data.join_date
    if not (born and joined):
        return
    age = joined.year - born.year - ((joined.month, joined.day) < (born.month, born.day))
    if age < 18:
        raise ValidationError("入党日期早于年满 18 周岁，请核对出生日期和入党日期。")


def _check_full_membership(data: MemberInput) -> None:
    if data.join_date and data.full_member_date and data.full_member_date < data.join_date:
        raise ValidationError("转正日期不能早于入党日期。")
    if data.membership is Membership.PROBATIONARY and data.full_member_date:
        raise ValidationError("预备党员还没有转正日期；已转正的请选“正式党员”。")


def _row(member: Member, group_names: dict[uuid.UUID, str], sealer) -> MemberRow:
    personal = open_from(member, sealer)
    return MemberRow(
        id=member.id,
        name=member.name,
        name_pinyin=member.name_pinyin,
        name_initials=member.name_initials,
        gender=member.gender,
        ethnicity=member.ethnicity,
        birth_date=personal.birth_date,
        id_number=personal.id_number,
        phone=personal.phone,
        join_date=member.join_date,
        full_member_date=member.full_member_date,
        membership=member.membership,
        member_class=member.member_class,
        group_id=member.group_id,
        group_name=group_names.get(member.group_id, "") if member.group_id else "",
        is_hub_household=member.is_hub_household,
        is_vanguard_post=member.is_vanguard_post,
        post_title=member.post_title,
        status=member.status,
        status_date=member.status_date,
        in_branch_since=member.in_branch_since,
        note=member.note,
        personal_open=sealer is not None,
    )


def _group_names(session, branch_id: uuid.UUID) -> dict[uuid.UUID, str]:
    units = session.scalars(select(OrgUnit).where(OrgUnit.parent_id == branch_id, OrgUnit.kind == OrgKind.GROUP))
    return {unit.id: unit.name for unit in units}


def _check_group(session, branch_id: uuid.UUID, group_id: uuid.UUID | None) -> None:
    if group_id is not None and group_id not in _group_names(session, branch_id):
        raise ValidationError("所选党小组不属于本支部。")


def _check_unique_id_number(session, sealer, id_number: str, member_id: uuid.UUID | None) -> None:
    if not id_number:
        return
    other = member_with_id_number(session, sealer, id_number)
    if other is not None and other.id != member_id:
        raise ValidationError(f"身份证号 {id_number[:6]}…已登记给“{other.name}”，同一个人不能登记两次。")


class SameNameExists(ConflictError):
    """Another member of the branch has the name; nothing was saved. A village can have two
    王伟, so the form asks and saves again with `allow_same_name`."""


def _refuse_same_name(session, branch_id: uuid.UUID, name: str, member_id: uuid.UUID | None) -> None:
    others = session.execute(
        select(Member.status, Member.group_id, Member.join_date)
        .where(Member.branch_id == branch_id, Member.name == name, Member.id != member_id)
        .order_by(Member.join_date)
    ).all()
    if not others:
        return
    groups = _group_names(session, branch_id)
    described = "；".join(_told_apart(groups, *other) for other in others)
    raise SameNameExists(f"已有同名党员{name}（{described}）")


def _told_apart(groups: dict, status: MemberStatus, group_id, join_date: date | None) -> str:
    """What tells a namesake apart in the question: his group, year of joining, status if not 在册."""
    parts = [groups.get(group_id, "")] if group_id else []
    if join_date:
        parts.append(f"{join_date.year} 年入党")
    if status is not MemberStatus.ACTIVE:
        parts.append(status.label)
    return "，".join(parts) or "在册"


def _personal(data: MemberInput) -> PersonalFields:
    return PersonalFields(data.id_number or "", data.phone or "", data.birth_date)


def _apply(member: Member, data: MemberInput, sealer) -> None:
    """Copy the form onto the member; personal fields sealed (`sealer` None: left as they are,
    which for a new member means none)."""
    member.name = data.name
    member.name_pinyin, member.name_initials = pinyin_keys(data.name)
    member.member_class = data.member_class
    member.membership = data.membership
    member.gender = data.gender
    member.ethnicity = data.ethnicity
    if sealer is not None:
        seal_into(member, sealer, _personal(data))
    member.join_date = data.join_date
    member.full_member_date = data.full_member_date
    member.group_id = data.group_id
    member.is_hub_household = data.is_hub_household
    member.is_vanguard_post = data.is_vanguard_post
    member.post_title = data.post_title
    member.note = data.note


def add_member(
    store: Store, actor: Actor, data: MemberInput, today: date | None = None, joined_on: date | None = None,
    allow_same_name: bool = True,
) -> uuid.UUID:
    """Add a member to this branch; `joined_on` is when he joined the branch's roster (one transferred
    in from elsewhere: the day he came; default: his join date, on the roster since he joined the
    party). Without `allow_same_name` (the form, until the clerk confirms) a name another member of
    the branch has is refused with SameNameExists."""
    actor.require(Role.CLERK, action="登记党员")
    today = today or date.today()
    data = validate_member_input(data, today)
    if joined_on is not None:
        _check_arrival_day(joined_on, data.join_date, today)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        _check_group(session, branch_id, data.group_id)
        if not allow_same_name:
            _refuse_same_name(session, branch_id, data.name, None)
        sealer = None if _personal(data).empty else sealer_for(actor)
        _check_unique_id_number(session, sealer, data.id_number, None)
        member = Member(branch_id=branch_id, status=MemberStatus.ACTIVE)
        _apply(member, data, sealer)
        member.in_branch_since = joined_on or data.join_date
        session.add(member)
        session.flush()
        session.add(
            MemberEvent(
                member_id=member.id, kind="joined", occurred_on=member.in_branch_since or today, operator_id=actor.id
            )
        )
        uow.audit("create", "member", member.id, f"登记党员 {member.name}")
        return member.id


KEEP = object()  # update_member's in_branch_since left as it is


def update_member(
    store: Store, actor: Actor, member_id: uuid.UUID, data: MemberInput, today: date | None = None,
    allow_same_name: bool = True, in_branch_since: date | None | object = KEEP,
) -> Change:
    """Save the form's values; without `allow_same_name` a new name another member has is
    refused with SameNameExists (as add_member). `in_branch_since`, when given, corrects the day
    he came to the branch (a 转入日期 typed wrong), within what his records allow (_check_arrival)."""
    actor.require(Role.CLERK, action="修改党员信息")
    today = today or date.today()
    data = validate_member_input(data, today)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        member = session.get(Member, member_id)
        if member is None:
            raise MemberNotFound()
        _check_group(session, member.branch_id, data.group_id)
        if not allow_same_name and data.name != member.name:
            _refuse_same_name(session, member.branch_id, data.name, member.id)
        untouched = data.keep_personal or (_personal(data).empty and not has_personal(member))
        sealer = None if untouched else sealer_for(actor)
        if sealer is not None:
            _check_unique_id_number(session, sealer, data.id_number, member.id)
        before = _form_values(member, sealer)
        old_class = member.member_class
        arrival = _arrival(member, data, in_branch_since)
        _check_arrival(session, member, arrival, data.join_date, today)
        _apply(member, data, sealer)
        after = _form_values(member, sealer)
        changed = {
            key: masked_change(key, before[key], after[key]) if key in PERSONAL_FIELDS else [before[key], after[key]]
            for key in after
            if before[key] != after[key]
        }
        if arrival != member.in_branch_since:
            changed["in_branch_since"] = _move_arrival(session, actor, member, arrival, today)
        if not changed:
            return Change(f"{member.name}的信息没有变化。")
        if old_class is not member.member_class:
            session.add(
                MemberEvent(
                    member_id=member.id,
                    kind="class_changed",
                    occurred_on=today,
                    from_unit=old_class.label,
                    to_unit=member.member_class.label,
                    operator_id=actor.id,
                )
            )
        uow.audit("update", "member", member.id, f"修改党员 {member.name} 的信息", changed=changed)
        return Change(f"已保存{member.name}的信息。", updated=[member.id])


def _arrival(member: Member, data: MemberInput, asked) -> date | None:
    """The day he is on the roster from after the save: the one asked for (none: since he joined the
    party), or unasked his own, which follows a corrected join date when it was his join date."""
    if asked is KEEP:
        return data.join_date if member.in_branch_since == member.join_date else member.in_branch_since
    return asked or data.join_date


def _move_arrival(session, actor: Actor, member: Member, arrival: date | None, today: date) -> list:
    """The day he came set to `arrival`, with a line in his 变动记录; [before, after] for the audit."""
    def shown(day: date | None) -> str:
        return day_text(day) if day else "空"

    session.add(MemberEvent(member_id=member.id, kind="edited", occurred_on=today, operator_id=actor.id,
                            reason=f"来本支部的日期由{shown(member.in_branch_since)}改为{shown(arrival)}"))
    before, member.in_branch_since = member.in_branch_since, arrival
    return [before, arrival]


def _check_arrival(session, member: Member, on: date | None, join_date: date | None, today: date) -> None:
    """The day he came after the save: unchanged, not before his (corrected) join date; corrected,
    not to come, not before he joined the party or last left the branch, and not after a day the
    ledger or a meeting already counts him here."""
    if on == member.in_branch_since:
        if join_date and on and join_date > on:
            raise ValidationError(f"入党日期不能晚于{member.name}来本支部的日期{day_text(on)}。")
        return
    if on is None:
        return
    _check_arrival_day(on, join_date, today)
    left = session.scalar(
        select(func.max(MemberEvent.occurred_on)).where(MemberEvent.member_id == member.id, MemberEvent.kind == "transfer_out")
    )
    if left is not None and on < left:
        raise ValidationError(f"转入日期不能早于{member.name}上次转出的日期{day_text(left)}。")
    counted = _first_day_counted(session, member.id)
    if counted is not None and on > counted:
        what = "入党日期" if on == join_date else "转入日期"  # a blank 转入日期 follows the join date
        raise ValidationError(f"{member.name}在{day_text(counted)}已有积分或考勤记录，{what}不能晚于这一天。")


def _check_arrival_day(on: date, join_date: date | None, today: date) -> None:
    """A 转入日期 that has come and is not before he joined the party."""
    if on > today:
        raise DateNotYet(on, "转入")
    if join_date and on < join_date:
        raise ValidationError("转入日期不能早于入党日期。")


def _first_day_counted(session, member_id: uuid.UUID) -> date | None:
    """The earliest day of his entries (any status) or of a meeting that lists him."""
    first = session.scalar(select(func.min(PointsEntry.occurred_on)).where(PointsEntry.member_id == member_id))
    met = session.scalar(
        select(func.min(Meeting.held_on)).join(AttendanceRecord, AttendanceRecord.meeting_id == Meeting.id)
        .where(AttendanceRecord.member_id == member_id)
    )
    return min((day for day in (first, met) if day is not None), default=None)


def _form_values(member: Member, sealer) -> dict:
    """What the edit form holds for `member`, personal fields opened (empty without a sealer)."""
    values = {name: getattr(member, name) for name in PLAIN_FIELDS}
    personal = open_from(member, sealer)
    return values | {"id_number": personal.id_number, "phone": personal.phone, "birth_date": personal.birth_date}


def _require_active(member: Member | None) -> Member:
    if member is None:
        raise MemberNotFound()
    if member.status is not MemberStatus.ACTIVE:
        raise ConflictError(f"{member.name}{member.status.label}，不能再办理。")  # the label carries 已
    return member


def _check_event_date(on: date, member: Member, today: date, what: str) -> None:
    if on > today:
        raise DateNotYet(on, what)
    since = member.in_branch_since or member.join_date
    if since and on < since:
        raise ValidationError(f"{what}日期不能早于{member.name}在本支部登记的日期{day_text(since)}。")


def transfer_out(store: Store, actor: Actor, member_id: uuid.UUID, on: date, to_unit: str, reason: str = "", today: date | None = None) -> Change:
    """Organisation relationship moved elsewhere; the member and his points stay on record."""
    actor.require(Role.CLERK, action="办理转出")
    today = today or date.today()
    if not (to_unit or "").strip():
        raise ValidationError("请填写转往的党组织。")
    with unit_of_work(store, actor) as uow:
        member = _require_active(uow.session.get(Member, member_id))
        _check_event_date(on, member, today, "转出")
        member.status, member.status_date = MemberStatus.TRANSFERRED_OUT, on
        uow.session.add(
            MemberEvent(member_id=member.id, kind="transfer_out", occurred_on=on, to_unit=to_unit.strip(), reason=reason, operator_id=actor.id)
        )
        uow.audit("transfer_out", "member", member.id, f"{member.name} 转出至 {to_unit.strip()}", on=on, reason=reason)
        return Change(f"{member.name}已办理转出。", updated=[member.id])


def transfer_in(store: Store, actor: Actor, member_id: uuid.UUID, on: date, from_unit: str, reason: str = "", today: date | None = None) -> Change:
    """A member who had been transferred out returns to this branch."""
    actor.require(Role.CLERK, action="办理转入")
    today = today or date.today()
    with unit_of_work(store, actor) as uow:
        member = uow.session.get(Member, member_id)
        if member is None:
            raise MemberNotFound()
        if member.status is not MemberStatus.TRANSFERRED_OUT:
            raise ConflictError(f"{member.name}目前{member.status.label}，不需要转入。")
        if on > today or (member.status_date and on < member.status_date):
            raise ValidationError("转入日期应在转出日期之后、今天之前。")
        member.status, member.status_date, member.in_branch_since = MemberStatus.ACTIVE, None, on
        uow.session.add(
            MemberEvent(member_id=member.id, kind="transfer_in", occurred_on=on, from_unit=from_unit.strip(), reason=reason, operator_id=actor.id)
        )
        uow.audit("transfer_in", "member", member.id, f"{member.name} 从 {from_unit.strip()} 转入", on=on)
        return Change(f"{member.name}已办理转入。", updated=[member.id])


def mark_deceased(store: Store, actor: Actor, member_id: uuid.UUID, on: date, note: str = "", today: date | None = None) -> Change:
    actor.require(Role.CLERK, action="登记党员去世")
    today = today or date.today()
    with unit_of_work(store, actor) as uow:
        member = _require_active(uow.session.get(Member, member_id))
        _check_event_date(on, member, today, "去世")
        member.status, member.status_date = MemberStatus.DECEASED, on
        uow.session.add(MemberEvent(member_id=member.id, kind="deceased", occurred_on=on, reason=note, operator_id=actor.id))
        uow.audit("deceased", "member", member.id, f"登记 {member.name} 去世", on=on)
        return Change(f"已登记{member.name}去世。", updated=[member.id])


def list_members(store: Store, member_filter: MemberFilter | None = None, actor: Actor | None = None) -> list[MemberRow]:
    """The branch's members; their personal data opened when `actor` holds the data key."""
    member_filter = member_filter or MemberFilter()
    sealer = sealer_if_unlocked(actor)
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        query = select(Member).where(Member.branch_id == branch_id)
        if member_filter.statuses:
            query = query.where(Member.status.in_(member_filter.statuses))
        if member_filter.group_id:
            query = query.where(Member.group_id == member_filter.group_id)
        if member_filter.member_class:
            query = query.where(Member.member_class == member_filter.member_class)
        if sealer is not None:
            query = query.options(selectinload(Member.personal))  # one query for all, not one each
        members = session.scalars(query.order_by(Member.name_pinyin, Member.name)).all()
        groups = _group_names(session, branch_id)
        rows = [_row(member, groups, sealer) for member in members]
    if member_filter.query:
        rows = [r for r in rows if name_matches(member_filter.query, r.name, r.name_pinyin, r.name_initials)]
    return rows


def get_member(store: Store, member_id: uuid.UUID, actor: Actor | None = None) -> MemberRow:
    """One member; his personal data opened when `actor` holds the data key."""
    with read_session(store) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise MemberNotFound()
        return _row(member, _group_names(session, member.branch_id), sealer_if_unlocked(actor))


def member_history(store: Store, member_id: uuid.UUID) -> list[MemberEventRow]:
    with read_session(store) as session:
        events = session.scalars(
            select(MemberEvent).where(MemberEvent.member_id == member_id).order_by(MemberEvent.occurred_on, MemberEvent.created_at)
        ).all()
        return [MemberEventRow(e.kind, e.occurred_on, e.from_unit, e.to_unit, e.reason) for e in events]


def find_member_by_name(store: Store, name: str) -> MemberRow:
    """The single member called `name` (command line); a clear error when none or several."""
    matches = [row for row in list_members(store, MemberFilter(statuses=())) if row.name == normalise_name(name)]
    if not matches:
        raise NotFound(f"本支部没有名为“{name}”的党员。")
    if len(matches) > 1:
        raise ValidationError(f"本支部有 {len(matches)} 名叫“{name}”的党员，请用身份证号区分。")
    return matches[0]
