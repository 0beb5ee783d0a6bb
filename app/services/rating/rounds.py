"""The year's star rating round, step by step, every step dated and signed.

申报创星 start_round / declare → 审核评星 assess / override → 公示亮星 publicise /
record_objection / answer_objection → 上报验星 (app/services/rating/exchange.py) →
动态调星 adjust. Results are frozen in the round's candidates when it is assessed, so the
notice and certificates print what was decided, not live totals that may move later.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from app.domain.enums import MemberClass, Role
from app.domain.errors import ConflictError, DateNotYet, NotFound, ValidationError
from app.domain.points import format_points
from app.domain.rating import (
    REOPENABLE,
    CandidateFacts,
    RatingScheme,
    RoundAction,
    RoundStatus,
    StarStage,
    award_eligibility,
    check_action,
    check_star_change,
    check_publicity_days,
    check_transition,
    dual_report_applies,
    propose,
)
from app.domain.dates import day_text
from app.services.context import Actor, Change, UnitOfWork, unit_of_work
from app.services.organisation import require_branch_id
from app.services.practice import dual_report
from app.services.rating.queries import candidate_facts, load_round, load_view
from app.services.rating.rated import rated_places, rated_rows
from app.services.rules.rulesets import get_rule_set
from db.rating_models import RatingCandidate, RatingObjection, RatingRound, RatingStarChange, RatingStep
from db.store import Store


def _require_reviewer(actor: Actor, what: str) -> None:
    actor.require(Role.REVIEWER, action=what)


def _candidates(session, round_id: uuid.UUID) -> list[RatingCandidate]:
    return list(session.scalars(select(RatingCandidate).where(RatingCandidate.round_id == round_id)))


def _candidate(session, round_id: uuid.UUID, member_id: uuid.UUID) -> RatingCandidate:
    candidate = session.scalar(
        select(RatingCandidate).where(RatingCandidate.round_id == round_id, RatingCandidate.member_id == member_id)
    )
    if candidate is None:
        raise NotFound("这名党员不在本年度的星级评定名单中。")
    return candidate


def _step(uow: UnitOfWork, record: RatingRound, action: str, target: RoundStatus, on: date, note: str = "") -> None:
    record.status = target
    uow.session.add(RatingStep(round_id=record.id, action=action, status_after=target, on_date=on, operator_id=uow.actor.id, note=note))
    uow.audit(action, "rating_round", record.id, f"{record.year} 年星级评定：{target.label}", on=on, note=note)


def _facts(candidate: RatingCandidate) -> CandidateFacts:
    return candidate_facts(candidate)


def _check_date(on: date, today: date) -> None:
    if on > today:
        raise DateNotYet(on)


def start_round(
    store: Store, actor: Actor, year: int, on: date, today: date | None = None, **scheme_overrides
) -> Change:
    """申报创星: open the round with the year's scheme and everyone on the roster at the year's end
    (rated.py) as a candidate."""
    _require_reviewer(actor, "组织星级评定")
    _check_date(on, today or date.today())
    rule_set = get_rule_set(store, year).rule_set
    scheme = RatingScheme.from_rule_set(rule_set, **scheme_overrides)
    roster = rated_rows(store, year)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        if uow.session.scalar(select(RatingRound.id).where(RatingRound.branch_id == branch_id, RatingRound.year == year)):
            raise ConflictError(f"{year} 年的星级评定已经开始了。")
        record = RatingRound(branch_id=branch_id, year=year, status=RoundStatus.APPLYING, scheme=scheme.to_dict(), created_by=actor.id)
        uow.session.add(record)
        uow.session.flush()
        candidates = [_new_candidate(record.id, row) for row in roster]
        uow.session.add_all(candidates)
        dual_report.apply_to_candidates(uow.session, branch_id, year, candidates)
        uow.session.add(RatingStep(round_id=record.id, action="start", status_after=RoundStatus.APPLYING, on_date=on, operator_id=actor.id))
        uow.audit("start", "rating_round", record.id, f"开始 {year} 年星级评定（申报创星）", candidates=len(roster))
        return Change(f"已开始 {year} 年星级评定，{len(roster)} 名党员可以申报。", created=[record.id])


def _new_candidate(round_id: uuid.UUID, row) -> RatingCandidate:
    return RatingCandidate(
        round_id=round_id, member_id=row.member_id, name=row.name, group_name=row.group_name,
        member_class=row.member_class, membership=row.membership,
        dual_report_served=False if dual_report_applies(row.member_class) else None,
        vetoed=False, flags=[],
    )


def declare(store: Store, actor: Actor, year: int, member_id: uuid.UUID, stars: int, statement: str, on: date, today: date | None = None) -> Change:
    """A member (or the clerk on his behalf) declares the stars he aims for, with a statement."""
    actor.require(Role.CLERK, Role.REVIEWER, action="登记创星申报")
    _check_date(on, today or date.today())
    if not 1 <= stars <= 5:
        raise ValidationError("申报星级应为 1 到 5 星。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_action(RoundAction.DECLARE, record.status)
        candidate = _candidate(uow.session, record.id, member_id)
        candidate.declared_stars, candidate.declaration, candidate.declared_on = stars, (statement or "").strip(), on
        uow.audit("declare", "rating_candidate", candidate.id, f"{candidate.name} 申报 {stars} 星", statement=statement)
        return Change(f"已登记{candidate.name}申报{stars}星。", updated=[candidate.id])


def set_dual_report(store: Store, actor: Actor, year: int, member_id: uuid.UUID, served: bool, reason: str = "") -> Change:
    """Whether an in-service member served in his home community (双报到) this year; where the
    rule set decides it by hours, a hand decision needs a reason (app/services/practice/dual_report.py)."""
    actor.require(Role.CLERK, Role.REVIEWER, action="登记双报到情况")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_action(RoundAction.DUAL_REPORT, record.status)
        candidate = _candidate(uow.session, record.id, member_id)
        if candidate.member_class is not MemberClass.IN_SERVICE:
            raise ValidationError(f"{candidate.name}不是在职党员，不需要登记双报到。")
        dual_report.note_hand_decision(uow, branch_id, year, member_id, candidate.name, served, reason)
        candidate.dual_report_served = served
        uow.audit("dual_report", "rating_candidate", candidate.id, f"{candidate.name} 双报到：{'已落实' if served else '未落实'}")
        return Change(f"已登记{candidate.name}的双报到情况。", updated=[candidate.id])


def assess(store: Store, actor: Actor, year: int, on: date, today: date | None = None) -> Change:
    """审核评星: freeze the year's totals and let the engine propose stars for everyone."""
    _require_reviewer(actor, "审核评星")
    _check_date(on, today or date.today())
    rated = rated_rows(store, year)
    places = rated_places(rated)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_transition(record.status, RoundStatus.ASSESSING)
        scheme = RatingScheme.from_dict(record.scheme)
        by_member = {c.member_id: c for c in _candidates(uow.session, record.id)}
        for row in rated:
            if row.member_id not in by_member:
                by_member[row.member_id] = _new_candidate(record.id, row)
                uow.session.add(by_member[row.member_id])
            candidate = by_member[row.member_id]
            candidate.final_total, candidate.vetoed, candidate.rank = row.period_points, row.vetoed, places[row.member_id]
            candidate.flags = list(row.flags)
        scored = {row.member_id for row in rated}
        _clear_unscored(by_member.values(), scored)
        dual_report.apply_to_candidates(uow.session, branch_id, year, by_member.values())
        uow.session.flush()
        proposals = propose(scheme, [_facts(c) for c in by_member.values() if c.member_id in scored])
        for member_id, proposal in proposals.items():
            candidate = by_member[member_id]
            candidate.band_stars, candidate.proposed_stars = proposal.band_stars, proposal.stars
            previous, candidate.stars = candidate.stars, proposal.stars
            reason = f"年度积分 {format_points(candidate.final_total)} 分" + ("；" + "；".join(proposal.reasons) if proposal.reasons else "")
            uow.session.add(RatingStarChange(candidate_id=candidate.id, stage=StarStage.PROPOSAL, from_stars=previous,
                                             to_stars=proposal.stars, reason=reason, on_date=on, operator_id=actor.id))
        _step(uow, record, "assess", RoundStatus.ASSESSING, on)
        return Change(f"已按积分测评 {len(proposals)} 名党员的星级，请支委会审核。", updated=[record.id])


