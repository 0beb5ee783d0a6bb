"""Chart figures against values worked out by hand, and against the tables that show the same.

One branch on village_100 (base 20, only deducted), 2026, two party groups:

    member  group  entries                                             by month                year
    甲      一     R01 +2 Jan Feb Mar, B04 +5 Feb, meeting 5 May present   1:2 2:7 3:2 5:2          20+8+5 = 33
                   (R01 +2)
    乙      一     R01 +2 Jan, J05 −2 (base) Mar, K01 −2 Mar,             1:2 3:−4 4:0             18+2−2 = 18
                   K01 −2 Apr reversed, meeting excused
    丙      二     R01 +2 Jan Feb, V04 veto Feb, meeting absent (J01 −2)  1:2 2:2 5:−2             0 (veto)

Running totals: 甲 22 29 31 31 33 …; 乙 22 22 18 …; 丙 22 then 0 from February (veto).
Branch month averages over three: 2, 3, −0.67, 0, 0, then 0.
Groups: 一 totals 4 7 −2 0 2, averages 2 3.5 −1 0 1; 二 totals 2 2 0 0 −2.
Stars (bands 90/80/70/60/0): 甲 and 乙 one star, 丙 vetoed. Deductions: J01, J05, K01 two each.
Attendance: the May meeting, 1 present of 3 → 33.3%.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Attendance, MeetingKind
from app.domain.periods import Month
from app.services import organisation
from app.services.backup import archive as backup
from app.services.charts import branch as branch_charts
from app.services.charts import member as member_charts
from app.services.charts import township as township_charts
from app.services.accounts import operators
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.printing import report_data
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.township import gather
from app.services.township import overview as township_overview
from conftest import TODAY, add
from db.store import Store

D = Decimal
BLANK = (D(0),) * 7


@pytest.fixture
def year_2026(store, admin, branch):
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    groups = {g.name: g.id for g in organisation.get_branch(store).groups}
    ids = {
        "甲": add(store, admin, "甲", group_id=groups["第一党小组"]),
        "乙": add(store, admin, "乙", group_id=groups["第一党小组"]),
        "丙": add(store, admin, "丙", group_id=groups["第二党小组"]),
    }

    def give(name, code, day, **values):
        return ledger.record_entry(store, admin, EntryRequest(ids[name], code, day, **values), approve=True, today=TODAY)

    for month in (1, 2, 3):
        give("甲", "R01", date(2026, month, 3))
    give("甲", "B04", date(2026, 2, 10), points=D(5))
    give("乙", "R01", date(2026, 1, 3))
    give("乙", "J05", date(2026, 3, 8))
    give("乙", "K01", date(2026, 3, 9))
    wrong = give("乙", "K01", date(2026, 4, 9))
    ledger.reverse_entry(store, admin, wrong.created[0], "记错了人")
    give("丙", "R01", date(2026, 1, 3))
    give("丙", "R01", date(2026, 2, 3))
    give("丙", "V04", date(2026, 2, 15))
    ledger.record_meeting(
        store, admin, MeetingKind.BRANCH_ASSEMBLY, "五月支部党员大会", date(2026, 5, 5),
        {ids["甲"]: Attendance.PRESENT, ids["乙"]: Attendance.EXCUSED, ids["丙"]: Attendance.ABSENT},
        approve=True, today=TODAY,
    )
    return ids


def months(*values) -> tuple:
    return tuple(D(str(v)) if v is not None else None for v in values)


def test_a_members_year_chart(store, year_2026):
    charts = member_charts.member_charts(store, year_2026["甲"], 2026)
    chart = charts.year_chart
    assert chart.bars[0].values == months(2, 7, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0)
    assert chart.bars[1].values == months(2, 3, "-0.67", 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert chart.lines[0].values == months(22, 29, 31, 31, 33, 33, 33, 33, 33, 33, 33, 33)
    assert [g.value for g in chart.guides] == [D(60), D(70), D(80), D(90)]
    assert chart.guides[-1].label == "五星 90分"
    stacked = {s.name: s.values for s in charts.category_chart.bars}
    assert stacked == {"履职分": months(2, 2, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0), "加分": months(0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)}
    assert charts.category_chart.stacked


def test_the_running_total_floors_the_base_and_a_veto_makes_it_zero(store, year_2026):
    yi = member_charts.member_charts(store, year_2026["乙"], 2026).year_chart
    assert yi.lines[0].values[:4] == months(22, 22, 18, 18)
    bing = member_charts.member_charts(store, year_2026["丙"], 2026).year_chart
    assert bing.lines[0].values[:3] == months(22, 0, 0)
    assert bing.bars[0].values[:5] == months(2, 2, 0, 0, -2)


def test_member_chart_figures_are_the_tables_figures(store, year_2026):
    """The running total at year's end is the ranking's year figure; each bar the month ranking's."""
    ranking = totals.branch_ranking(store, 2026)
    summaries = {s.member_name: s for s in report_data.annual_summaries(store, 2026).summaries}
    for name, member_id in year_2026.items():
        chart = member_charts.member_charts(store, member_id, 2026).year_chart
        assert chart.lines[0].values[-1] == ranking.row_for(member_id).year_to_date
        assert chart.lines[0].values == tuple(m.year_to_date for m in summaries[name].months)
        may = totals.branch_ranking(store, 2026, month=5).row_for(member_id).period_points
        assert chart.bars[0].values[4] == may


