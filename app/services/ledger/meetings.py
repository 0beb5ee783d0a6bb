"""Meetings as records the clerk can see: a month's list, one meeting's attendance with the
entries it produced and its corrections, and the check that a meeting is not saved twice.

`list_meetings` and `meeting_detail` only read (one read session each) and return plain
frozen dataclasses, never ORM objects, so the window may hold them on any thread.
`refuse_same_meeting` runs inside record_meeting's unit of work.

A meeting's scope is the members on its attendance list: the scope shown is their party
group when they all belong to one, else 全体党员. Two meetings are the same when they have
the same kind and date and their lists share a member (saving it again would score that
member twice).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable

from sqlalchemy import select

from app.domain.enums import Attendance, EntryStatus, MeetingKind, MemberClass, MemberStatus
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.periods import Month
from app.domain.points import ZERO
from app.domain.dates import day_text
from app.services.context import read_session
from app.services.organisation import require_branch_id
from db.models import AttendanceRecord, AuditRecord, Meeting, Member, Operator, OrgUnit, PointsEntry, RuleItemRecord
from db.store import Store

WHOLE_BRANCH = "全体党员"
COMMITTEE_SCOPE = "支委会成员"  # a 支部委员会's scope: those of the class 村（社区）两委/支委
CORRECTION = "correct"  # the audit action of an attendance correction (entity "attendance")
ADDITION = "add_late"  # the audit action of a member added to a recorded meeting's list (补登)
LIST_CHANGES = (CORRECTION, ADDITION)  # what the list's 更正 count and a line's history hold


@dataclass(frozen=True)
class MeetingRow:
    """One line of a month's list of meetings."""

    id: uuid.UUID
    kind: MeetingKind
    held_on: date
    title: str
    location: str
    scope: str  # a party group's name, or 全体党员
    present: int
    excused: int
    absent: int
    late: int
    corrections: int = 0  # attendance changed later, by reversing entries

    @property
    def listed(self) -> int:
        return self.present + self.excused + self.absent + self.late

    def count(self, status: Attendance) -> int:
        return {
            Attendance.PRESENT: self.present, Attendance.EXCUSED: self.excused,
            Attendance.ABSENT: self.absent, Attendance.LATE: self.late,
        }[status]

    @property
    def counts_text(self) -> str:
        """出席 8 人，请假 1 人，缺席 1 人，迟到/早退 0 人."""
        return "，".join(f"{status.label} {self.count(status)} 人" for status in Attendance)


@dataclass(frozen=True)
class MeetingEntry:
    """A ledger line the meeting produced: the attendance's entry, or a correction's reversal."""

    id: uuid.UUID
    item_code: str
    item_name: str
    points: Decimal
    status: EntryStatus
    note: str
    reverses_id: uuid.UUID | None = None
    reversed_later: bool = False

    @property
    def counts(self) -> bool:
        """Approved entries count in the totals; pending ones once reviewed; rejected never."""
        return self.status is not EntryStatus.REJECTED


@dataclass(frozen=True)
class AttendanceChange:
    """A correction of one member's attendance, or his addition to the list after the meeting
    was saved (补登: `from_status` None), as the audit log keeps it (append-only)."""

    changed_at: datetime
    from_status: Attendance | None
    to_status: Attendance
    reason: str
    by: str

    @property
    def added(self) -> bool:
        return self.from_status is None

    @property
    def what(self) -> str:
        """缺席改为请假, or 补登为出席."""
        return f"补登为{self.to_status.label}" if self.added else f"{self.from_status.label}改为{self.to_status.label}"


@dataclass(frozen=True)
class AttendanceLine:
    member_id: uuid.UUID
    name: str
    group_name: str
    member_class: MemberClass
    status: Attendance
    entries: tuple[MeetingEntry, ...] = ()
    changes: tuple[AttendanceChange, ...] = ()

    @property
    def points(self) -> Decimal:
        """What the meeting now means for this member: its entries net of reversals (pending included)."""
        return sum((e.points for e in self.entries if e.counts), ZERO)

    @property
    def pending(self) -> bool:
        return any(e.status is EntryStatus.PENDING for e in self.entries)


