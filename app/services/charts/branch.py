"""The branch as charts: party groups month by month, the stars this year against last, where
points are lost (deductions by rule item), and meeting attendance month by month.

Points come from the one scorer (BranchScorer); deductions by item and attendance are the
ledger's and the meetings' own rows summed in SQL (approved entries only, reversals netting
out), so the deductions here add up to the scorer's figures for the same members.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date
from decimal import Decimal

from sqlalchemy import case, extract, func, select, type_coerce

from app.domain.enums import Attendance, EntryStatus
from app.domain.errors import NotFound
from app.domain.periods import Month
from app.domain.points import ZERO
from app.reports.chart_data import Chart, ChartSet, Series
from app.services.charts.common import MONTH_NAMES, STAR_NAMES, average, last_month, period_text, share
from app.services.context import read_session
from app.services.organisation import get_branch, require_branch_id
from app.services.totals.scoring import BranchScorer, ScoredBranch
from app.services.totals.standings import group_names_of
from db.models import AttendanceRecord, Meeting, PointsEntry, RuleItemRecord, RuleSetRecord
from db.store import Store
from db.types import Points

NO_GROUP = "未分组"
VETOED = "一票否决"
PRESENT = (Attendance.PRESENT, Attendance.LATE)


def _scored(session, branch_id: uuid.UUID, year: int) -> ScoredBranch:
    scored = BranchScorer(session, branch_id).year(year)
    if scored is None:
        raise NotFound(f"{year} 年的积分细则还没有建立，无法统计。")
    return scored


def group_charts(scored: ScoredBranch, groups: dict[uuid.UUID, str], shown: int = 12) -> tuple[Chart, Chart]:
    """Each party group's month total (bars) and its average per member (lines), each month over
    the group's members that month's ranking lists."""
    by_group = _group_months(scored, groups, shown)
    totals, averages = [], []
    for name, months in by_group.items():
        figures = [(sum((s.month_total(m) for s in months[m - 1]), ZERO), len(months[m - 1])) if m <= shown else None
                   for m in range(1, 13)]
        totals.append(Series(name, tuple(None if f is None else f[0] for f in figures),
                             tuple("" if f is None else f"{f[1]}人" for f in figures)))
        averages.append(Series(name, tuple(None if f is None else average(*f) for f in figures)))
    return (
        Chart("各党小组每月积分合计", MONTH_NAMES, bars=tuple(totals)),
        Chart("各党小组每月人均积分", MONTH_NAMES, lines=tuple(averages), note="人均 = 小组当月合计 ÷ 小组参加统计的人数。"),
    )


def _group_months(scored: ScoredBranch, groups: dict[uuid.UUID, str], shown: int) -> dict[str, list[list]]:
    """{group name: twelve lists of the scores counted in that month}, groups in their order (未分组 last)."""
    group_of = {}
    for member_id in scored.branch.scores:
        group_id = scored.members[member_id].group_id
        group_of[member_id] = groups.get(group_id, NO_GROUP) if group_id else NO_GROUP
    present = set(group_of.values())
    names = [name for name in groups.values() if name in present] + ([NO_GROUP] if NO_GROUP in present else [])
    found: dict[str, list[list]] = {name: [[] for _ in range(12)] for name in names}
    for m in range(1, shown + 1):
        for member_id in scored.counted_in(m):
            found[group_of[member_id]][m - 1].append(scored.branch.scores[member_id])
    return found


def star_counts(scored: ScoredBranch | None) -> tuple[int, ...] | None:
    """Members by the year's stars (after the five-star quota): vetoed, none, one … five."""
    if scored is None:
        return None
    branch = scored.branch
    counts = Counter(VETOED if branch.scores[m].vetoed else stars for m, stars in branch.stars.items())
    return (counts.get(VETOED, 0), *(counts.get(n, 0) for n in range(6)))


def star_chart(year: int, this_year: tuple[int, ...], last_year: tuple[int, ...] | None) -> Chart:
    categories = (VETOED, *STAR_NAMES)
    bars = [Series(f"{year}年", tuple(map(Decimal, this_year)), _shares(this_year))]
    if last_year is not None:
        bars.append(Series(f"{year - 1}年", tuple(map(Decimal, last_year)), _shares(last_year)))
    return Chart("星级分布（本年与上年）", categories, bars=tuple(bars), unit="人",
                 note="星级已按五星名额调整；本年未结束时为按目前积分的估计。")