NOT_SCORED = "已不在本支部名册上，不参加本支部评星"


def _clear_unscored(candidates, scored: set) -> None:
    """A candidate no longer on the roster at the year's end (a death or a transfer registered since
    the round began; a member moved to another branch; rated.py) is not rated: he keeps no
    frozen total, which would stand against the ledger for ever and the round could never be
    reported (freshness.py), nor stars, nor a place in the five-star quota's count."""
    for candidate in candidates:
        if candidate.member_id not in scored:
            candidate.final_total, candidate.vetoed, candidate.rank, candidate.flags = None, False, None, [NOT_SCORED]
            candidate.band_stars = candidate.proposed_stars = candidate.stars = None


def _change_stars(uow, record, candidate, new_stars, reason, on, stage) -> None:
    scheme = RatingScheme.from_dict(record.scheme)
    others = [(_facts(c), c.stars or 0) for c in _candidates(uow.session, record.id) if c.id != candidate.id]
    reason = check_star_change(scheme, _facts(candidate), new_stars, reason, others)
    if new_stars == candidate.stars:
        raise ValidationError(f"{candidate.name}现在就是{new_stars}星，没有变化。")
    uow.session.add(RatingStarChange(candidate_id=candidate.id, stage=stage, from_stars=candidate.stars,
                                     to_stars=new_stars, reason=reason, on_date=on, operator_id=uow.actor.id))
    uow.audit(stage.value, "rating_candidate", candidate.id,
              f"{candidate.name} 星级 {candidate.stars} → {new_stars}（{stage.label}）", reason=reason)
    candidate.stars = new_stars


