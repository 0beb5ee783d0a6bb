"""双报到: the home community and employer of in-service members, their service records, the
year's hours against the rule set's threshold, and the branch's overrides with a reason.

Service records are history: a mistake is corrected by a reversing record (negative hours on
the same day) with the reason, never by editing. The star rating reads the decision through
`apply_to_candidates` (called by app/services/rating/rounds.py when a round starts, when the
hand tick is changed and when it is assessed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, type_coerce

from app.domain.enums import MemberClass, MemberStatus, Role
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.points import ZERO, format_points
from app.domain.rating import ALLOWED_AT, RoundAction, dual_report_applies
from app.domain.service_hours import DualReportDecision, check_service, check_threshold, decide_dual_report
from app.domain.dates import day_text
from app.services.context import Actor, Change, UnitOfWork, read_session, unit_of_work
from app.services.organisation import require_branch_id
from app.services.rules.rulesets import rule_set_from_record
from db.models import Member, OrgUnit, RuleSetRecord, reverses_nothing
from db.practice_models import DualReportOverride, DualReportProfile, ServiceRecord
from db.rating_models import RatingCandidate, RatingRound
from db.store import Store
from db.types import Points


@dataclass(frozen=True)
class DualReportRow:
    """One in-service member's year: where he reports, his hours, and the decision."""

    member_id: uuid.UUID
    name: str
    group_name: str
    home_community: str
    employer: str
    employer_contact: str
    records: int
    decision: DualReportDecision

    @property
    def hours(self) -> Decimal:
        return self.decision.hours


@dataclass(frozen=True)
class ServiceLine:
    id: uuid.UUID
    member_id: uuid.UUID
    served_on: date
    hours: Decimal
    activity: str
    confirmed_by: str
    note: str
    reverses_id: uuid.UUID | None
    reversed: bool


def _in_service_member(session, branch_id: uuid.UUID, member_id: uuid.UUID) -> Member:
    member = session.get(Member, member_id)
    if member is None or member.branch_id != branch_id:
        raise NotFound("本支部没有这名党员。")
    if not dual_report_applies(member.member_class):
        raise ValidationError(f"{member.name}是{member.member_class.label}，双报到只登记在职党员。")
    return member


