"""Meeting paper data from the store: the sign-in sheet before a meeting, the meeting record after.

The sign-in sheet lists the members expected (the scope's members on the roll that day, or a
recorded meeting's list); the meeting record is built from meetings.meeting_detail, so its
figures are the ledger's: each member's entries from the meeting, net of reversals. Nothing
here writes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Iterable

from app.domain.enums import Attendance, EntryStatus, MeetingKind, MemberClass
from app.domain.dates import day_text
from app.reports.meeting_data import ADJUSTED_MARK, MeetingRecordPaper, RecordLine, SigninRow, SigninSheet, StatusGroup
from app.services import organisation
from app.services.ledger import meetings
from app.services.ledger.meetings import AttendanceLine, MeetingDetail
from db.store import Store


def signin_sheet(
    store: Store, kind: MeetingKind, held_on: date, location: str = "", group_id: uuid.UUID | None = None, title: str = "",
    leaving_out: Iterable[uuid.UUID] = (),
) -> SigninSheet:
    """签到表 for a meeting not yet held: the members of the scope on the roll that day, but for
    those `leaving_out` (taken off the attendance grid's list: not called to this meeting)."""
    branch = organisation.get_branch(store)
    scope, expected = meetings.members_in_scope(store, held_on, group_id, kind)
    left_out = set(leaving_out)
    expected = [m for m in expected if m.id not in left_out]
    rows = tuple(SigninRow(number, m.name, m.group_name) for number, m in enumerate(expected, start=1))
    title = (title or "").strip() or f"{held_on.month}月{kind.label}"
    return SigninSheet(branch.township, branch.name, kind.label, title, held_on, (location or "").strip(), scope, rows)


def signin_sheet_for_meeting(store: Store, meeting_id: uuid.UUID) -> SigninSheet:
    """签到表 printed again for a recorded meeting: its own list, in the same order."""
    detail = meetings.meeting_detail(store, meeting_id)
    row = detail.meeting
    rows = tuple(SigninRow(number, line.name, line.group_name) for number, line in enumerate(detail.lines, start=1))
    return SigninSheet(detail.township, detail.branch, row.kind.label, row.title, row.held_on, row.location, row.scope, rows)


def _when(moment: datetime) -> date:
    return (moment.astimezone() if moment.tzinfo else moment).date()


def _record_line(number: int, line: AttendanceLine) -> RecordLine:
    counted = [e for e in line.entries if e.counts]
    items = "；".join(dict.fromkeys(f"{e.item_code} {e.item_name}" for e in counted))
    remarks = []
    if any(change.added for change in line.changes):
        remarks.append("补登")
    if any(not change.added for change in line.changes):
        remarks.append("已更正")
    if line.pending:
        remarks.append(EntryStatus.PENDING.label)
    if line.member_class is MemberClass.EXEMPT_FRAIL:
        remarks.append(ADJUSTED_MARK)
    return RecordLine(number, line.name, line.group_name, line.status.label, items, line.points, " ".join(remarks))


def _shown_name(line: AttendanceLine) -> str:
    return line.name + (ADJUSTED_MARK if line.member_class is MemberClass.EXEMPT_FRAIL else "")


def meeting_record(store: Store, meeting_id: uuid.UUID) -> MeetingRecordPaper:
    """会议记录 of a recorded meeting: attendance by status, the points each member's attendance
    now counts for (members with entries or corrections), and every correction or addition to the
    list (补登) in a sentence."""
    detail: MeetingDetail = meetings.meeting_detail(store, meeting_id)
    row = detail.meeting
    statuses = tuple(
        StatusGroup(status.label, tuple(_shown_name(line) for line in detail.with_status(status))) for status in Attendance
    )
    scored = [line for line in detail.lines if line.entries or line.changes]
    lines = tuple(_record_line(number, line) for number, line in enumerate(scored, start=1))
    corrections = tuple(
        f"{day_text(_when(change.changed_at))} {line.name}：{change.what}（{change.reason}；{change.by}）"
        for line, change in detail.changes
    )
    adjusted = tuple(line.name for line in detail.lines if line.member_class is MemberClass.EXEMPT_FRAIL)
    return MeetingRecordPaper(
        detail.township, detail.branch, row.kind.label, row.title, row.held_on, row.location, row.scope,
        detail.recorded_by, detail.note, statuses, lines, corrections, adjusted,
        any(change.added for _, change in detail.changes),
    )