def test_up_to_a_month_leaves_the_later_months_blank(store, year_2026):
    chart = member_charts.member_charts(store, year_2026["甲"], 2026, Month(2026, 3)).year_chart
    assert chart.bars[0].values[3:] == (None,) * 9
    assert chart.lines[0].values[:3] == months(22, 29, 31)
    assert "1—3月" in member_charts.member_charts(store, year_2026["甲"], 2026, Month(2026, 3)).charts.title


def test_party_groups_month_by_month(store, year_2026):
    charts = branch_charts.branch_charts(store, 2026, kinds=("groups",))
    totals_chart, averages_chart = charts.charts
    assert [s.name for s in totals_chart.bars] == ["第一党小组", "第二党小组"]
    assert totals_chart.bars[0].values[:5] == months(4, 7, -2, 0, 2)
    assert totals_chart.bars[1].values[:5] == months(2, 2, 0, 0, -2)
    assert averages_chart.lines[0].values[:5] == months(2, "3.5", -1, 0, 1)
    assert averages_chart.lines[1].values[:5] == months(2, 2, 0, 0, -2)


def test_each_months_average_is_over_the_people_that_months_ranking_lists(store, admin, year_2026):
    """乙 leaves in June and 丁 joins in September: July's average is over two (甲, 丙), not the
    year's four, and September's over three, as the month rankings (the notices) count them."""
    from app.services.roster import members

    members.transfer_out(store, admin, year_2026["乙"], date(2026, 6, 30), "城关镇党委", today=TODAY)
    second = {g.name: g.id for g in organisation.get_branch(store).groups}["第二党小组"]
    ding = add(store, admin, "丁", group_id=second, join_date=date(2026, 9, 1))
    ledger.record_entry(store, admin, EntryRequest(ding, "R01", date(2026, 9, 3)), approve=True, today=TODAY)
    averages = member_charts.member_charts(store, year_2026["甲"], 2026).year_chart.bars[1].values
    for month in range(1, 13):
        rows = totals.branch_ranking(store, 2026, month=month).rows
        listed = {row.name for row in rows}
        assert listed == ({"甲", "乙", "丙"} if month <= 6 else {"甲", "丙"} if month <= 8 else {"甲", "丙", "丁"}), month
        assert averages[month - 1] == (sum(row.period_points for row in rows) / len(rows)).quantize(D("0.01")), month
    assert averages[8] == D("0.67")  # September: 丁's 2 points over three
    group_totals, group_averages = branch_charts.branch_charts(store, 2026, kinds=("groups",)).charts
    assert group_totals.bars[0].notes[5:7] == ("2人", "1人")  # 第一党小组 in June and July
    assert group_totals.bars[1].notes[7:9] == ("1人", "2人")  # 第二党小组 in August and September
    assert group_averages.lines[1].values[8] == D(1)


def test_stars_deductions_and_attendance(store, year_2026):
    stars, deductions, attendance = branch_charts.branch_charts(store, 2026, kinds=("stars", "deductions", "attendance")).charts
    assert stars.categories == ("一票否决", "未达星级", "一星", "二星", "三星", "四星", "五星")
    assert stars.bars[0].values == months(1, 0, 2, 0, 0, 0, 0)
    assert len(stars.bars) == 1  # no rule set for 2025: nothing to compare with
    assert deductions.categories == ("J01 无故缺席三会一课", "J05 未按时缴纳党费（每催缴一次）", "K01 防汛、防火等急难险重任务中受到批评")
    assert deductions.bars[0].values == months(2, 2, 2)
    assert deductions.bars[0].notes == ("1次", "1次", "1次")
    assert attendance.bars[0].values[4] == D("33.3")
    assert attendance.bars[0].values[0] is None
    assert attendance.bars[0].notes[4] == "实到1人次／应到3人次"


