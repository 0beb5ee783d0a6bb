"""The township as charts: the gathered branches side by side (average points, share of each
star, meeting attendance) and one branch's place month by month against the township.

Each branch is scored once by its own rule set (BranchScorer), as the township overview
(app.services.township.overview) scores it: the averages here are the overview's.
Read-only; run on the database worker.
"""

from __future__ import annotations

import uuid
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
from app.services.totals.scoring import BranchScorer
from app.services.township.overview import gathered_branches
from db.models import AttendanceRecord, Meeting
from db.store import Store

PRESENT_STATUSES = (Attendance.PRESENT, Attendance.LATE)
STAR_ORDER = (5, 4, 3, 2, 1, 0)


@dataclass(frozen=True)
class ScoredBranchYear:
    branch_id: uuid.UUID
    name: str
    year: BranchYear


def score_branches(session, branches: dict[uuid.UUID, str], year: int, up_to: Month | None) -> list[ScoredBranchYear]:
    """Every branch with a rule set for `year`, scored once, in name order."""
    found = []
    for branch_id, name in sorted(branches.items(), key=lambda item: item[1]):
        scored = BranchScorer(session, branch_id).year(year, up_to)
        if scored is not None and scored.branch.scores:
            found.append(ScoredBranchYear(branch_id, name, scored.branch))
    return found


def overview_average(branch: BranchYear) -> Decimal:
    """The average final total as the township overview shows it (two places)."""
    scores = branch.scores
    total = sum((score.final_total for score in scores.values()), ZERO)
    return (total / len(scores)).quantize(Decimal("0.01")) if scores else ZERO


def average_chart(parts: list[ScoredBranchYear]) -> Chart:
    return Chart(
        "各支部人均积分", tuple(p.name for p in parts),
        bars=(Series("人均积分", tuple(overview_average(p.year) for p in parts), tuple(f"{len(p.year.scores)}人" for p in parts)),),
        horizontal=True, note="人均积分 = 支部参加统计党员的年度积分合计 ÷ 人数（各按本支部细则）。",
    )


def star_share_chart(parts: list[ScoredBranchYear]) -> Chart:
    """Each branch's members by stars as shares of 100 (stacked), vetoed counted as no star."""
    series = []
    for stars in STAR_ORDER:
        values, notes = [], []
        for part in parts:
            count = sum(1 for m, s in part.year.stars.items() if (0 if part.year.scores[m].vetoed else s) == stars)
            values.append(share(count, len(part.year.scores)))
            notes.append(f"{count}人")
        series.append(Series(STAR_NAMES[stars] if stars else "未评星", tuple(values), tuple(notes)))
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


def attendance_chart(parts: list[ScoredBranchYear], counts: dict[uuid.UUID, tuple[int, int]]) -> Chart:
    values, notes = [], []
    for part in parts:
        came, expected = counts.get(part.branch_id, (0, 0))
        values.append(share(came, expected) if expected else None)
        notes.append(f"实到{came}人次／应到{expected}人次" if expected else "没有会议记录")
    return Chart("各支部会议出席率", tuple(p.name for p in parts), bars=(Series("出席率", tuple(values), tuple(notes)),),
                 horizontal=True, unit="%", value_max=Decimal(100), note="出席率 = 出席和迟到的人次 ÷ 各次会议应到人次。")


def branch_months_chart(parts: list[ScoredBranchYear], branch_id: uuid.UUID, shown: int) -> Chart:
    """The branch's average month points beside the township's, with its place among the branches."""
    chosen = next(p for p in parts if p.branch_id == branch_id)
    mine, township, places = [], [], []
    everyone = [s for p in parts for s in p.year.scores.values()]
    for m in range(1, 13):
        if m > shown:
            mine.append(None), township.append(None), places.append("")
            continue
        averages = {p.branch_id: average(sum((s.month_total(m) for s in p.year.scores.values()), ZERO), len(p.year.scores)) for p in parts}
        ranked = {entry.key: entry.rank for entry in rank(averages.items(), tie_order=str)}
        mine.append(averages[branch_id])
        township.append(average(sum((s.month_total(m) for s in everyone), ZERO), len(everyone)))
        places.append(f"第{ranked[branch_id]}名／共{len(parts)}个支部")
    months = tuple(f"{name}\n{place.split('／')[0]}" if place else name for name, place in zip(MONTH_NAMES, places))
    return Chart(
        f"{chosen.name}逐月人均积分与全乡镇对比", months,
        bars=(Series(f"{chosen.name}人均", tuple(mine), tuple(places)),),
        lines=(Series("全乡镇人均", tuple(township)),),
        note=f"柱为本支部当月人均积分，折线为全乡镇当月人均；月份下为本支部当月在 {len(parts)} 个支部中的名次。",
    )


def last_month_with_points(parts: list[ScoredBranchYear]) -> int:
    """The last month in which any branch has approved points (later months are still to come)."""
    return max((m for p in parts for s in p.year.scores.values() for m, v in s.by_month.items() if v), default=1)


def township_charts(store: Store, year: int, up_to: Month | None = None, branch_id: uuid.UUID | None = None) -> ChartSet:
    """The gathered branches side by side, and (with `branch_id`) that branch month by month."""
    names = {b.branch_id: b.name for b in gathered_branches(store)}
    if not names:
        raise NotFound("这个数据库里还没有汇总任何支部的备份，请先“汇总各村备份”。")
    with read_session(store) as session:
        parts = score_branches(session, names, year, up_to)
        if not parts:
            raise NotFound(f"汇总的支部都还没有 {year} 年的积分细则，无法统计。")
        counts = attendance_by_branch(session, [p.branch_id for p in parts], year, up_to)
    charts = [average_chart(parts), star_share_chart(parts), attendance_chart(parts, counts)]
    if branch_id is not None:
        if branch_id not in {p.branch_id for p in parts}:
            raise NotFound(f"这个支部没有 {year} 年的积分，无法画出逐月对比。")
        charts.append(branch_months_chart(parts, branch_id, min(last_month(up_to), last_month_with_points(parts))))
    return ChartSet(f"{period_text(year, up_to)}各支部积分对比", f"共 {len(parts)} 个支部", tuple(charts))


def branch_id_by_name(store: Store, name: str) -> uuid.UUID:
    for branch in gathered_branches(store):
        if branch.name == name.strip():
            return branch.branch_id
    raise NotFound(f"汇总数据里没有名为“{name}”的支部。")


__all__ = [
    "ScoredBranchYear", "score_branches", "overview_average", "average_chart", "star_share_chart",
    "attendance_by_branch", "attendance_chart", "branch_months_chart", "township_charts", "branch_id_by_name",
]
