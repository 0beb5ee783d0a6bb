"""A member's year as charts: months as bars beside the branch's monthly average, the running
year total as a line against the star bands, and the months by category as stacked bars.

Every figure is the scorer's (BranchScorer, app.domain.scoring): the month bars are the
ranking's month points, the running total is the annual summary's 年度累计 (base floored,
veto to date → 0), each month's average is over the members the branch's ranking of that month lists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.enums import Category
from app.domain.errors import NotFound
from app.domain.periods import Month
from app.domain.points import ZERO, format_points
from app.domain.scoring import BranchYear, MemberYearScore, year_to_date
from app.reports.chart_data import Chart, ChartSet, Guide, Series
from app.services.charts.common import MONTH_NAMES, STAR_NAMES, average, last_month, period_text
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.totals.scoring import BranchScorer, ScoredBranch
from db.store import Store

CATEGORY_ORDER = (Category.BASE, Category.DUTY, Category.BONUS, Category.DEDUCTION)


@dataclass(frozen=True)
class MemberCharts:
    member_id: uuid.UUID
    name: str
    charts: ChartSet

    @property
    def year_chart(self) -> Chart:
        return self.charts.charts[0]

    @property
    def category_chart(self) -> Chart:
        return self.charts.charts[1]


def member_charts(store: Store, member_id: uuid.UUID, year: int, up_to: Month | None = None) -> MemberCharts:
    """The member's two charts for `year`, with figures up to the end of `up_to` (default: all months)."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        scored = BranchScorer(session, branch_id).year(year)
    if scored is None:
        raise NotFound(f"{year} 年的积分细则还没有建立，无法统计。")
    if member_id not in scored.branch.scores:
        raise NotFound(f"这名党员 {year} 年不在本支部的名册上。")
    name, shown = scored.members[member_id].name, last_month(up_to)
    return MemberCharts(member_id, name, member_chart_set(scored.branch, member_id, name, shown, branch_month_averages(scored, shown)))


def member_chart_set(branch: BranchYear, member_id, name: str, shown: int, averages: tuple) -> ChartSet:
    """The charts from a branch already scored and its monthly averages (branch_month_averages):
    a batch of summaries scores the branch, and works out the averages, once."""
    score = branch.scores[member_id]
    up_to = None if shown == 12 else Month(branch.rule_set.year, shown)
    return ChartSet(
        f"{name} {period_text(branch.rule_set.year, up_to)}积分",
        f"规则：{branch.rule_set.name}",
        (year_chart(branch, score, averages, shown), category_chart(score, shown)),
    )


def branch_month_averages(scored: ScoredBranch, shown: int = 12) -> tuple:
    """The branch's average month points, each month over everyone its ranking of that month lists."""
    scores = scored.branch.scores
    averages = []
    for m in range(1, 13):
        counted = scored.counted_in(m) if m <= shown else None
        averages.append(None if counted is None else average(sum((scores[i].month_total(m) for i in counted), ZERO), len(counted)))
    return tuple(averages)


def year_chart(branch: BranchYear, score: MemberYearScore, averages: tuple, shown: int = 12) -> Chart:
    rule_set = branch.rule_set
    months = range(1, 13)
    guides = tuple(
        Guide(f"{STAR_NAMES[band.stars]} {format_points(band.min_points)}分", band.min_points)
        for band in sorted(rule_set.star_bands, key=lambda band: band.min_points)
        if band.min_points > 0 and 0 < band.stars <= 5
    )
    return Chart(
        title="逐月积分与年度累计",
        categories=MONTH_NAMES,
        bars=(
            Series("本人当月积分", tuple(score.month_total(m) if m <= shown else None for m in months)),
            Series("支部当月人均", averages),
        ),
        lines=(Series("年度累计（含基础分）", tuple(year_to_date(rule_set, score, m) if m <= shown else None for m in months)),),
        guides=guides,
        note="虚线为星级分数线，与年度累计对照；一票否决的，年度累计按 0 分计。",
    )


def category_chart(score: MemberYearScore, shown: int = 12) -> Chart:
    series = []
    for category in CATEGORY_ORDER:
        values = tuple(
            score.month_categories.get(m, {}).get(category, ZERO) if m <= shown else None for m in range(1, 13)
        )
        if any(values):
            series.append(Series(category.label, values))
    return Chart(title="每月各类积分", categories=MONTH_NAMES, bars=tuple(series), stacked=True,
                 note="向上为得分，向下为扣分；每段为该类积分当月合计。")


__all__ = ["MemberCharts", "member_charts", "member_chart_set", "branch_month_averages", "year_chart", "category_chart"]