@dataclass(frozen=True)
class MeetingDetail:
    meeting: MeetingRow
    township: str
    branch: str
    note: str
    recorded_by: str
    recorded_at: datetime
    lines: tuple[AttendanceLine, ...]  # party group by group, then by pinyin

    def with_status(self, status: Attendance) -> tuple[AttendanceLine, ...]:
        return tuple(line for line in self.lines if line.status is status)

    @property
    def points_total(self) -> Decimal:
        return sum((line.points for line in self.lines), ZERO)

    @property
    def changes(self) -> tuple[tuple[AttendanceLine, AttendanceChange], ...]:
        """Every correction, oldest first."""
        pairs = [(line, change) for line in self.lines for change in line.changes]
        return tuple(sorted(pairs, key=lambda pair: pair[1].changed_at))


class SameMeetingExists(ConflictError):
    """A meeting of the same kind, date and scope is already recorded; nothing was saved."""

    def __init__(self, existing: MeetingRow) -> None:
        super().__init__(
            f"{day_text(existing.held_on)}已经登记过{existing.kind.label}“{existing.title}”"
            f"（{existing.scope}，{existing.counts_text}），再保存一次会重复记分，如确是另一次会议请确认后再保存。"
        )
        self.existing = existing


# ---- reading


def _group_names(session, branch_id: uuid.UUID) -> dict[uuid.UUID, tuple[int, str]]:
    rows = session.execute(select(OrgUnit.id, OrgUnit.sort_order, OrgUnit.name).where(OrgUnit.parent_id == branch_id))
    return {unit_id: (order, name) for unit_id, order, name in rows}


def scope_label(
    group_ids: Iterable[uuid.UUID | None], groups: dict[uuid.UUID, tuple[int, str]], kind: MeetingKind | None = None,
    classes: Iterable[MemberClass] = (),
) -> str:
    """What members_in_scope called the list when it was made: 支委会成员 for a 支部委员会 whose list
    is all of the committee's class (`classes`: the listed members'), else a party group's name when
    every listed member belongs to the same one, else 全体党员."""
    if kind is MeetingKind.COMMITTEE and set(classes) == {MemberClass.CADRE}:
        return COMMITTEE_SCOPE
    distinct = set(group_ids)
    if len(distinct) == 1:
        only = distinct.pop()
        if only in groups:
            return groups[only][1]
    return WHOLE_BRANCH


def _rows(session, branch_id: uuid.UUID, meetings: list[Meeting]) -> list[MeetingRow]:
    """Count statuses, scope and corrections of `meetings` with one query each."""
    ids = [m.id for m in meetings]
    if not ids:
        return []
    groups = _group_names(session, branch_id)
    counts: dict[uuid.UUID, dict[Attendance, int]] = defaultdict(lambda: dict.fromkeys(Attendance, 0))
    scopes: dict[uuid.UUID, list] = defaultdict(list)
    classes: dict[uuid.UUID, list] = defaultdict(list)
    attendance = session.execute(
        select(AttendanceRecord.meeting_id, AttendanceRecord.status, Member.group_id, Member.member_class)
        .join(Member, AttendanceRecord.member_id == Member.id)
        .where(AttendanceRecord.meeting_id.in_(ids))
    )
    for meeting_id, status, group_id, member_class in attendance:
        counts[meeting_id][status] += 1
        scopes[meeting_id].append(group_id)
        classes[meeting_id].append(member_class)
    corrected: dict[uuid.UUID, int] = defaultdict(int)
    changes = session.execute(
        select(AttendanceRecord.meeting_id)
        .join(AuditRecord, AuditRecord.entity_id == AttendanceRecord.id)
        .where(AttendanceRecord.meeting_id.in_(ids), AuditRecord.entity == "attendance", AuditRecord.action.in_(LIST_CHANGES))
    )
    for (meeting_id,) in changes:
        corrected[meeting_id] += 1
    return [
        MeetingRow(
            m.id, m.kind, m.held_on, m.title, m.location, scope_label(scopes[m.id], groups, m.kind, classes[m.id]),
            *(counts[m.id][status] for status in Attendance), corrections=corrected[m.id],
        )
        for m in meetings
    ]


