"""The township as charts: the gathered branches side by side (average points, share of each
star, meeting attendance) and one branch's place month by month against the township.

Each branch is scored by its own rule set, as the township overview (app.services.township.
overview) scores it: the members' rows come from the same reading of the standings for all the
branches at once (app.services.totals.ranking.rows_to_date), so the averages here are the
overview's; their months from one aggregate of the kept month sums (Standings.branch_months).
On a county's file (300 branches, 66,000 members) scoring each branch member by member took
12.5 s and 589 MB. `figures_of` gives the same figures from a branch's year as BranchScorer
scores it, which the tests hold the reading to.
Read-only; run on the database worker.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from app.domain.enums import Attendance
from app.domain.errors import NotFound
from app.domain.periods import Month
from app.domain.points import ZERO
from app.domain.scoring import BranchYear
from app.domain.standing import rank
from app.reports.chart_data import Chart, ChartSet, Series
from app.services.charts.common import MONTH_NAMES, STAR_NAMES, average, last_month, period_text, share
from app.services.context import read_session
from app.services.totals.ranking import rows_to_date
from app.services.totals.scoring import ScoredBranch
from app.services.totals.standings import BranchMonths, Standings
from app.services.township.overview import gathered_branches
from db.models import AttendanceRecord, Meeting
from db.store import Store

PRESENT_STATUSES = (Attendance.PRESENT, Attendance.LATE)
STAR_ORDER = (5, 4, 3, 2, 1, 0)


@dataclass(frozen=True)
class BranchFigures:
    """What the charts show of one branch in the period: how many members it scores, their
    total (the year's final totals, or the year to date), how many of them have each number of
    stars (after the quota on a whole year; a veto counts as none), their points month by month
    and how many members each month's ranking lists (a month's average is over them)."""

    branch_id: uuid.UUID
    name: str
    members: int
    total: Decimal
    stars: dict[int, int]
    months: dict[int, Decimal]
    month_members: dict[int, int]


def figures_of(branch_id: uuid.UUID, name: str, year: BranchYear, month_members: dict[int, int] | None = None) -> BranchFigures:
    """A branch's figures from its year as BranchScorer scores it, member by member; `month_members`
    as `month_members_of` counts them (without it, everyone scored is counted in every month with points)."""
    scores = year.scores
    months: dict[int, Decimal] = {}
    for score in scores.values():
        for month, points in score.by_month.items():
            months[month] = months.get(month, ZERO) + points
    return BranchFigures(
        branch_id, name, len(scores), sum((score.final_total for score in scores.values()), ZERO),
        dict(Counter(0 if scores[m].vetoed else s for m, s in year.stars.items())), months,
        month_members if month_members is not None else {m: len(scores) for m in months},
    )


def month_members_of(scored: ScoredBranch, shown: int) -> dict[int, int]:
    """{month: how many members the ranking of that month lists} for months 1 to `shown` (none left out)."""
    counts = {m: len(scored.counted_in(m)) for m in range(1, shown + 1)}
    return {m: count for m, count in counts.items() if count}


def branch_figures(session, branches: dict[uuid.UUID, str], year: int, up_to: Month | None) -> tuple[list[BranchFigures], int]:
    """(every branch with members scored in the period, in name order; the last month of the
    period in which any member has points, 0 when none)."""
    rows = rows_to_date(session, branches, year, up_to)
    counted: dict[uuid.UUID, tuple[list, Counter]] = {}
    for row in rows:
        totals, stars = counted.setdefault(row.branch_id, ([], Counter()))
        totals.append(row.year_to_date)
        stars[0 if row.vetoed else row.stars] += 1
    months = Standings(session, list(counted), year).branch_months(year, last_month(up_to)) if counted else BranchMonths({}, {}, 0)
    found = [
        BranchFigures(
            branch_id, branches[branch_id], len(totals), sum(totals, ZERO), dict(stars), months.points.get(branch_id, {}),
            months.members.get(branch_id, {}),
        )
        for branch_id, (totals, stars) in counted.items()
    ]
    return sorted(found, key=lambda figures: figures.name), months.last


def overview_average(branch: BranchFigures) -> Decimal:
    """The average final total as the township overview shows it (two places)."""
    return (branch.total / branch.members).quantize(Decimal("0.01")) if branch.members else ZERO


def average_chart(parts: list[BranchFigures]) -> Chart:
    return Chart(
        "各支部人均积分", tuple(p.name for p in parts),
        bars=(Series("人均积分", tuple(overview_average(p) for p in parts), tuple(f"{p.members}人" for p in parts)),),
        horizontal=True, note="人均积分 = 支部参加统计党员的年度积分合计 ÷ 人数（各按本支部细则）。",
    )


def star_share_chart(parts: list[BranchFigures]) -> Chart:
    """Each branch's members by stars as shares of 100 (stacked), vetoed counted as no star."""
    series = []
    for stars in STAR_ORDER:
        counts = [part.stars.get(stars, 0) for part in parts]
        values = tuple(share(count, part.members) for count, part in zip(counts, parts))
        series.append(Series(STAR_NAMES[stars] if stars else "未评星", values, tuple(f"{count}人" for count in counts)))
    return Chart("各支部星级占比", tuple(p.name for p in parts), bars=tuple(series), stacked=True, horizontal=True,
                 unit="%", value_max=Decimal(100), note="未评星含未达星级和一票否决；年度未结束时为按目前积分的估计。")


