"""The practice papers' data (app.reports.practice_data) from the practice services: feedback
letters to employers, the appraisal ballot and result sheet, the resident cadres' cards and
assessment sheets. Reads only."""

from __future__ import annotations

import uuid
from datetime import date

from app.domain.appraisal_tally import GRADES
from app.domain.errors import NotFound, ValidationError
from app.domain.periods import Month
from app.domain.points import ZERO, format_points
from app.domain.service_hours import decide_dual_report, quarter_bounds
from app.reports.practice_data import (
    BallotPaper,
    BallotRow,
    CadreAssessment,
    CadreBatch,
    CadreCard,
    CadreLineRow,
    FeedbackBatch,
    FeedbackLetter,
    ServiceLineRow,
    TallySheet,
    TallySheetRow,
)
from app.domain.dates import day_text
from app.services.context import read_session
from app.services.organisation import get_branch
from app.services.practice import appraisal, cadres, dual_report
from db.store import Store


def feedback_letters(store: Store, year: int, quarter: int, member_ids=None, issued_on: date | None = None,
                     issuer: str | None = None) -> FeedbackBatch:
    """One letter per in-service member with an employer on file (or the chosen ones)."""
    start, end = quarter_bounds(year, quarter)
    branch = get_branch(store)
    chosen = None if member_ids is None else set(member_ids)
    rows = [r for r in dual_report.year_rows(store, year) if r.employer and (chosen is None or r.member_id in chosen)]
    if not rows:
        raise ValidationError("没有登记了工作单位的在职党员，无法打印双报到反馈单。请先登记居住地社区和工作单位。")
    with read_session(store) as session:
        lines = dual_report.service_lines_between(session, [r.member_id for r in rows], date(year, 1, 1), end)
        limit = dual_report.threshold(session, branch.id, year)
    head = (branch.township, branch.name, year, quarter)
    sign = (issuer or branch.name, issued_on or date.today())
    return FeedbackBatch(year, quarter, tuple(_letter(head, sign, row, lines.get(row.member_id, []), start, limit) for row in rows))


def _letter(head: tuple, sign: tuple, row, lines, start: date, limit) -> FeedbackLetter:
    """The letter of one member: the quarter's standing records (a reversed pair shows neither)."""
    standing = [line for line in lines if not line.reversed and line.reverses_id is None]
    in_quarter = tuple(ServiceLineRow(line.served_on, line.activity, line.hours, line.confirmed_by)
                       for line in standing if line.served_on >= start)
    to_date = sum((line.hours for line in standing), ZERO)
    decision = row.decision if row.decision.overridden else decide_dual_report(to_date, limit)
    requirement = "由支部认定" if limit is None else f"全年服务满 {_h(limit)} 小时"
    return FeedbackLetter(
        *head, row.name, row.home_community, row.employer, row.employer_contact, in_quarter,
        sum((line.hours for line in in_quarter), ZERO), to_date, requirement, _verdict(decision, limit, to_date), *sign,
    )


def _h(value) -> str:
    return format_points(value)


def _verdict(decision, limit, to_date) -> str:
    if decision.overridden:
        return decision.ground
    if limit is None:
        return f"截至本季度末累计服务 {_h(to_date)} 小时"
    if to_date >= limit:
        return f"截至本季度末累计服务 {_h(to_date)} 小时，已达到全年要求"
    return f"截至本季度末累计服务 {_h(to_date)} 小时，距全年要求还差 {_h(limit - to_date)} 小时"


def ballot(store: Store, year: int) -> BallotPaper:
    paper = appraisal.ballot_paper(store, year)
    rows = tuple(BallotRow(n, m.name, m.group_name) for n, m in enumerate(paper.members, start=1))
    return BallotPaper(paper.township, paper.branch, year, paper.grades, rows)


def tally_sheet(store: Store, year: int) -> TallySheet:
    result = appraisal.tally_result(store, year)
    rows = tuple(
        TallySheetRow(n, r.name, r.group_name, r.votes.counts, r.votes.cast, r.result.score, r.result.grade)
        for n, r in enumerate(result.rows, start=1)
    )
    counts = tuple((grade, result.grade_count(grade)) for grade in GRADES)
    return TallySheet(result.township, result.branch, year, result.held_on, result.ballots_issued, result.ballots_returned,
                      result.counters, GRADES, rows, result.conversion_rules, result.folding, counts)


def _pick(found, cadre_ids):
    chosen = [y for y in found if cadre_ids is None or y.cadre.id in set(cadre_ids)]
    if not chosen:
        raise NotFound("没有可以打印的驻村干部。")
    return sorted(chosen, key=lambda y: (y.cadre.kind.value != "resident", y.cadre.name))


def cadre_cards(store: Store, month: Month, cadre_ids: list[uuid.UUID] | None = None) -> CadreBatch:
    branch = get_branch(store)
    scheme = cadres.get_scheme(store, month.year)
    cards = []
    for year in _pick(cadres.branch_cadre_years(store, month.year, up_to=month), cadre_ids):
        in_month = [line for line in year.lines if line.occurred_on >= month.first_day]
        c = year.cadre
        cards.append(CadreCard(
            branch.township, branch.name, c.name, c.kind.label, c.sent_by, c.post, month.label,
            tuple(CadreLineRow(line.occurred_on, line.item_name, line.points, line.note) for line in in_month),
            sum((line.points for line in in_month), ZERO), year.base_points, year.total, year.ten_point, year.band,
            scheme.conversion_text(),
        ))
    return CadreBatch(f"{month.label}驻村干部积分卡", cards=tuple(cards))


def cadre_assessments(store: Store, year: int, cadre_ids: list[uuid.UUID] | None = None) -> CadreBatch:
    branch = get_branch(store)
    scheme = cadres.get_scheme(store, year)
    sheets = []
    for found in _pick(cadres.branch_cadre_years(store, year), cadre_ids):
        c = found.cadre
        period = f"{day_text(c.started_on or date(year, 1, 1))}至{day_text(c.ended_on or date(year, 12, 31))}"
        sheets.append(CadreAssessment(
            branch.township, branch.name, c.name, c.kind.label, c.sent_by, c.post, period, year, found.base_points,
            tuple((name, value) for _, name, value in found.by_item), found.total, found.ten_point, found.band,
            scheme.conversion_text(),
        ))
    return CadreBatch(f"{year}年度驻村干部考核表", assessments=tuple(sheets))
