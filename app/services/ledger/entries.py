"""Recording points: one entry, a batch, a whole meeting; review; reversal with a reason.

Every entry is priced by app.domain.rules.price_entry against the year's rule set and the
member's entries so far (pending and approved, so two pending entries cannot together
break a cap). A batch or a meeting is all or nothing: one bad line and nothing is saved,
and the clerk gets every bad line with its reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.domain.enums import Attendance, Category, EntryStatus, MeetingKind, Role
from app.domain.errors import (
    AppError, BatchRejected, CapExceeded, ConflictError, MemberNotFound, NotFound, PermissionDenied, RuleViolation, ValidationError,
)
from app.domain.points import format_points, points
from app.domain.rules import CapHit, CountedLine, MemberFacts, RuleItem, RuleSet, outside_caps_when_counted, price_entry, remaining_cap
from app.domain.dates import day_text
from app.services.accounts.security_settings import four_eyes_in_force
from app.services.context import Actor, Change, UnitOfWork, read_session, unit_of_work
from app.services.ledger.meetings import refuse_same_meeting
from app.services.organisation import require_branch_id
from app.services.rating.lock import ensure_year_open
from app.services.rules.rulesets import RuleSetView, load_rule_set_view
from db.models import AttendanceRecord, Meeting, Member, PointsEntry, RuleItemRecord, reverses_nothing
from db.store import Store


@dataclass
class EntryRequest:
    member_id: uuid.UUID
    item_code: str
    occurred_on: date
    quantity: Decimal = Decimal("1")
    points: Decimal | None = None
    note: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class LineError:
    index: int
    member_name: str
    message: str


@dataclass(frozen=True)
class EntryPreview:
    points: Decimal
    remaining_cap: Decimal | None
    item: RuleItem


@dataclass
class MeetingResult(Change):
    meeting_id: uuid.UUID | None = None
    excused: list[str] = field(default_factory=list)
    capped: list[str] = field(default_factory=list)  # attended, but a cap was full: no entry


@dataclass(frozen=True)
class AttendanceOutlook:
    """What one member's attendance status records when the meeting is saved, priced as the save
    prices it: an entry of `points` from `item_code`, or none (exempt, no item, or `capped`)."""

    item_code: str | None = None
    points: Decimal | None = None
    exempt: bool = False  # the branch exempted him from the item: nothing recorded
    capped: CapHit | None = None  # the cap that is full: an earning entry is left out, a deduction refused
    refused: str = ""  # the save would refuse the whole meeting for this line, and why


COUNTS_AFTER_REVIEW = "审核通过后才计入积分"
IDS_AT_ONCE = 500  # entries a review reads in one query (SQLite allows a few thousand parameters)


def veto_sentence(member_name: str, year: int) -> str:
    """What a counted veto does, said wherever one is confirmed."""
    return f"{member_name} {year} 年积分为 0 分，不能参加星级评定和评先评优"


def _entry_summary(member: Member, item: RuleItem, entry: PointsEntry) -> str:
    """The confirmation of one entry: what it counts for now, or that it waits for review."""
    pending = entry.status is EntryStatus.PENDING
    year = entry.occurred_on.year
    if item.is_veto:
        if pending:
            return f"已记一票否决项“{item.name}”，等待审核；审核通过后{veto_sentence(member.name, year)}。"
        return f"已记一票否决项“{item.name}”：{veto_sentence(member.name, year)}。"
    if pending:
        return f"已记 {format_points(entry.points)} 分，等待审核，{COUNTS_AFTER_REVIEW}。"
    return f"已记 {format_points(entry.points)} 分。"


def _pending_clause(approve: bool, count: int) -> str:
    """'，等待审核，审核通过后才计入积分' when `count` entries were saved pending review."""
    return "" if approve or not count else f"，等待审核，{COUNTS_AFTER_REVIEW}"


class _Pricer:
    """Prices requests inside one session, remembering what earlier lines of a batch used."""

    def __init__(self, session, branch_id: uuid.UUID, today: date) -> None:
        self.session = session
        self.branch_id = branch_id
        self.today = today
        self._views: dict[int, RuleSetView] = {}
        self._counted: dict[tuple[uuid.UUID, int], list[CountedLine]] = {}
        self._members: dict[uuid.UUID, Member] = {}

    def view(self, year: int) -> RuleSetView:
        if year not in self._views:
            view = load_rule_set_view(self.session, self.branch_id, year)
            if view is None:
                raise RuleViolation(f"{year} 年的积分细则还没有建立，不能记 {year} 年的分。")
            ensure_year_open(self.session, self.branch_id, year)
            self._views[year] = view
        return self._views[year]

    def member(self, member_id: uuid.UUID) -> Member:
        if member_id not in self._members:
            member = self.session.get(Member, member_id)
            if member is None or member.branch_id != self.branch_id:
                raise MemberNotFound()
            self._members[member_id] = member
        return self._members[member_id]

    def counted(self, member_id: uuid.UUID, year: int) -> list[CountedLine]:
        key = (member_id, year)
        if key not in self._counted:
            self._preload_counted([member_id], year)
        return self._counted[key]

    def preload(self, member_ids, years) -> None:
        """The members of a batch or a meeting and what each has counted in `years`, read a few
        hundred at a time instead of two queries a member (2,000 members' meeting: 4,000)."""
        wanted = list(dict.fromkeys(member_id for member_id in member_ids if isinstance(member_id, uuid.UUID)))
        for start in range(0, len(wanted), IDS_AT_ONCE):
            chunk = wanted[start:start + IDS_AT_ONCE]
            for member in self.session.scalars(select(Member).where(Member.id.in_(chunk), Member.branch_id == self.branch_id)):
                self._members.setdefault(member.id, member)
            for year in years:
                self._preload_counted(chunk, year)

    def _preload_counted(self, member_ids: list[uuid.UUID], year: int) -> None:
        fresh = {member_id: [] for member_id in member_ids if (member_id, year) not in self._counted}
        if not fresh:
            return
        for member_id, *line in self.session.execute(self._counted_query(year).where(PointsEntry.member_id.in_(list(fresh)))):
            fresh[member_id].append(line)
        for member_id, rows in fresh.items():
            self._counted[member_id, year] = [
                CountedLine(code, category, on, value, outside_caps_when_counted(code, outside)) for on, value, code, category, outside in rows
            ]

    @staticmethod
    def _counted_query(year: int):
        """The lines that count against caps in `year` (pending and approved), with their member first."""
        return (
            select(PointsEntry.member_id, PointsEntry.occurred_on, PointsEntry.points, RuleItemRecord.code, RuleItemRecord.category,
                   RuleItemRecord.outside_cap)
            .join(RuleItemRecord, PointsEntry.rule_item_id == RuleItemRecord.id)
            .where(
                PointsEntry.occurred_on >= date(year, 1, 1),
                PointsEntry.occurred_on <= date(year, 12, 31),
                PointsEntry.status != EntryStatus.REJECTED,
            )
        )

    def quote(self, request: EntryRequest) -> tuple[Member, RuleSetView, RuleItem, Decimal]:
        """What the request is worth against the member's entries so far (a preview: nothing kept)."""
        if not isinstance(request.occurred_on, date):
            raise ValidationError("请填写日期。")
        member = self.member(request.member_id)
        view = self.view(request.occurred_on.year)
        item = view.rule_set.item((request.item_code or "").strip().upper())
        facts = MemberFacts(member.name, member.member_class, member.status, member.in_branch_since, member.status_date)
        quantity = points(request.quantity)
        chosen = None if request.points is None else points(request.points)
        counted = self.counted(member.id, request.occurred_on.year)
        value = price_entry(view.rule_set, item, facts, request.occurred_on, quantity, chosen, counted, self.today)
        return member, view, item, value

    def price(self, request: EntryRequest) -> tuple[Member, RuleSetView, RuleItem, Decimal]:
        """As quote, and the entry then counts towards the caps of the batch's later lines."""
        member, view, item, value = self.quote(request)
        self.counted(member.id, request.occurred_on.year).append(
            CountedLine(item.code, item.category, request.occurred_on, value, outside_caps_when_counted(item.code, item.outside_cap))
        )
        return member, view, item, value


def _new_entry(uow: UnitOfWork, pricer: _Pricer, request: EntryRequest, approve: bool, **extra) -> PointsEntry:
    return _record(uow, pricer, request, approve, **extra)[0]


def _record(uow: UnitOfWork, pricer: _Pricer, request: EntryRequest, approve: bool, **extra) -> tuple[PointsEntry, Member, RuleItem]:
    member, view, item, value = pricer.price(request)
    now = datetime.now(timezone.utc)
    entry = PointsEntry(
        id=uuid.uuid4(),  # known now, for its audit record: the entries of a batch are written together
        member_id=member.id,
        rule_item_id=view.item_ids[item.code],
        occurred_on=request.occurred_on,
        quantity=points(request.quantity),
        points=value,
        note=(request.note or "").strip(),
        evidence=(request.evidence or "").strip(),
        status=EntryStatus.APPROVED if approve else EntryStatus.PENDING,
        entered_by=uow.actor.id,
        reviewed_by=uow.actor.id if approve else None,
        reviewed_at=now if approve else None,
        **extra,
    )
    uow.session.add(entry)
    uow.audit(
        "create", "points_entry", entry.id,
        f"{member.name} {request.occurred_on:%Y-%m-%d} {item.code} {item.name} {format_points(value)} 分",
        status=entry.status.value,
    )
    return entry, member, item


def _check_approver(actor: Actor, approve: bool) -> None:
    actor.require(Role.CLERK, Role.REVIEWER, action="录入积分")
    if approve:
        actor.require(Role.REVIEWER, action="审核积分")


FOUR_EYES_OWN_ENTRY = "按“录入与审核分开”的设置，自己录入的积分要由另一位审核人审核"


def _check_four_eyes(uow: UnitOfWork, approve: bool) -> None:
    """Entering and approving in one step is the same account approving its own entry."""
    if approve and four_eyes_in_force(uow.session):
        raise PermissionDenied(f"{FOUR_EYES_OWN_ENTRY}，不能录入时直接审核通过；请保存为待审核。")


class SameEntryExists(ConflictError):
    """The member already has a standing entry of the item on that day; nothing was saved."""


def _refuse_same_entry(session, request: EntryRequest) -> None:
    """SameEntryExists when the member has an entry of the same item on the same day that still
    counts (not rejected, not reversed): the entry form kept member and item after a save, and a
    second click recorded the points again."""
    reversed_ids = select(PointsEntry.reverses_id).where(
        PointsEntry.member_id == request.member_id, PointsEntry.reverses_id.is_not(None)
    )
    found = session.execute(
        select(Member.name, RuleItemRecord.name, PointsEntry.points)
        .join(RuleItemRecord, RuleItemRecord.id == PointsEntry.rule_item_id)
        .join(Member, Member.id == PointsEntry.member_id)
        .where(
            PointsEntry.member_id == request.member_id, PointsEntry.occurred_on == request.occurred_on,
            RuleItemRecord.code == request.item_code, PointsEntry.status != EntryStatus.REJECTED,
            reverses_nothing(PointsEntry.reverses_id), PointsEntry.id.not_in(reversed_ids),
        )
        .limit(1)
    ).first()
    if found is not None:
        name, item_name, value = found
        raise SameEntryExists(
            f"{name}在{request.occurred_on.month}月{request.occurred_on.day}日已经记过一条“{item_name}”"
            f"（{format_points(value)} 分），再保存一次会重复记分。"
        )


def record_entry(
    store: Store, actor: Actor, request: EntryRequest, approve: bool = False, today: date | None = None,
    allow_same: bool = True,
) -> Change:
    """One points entry, pending review unless `approve` (reviewers only). Without `allow_same`
    (the entry form, until the clerk confirms) a second standing entry of the same item for the
    member on the same day is refused with SameEntryExists."""
    _check_approver(actor, approve)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        _check_four_eyes(uow, approve)
        if not allow_same:
            _refuse_same_entry(uow.session, request)
        entry, member, item = _record(uow, _Pricer(uow.session, branch_id, today or date.today()), request, approve)
        return Change(_entry_summary(member, item, entry), created=[entry.id])


def record_batch(store: Store, actor: Actor, requests: list[EntryRequest], approve: bool = False, today: date | None = None) -> Change:
    """Many entries at once (one item for many members, or a sheet of lines): all or nothing."""
    _check_approver(actor, approve)
    if not requests:
        raise ValidationError("没有要保存的记录。")
    branch_id = require_branch_id(store)
    batch_id = uuid.uuid4()
    with unit_of_work(store, actor) as uow:
        _check_four_eyes(uow, approve)
        pricer = _Pricer(uow.session, branch_id, today or date.today())
        pricer.preload([r.member_id for r in requests], {r.occurred_on.year for r in requests if isinstance(r.occurred_on, date)})
        errors: list[LineError] = []
        created: list[uuid.UUID] = []
        vetoed: list[str] = []
        for index, request in enumerate(requests):
            try:
                entry, member, item = _record(uow, pricer, request, approve, batch_id=batch_id)
                created.append(entry.id)
                if item.is_veto:
                    vetoed.append(veto_sentence(member.name, request.occurred_on.year))
            except AppError as exc:
                member = uow.session.get(Member, request.member_id)
                errors.append(LineError(index, member.name if member else "（未知党员）", exc.message))
        if errors:
            raise BatchRejected(errors)
        veto = ""
        if vetoed:
            when = "审核通过后" if not approve else ""
            veto = f"；其中一票否决 {len(vetoed)} 条，{when}{'；'.join(dict.fromkeys(vetoed))}"
        return Change(f"已批量记分 {len(created)} 条{_pending_clause(approve, len(created))}{veto}。", created=created)


def record_meeting(
    store: Store,
    actor: Actor,
    kind: MeetingKind,
    title: str,
    held_on: date,
    attendance: dict[uuid.UUID, Attendance],
    location: str = "",
    note: str = "",
    approve: bool = False,
    today: date | None = None,
    allow_duplicate: bool = False,
) -> MeetingResult:
    """A meeting recorded once from its attendance list; the rule set turns statuses into entries.

    A meeting of the same kind and date whose list shares a member is refused with
    SameMeetingExists (one sentence naming it) unless the caller confirms `allow_duplicate`.
    """
    _check_approver(actor, approve)
    today = today or date.today()
    title = (title or "").strip() or kind.label
    _check_meeting_date_and_attendance(held_on, today, attendance)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        _check_four_eyes(uow, approve)
        session = uow.session
        pricer = _Pricer(session, branch_id, today)
        rule_set = pricer.view(held_on.year).rule_set
        pricer.preload(list(attendance), {held_on.year})
        if not allow_duplicate:
            refuse_same_meeting(session, branch_id, kind, held_on, attendance)
        meeting = Meeting(branch_id=branch_id, kind=kind, title=title, held_on=held_on, location=location, note=note, created_by=actor.id)
        session.add(meeting)
        session.flush()
        created, excused, capped = _record_attendance(uow, pricer, rule_set, meeting, attendance, approve)
        uow.audit(
            "create", "meeting", meeting.id,
            f"登记{kind.label}“{title}”{held_on:%Y-%m-%d}：{_attendance_counts_sentence(attendance)}",
        )
        return MeetingResult(
            f"已登记“{title}”，生成积分记录 {len(created)} 条{_pending_clause(approve, len(created))}。",
            created=created, meeting_id=meeting.id, excused=excused, capped=capped,
        )


def _check_meeting_date_and_attendance(held_on: date, today: date, attendance: dict[uuid.UUID, Attendance]) -> None:
    if held_on > today:
        raise ValidationError(f"会议日期{day_text(held_on)}还没到。")
    if not attendance:
        raise ValidationError("考勤表是空的，请至少登记一名党员。")


def _record_attendance(
    uow: UnitOfWork, pricer: _Pricer, rule_set: RuleSet, meeting: Meeting, attendance: dict[uuid.UUID, Attendance], approve: bool
) -> tuple[list[uuid.UUID], list[str], list[str]]:
    """Each member's attendance row and the entry it earns: all or nothing.

    Returns the entries created, the names of exempt members whose excused item was not scored,
    and the names of those whose attending earned nothing because a cap was full.
    """
    session = uow.session
    errors: list[LineError] = []
    created: list[uuid.UUID] = []
    excused: list[str] = []
    capped: list[str] = []
    rows: list[AttendanceRecord] = []
    for index, (member_id, status) in enumerate(attendance.items()):
        try:
            outlook, entry_id = _record_attendance_line(uow, pricer, rule_set, meeting, member_id, status, approve)
            name = pricer.member(member_id).name
            if outlook.exempt:
                excused.append(name)
            if outlook.capped is not None:
                capped.append(name)
            if entry_id is not None:
                created.append(entry_id)
            rows.append(AttendanceRecord(meeting_id=meeting.id, member_id=member_id, status=status, entry_id=entry_id))
        except AppError as exc:
            member = session.get(Member, member_id)
            errors.append(LineError(index, member.name if member else "（未知党员）", exc.message))
    if errors:
        raise BatchRejected(errors)
    session.flush()  # the entries first: the attendance rows name them (no relationship orders the two)
    session.add_all(rows)
    return created, excused, capped


def _attendance_entry(
    uow: UnitOfWork, pricer: _Pricer, rule_set: RuleSet, meeting: Meeting, member_id: uuid.UUID, status: Attendance, approve: bool
) -> tuple[uuid.UUID | None, str | None]:
    """(entry id, None) for an attendance the rule set scores, (None, name) for an exempt member's
    excused item, (None, None) for an attendance that scores nothing."""
    outlook, entry_id = _record_attendance_line(uow, pricer, rule_set, meeting, member_id, status, approve)
    return entry_id, (pricer.member(member_id).name if outlook.exempt else None)


def _record_attendance_line(
    uow: UnitOfWork, pricer: _Pricer, rule_set: RuleSet, meeting: Meeting, member_id: uuid.UUID, status: Attendance, approve: bool
) -> tuple[AttendanceOutlook, uuid.UUID | None]:
    """The entry one member's attendance makes (its id, or None) and what was recorded."""
    made: list[uuid.UUID] = []

    def record(request: EntryRequest) -> Decimal:
        request.note = f"{meeting.title}：{status.label}"
        entry = _new_entry(uow, pricer, request, approve, meeting_id=meeting.id)
        made.append(entry.id)
        return entry.points

    outlook = attendance_line(pricer, rule_set, meeting.kind, meeting.held_on, member_id, status, record)
    return outlook, (made[0] if made else None)


def attendance_line(
    pricer: _Pricer, rule_set: RuleSet, kind: MeetingKind, held_on: date, member_id: uuid.UUID, status: Attendance, price
) -> AttendanceOutlook:
    """What a member's attendance records, by the rule set's attendance mapping and `price` (which
    records the entry, or only prices it for a preview, and returns its points): the one place
    that decides it for saving a meeting, correcting its attendance and showing its grid.

    An earning item past its cap records nothing (attending is never an error: R01 earns once a
    month); a deduction past its cap raises CapExceeded, and the meeting is not saved."""
    member = pricer.member(member_id)
    effect = rule_set.attendance_effect(kind.value, status, member.member_class)
    if effect.exempt:
        return AttendanceOutlook(exempt=True)
    if effect.item_code is None:
        return AttendanceOutlook()
    try:
        value = price(EntryRequest(member_id, effect.item_code, held_on))
    except CapExceeded as exc:
        if rule_set.item(effect.item_code).sign < 0:
            raise
        return AttendanceOutlook(effect.item_code, capped=exc.hit)
    return AttendanceOutlook(effect.item_code, value)


def _attendance_counts_sentence(attendance: dict[uuid.UUID, Attendance]) -> str:
    counts = {s: sum(1 for v in attendance.values() if v is s) for s in Attendance}
    return (
        f"出席 {counts[Attendance.PRESENT]} 人，请假 {counts[Attendance.EXCUSED]} 人，"
        f"缺席 {counts[Attendance.ABSENT]} 人，迟到早退 {counts[Attendance.LATE]} 人"
    )


def preview_entry(store: Store, request: EntryRequest, today: date | None = None) -> EntryPreview:
    """What an entry would be worth and how much of its cap is left, without saving anything."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        pricer = _Pricer(session, branch_id, today or date.today())
        member, view, item, value = pricer.quote(request)
        counted = pricer.counted(member.id, request.occurred_on.year)
        return EntryPreview(value, remaining_cap(view.rule_set, item, request.occurred_on, counted), item)


def review_entries(store: Store, actor: Actor, entry_ids: list[uuid.UUID], approve: bool, note: str = "") -> Change:
    """Approve or reject pending entries (录入 → 审核); a rejection needs a reason."""
    actor.require(Role.REVIEWER, action="审核积分")
    if not approve and not (note or "").strip():
        raise ValidationError("驳回时请写明理由。")
    with unit_of_work(store, actor) as uow:
        now = datetime.now(timezone.utc)
        vetoed: list[str] = []
        four_eyes = approve and four_eyes_in_force(uow.session)
        loaded = _load_for_review(uow.session, entry_ids)  # held: the session keeps unchanged objects weakly
        open_years: set[tuple] = set()
        for entry_id in entry_ids:
            entry = _pending_entry(uow, entry_id, actor if four_eyes else None, open_years)
            entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
            entry.reviewed_by, entry.reviewed_at, entry.review_note = actor.id, now, (note or "").strip()
            uow.audit("approve" if approve else "reject", "points_entry", entry.id,
                      f"{'通过' if approve else '驳回'} {entry.member.name} {entry.occurred_on:%Y-%m-%d} 的记录", note=note)
            if approve and entry.rule_item.category is Category.VETO:
                vetoed.append(veto_sentence(entry.member.name, entry.occurred_on.year))
        verb = "通过" if approve else "驳回"
        veto = f"，其中一票否决：{'；'.join(dict.fromkeys(vetoed))}" if vetoed else ""
        return Change(f"已{verb} {len(entry_ids)} 条记录{veto}。", updated=list(entry_ids))


def _load_for_review(session, entry_ids: list[uuid.UUID]) -> list[PointsEntry]:
    """The entries, their members and items, read in a few queries before any is changed. Read
    one by one, each entry's queries made the session write the one before (autoflush), and a
    meeting's 2,000 entries took 11 s to approve."""
    loaded = []
    for start in range(0, len(entry_ids), IDS_AT_ONCE):
        loaded += session.scalars(
            select(PointsEntry).where(PointsEntry.id.in_(entry_ids[start:start + IDS_AT_ONCE]))
            .options(joinedload(PointsEntry.member), joinedload(PointsEntry.rule_item))
        ).all()
    return loaded


def _pending_entry(uow: UnitOfWork, entry_id: uuid.UUID, not_entered_by: Actor | None, open_years: set) -> PointsEntry:
    """The entry to review, refused if gone, already reviewed, in a locked year, or (four eyes)
    entered by the reviewer himself. `open_years`: (branch, year) already found open in this review."""
    entry = uow.session.get(PointsEntry, entry_id)
    if entry is None:
        raise NotFound("找不到这条积分记录。")
    if not_entered_by is not None and entry.entered_by == not_entered_by.id:
        raise PermissionDenied(f"{entry.member.name}{day_text(entry.occurred_on)}的记录是你录入的，{FOUR_EYES_OWN_ENTRY}。")
    if entry.status is not EntryStatus.PENDING:
        # The label already says it: 已审核 / 已驳回.
        raise ConflictError(f"{entry.member.name}{day_text(entry.occurred_on)}的记录{entry.status.label}，不能再审核。")
    year = (entry.member.branch_id, entry.occurred_on.year)
    if year not in open_years:
        ensure_year_open(uow.session, *year)
        open_years.add(year)
    return entry


def reverse_entry(store: Store, actor: Actor, entry_id: uuid.UUID, reason: str, today: date | None = None) -> Change:
    """Correct an approved entry by an approved entry of the opposite points, naming it and why."""
    actor.require(Role.REVIEWER, action="冲正积分")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("冲正必须写明原因。")
    with unit_of_work(store, actor) as uow:
        session = uow.session
        entry = session.get(PointsEntry, entry_id)
        if entry is None:
            raise NotFound("找不到这条积分记录。")
        if entry.reverses_id is not None:
            raise ConflictError("这条记录本身就是冲正记录，不能再冲正；如需恢复，请重新录入。")
        if entry.status is not EntryStatus.APPROVED:
            raise ConflictError(f"这条记录{entry.status.label}，只有已审核的记录需要冲正；待审核的请直接驳回。")
        if session.scalar(select(PointsEntry.id).where(PointsEntry.reverses_id == entry.id)):
            raise ConflictError("这条记录已经冲正过了。")
        ensure_year_open(session, entry.member.branch_id, entry.occurred_on.year)
        now = datetime.now(timezone.utc)
        reversal = PointsEntry(
            member_id=entry.member_id,
            rule_item_id=entry.rule_item_id,
            occurred_on=entry.occurred_on,
            quantity=entry.quantity,
            points=-entry.points,
            note=f"冲正：{reason}",
            status=EntryStatus.APPROVED,
            entered_by=actor.id,
            reviewed_by=actor.id,
            reviewed_at=now,
            review_note=reason,
            reverses_id=entry.id,
        )
        session.add(reversal)
        session.flush()
        uow.audit("reverse", "points_entry", reversal.id,
                  f"冲正 {entry.member.name} {entry.occurred_on:%Y-%m-%d} 的 {format_points(entry.points)} 分", reason=reason, reverses=entry.id)
        if entry.rule_item.category is Category.VETO:
            return Change(
                f"已冲正{entry.member.name}的一票否决记录，{entry.occurred_on.year} 年积分按其余记录重新计算。",
                created=[reversal.id],
            )
        direction = "减少" if entry.points > 0 else "增加"
        return Change(
            f"已冲正，{entry.member.name}的积分相应{direction} {format_points(abs(entry.points))} 分。", created=[reversal.id]
        )