def test_stars_this_year_against_last(store, admin, year_2026):
    rulesets.create_rule_set(store, admin, 2025, template="village_100")
    stars = branch_charts.branch_charts(store, 2026, kinds=("stars",)).charts[0]
    assert [s.name for s in stars.bars] == ["2026年", "2025年"]
    # 2025 had no entries: everyone on the roll that year stood at the base of 20, one star.
    assert stars.bars[1].values == months(0, 0, 3, 0, 0, 0, 0)


def test_deductions_add_up_to_what_the_scorer_lost(store, year_2026):
    """Items that net below zero add up to the base and deduction losses of the scored year."""
    deductions = branch_charts.branch_charts(store, 2026, kinds=("deductions",)).charts[0]
    ranking = totals.branch_ranking(store, 2026, details=True)
    from app.domain.enums import Category

    lost = -sum((row.score.by_category.get(c, D(0)) for row in ranking.rows for c in (Category.BASE, Category.DEDUCTION)), D(0))
    assert sum(deductions.bars[0].values) == lost


def test_the_township_charts(store, admin, year_2026, tmp_path):
    (tmp_path / "stick").mkdir()
    made = backup.backup_to(store, tmp_path / "stick")
    with Store.open_file(tmp_path / "township.db") as township:
        clerk = operators.ensure_admin(township)
        gather.gather(township, clerk, [made.path.parent], lambda path, manifest: None)
        overview = township_overview.township_overview(township, 2026)
        branch_id = township_charts.branch_id_by_name(township, "红星村党支部")
        charts = township_charts.township_charts(township, 2026, branch_id=branch_id)
    averages, stars, attendance, over_months = charts.charts
    assert averages.categories == ("红星村党支部",)
    assert averages.bars[0].values == (D("17.00"),)  # (33 + 18 + 0) / 3
    assert averages.bars[0].values[0] == overview.branches[0].average
    assert {s.name: s.values[0] for s in stars.bars} == {
        "五星": D(0), "四星": D(0), "三星": D(0), "二星": D(0), "一星": D("66.7"), "未评星": D("33.3"),
    }
    assert attendance.bars[0].values == (D("33.3"),)
    assert over_months.bars[0].values[:3] == months(2, 3, "-0.67")
    assert over_months.lines[0].values[:3] == months(2, 3, "-0.67")  # one branch: the township is the branch
    assert over_months.bars[0].notes[0] == "第1名／共1个支部"
    assert over_months.categories[:2] == ("1月\n第1名", "2月\n第1名") and over_months.categories[5] == "6月"  # no points yet


def test_the_township_month_chart_averages_each_month_over_the_people_that_month_lists(store, admin, year_2026, tmp_path):
    """乙 leaves in June and 丁 joins in September: the branch's month average on the township's
    chart is the branch chart's (January over 甲乙丙, September's 2 points over 甲丙丁), not the
    month's points over all four scored in the year (1.50 and 0.50)."""
    from app.services.roster import members

    members.transfer_out(store, admin, year_2026["乙"], date(2026, 6, 30), "城关镇党委", today=TODAY)
    second = {g.name: g.id for g in organisation.get_branch(store).groups}["第二党小组"]
    ding = add(store, admin, "丁", group_id=second, join_date=date(2026, 9, 1))
    ledger.record_entry(store, admin, EntryRequest(ding, "R01", date(2026, 9, 3)), approve=True, today=TODAY)
    branch_averages = member_charts.member_charts(store, year_2026["甲"], 2026).year_chart.bars[1].values
    (tmp_path / "stick").mkdir()
    made = backup.backup_to(store, tmp_path / "stick")
    with Store.open_file(tmp_path / "township.db") as township:
        gather.gather(township, operators.ensure_admin(township), [made.path.parent], lambda path, manifest: None)
        branch_id = township_charts.branch_id_by_name(township, "红星村党支部")
        over_months = township_charts.township_charts(township, 2026, branch_id=branch_id).charts[-1]
    assert over_months.bars[0].values[:9] == branch_averages[:9]
    assert over_months.bars[0].values[0] == D(2) and over_months.bars[0].values[8] == D("0.67")
    assert over_months.lines[0].values[:9] == branch_averages[:9]  # one branch: the township is the branch