def save_profile(store: Store, actor: Actor, member_id: uuid.UUID, home_community: str, employer: str,
                 employer_contact: str = "") -> Change:
    """Where the member lives (his home community) and where he works (his employer)."""
    actor.require(Role.CLERK, action="登记双报到信息")
    home, work, contact = (home_community or "").strip(), (employer or "").strip(), (employer_contact or "").strip()
    if not home or not work:
        raise ValidationError("请填写居住地社区和工作单位。")
    if len(home) > 100 or len(work) > 100 or len(contact) > 100:
        raise ValidationError("居住地社区、工作单位和单位联系人各不超过 100 个字。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        member = _in_service_member(uow.session, branch_id, member_id)
        profile = uow.session.scalar(select(DualReportProfile).where(DualReportProfile.member_id == member_id))
        before = None if profile is None else [profile.home_community, profile.employer, profile.employer_contact]
        if profile is None:
            profile = DualReportProfile(member_id=member_id)
            uow.session.add(profile)
        profile.home_community, profile.employer, profile.employer_contact = home, work, contact
        uow.session.flush()
        uow.audit("profile", "dual_report_profile", profile.id, f"{member.name} 双报到：居住地 {home}，单位 {work}",
                  before=before, after=[home, work, contact])
        return Change(f"已保存{member.name}的居住地社区和工作单位。", updated=[profile.id])


def record_service(store: Store, actor: Actor, member_ids, served_on: date, hours, activity: str,
                   confirmed_by: str, note: str = "", today: date | None = None) -> Change:
    """One service record, or the same record for everyone who served at one event (a batch)."""
    actor.require(Role.CLERK, action="登记双报到服务")
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        raise ValidationError("请至少选择一名参加服务的党员。")
    value = check_service(served_on, hours, activity, today or date.today())
    if not (confirmed_by or "").strip():
        raise ValidationError("请写明由社区哪位同志确认（如“社区书记 王某”）。")
    branch_id = require_branch_id(store)
    batch_id = uuid.uuid4() if len(ids) > 1 else None
    with unit_of_work(store, actor) as uow:
        created = []
        for member_id in ids:
            member = _in_service_member(uow.session, branch_id, member_id)
            record = ServiceRecord(member_id=member_id, served_on=served_on, hours=value, activity=activity.strip(),
                                   confirmed_by=confirmed_by.strip(), batch_id=batch_id, note=(note or "").strip(),
                                   entered_by=actor.id)
            uow.session.add(record)
            uow.session.flush()
            created.append(record.id)
            uow.audit("create", "service_record", record.id,
                      f"{member.name} {served_on:%Y-%m-%d} 社区服务 {format_points(value)} 小时：{activity.strip()}")
        who = f"{len(ids)} 名党员" if len(ids) > 1 else member.name
        return Change(f"已登记{who}在{day_text(served_on)}的社区服务，每人 {format_points(value)} 小时。", created=created)


def reverse_service(store: Store, actor: Actor, record_id: uuid.UUID, reason: str) -> Change:
    """Correct a wrong record by a reversing one (same day, negative hours), with the reason."""
    actor.require(Role.CLERK, Role.REVIEWER, action="冲正双报到服务记录")
    if not (reason or "").strip():
        raise ValidationError("冲正必须写明原因。")
    with unit_of_work(store, actor) as uow:
        original = uow.session.get(ServiceRecord, record_id)
        if original is None:
            raise NotFound("找不到这条服务记录。")
        if original.reverses_id is not None or original.hours < 0:
            raise ConflictError("这是一条冲正记录，不能再冲正。")
        if uow.session.scalar(select(ServiceRecord.id).where(ServiceRecord.reverses_id == record_id)):
            raise ConflictError("这条服务记录已经冲正过了。")
        reversal = ServiceRecord(member_id=original.member_id, served_on=original.served_on, hours=-original.hours,
                                 activity=original.activity, confirmed_by=original.confirmed_by,
                                 note=f"冲正：{reason.strip()}", entered_by=actor.id, reverses_id=original.id)
        uow.session.add(reversal)
        uow.session.flush()
        member = uow.session.get(Member, original.member_id)
        uow.audit("reverse", "service_record", reversal.id,
                  f"冲正{member.name} {original.served_on:%Y-%m-%d} 的社区服务 {format_points(original.hours)} 小时", reason=reason)
        return Change(f"已冲正{member.name}的这条服务记录（{format_points(original.hours)} 小时）。", created=[reversal.id])


def set_threshold(store: Store, actor: Actor, year: int, hours) -> Change:
    """The year's hours that meet the 双报到 duty (None: the branch ticks it by hand)."""
    actor.require(action="修改积分细则")
    value = check_threshold(hours)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = uow.session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
        if record is None:
            raise NotFound(f"{year} 年的积分细则还没有建立。")
        settings = dict(record.settings)
        scheme = dict(settings.get("scheme", {}))
        before = scheme.get("dual_report_hours")
        if value is None:
            scheme.pop("dual_report_hours", None)
        else:
            scheme["dual_report_hours"] = str(value)
        settings["scheme"] = scheme
        record.settings = settings
        uow.audit("dual_report_hours", "rule_set", record.id, f"{year} 年双报到服务时长要求：{_threshold_text(value)}",
                  before=before, after=None if value is None else str(value))
        return Change(f"{year} 年双报到要求已改为：{_threshold_text(value)}。", updated=[record.id])


def _threshold_text(value: Decimal | None) -> str:
    return "由支部勾选认定" if value is None else f"全年服务满 {format_points(value)} 小时"


def threshold(session, branch_id: uuid.UUID, year: int) -> Decimal | None:
    record = session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
    return None if record is None else rule_set_from_record(record).dual_report_hours


def year_hours(session, branch_id: uuid.UUID, year: int) -> dict[uuid.UUID, Decimal]:
    """Each member's net hours of `year` (reversals share the day of what they reverse, so they net out)."""
    query = (
        select(ServiceRecord.member_id, type_coerce(func.sum(ServiceRecord.hours), Points))
        .join(Member, Member.id == ServiceRecord.member_id)
        .where(Member.branch_id == branch_id, ServiceRecord.served_on.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(ServiceRecord.member_id)
    )
    return dict(session.execute(query).all())


def overrides(session, branch_id: uuid.UUID, year: int) -> dict[uuid.UUID, tuple[bool, str]]:
    """The branch's latest decision per member for `year` (served, reason)."""
    query = (
        select(DualReportOverride)
        .join(Member, Member.id == DualReportOverride.member_id)
        .where(Member.branch_id == branch_id, DualReportOverride.year == year)
        .order_by(DualReportOverride.created_at)
    )
    return {row.member_id: (row.served, row.reason) for row in session.scalars(query)}


def decisions(session, branch_id: uuid.UUID, year: int) -> dict[uuid.UUID, DualReportDecision]:
    limit, hours, decided = threshold(session, branch_id, year), year_hours(session, branch_id, year), overrides(session, branch_id, year)
    members = session.scalars(select(Member.id).where(Member.branch_id == branch_id, Member.member_class == MemberClass.IN_SERVICE))
    return {m: decide_dual_report(hours.get(m, ZERO), limit, decided.get(m)) for m in members}


def apply_to_candidates(session, branch_id: uuid.UUID, year: int, candidates) -> None:
    """Set each in-service candidate's 双报到 from his decision; without a threshold or an
    override the round's hand tick stands."""
    found = decisions(session, branch_id, year)
    for candidate in candidates:
        decision = found.get(candidate.member_id)
        if decision is not None and decision.served is not None and dual_report_applies(candidate.member_class):
            candidate.dual_report_served = decision.served


def note_hand_decision(uow: UnitOfWork, branch_id: uuid.UUID, year: int, member_id: uuid.UUID, name: str,
                       served: bool, reason: str) -> None:
    """The round's hand tick: with a threshold set it goes against the hours, so it needs a reason
    and is kept as an override; without one a reason is kept when given."""
    reason = (reason or "").strip()
    limit = threshold(uow.session, branch_id, year)
    if limit is not None and not reason:
        hours = year_hours(uow.session, branch_id, year).get(member_id, ZERO)
        raise ValidationError(
            f"{year} 年双报到按服务时长认定（满 {format_points(limit)} 小时），{name}全年 {format_points(hours)} 小时；"
            "要改变认定结果，请写明原因。"
        )
    if reason:
        row = DualReportOverride(member_id=member_id, year=year, served=served, reason=reason, operator_id=uow.actor.id)
        uow.session.add(row)
        uow.session.flush()
        uow.audit("override", "dual_report_override", row.id,
                  f"{name} {year} 年双报到认定为{'已落实' if served else '未落实'}", reason=reason)


def override(store: Store, actor: Actor, year: int, member_id: uuid.UUID, served: bool, reason: str) -> Change:
    """The branch decides a member's 双报到 for `year` against his hours, with a written reason.

    A star-rating round that is open for it (申报创星 or 审核评星) takes the decision at once;
    a later round reads it when it starts."""
    actor.require(Role.CLERK, Role.REVIEWER, action="认定双报到情况")
    if not (reason or "").strip():
        raise ValidationError("支部认定双报到情况，必须写明原因。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        member = _in_service_member(uow.session, branch_id, member_id)
        note_hand_decision(uow, branch_id, year, member_id, member.name, served, reason)
        for candidate in uow.session.scalars(
            select(RatingCandidate).join(RatingRound, RatingRound.id == RatingCandidate.round_id).where(
                RatingRound.branch_id == branch_id, RatingRound.year == year, RatingCandidate.member_id == member_id,
                RatingRound.status.in_(list(ALLOWED_AT[RoundAction.DUAL_REPORT])),
            )
        ):
            candidate.dual_report_served = served
        return Change(f"已认定{member.name} {year} 年双报到{'已' if served else '未'}落实。")


def year_rows(store: Store, year: int) -> list[DualReportRow]:
    """Every in-service member on the roster in `year`, with hours and decision, by group and name."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        found = decisions(session, branch_id, year)
        profiles = {p.member_id: p for p in session.scalars(select(DualReportProfile).where(DualReportProfile.member_id.in_(list(found))))}
        counts = dict(session.execute(
            select(ServiceRecord.member_id, func.count()).where(
                ServiceRecord.served_on.between(date(year, 1, 1), date(year, 12, 31)), reverses_nothing(ServiceRecord.reverses_id)
            ).group_by(ServiceRecord.member_id)
        ).all())
        groups = {u.id: u.name for u in session.scalars(select(OrgUnit).where(OrgUnit.parent_id == branch_id))}
        rows = []
        for member in session.scalars(select(Member).where(Member.id.in_(list(found)))):
            left = member.status is not MemberStatus.ACTIVE and member.status_date and member.status_date.year < year
            if left:
                continue
            profile = profiles.get(member.id)
            rows.append(DualReportRow(
                member.id, member.name, groups.get(member.group_id, ""), profile.home_community if profile else "",
                profile.employer if profile else "", profile.employer_contact if profile else "",
                counts.get(member.id, 0), found[member.id],
            ))
    return sorted(rows, key=lambda r: (r.group_name, r.name))


def service_lines(store: Store, member_id: uuid.UUID, start: date, end: date) -> list[ServiceLine]:
    with read_session(store) as session:
        return service_lines_between(session, [member_id], start, end).get(member_id, [])


def service_lines_between(session, member_ids, start: date, end: date) -> dict[uuid.UUID, list[ServiceLine]]:
    records = list(session.scalars(
        select(ServiceRecord)
        .where(ServiceRecord.member_id.in_(list(member_ids)), ServiceRecord.served_on.between(start, end))
        .order_by(ServiceRecord.served_on, ServiceRecord.created_at)
    ))
    reversed_ids = {r.reverses_id for r in records if r.reverses_id}
    lines: dict[uuid.UUID, list[ServiceLine]] = {}
    for r in records:
        lines.setdefault(r.member_id, []).append(ServiceLine(
            r.id, r.member_id, r.served_on, r.hours, r.activity, r.confirmed_by, r.note, r.reverses_id, r.id in reversed_ids
        ))
    return lines