def _shares(counts: tuple[int, ...]) -> tuple[str, ...]:
    whole = sum(counts)
    return tuple(f"占{share(c, whole)}%" for c in counts)


def deductions_by_item(session, branch_id: uuid.UUID, year: int, up_to: Month | None = None) -> list[tuple[str, object, int]]:
    """(item, points lost, times) for every rule item whose approved entries net below zero."""
    end = up_to.last_day if up_to else date(year, 12, 31)
    times = func.sum(case((PointsEntry.reverses_id.is_(None), 1), else_=-1))
    rows = session.execute(
        select(RuleItemRecord.code, RuleItemRecord.name, type_coerce(func.sum(PointsEntry.points), Points), times)
        .join(RuleItemRecord, PointsEntry.rule_item_id == RuleItemRecord.id)
        .join(RuleSetRecord, RuleItemRecord.rule_set_id == RuleSetRecord.id)
        .where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year,
               PointsEntry.status == EntryStatus.APPROVED, PointsEntry.occurred_on.between(date(year, 1, 1), end))
        .group_by(RuleItemRecord.code, RuleItemRecord.name)
    )
    lost = [(f"{code} {name}", -value, int(count or 0)) for code, name, value, count in rows if value < 0]
    return sorted(lost, key=lambda row: (-row[1], row[0]))


def deduction_chart(rows: list[tuple[str, object, int]]) -> Chart:
    return Chart(
        "扣分项目（全年扣去的分数）", tuple(r[0] for r in rows),
        bars=(Series("扣分", tuple(r[1] for r in rows), tuple(f"{r[2]}次" for r in rows)),), horizontal=True,
        note="按细则项目合计已审核的扣分（冲正后的净额）；从多到少排列。",
    )


def attendance_by_month(session, branch_id: uuid.UUID, year: int, up_to: Month | None = None) -> dict[int, tuple[int, int]]:
    """Month → (attended: present or late, on the roll of the meetings) over the year's meetings."""
    end = up_to.last_day if up_to else date(year, 12, 31)
    month = extract("month", Meeting.held_on)
    attended = func.sum(case((AttendanceRecord.status.in_(PRESENT), 1), else_=0))
    rows = session.execute(
        select(month, attended, func.count(AttendanceRecord.id))
        .join(Meeting, AttendanceRecord.meeting_id == Meeting.id)
        .where(Meeting.branch_id == branch_id, Meeting.held_on.between(date(year, 1, 1), end))
        .group_by(month)
    )
    return {int(m): (int(a or 0), int(n)) for m, a, n in rows}


def attendance_chart(by_month: dict[int, tuple[int, int]], shown: int = 12) -> Chart:
    values, notes = [], []
    for m in range(1, 13):
        came, expected = by_month.get(m, (0, 0))
        values.append(share(came, expected) if expected and m <= shown else None)
        notes.append(f"实到{came}人次／应到{expected}人次" if expected else "")
    return Chart("会议出席率（按月）", MONTH_NAMES, bars=(Series("出席率", tuple(values), tuple(notes)),), unit="%",
                 value_max=share(1, 1), note="出席率 = 出席和迟到的人次 ÷ 当月各次会议应到人次（请假计入应到）。")


def branch_charts(store: Store, year: int, up_to: Month | None = None, kinds: tuple[str, ...] = ("groups", "stars", "deductions", "attendance")) -> ChartSet:
    """The branch's charts of `kinds` for `year` (figures up to the end of `up_to`)."""
    branch_id = require_branch_id(store)
    shown = last_month(up_to)
    charts: list[Chart] = []
    with read_session(store) as session:
        scorer = BranchScorer(session, branch_id)
        scored = _scored(session, branch_id, year)
        if "groups" in kinds:
            charts += group_charts(scored, group_names_of(session, [branch_id]), shown)
        if "stars" in kinds:
            charts.append(star_chart(year, star_counts(scored), star_counts(scorer.year(year - 1))))
        if "deductions" in kinds:
            charts.append(deduction_chart(deductions_by_item(session, branch_id, year, up_to)))
        if "attendance" in kinds:
            charts.append(attendance_chart(attendance_by_month(session, branch_id, year, up_to), shown))
    name = get_branch(store, branch_id).name
    return ChartSet(f"{name}{period_text(year, up_to)}积分图表", f"规则：{scored.rule_set.name}", tuple(charts))


__all__ = [
    "group_charts", "star_counts", "star_chart", "deductions_by_item", "deduction_chart",
    "attendance_by_month", "attendance_chart", "branch_charts",
]