def test_a_chart_without_figures_is_empty(store, branch, admin):
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    charts = branch_charts.branch_charts(store, 2026, kinds=("deductions", "attendance"))
    assert all(chart.is_empty for chart in charts.charts)


# ---- on paper: the annual summary's chart pages, the notice's chart page, the township report


def test_the_annual_summary_with_a_chart_page_a_member(store, year_2026, tmp_path):
    from app.reports.annual import render_annual
    from app.services.charts import paper
    from tests.reports.report_support import assert_only_bundled_fonts, first_page_png, page_texts

    batch = report_data.annual_summaries(store, 2026)
    charts = paper.annual_chart_sets(store, 2026)
    assert set(charts) == {"甲", "乙", "丙"}
    assert charts["甲"].charts[0].lines[0].values[-1] == D(33)
    pdf = render_annual(batch, invariant=True, charts=charts)
    texts = page_texts(pdf)
    assert len(texts) == 6
    assert "党员年度积分汇总表" in texts[0] and "逐月积分与年度累计" in texts[1] and "每月各类积分" in texts[1]
    assert "第 2 页 共 6 页" in texts[1]
    assert_only_bundled_fonts(pdf)
    assert len(page_texts(render_annual(batch, invariant=True))) == 3  # without charts as before
    first_page_png(pdf[:], tmp_path / "annual")


def test_the_notice_gains_a_chart_page(store, year_2026):
    from app.reports import render_monthly_notice
    from app.services.charts import paper
    from tests.reports.report_support import assert_only_bundled_fonts, page_sizes, page_texts

    notice = report_data.monthly_notice(store, Month(2026, 5))
    pdf = paper.append_pages(render_monthly_notice(notice), paper.notice_chart_pages(store, Month(2026, 5), "红星村党支部"))
    texts = page_texts(pdf)
    assert len(texts) == 2
    assert "公示表附页" in texts[1] and "各党小组每月人均积分" in texts[1] and "会议出席率" in texts[1]
    assert "星级" not in texts[1]  # month paper does not grade
    width, height = page_sizes(pdf)[1]
    assert width > height  # landscape, like the notice
    assert_only_bundled_fonts(pdf)
    # an A3 notice's chart page is A3 too, not an A4 sheet in an A3 document
    on_a3 = paper.append_pages(render_monthly_notice(notice, paper="A3"), paper.notice_chart_pages(store, Month(2026, 5), "", "A3"))
    assert [tuple(round(side) for side in size) for size in page_sizes(on_a3)] == [(1191, 842)] * 2


def test_the_township_report(store, admin, year_2026, tmp_path):
    from app.services.charts import paper
    from tests.reports.report_support import assert_only_bundled_fonts, page_texts

    (tmp_path / "stick").mkdir()
    made = backup.backup_to(store, tmp_path / "stick")
    with Store.open_file(tmp_path / "township.db") as township:
        gather.gather(township, operators.ensure_admin(township), [made.path.parent], lambda path, manifest: None)
        pdf = paper.township_report(township, 2026, "城关镇党委　二〇二六年十一月二十三日")
        assert paper.township_name(township) == "城关镇党委"
    text = "".join(page_texts(pdf))
    for words in ("各支部人均积分", "各支部星级占比", "各支部会议出席率", "红星村党支部", "城关镇党委"):
        assert words in text
    assert_only_bundled_fonts(pdf)


def test_the_annual_charts_work_out_the_branch_averages_once(store, year_2026, monkeypatch):
    """A branch of 2,000 members would otherwise average 2,000 × 2,000 months (minutes, not a second)."""
    from app.services.charts import member as member_charts_module
    from app.services.charts import paper

    calls = []
    real = member_charts_module.branch_month_averages
    monkeypatch.setattr(member_charts_module, "branch_month_averages", lambda *args: calls.append(1) or real(*args))
    charts = paper.annual_chart_sets(store, 2026)
    assert len(charts) == 3 and len(calls) == 1
    assert charts["乙"].charts[0].bars[1].values[:3] == months(2, 3, "-0.67")
