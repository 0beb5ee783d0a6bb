"""民主评议: the year's ballot (every member listed), the tally of the returned ballots, and the
appraisal it writes for each member (`appraisals`, which the one scorer folds into the year's
total as the rule set says: app.domain.scoring.apply_appraisal).

A tally that does not add up is refused whole; a corrected tally replaces the counts and the
appraisals it wrote, with the change audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.appraisal_tally import CONVERSION_RULES, GRADES, Converted, Votes, check_ballots, check_votes, convert, folding_sentence
from app.domain.enums import MemberStatus, Role
from app.domain.errors import DateNotYet, NotFound, ValidationError
from app.domain.dates import day_text
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.ledger.entries import IDS_AT_ONCE
from app.services.organisation import get_branch, require_branch_id
from app.services.rating.lock import ensure_year_open
from app.services.rules.rulesets import rule_set_from_record
from db.models import AppraisalRecord, Member, OrgUnit, RuleSetRecord
from db.practice_models import AppraisalTally, AppraisalTallyLine
from db.store import Store


@dataclass(frozen=True)
class BallotMember:
    member_id: uuid.UUID
    name: str
    group_name: str


@dataclass(frozen=True)
class BallotPaper:
    """民主评议党员测评表: the branch's members, each to be marked in one of the four grades."""

    township: str
    branch: str
    year: int
    grades: tuple[str, ...]
    members: tuple[BallotMember, ...]


@dataclass(frozen=True)
class TallyRow:
    member_id: uuid.UUID
    name: str
    group_name: str
    votes: Votes
    result: Converted


@dataclass(frozen=True)
class TallyResult:
    """The result sheet: ballots, every member's votes, score and grade, and the rules used."""

    township: str
    branch: str
    year: int
    held_on: date
    ballots_issued: int
    ballots_returned: int
    counters: str
    rows: tuple[TallyRow, ...]
    conversion_rules: tuple[str, ...]
    folding: str

    def grade_count(self, grade: str) -> int:
        return sum(1 for row in self.rows if row.result.grade == grade)


def _members_of_year(session, branch_id: uuid.UUID, year: int) -> list[BallotMember]:
    """Members on the roster at the end of the year's appraisal (active, or left after the year)."""
    units = list(session.scalars(select(OrgUnit).where(OrgUnit.parent_id == branch_id).order_by(OrgUnit.sort_order, OrgUnit.name)))
    groups, order = {u.id: u.name for u in units}, {u.name: index for index, u in enumerate(units)}
    found = []
    for member in session.scalars(select(Member).where(Member.branch_id == branch_id)):
        gone = member.status is not MemberStatus.ACTIVE and (member.status_date is None or member.status_date.year <= year)
        joined = member.in_branch_since or member.join_date
        if gone or (joined is not None and joined.year > year):
            continue
        found.append((member.name_pinyin, BallotMember(member.id, member.name, groups.get(member.group_id, ""))))
    # by pinyin within a group, as the sign-in sheet lists them (by the name itself was by character code)
    found.sort(key=lambda pair: (order.get(pair[1].group_name, len(order)), pair[0], pair[1].name))
    return [ballot_member for _, ballot_member in found]


def ballot_paper(store: Store, year: int) -> BallotPaper:
    branch = get_branch(store)
    with read_session(store) as session:
        members = _members_of_year(session, branch.id, year)
    if not members:
        raise ValidationError(f"{year} 年本支部没有在册党员，无法打印测评表。")
    return BallotPaper(branch.township, branch.name, year, GRADES, tuple(members))