def override(store: Store, actor: Actor, year: int, member_id: uuid.UUID, new_stars: int, reason: str, on: date, today: date | None = None) -> Change:
    """The branch committee changes a proposal; only with a written reason."""
    _require_reviewer(actor, "调整星级")
    _check_date(on, today or date.today())
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_action(RoundAction.OVERRIDE, record.status)
        candidate = _candidate(uow.session, record.id, member_id)
        _change_stars(uow, record, candidate, new_stars, reason, on, StarStage.OVERRIDE)
        return Change(f"已将{candidate.name}调整为{new_stars}星。", updated=[candidate.id])


def publicise(store: Store, actor: Actor, year: int, start: date, days: int | None = None,
              objection_contact: str = "", today: date | None = None) -> Change:
    """公示亮星: the notice goes up for the publicity period; objections may be raised."""
    _require_reviewer(actor, "发布公示")
    _check_date(start, today or date.today())
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_transition(record.status, RoundStatus.PUBLICISING)
        length = days or RatingScheme.from_dict(record.scheme).publicity_days
        check_publicity_days(length)
        record.publicity_start, record.publicity_end = start, start + timedelta(days=length - 1)
        record.objection_contact = (objection_contact or "").strip()
        _step(uow, record, "publicise", RoundStatus.PUBLICISING, start,
              note=f"公示期 {start:%Y-%m-%d} 至 {record.publicity_end:%Y-%m-%d}")
        return Change(f"已发布公示，公示期至{day_text(record.publicity_end)}。", updated=[record.id])


