"""What saving a meeting will record for each member listed, before it is saved (the 会议考勤 grid).

Priced by the same path as record_meeting (entries.attendance_line over the one _Pricer, caps
included), against each member's entries so far; nothing is written.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from app.domain.enums import Attendance, MeetingKind
from app.domain.errors import AppError, CapExceeded
from app.domain.rules import RuleSet
from app.services.context import read_session
from app.services.ledger.entries import AttendanceOutlook, EntryRequest, _Pricer, attendance_line
from app.services.organisation import require_branch_id
from db.store import Store


def attendance_outlook(
    store: Store, kind: MeetingKind, held_on: date, member_ids: list[uuid.UUID], today: date | None = None
) -> dict[uuid.UUID, dict[Attendance, AttendanceOutlook]]:
    """For each member, what each attendance status would record if the meeting were saved now.

    Every status is priced at once, so a change of status on the grid needs no new question. The
    members and their year's entries are read a few hundred at a time (two queries for each 500
    members, as the save reads them), never a query per member. Raises AppError when nothing can be
    recorded on that day at all (no rule set for the year, a year already locked).
    """
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        pricer = _Pricer(session, branch_id, today or date.today())
        rule_set = pricer.view(held_on.year).rule_set
        pricer.preload(member_ids, {held_on.year})
        return {
            member_id: {status: _outlook(pricer, rule_set, kind, held_on, member_id, status) for status in Attendance}
            for member_id in member_ids
        }


def _outlook(
    pricer: _Pricer, rule_set: RuleSet, kind: MeetingKind, held_on: date, member_id: uuid.UUID, status: Attendance
) -> AttendanceOutlook:
    """One member's status priced without keeping it; a line the save would refuse says why."""
    asked: list[str] = []

    def quote(request: EntryRequest) -> Decimal:
        asked.append(request.item_code)
        return pricer.quote(request)[3]

    try:
        return attendance_line(pricer, rule_set, kind, held_on, member_id, status, quote)
    except CapExceeded as exc:  # a deduction past its cap
        return AttendanceOutlook(asked[0] if asked else None, capped=exc.hit, refused=exc.message)
    except AppError as exc:
        return AttendanceOutlook(asked[0] if asked else None, refused=exc.message)