def list_meetings(store: Store, month: Month) -> list[MeetingRow]:
    """The month's meetings of this branch, earliest first (same day: in the order recorded)."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        meetings = session.scalars(
            select(Meeting)
            .where(Meeting.branch_id == branch_id, Meeting.held_on.between(month.first_day, month.last_day))
            .order_by(Meeting.held_on, Meeting.created_at)
        ).all()
        return _rows(session, branch_id, list(meetings))


def _entries_by_member(session, meeting_id: uuid.UUID) -> dict[uuid.UUID, list[MeetingEntry]]:
    reversed_ids = set(
        session.scalars(
            select(PointsEntry.reverses_id).where(PointsEntry.meeting_id == meeting_id, PointsEntry.reverses_id.is_not(None))
        )
    )
    rows = session.execute(
        select(PointsEntry, RuleItemRecord.code, RuleItemRecord.name)
        .join(RuleItemRecord, PointsEntry.rule_item_id == RuleItemRecord.id)
        .where(PointsEntry.meeting_id == meeting_id)
        .order_by(PointsEntry.created_at, PointsEntry.chain_seq)
    )
    by_member: dict[uuid.UUID, list[MeetingEntry]] = defaultdict(list)
    for entry, code, name in rows:
        by_member[entry.member_id].append(
            MeetingEntry(entry.id, code, name, entry.points, entry.status, entry.note, entry.reverses_id, entry.id in reversed_ids)
        )
    return by_member


def _changes_by_record(session, record_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[AttendanceChange]]:
    rows = session.execute(
        select(AuditRecord, Operator.display_name)
        .join(Operator, AuditRecord.operator_id == Operator.id)
        .where(AuditRecord.entity == "attendance", AuditRecord.action.in_(LIST_CHANGES), AuditRecord.entity_id.in_(record_ids))
        .order_by(AuditRecord.created_at)
    )
    changes: dict[uuid.UUID, list[AttendanceChange]] = defaultdict(list)
    for record, by in rows:
        details = record.details or {}
        was = details.get("from_status")
        changes[record.entity_id].append(
            AttendanceChange(
                record.created_at, Attendance(was) if was else None, Attendance(details["to_status"]),
                details.get("reason", ""), by,
            )
        )
    return changes


def meeting_detail(store: Store, meeting_id: uuid.UUID) -> MeetingDetail:
    """One meeting: who was listed with which status, the entries it produced (reversals
    included) and every later correction, members party group by group."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.branch_id != branch_id:
            raise NotFound("找不到这次会议的记录。")
        [row] = _rows(session, branch_id, [meeting])
        groups = _group_names(session, branch_id)
        branch = session.get(OrgUnit, branch_id)
        township = session.get(OrgUnit, branch.parent_id) if branch.parent_id else None
        recorded_by = session.get(Operator, meeting.created_by)
        entries = _entries_by_member(session, meeting.id)
        records = session.execute(
            select(AttendanceRecord, Member).join(Member, AttendanceRecord.member_id == Member.id)
            .where(AttendanceRecord.meeting_id == meeting.id)
        ).all()
        changes = _changes_by_record(session, [record.id for record, _ in records])
        ordered = sorted(records, key=lambda pair: (groups.get(pair[1].group_id, (len(groups), ""))[0], pair[1].name_pinyin, pair[1].name))
        lines = tuple(
            AttendanceLine(
                member.id, member.name, groups.get(member.group_id, (0, ""))[1], member.member_class, record.status,
                tuple(entries.get(member.id, ())), tuple(changes.get(record.id, ())),
            )
            for record, member in ordered
        )
        return MeetingDetail(
            row, township.name if township else "", branch.name, meeting.note,
            recorded_by.display_name if recorded_by else "", meeting.created_at, lines,
        )


# ---- the same meeting twice


def same_meeting(session, branch_id: uuid.UUID, kind: MeetingKind, held_on: date, member_ids: Iterable[uuid.UUID]) -> MeetingRow | None:
    """A recorded meeting of this kind on this day whose list shares a member with `member_ids`."""
    wanted = set(member_ids)
    candidates = session.scalars(
        select(Meeting).where(Meeting.branch_id == branch_id, Meeting.kind == kind, Meeting.held_on == held_on)
        .order_by(Meeting.created_at)
    ).all()
    for meeting in candidates:
        listed = set(session.scalars(select(AttendanceRecord.member_id).where(AttendanceRecord.meeting_id == meeting.id)))
        if listed & wanted:
            return _rows(session, branch_id, [meeting])[0]
    return None


