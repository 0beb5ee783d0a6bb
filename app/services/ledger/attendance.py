"""Correcting a meeting's attendance later: through the ledger, never by editing it.

Changing one member's status undoes what the old status recorded (an approved entry gets a
reversing entry with the reason, a pending one is rejected with it), records what the new
status earns or costs by the rule set (as record_meeting would have), and keeps the change
in the audit log (append-only, chained): from which status to which, why, by whom, and the
entries it reversed, rejected and created. The attendance row then shows the new status; its
history is read back from the audit log (app.services.ledger.meetings.meeting_detail).

Adding a member left off the list (补登, add_to_meeting) writes his attendance row and the
entry the rule set gives, as record_meeting would have had he been listed when it was saved
(pricing, caps, exempt members; approved, or pending review when 录入与审核分开 is in force),
and keeps the addition and its reason in the audit log beside the corrections.

Reviewers only (it changes a recorded meeting), in one unit of work: all of it or nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import select

from app.domain.enums import Attendance, EntryStatus, Role
from app.domain.dates import day_text
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.points import format_points
from app.services.accounts.security_settings import four_eyes_in_force
from app.services.context import Actor, Change, UnitOfWork, unit_of_work
from app.services.ledger.entries import COUNTS_AFTER_REVIEW, _attendance_entry, _Pricer
from app.services.ledger.meetings import ADDITION, CORRECTION, on_the_roll, same_meeting
from app.services.organisation import require_branch_id
from db.models import AttendanceRecord, Meeting, Member, PointsEntry, reverses_nothing
from db.store import Store


@dataclass
class AttendanceCorrected(Change):
    """What a correction did: `created` holds the reversing and the new entries, `updated` the
    entries rejected and the attendance row."""

    meeting_id: uuid.UUID | None = None
    reversed: list[uuid.UUID] = field(default_factory=list)
    rejected: list[uuid.UUID] = field(default_factory=list)
    new_entry_id: uuid.UUID | None = None


def _signed(value) -> str:
    text = format_points(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def _undo_entries(uow: UnitOfWork, meeting: Meeting, member: Member, reason: str) -> tuple[list[PointsEntry], list[PointsEntry]]:
    """Reverse the member's approved entries from this meeting, reject the pending ones.

    Returns (reversing entries created, entries rejected)."""
    session = uow.session
    reversed_ids = set(
        session.scalars(select(PointsEntry.reverses_id).where(PointsEntry.meeting_id == meeting.id, PointsEntry.reverses_id.is_not(None)))
    )
    standing = session.scalars(
        select(PointsEntry).where(
            PointsEntry.meeting_id == meeting.id, PointsEntry.member_id == member.id,
            reverses_nothing(PointsEntry.reverses_id), PointsEntry.status != EntryStatus.REJECTED,
        ).order_by(PointsEntry.created_at)
    ).all()
    now = datetime.now(timezone.utc)
    reversals, rejected = [], []
    for entry in standing:
        if entry.id in reversed_ids:
            continue
        if entry.status is EntryStatus.PENDING:
            entry.status, entry.reviewed_by, entry.reviewed_at, entry.review_note = EntryStatus.REJECTED, uow.actor.id, now, reason
            uow.audit("reject", "points_entry", entry.id, f"驳回 {member.name} {entry.occurred_on:%Y-%m-%d} 的记录（更正考勤）", note=reason)
            rejected.append(entry)
            continue
        reversal = PointsEntry(
            member_id=entry.member_id, rule_item_id=entry.rule_item_id, occurred_on=entry.occurred_on,
            quantity=entry.quantity, points=-entry.points, note=f"冲正：{reason}", status=EntryStatus.APPROVED,
            entered_by=uow.actor.id, reviewed_by=uow.actor.id, reviewed_at=now, review_note=reason,
            reverses_id=entry.id, meeting_id=meeting.id,
        )
        session.add(reversal)
        session.flush()
        uow.audit("reverse", "points_entry", reversal.id,
                  f"冲正 {member.name} {entry.occurred_on:%Y-%m-%d} 的 {format_points(entry.points)} 分", reason=reason, reverses=entry.id)
        reversals.append(reversal)
    return reversals, rejected


def _what_happened(reversals: list[PointsEntry], rejected: list[PointsEntry], new_entry: PointsEntry | None, exempt: bool) -> str:
    parts = [f"冲正原记的 {_signed(e.points * -1)} 分" for e in reversals]
    parts += [f"驳回待审核的 {_signed(e.points)} 分" for e in rejected]
    if new_entry is not None:
        parts.append(f"新记 {_signed(new_entry.points)} 分")
    elif exempt:
        parts.append("新状态免考核，不记分")
    else:
        parts.append("新状态不记分")
    return "，".join(parts)


def correct_attendance(
    store: Store,
    actor: Actor,
    meeting_id: uuid.UUID,
    member_id: uuid.UUID,
    status: Attendance,
    reason: str,
    today: date | None = None,
) -> AttendanceCorrected:
    """Change one member's status at a recorded meeting, with a reason, through reversing entries."""
    actor.require(Role.REVIEWER, action="更正考勤")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("更正考勤必须写明原因。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        pricer = _Pricer(session, branch_id, today or date.today())
        meeting, record, member = _listed(session, pricer, branch_id, meeting_id, member_id)
        old = record.status
        if old is status:
            raise ValidationError(f"{member.name}在“{meeting.title}”的考勤已经是{status.label}，不用更正。")
        rule_set = pricer.view(meeting.held_on.year).rule_set  # also refuses a locked year
        reversals, rejected = _undo_entries(uow, meeting, member, reason)
        entry_id, exempt_name = _attendance_entry(uow, pricer, rule_set, meeting, member_id, status, approve=True)
        new_entry = session.get(PointsEntry, entry_id) if entry_id else None
        created = [entry_id] if entry_id else []
        record.status, record.entry_id, record.note = status, entry_id, reason
        reversed_ids, rejected_ids = [e.id for e in reversals], [e.id for e in rejected]
        uow.audit(
            CORRECTION, "attendance", record.id,
            f"更正{member.name}在{meeting.held_on:%Y-%m-%d}“{meeting.title}”的考勤：{old.label}改为{status.label}",
            reason=reason, meeting_id=meeting.id, member_id=member.id, from_status=old.value, to_status=status.value,
            reversed=reversed_ids, rejected=rejected_ids, created=created,
        )
        what = _what_happened(reversals, rejected, new_entry, exempt_name is not None)
        return AttendanceCorrected(
            f"已将{member.name}在“{meeting.title}”的考勤由{old.label}改为{status.label}，{what}。",
            created=reversed_ids + created, updated=rejected_ids + [record.id],
            meeting_id=meeting.id, reversed=reversed_ids, rejected=rejected_ids, new_entry_id=entry_id,
        )


def _listed(session, pricer: _Pricer, branch_id: uuid.UUID, meeting_id: uuid.UUID, member_id: uuid.UUID):
    """(meeting, attendance row, member), or NotFound naming what is missing."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.branch_id != branch_id:
        raise NotFound("找不到这次会议的记录。")
    member = pricer.member(member_id)
    record = session.scalar(
        select(AttendanceRecord).where(AttendanceRecord.meeting_id == meeting.id, AttendanceRecord.member_id == member_id)
    )
    if record is None:
        raise NotFound(f"{member.name}不在“{meeting.title}”的考勤名单上。")
    return meeting, record, member


@dataclass
class AttendanceAdded(Change):
    """What adding a member to a recorded meeting's list did: `created` holds his entry (if the
    rule set gives one) and his attendance row."""

    meeting_id: uuid.UUID | None = None
    new_entry_id: uuid.UUID | None = None


def add_to_meeting(
    store: Store,
    actor: Actor,
    meeting_id: uuid.UUID,
    member_id: uuid.UUID,
    status: Attendance,
    reason: str,
    today: date | None = None,
) -> AttendanceAdded:
    """Add a member left off a recorded meeting's list (补登), with his status and a reason."""
    actor.require(Role.REVIEWER, action="补登考勤")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("补登考勤必须写明原因。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        pricer = _Pricer(session, branch_id, today or date.today())
        meeting, member = _addable(session, pricer, branch_id, meeting_id, member_id)
        rule_set = pricer.view(meeting.held_on.year).rule_set  # also refuses a locked year
        approve = not four_eyes_in_force(session)
        entry_id, exempt_name = _attendance_entry(uow, pricer, rule_set, meeting, member.id, status, approve=approve)
        session.flush()  # the entry first: the attendance row names it
        record = AttendanceRecord(meeting_id=meeting.id, member_id=member.id, status=status, entry_id=entry_id, note=reason)
        session.add(record)
        session.flush()
        uow.audit(
            ADDITION, "attendance", record.id,
            f"补登{member.name}到{meeting.held_on:%Y-%m-%d}“{meeting.title}”的考勤名单：{status.label}",
            reason=reason, meeting_id=meeting.id, member_id=member.id, to_status=status.value,
            created=[entry_id] if entry_id else [],
        )
        what = _added_points(session.get(PointsEntry, entry_id) if entry_id else None, exempt_name is not None)
        return AttendanceAdded(
            f"已把{member.name}补登到“{meeting.title}”的考勤名单（{status.label}），{what}。",
            created=([entry_id] if entry_id else []) + [record.id], meeting_id=meeting.id, new_entry_id=entry_id,
        )


def _added_points(entry: PointsEntry | None, exempt: bool) -> str:
    if entry is None:
        return "免考核，不记分" if exempt else "按细则不记分"
    if entry.status is EntryStatus.PENDING:
        return f"记 {_signed(entry.points)} 分，等待审核，{COUNTS_AFTER_REVIEW}"
    return f"记 {_signed(entry.points)} 分"


def _addable(session, pricer: _Pricer, branch_id: uuid.UUID, meeting_id: uuid.UUID, member_id: uuid.UUID) -> tuple[Meeting, Member]:
    """(meeting, member) when the member may be added to the meeting's list; else one sentence why not."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.branch_id != branch_id:
        raise NotFound("找不到这次会议的记录。")
    member = pricer.member(member_id)
    listed = session.scalar(
        select(AttendanceRecord.status).where(AttendanceRecord.meeting_id == meeting.id, AttendanceRecord.member_id == member.id)
    )
    if listed is not None:
        raise ConflictError(f"{member.name}已经在“{meeting.title}”的考勤名单上（{listed.label}），要改他的考勤请用“更正考勤”。")
    if session.scalar(select(Member.id).where(Member.id == member.id, on_the_roll(meeting.held_on))) is None:
        raise ValidationError(f"{member.name}{day_text(meeting.held_on)}不在本支部的党员名册上，不能补登到这次会议。")
    other = same_meeting(session, branch_id, meeting.kind, meeting.held_on, [member.id])
    if other is not None:
        raise ConflictError(
            f"{member.name}已经在同一天的另一次{meeting.kind.label}“{other.title}”（{other.scope}）的名单上，再补登会重复记分。"
        )
    return meeting, member


def undo_entry(store: Store, actor: Actor, entry_id: uuid.UUID, reason: str = "录入错误", today: date | None = None) -> Change:
    """Take back an entry just saved, through the ledger: an approved one is reversed (reviewers,
    reverse_entry), a pending one is rejected with the reason, by a reviewer or by whoever entered it."""
    from app.services.ledger.entries import reverse_entry  # the one reversal
    from app.services.rating.lock import ensure_year_open

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("撤销必须写明原因。")
    with unit_of_work(store, actor) as uow:
        entry = uow.session.get(PointsEntry, entry_id)
        if entry is None:
            raise NotFound("找不到这条积分记录。")
        if entry.status is EntryStatus.PENDING:
            if entry.entered_by != actor.id:
                actor.require(Role.REVIEWER, action="撤销别人录入的积分")
            ensure_year_open(uow.session, entry.member.branch_id, entry.occurred_on.year)
            entry.status, entry.reviewed_by, entry.reviewed_at, entry.review_note = (
                EntryStatus.REJECTED, actor.id, datetime.now(timezone.utc), reason)
            uow.audit("reject", "points_entry", entry.id, f"撤销 {entry.member.name} {entry.occurred_on:%Y-%m-%d} 的记录", note=reason)
            return Change(f"已撤销{entry.member.name}的这条记录（{reason}），不计分。", updated=[entry.id])
        if entry.status is EntryStatus.REJECTED:
            raise ValidationError("这条记录已经驳回，不计分，不用撤销。")
    return reverse_entry(store, actor, entry_id, reason, today=today)