def attendance_by_branch(session, branch_ids, year: int, up_to: Month | None) -> dict[uuid.UUID, tuple[int, int]]:
    end = up_to.last_day if up_to else date(year, 12, 31)
    attended = func.sum(case((AttendanceRecord.status.in_(PRESENT_STATUSES), 1), else_=0))
    rows = session.execute(
        select(Meeting.branch_id, attended, func.count(AttendanceRecord.id))
        .join(Meeting, AttendanceRecord.meeting_id == Meeting.id)
        .where(Meeting.branch_id.in_(list(branch_ids)), Meeting.held_on.between(date(year, 1, 1), end))
        .group_by(Meeting.branch_id)
    )
    return {branch_id: (int(came or 0), int(expected)) for branch_id, came, expected in rows}


def attendance_chart(parts: list[BranchFigures], counts: dict[uuid.UUID, tuple[int, int]]) -> Chart:
    values, notes = [], []
    for part in parts:
        came, expected = counts.get(part.branch_id, (0, 0))
        values.append(share(came, expected) if expected else None)
        notes.append(f"实到{came}人次／应到{expected}人次" if expected else "没有会议记录")
    return Chart("各支部会议出席率", tuple(p.name for p in parts), bars=(Series("出席率", tuple(values), tuple(notes)),),
                 horizontal=True, unit="%", value_max=Decimal(100), note="出席率 = 出席和迟到的人次 ÷ 各次会议应到人次。")


def branch_months_chart(parts: list[BranchFigures], branch_id: uuid.UUID, shown: int) -> Chart:
    """The branch's average month points beside the township's, with its place among the branches:
    each month's average over the members that month's ranking lists (as the branch's own chart)."""
    chosen = next(p for p in parts if p.branch_id == branch_id)
    mine, township, places = [], [], []
    for m in range(1, 13):
        if m > shown:
            mine.append(None), township.append(None), places.append("")
            continue
        averages = {p.branch_id: average(p.months.get(m, ZERO), p.month_members.get(m, 0)) for p in parts}
        ranked = {entry.key: entry.rank for entry in rank(averages.items(), tie_order=str)}
        mine.append(averages[branch_id])
        everyone = sum(p.month_members.get(m, 0) for p in parts)
        township.append(average(sum((p.months.get(m, ZERO) for p in parts), ZERO), everyone))
        places.append(f"第{ranked[branch_id]}名／共{len(parts)}个支部")
    months = tuple(f"{name}\n{place.split('／')[0]}" if place else name for name, place in zip(MONTH_NAMES, places))
    return Chart(
        f"{chosen.name}逐月人均积分与全乡镇对比", months,
        bars=(Series(f"{chosen.name}人均", tuple(mine), tuple(places)),),
        lines=(Series("全乡镇人均", tuple(township)),),
        note=f"柱为本支部当月人均积分，折线为全乡镇当月人均；月份下为本支部当月在 {len(parts)} 个支部中的名次。",
    )


def township_charts(store: Store, year: int, up_to: Month | None = None, branch_id: uuid.UUID | None = None) -> ChartSet:
    """The gathered branches side by side, and (with `branch_id`) that branch month by month."""
    names = {b.branch_id: b.name for b in gathered_branches(store)}
    if not names:
        raise NotFound("这个数据库里还没有汇总任何支部的备份，请先“汇总各村备份”。")
    with read_session(store) as session:
        parts, last_with_points = branch_figures(session, names, year, up_to)
        if not parts:
            raise NotFound(f"汇总的支部都还没有 {year} 年的积分细则，无法统计。")
        counts = attendance_by_branch(session, [p.branch_id for p in parts], year, up_to)
    charts = [average_chart(parts), star_share_chart(parts), attendance_chart(parts, counts)]
    if branch_id is not None:
        if branch_id not in {p.branch_id for p in parts}:
            raise NotFound(f"这个支部没有 {year} 年的积分，无法画出逐月对比。")
        charts.append(branch_months_chart(parts, branch_id, min(last_month(up_to), max(1, last_with_points))))
    return ChartSet(f"{period_text(year, up_to)}各支部积分对比", f"共 {len(parts)} 个支部", tuple(charts))


def branch_id_by_name(store: Store, name: str) -> uuid.UUID:
    for branch in gathered_branches(store):
        if branch.name == name.strip():
            return branch.branch_id
    raise NotFound(f"汇总数据里没有名为“{name}”的支部。")


__all__ = [
    "BranchFigures", "figures_of", "month_members_of", "branch_figures", "overview_average", "average_chart", "star_share_chart",
    "attendance_by_branch", "attendance_chart", "branch_months_chart", "township_charts", "branch_id_by_name",
]