def record_tally(store: Store, actor: Actor, year: int, held_on: date, ballots_issued: int, ballots_returned: int,
                 votes: dict[uuid.UUID, Votes], counters: str = "", today: date | None = None) -> Change:
    """Record the count of the year's ballots and write each member's appraisal from it.

    Refused whole when it does not add up: more ballots returned than issued, or a member with
    more votes than ballots returned."""
    actor.require(Role.CLERK, Role.REVIEWER, action="登记民主评议计票")
    if held_on > (today or date.today()):
        raise DateNotYet(held_on)
    if held_on.year != year:
        raise ValidationError(f"评议日期{day_text(held_on)}不在 {year} 年。")
    check_ballots(ballots_issued, ballots_returned)
    if not votes:
        raise ValidationError("没有任何党员的得票，请先录入计票结果。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        # the appraisal folds into the year's totals, which a reported round has fixed
        ensure_year_open(session, branch_id, year)
        members = {m.member_id: m for m in _members_of_year(session, branch_id, year)}
        for member_id, counted in votes.items():
            if member_id not in members:
                raise NotFound(f"计票中有一名不在 {year} 年本支部名册上的党员。")
            check_votes(members[member_id].name, counted, ballots_returned)
        tally = session.scalar(select(AppraisalTally).where(AppraisalTally.branch_id == branch_id, AppraisalTally.year == year))
        if tally is None:
            tally = AppraisalTally(branch_id=branch_id, year=year)
            session.add(tally)
        tally.held_on, tally.ballots_issued, tally.ballots_returned = held_on, ballots_issued, ballots_returned
        tally.counters, tally.recorded_by = (counters or "").strip(), actor.id
        session.flush()
        lines = {line.member_id: line for line in session.scalars(select(AppraisalTallyLine).where(AppraisalTallyLine.tally_id == tally.id))}
        appraisals = _appraisals_of(session, list(votes), year)
        written = 0
        for member_id, counted in votes.items():
            line = lines.get(member_id) or AppraisalTallyLine(tally_id=tally.id, member_id=member_id)
            session.add(line)
            line.excellent, line.competent, line.basic, line.incompetent = counted.counts
            written += _write_appraisal(uow, appraisals.get(member_id), member_id, members[member_id].name, year, counted, ballots_returned)
        uow.audit("tally", "appraisal_tally", tally.id, f"{year} 年民主评议计票：发出 {ballots_issued} 张，收回 {ballots_returned} 张",
                  members=len(votes), counters=counters)
        return Change(f"已登记 {year} 年民主评议计票（{len(votes)} 名党员），{written} 人的评议结果计入年度积分。", updated=[tally.id])


def _appraisals_of(session, member_ids: list[uuid.UUID], year: int) -> dict[uuid.UUID, AppraisalRecord]:
    """The members' appraisals of `year`, read a few hundred members at a time (a query and a
    flush a member made a 3,000-member tally take 7.8 s)."""
    found = {}
    for start in range(0, len(member_ids), IDS_AT_ONCE):
        chunk = member_ids[start:start + IDS_AT_ONCE]
        query = select(AppraisalRecord).where(AppraisalRecord.member_id.in_(chunk), AppraisalRecord.year == year)
        found.update((record.member_id, record) for record in session.scalars(query))
    return found


def _write_appraisal(
    uow, record: AppraisalRecord | None, member_id: uuid.UUID, name: str, year: int, counted: Votes, returned: int,
) -> int:
    """The member's appraisal (`record`, his present one if any) from his votes (none when nobody
    marked him); 1 if one was written."""
    session = uow.session
    result = convert(counted, returned)
    before = None if record is None else [str(record.score), record.grade]
    if result.score is None:
        if record is not None:
            session.delete(record)
            uow.audit("delete", "appraisal", record.id, f"{name} {year} 年民主评议无有效票，评议结果取消", before=before)
        return 0
    if record is None:
        record = AppraisalRecord(id=uuid.uuid4(), member_id=member_id, year=year)  # its id known now, for its audit record
        session.add(record)
    note = "民主评议计票：" + "，".join(f"{g} {c} 票" for g, c in zip(GRADES, counted.counts)) + f"；收回 {returned} 张"
    record.score, record.grade, record.note, record.recorded_by = result.score, result.grade, note, uow.actor.id
    uow.audit("tally", "appraisal", record.id, f"{name} {year} 年民主评议：{result.grade}（{result.score} 分）",
              before=before, after=[str(result.score), result.grade])
    return 1


def tally_result(store: Store, year: int) -> TallyResult:
    branch = get_branch(store)
    with read_session(store) as session:
        tally = session.scalar(select(AppraisalTally).where(AppraisalTally.branch_id == branch.id, AppraisalTally.year == year))
        if tally is None:
            raise NotFound(f"{year} 年的民主评议还没有计票。")
        rule_set = session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch.id, RuleSetRecord.year == year))
        folding = folding_sentence(rule_set_from_record(rule_set).appraisal) if rule_set else "本年度积分细则还没有建立"
        members = {m.member_id: m for m in _members_of_year(session, branch.id, year)}
        names = {m.id: m.name for m in session.scalars(select(Member).where(Member.branch_id == branch.id))}
        rows = []
        for line in session.scalars(select(AppraisalTallyLine).where(AppraisalTallyLine.tally_id == tally.id)):
            counted = Votes(line.excellent, line.competent, line.basic, line.incompetent)
            who = members.get(line.member_id)
            rows.append(TallyRow(line.member_id, who.name if who else names.get(line.member_id, "?"), who.group_name if who else "",
                                 counted, convert(counted, tally.ballots_returned)))
        order = {m.member_id: index for index, m in enumerate(members.values())}
        rows.sort(key=lambda r: (order.get(r.member_id, len(order)), r.name))
        return TallyResult(branch.township, branch.name, year, tally.held_on, tally.ballots_issued, tally.ballots_returned,
                           tally.counters, tuple(rows), CONVERSION_RULES, folding)


def has_tally(store: Store, year: int) -> bool:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return session.scalar(select(AppraisalTally.id).where(AppraisalTally.branch_id == branch_id, AppraisalTally.year == year)) is not None


def appraisal_score(store: Store, member_id: uuid.UUID, year: int) -> tuple[Decimal | None, str | None]:
    with read_session(store) as session:
        record = session.scalar(select(AppraisalRecord).where(AppraisalRecord.member_id == member_id, AppraisalRecord.year == year))
        return (None, None) if record is None else (record.score, record.grade)
