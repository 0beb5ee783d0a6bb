"""What `check` (app/services/check.py) asks of the practice records: reversals that mirror what
they reverse, no year with negative hours, tallies that add up, appraisals equal to what their
tally gives, cadre lines under items their rule set has. Reads only; one sentence a problem."""

from __future__ import annotations

from sqlalchemy import extract, func, select
from sqlalchemy.orm import aliased

from app.domain.appraisal_tally import Votes, convert
from app.domain.cadres import scheme_from_dict
from app.domain.errors import AppError
from app.domain.dates import day_text
from db.models import AppraisalRecord, Member
from db.practice_models import AppraisalTally, AppraisalTallyLine, CadrePointsRecord, CadreRuleSet, ResidentCadre, ServiceRecord


def check_practice(session, report) -> None:
    """Add the practice records' problems and counts to a CheckReport."""
    report.counts["双报到服务记录"] = session.scalar(select(func.count()).select_from(ServiceRecord)) or 0
    report.counts["驻村干部积分记录"] = session.scalar(select(func.count()).select_from(CadrePointsRecord)) or 0
    report.problems += _service_problems(session) + _tally_problems(session) + _cadre_problems(session)


def _name(session, member_id) -> str:
    member = session.get(Member, member_id)
    return member.name if member else "?"


def _service_problems(session) -> list[str]:
    problems = []
    original = aliased(ServiceRecord)
    for reversal, reversed_ in session.execute(
        select(ServiceRecord, original).join(original, original.id == ServiceRecord.reverses_id)
    ):
        if (reversal.member_id, reversal.served_on, reversal.hours) != (reversed_.member_id, reversed_.served_on, -reversed_.hours):
            problems.append(f"{_name(session, reversed_.member_id)} {day_text(reversed_.served_on)}的服务记录与冲正它的记录对不上（党员、日期或时长不同）。")
    year = extract("year", ServiceRecord.served_on)
    for member_id, in_year, total in session.execute(
        select(ServiceRecord.member_id, year, func.sum(ServiceRecord.hours)).group_by(ServiceRecord.member_id, year)
    ):
        if total < 0:
            problems.append(f"{_name(session, member_id)} {int(in_year)} 年的双报到服务时长合计为负数，冲正多于原记录。")
    return problems


def _tally_problems(session) -> list[str]:
    problems = []
    for tally in session.scalars(select(AppraisalTally)):
        if not 0 <= tally.ballots_returned <= tally.ballots_issued:
            problems.append(f"{tally.year} 年民主评议收回的测评票（{tally.ballots_returned} 张）多于发出的（{tally.ballots_issued} 张）。")
        for line in session.scalars(select(AppraisalTallyLine).where(AppraisalTallyLine.tally_id == tally.id)):
            votes = Votes(line.excellent, line.competent, line.basic, line.incompetent)
            name = _name(session, line.member_id)
            if votes.cast > tally.ballots_returned or min(votes.counts) < 0:
                problems.append(f"{name} {tally.year} 年民主评议得票 {votes.cast} 票，与收回的 {tally.ballots_returned} 张测评票对不上。")
                continue
            result = convert(votes, tally.ballots_returned)
            record = session.scalar(select(AppraisalRecord).where(AppraisalRecord.member_id == line.member_id, AppraisalRecord.year == tally.year))
            kept = None if record is None else (record.score, record.grade)
            if kept != ((result.score, result.grade) if result.score is not None else None):
                problems.append(f"{name} {tally.year} 年的民主评议结果与计票折算的结果不同（计票为{result.grade or '无有效票'}）。")
    return problems


def _cadre_problems(session) -> list[str]:
    problems = []
    schemes = {}
    for record in session.scalars(select(CadreRuleSet)):
        try:
            schemes[record.id] = {item.code for item in scheme_from_dict(record.settings, record.year).items}
        except AppError as exc:
            problems.append(f"{record.year} 年驻村干部考核细则无法读取：{exc}")
    original = aliased(CadrePointsRecord)
    names = {c.id: c.name for c in session.scalars(select(ResidentCadre))}
    for line in session.scalars(select(CadrePointsRecord)):
        if line.rule_set_id in schemes and line.item_code not in schemes[line.rule_set_id]:
            problems.append(f"驻村干部{names.get(line.cadre_id, '?')} {day_text(line.occurred_on)}的积分记录用了考核细则中没有的项目 {line.item_code}。")
    for reversal, reversed_ in session.execute(select(CadrePointsRecord, original).join(original, original.id == CadrePointsRecord.reverses_id)):
        if (reversal.cadre_id, reversal.item_code, reversal.points) != (reversed_.cadre_id, reversed_.item_code, -reversed_.points):
            problems.append(f"驻村干部{names.get(reversed_.cadre_id, '?')} {day_text(reversed_.occurred_on)}的积分记录与冲正它的记录对不上。")
    return problems