def record_objection(store: Store, actor: Actor, year: int, member_id: uuid.UUID, raised_by: str,
                     raised_on: date, content: str, today: date | None = None) -> Change:
    actor.require(Role.CLERK, Role.REVIEWER, action="登记异议")
    _check_date(raised_on, today or date.today())
    if not (raised_by or "").strip() or not (content or "").strip():
        raise ValidationError("请写明谁提出的异议和异议内容。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_action(RoundAction.OBJECT, record.status)
        if not record.publicity_start <= raised_on <= record.publicity_end:
            raise ValidationError(
                f"异议日期不在公示期（{day_text(record.publicity_start)}至{day_text(record.publicity_end)}）内。"
            )
        candidate = _candidate(uow.session, record.id, member_id)
        objection = RatingObjection(round_id=record.id, candidate_id=candidate.id, raised_by=raised_by.strip(),
                                    raised_on=raised_on, content=content.strip(), recorded_by=actor.id)
        uow.session.add(objection)
        uow.session.flush()
        uow.audit("objection", "rating_objection", objection.id, f"登记对{candidate.name}评星的异议", by=raised_by)
        return Change(f"已登记对{candidate.name}的异议。", created=[objection.id])


def answer_objection(store: Store, actor: Actor, objection_id: uuid.UUID, answer: str, upheld: bool, on: date,
                     new_stars: int | None = None, today: date | None = None) -> Change:
    """Answer an objection; an upheld one may change the member's stars, with the answer as reason."""
    _require_reviewer(actor, "答复异议")
    _check_date(on, today or date.today())
    if not (answer or "").strip():
        raise ValidationError("请写明对异议的答复。")
    if not upheld and new_stars is not None:
        raise ValidationError("异议不成立时不能改变星级。")
    with unit_of_work(store, actor) as uow:
        objection = uow.session.get(RatingObjection, objection_id)
        if objection is None:
            raise NotFound("找不到这条异议。")
        record = uow.session.get(RatingRound, objection.round_id)
        check_action(RoundAction.ANSWER, record.status)
        if objection.answered_on is not None:
            raise ConflictError("这条异议已经答复过了。")
        objection.answer, objection.upheld, objection.answered_on, objection.answered_by = answer.strip(), upheld, on, actor.id
        candidate = uow.session.get(RatingCandidate, objection.candidate_id)
        if upheld and new_stars is not None:
            _change_stars(uow, record, candidate, new_stars, f"异议成立：{answer.strip()}", on, StarStage.OBJECTION)
        uow.audit("answer", "rating_objection", objection.id, f"答复对{candidate.name}的异议：{'成立' if upheld else '不成立'}")
        return Change("已答复异议。", updated=[objection.id])


def adjust(store: Store, actor: Actor, year: int, member_id: uuid.UUID, new_stars: int, reason: str, on: date,
           today: date | None = None) -> Change:
    """动态调星: after the township's verification, raise, lower or remove (0) stars with a reason."""
    _require_reviewer(actor, "动态调星")
    _check_date(on, today or date.today())
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        check_action(RoundAction.ADJUST, record.status)
        candidate = _candidate(uow.session, record.id, member_id)
        _change_stars(uow, record, candidate, new_stars, reason, on, StarStage.ADJUSTMENT)
        return Change(f"已将{candidate.name}调整为{new_stars}星。", updated=[candidate.id])


def reopen(store: Store, actor: Actor, year: int, reason: str, on: date, today: date | None = None) -> Change:
    """Reopen a reported, returned or verified round (e.g. to correct the ledger); recorded with its reason."""
    _require_reviewer(actor, "重新打开评定")
    _check_date(on, today or date.today())
    if not (reason or "").strip():
        raise ValidationError("重新打开评定必须写明原因。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = load_round(uow.session, branch_id, year)
        if record.status not in REOPENABLE:
            raise ConflictError(f"评定处于“{record.status.label}”阶段，不需要重新打开。")
        record.report_sha256 = None
        _step(uow, record, "reopen", RoundStatus.ASSESSING, on, note=reason.strip())
        return Change(f"已重新打开 {year} 年星级评定，积分可以补记和冲正；改完后请重新测评星级、公示，再上报。", updated=[record.id])


@dataclass(frozen=True)
class AwardRow:
    member_id: uuid.UUID
    name: str
    stars: int
    eligible: bool
    reasons: tuple[str, ...]


def award_eligibility_list(store: Store, year: int) -> list[AwardRow]:
    """评先评优: who may be nominated on this round's results, and why anyone may not."""
    view = load_view(store, year)
    scheme = view.scheme
    rows = []
    for candidate in view.candidates:
        facts = candidate_facts(candidate)
        result = award_eligibility(scheme, facts, candidate.stars or 0)
        rows.append(AwardRow(candidate.member_id, candidate.name, candidate.stars or 0, result.eligible, result.reasons))
    return sorted(rows, key=lambda r: (not r.eligible, -r.stars, r.name))