def refuse_same_meeting(session, branch_id: uuid.UUID, kind: MeetingKind, held_on: date, member_ids: Iterable[uuid.UUID]) -> None:
    """Raise SameMeetingExists (one sentence naming the recorded meeting) when it is already there."""
    existing = same_meeting(session, branch_id, kind, held_on, member_ids)
    if existing is not None:
        raise SameMeetingExists(existing)



# ---- who is expected (the sign-in sheet before the meeting)


def on_the_roll(held_on: date):
    """The condition of a member on the branch's roll on `held_on`: here by then, not yet gone."""
    return (
        ((Member.status == MemberStatus.ACTIVE) | (Member.status_date > held_on))
        & (Member.in_branch_since.is_(None) | (Member.in_branch_since <= held_on))
    )


@dataclass(frozen=True)
class ScopeMember:
    id: uuid.UUID
    name: str
    group_name: str
    member_class: MemberClass


def members_in_scope(
    store: Store, held_on: date, group_id: uuid.UUID | None = None, kind: MeetingKind | None = None
) -> tuple[str, list[ScopeMember]]:
    """(scope, members) expected at a meeting on `held_on`: on the roll that day, of the party
    group when one is given, party group by group and then by pinyin. A 支部委员会 of the whole
    branch expects its committee: the members of the class 村（社区）两委/支委 (the roster keeps no
    other record of who sits on it), or everyone while nobody is of that class."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        groups = _group_names(session, branch_id)
        if group_id is not None and group_id not in groups:
            raise NotFound("本支部没有这个党小组。")
        query = select(Member).where(Member.branch_id == branch_id, on_the_roll(held_on))
        if group_id is not None:
            query = query.where(Member.group_id == group_id)
        found = session.scalars(query).all()
        scope = groups[group_id][1] if group_id is not None else WHOLE_BRANCH
        committee = [m for m in found if m.member_class is MemberClass.CADRE]
        if kind is MeetingKind.COMMITTEE and group_id is None and committee:
            found, scope = committee, COMMITTEE_SCOPE
        return scope, _by_group(found, groups)


def _by_group(found, groups: dict[uuid.UUID, tuple[int, str]]) -> list[ScopeMember]:
    """Members as a meeting's list shows them: party group by group, then by pinyin."""
    ordered = sorted(found, key=lambda m: (groups.get(m.group_id, (len(groups), ""))[0], m.name_pinyin, m.name))
    return [ScopeMember(m.id, m.name, groups.get(m.group_id, (0, ""))[1], m.member_class) for m in ordered]


def members_to_add(store: Store, meeting_id: uuid.UUID) -> list[ScopeMember]:
    """Who may be added to a recorded meeting's list (补登): on the branch's roll on the meeting's
    day, on neither its list nor that of another meeting of its kind that day (he would score
    twice), party group by group and then by pinyin. Only reads."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.branch_id != branch_id:
            raise NotFound("找不到这次会议的记录。")
        groups = _group_names(session, branch_id)
        listed = (
            select(AttendanceRecord.member_id).join(Meeting, AttendanceRecord.meeting_id == Meeting.id)
            .where(Meeting.branch_id == branch_id, Meeting.kind == meeting.kind, Meeting.held_on == meeting.held_on)
        )
        found = session.scalars(
            select(Member).where(Member.branch_id == branch_id, on_the_roll(meeting.held_on), Member.id.not_in(listed))
        ).all()
        return _by_group(found, groups)


def find_meeting(store: Store, kind: MeetingKind, held_on: date, scope: str | None = None) -> MeetingRow:
    """The one meeting of `kind` on `held_on` (of that scope when several), for the command line."""
    found = [row for row in list_meetings(store, Month.of(held_on)) if row.kind is kind and row.held_on == held_on]
    if scope:
        found = [row for row in found if row.scope == scope]
    if not found:
        raise NotFound(f"{day_text(held_on)}没有登记过{kind.label}" + (f"（{scope}）。" if scope else "。"))
    if len(found) > 1:
        scopes = "、".join(row.scope for row in found)
        raise ValidationError(f"{day_text(held_on)}登记了 {len(found)} 次{kind.label}（{scopes}），请用 --group 指明是哪一次。")
    return found[0]
