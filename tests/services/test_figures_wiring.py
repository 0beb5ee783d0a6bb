"""Every place a year's figure appears shows the same number, computed by hand here.

One branch on the village_100 scheme with a five-star quota of 50%, six members:

    member  entries (2026)                                        year total          stars
    甲      duty 6 a month Jan–Nov, B04 5 (May), B03 2 (Jul),     20+66+5+2+1 = 94     5
            B02 1 (Nov)
    乙      duty 6 a month Jan–Nov, B04 5 (May), B03 2 (Jul)      20+66+5+2   = 93     4 (quota)
    丙      as 乙                                                  93                   4 (quota)
    丁      duty as above, V04 veto (Mar)                          0 (一票否决)          not rated
    戊      duty as above, V04 veto (Mar) reversed                 20+66       = 86     4
    己      老弱病残: duty as above, J05 −2 (Jun)                    18+66       = 84     4

Five members are rated (丁 is vetoed), so the quota is floor(0.5 × 5) = 2 places: 甲 takes
one; 乙 and 丙 tie at 93 and together would need three, so both drop to four stars. Were the
vetoed member counted, the quota would be 3 and all three would keep five stars.

November: everyone has 6 (R01 2 + R02 4); 甲 7 with the letter of thanks. The year to date at
the end of November is the whole year (no December entries). Ranks of the year: 1, 2, 2, 4, 5, 6.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import MemberClass
from app.domain.errors import ValidationError
from app.domain.periods import Month
from app.services.backup import archive as backup
from app.services.township import gather
from app.services.ledger import entries as ledger
from app.services.accounts import operators
from app.services.printing import report_data
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.township import overview as township_overview
from app.services.ledger.entries import EntryRequest
from app.services.roster.queries import RosterQuery, roster_page
from app.services.rating.queries import load_view
from app.services.rating import rounds as rating
from conftest import TODAY, add
from db.store import Store

D = Decimal
NOVEMBER = Month(2026, 11)
YEAR = {"甲": D(94), "乙": D(93), "丙": D(93), "丁": D(0), "戊": D(86), "己": D(84)}
STARS = {"甲": 5, "乙": 4, "丙": 4, "丁": 0, "戊": 4, "己": 4}
RANKS = {"甲": 1, "乙": 2, "丙": 2, "丁": 6, "戊": 4, "己": 5}
GRADES = {"甲": "优秀", "乙": "优秀", "丙": "优秀", "丁": "一票否决", "戊": "合格", "己": "合格"}
NOVEMBER_POINTS = {"甲": D(7), "乙": D(6), "丙": D(6), "丁": D(6), "戊": D(6), "己": D(6)}


@pytest.fixture
def scheme_with_quota(tmp_path):
    text = (rulesets.TEMPLATES_DIR / "village_100.toml").read_text(encoding="utf-8")
    text = text.replace('probation_flag_below = "85"\n', 'probation_flag_below = "85"\nfive_star_quota = "0.5"\n', 1)
    path = tmp_path / "village_quota.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def branch_year(store, admin, branch, scheme_with_quota):
    rulesets.create_rule_set(store, admin, 2026, template=str(scheme_with_quota))
    ids = {name: add(store, admin, name) for name in ("甲", "乙", "丙", "丁", "戊")}
    ids["己"] = add(store, admin, "己", member_class=MemberClass.EXEMPT_FRAIL)

    def give(name, code, day, **values):
        return ledger.record_entry(store, admin, EntryRequest(ids[name], code, day, **values), approve=True, today=TODAY)

    for name in ids:
        for month in range(1, 12):
            give(name, "R01", date(2026, month, 3))
            give(name, "R02", date(2026, month, 4), points=D(4))
    for name in ("甲", "乙", "丙"):
        give(name, "B04", date(2026, 5, 10), points=D(5))
        give(name, "B03", date(2026, 7, 10))
    give("甲", "B02", date(2026, 11, 12))
    give("丁", "V04", date(2026, 3, 15))
    veto = give("戊", "V04", date(2026, 3, 15))
    ledger.reverse_entry(store, admin, veto.created[0], "复核后撤销通报")
    give("己", "J05", date(2026, 6, 1))
    return ids


def by_name(rows, value):
    return {row.name: value(row) for row in rows}


def test_the_year_ranking(store, branch_year):
    ranking = totals.branch_ranking(store, 2026)
    assert by_name(ranking.rows, lambda r: r.period_points) == YEAR
    assert by_name(ranking.rows, lambda r: r.stars) == STARS
    assert by_name(ranking.rows, lambda r: r.rank) == RANKS
    assert by_name(ranking.rows, lambda r: r.grade) == GRADES
    assert ranking.five_star_quota == 2
    assert "老弱病残，部分项目免考" in ranking.row_for(branch_year["己"]).flags
    # 88-style edge flags towards five stars mean nothing while the quota is full.
    assert not any("到5星" in flag for row in ranking.rows for flag in row.flags)


def test_the_month_ranking_roster_notice_and_scorecards(store, branch_year):
    ranking = totals.branch_ranking(store, 2026, month=11)
    assert by_name(ranking.rows, lambda r: r.period_points) == NOVEMBER_POINTS
    assert by_name(ranking.rows, lambda r: r.year_to_date) == YEAR
    roster = roster_page(store, RosterQuery(), NOVEMBER).rows
    assert by_name(roster, lambda r: r.month_points) == NOVEMBER_POINTS
    assert by_name(roster, lambda r: r.year_points) == YEAR
    notice = report_data.monthly_notice(store, NOVEMBER)
    assert by_name(notice.rows, lambda r: r.month_points) == NOVEMBER_POINTS
    assert by_name(notice.rows, lambda r: r.year_to_date) == YEAR
    cards = report_data.scorecards(store, NOVEMBER).cards
    assert {c.member_name: c.month_total for c in cards} == NOVEMBER_POINTS
    assert {c.member_name: c.year_to_date for c in cards} == YEAR
    assert {c.member_name: c.year_rank for c in cards} == RANKS
    jia = next(c for c in cards if c.member_name == "甲")
    assert dict(jia.category_totals) == {"基础分": D(0), "履职分": D(6), "加分": D(1), "扣分": D(0)}


def test_the_annual_summary(store, branch_year):
    # signed after the year: the page gives the year's stars (inside it, none: a part of the year decides none)
    after = report_data.IssueSettings(issued_on=date(2027, 1, 5))
    summaries = {s.member_name: s for s in report_data.annual_summaries(store, 2026, settings=after).summaries}
    assert {n: s.final_total for n, s in summaries.items()} == YEAR
    assert {n: s.stars for n, s in summaries.items()} == STARS
    assert {n: s.rank for n, s in summaries.items()} == RANKS
    # Running totals: 丁 is 0 from the month of his veto; 戊's reversed veto leaves 20 + 3 × 6.
    assert [m.year_to_date for m in summaries["丁"].months[:3]] == [D(26), D(32), D(0)]
    assert summaries["戊"].months[2].year_to_date == D(38)
    assert summaries["己"].months[5].year_to_date == D(18 + 36)
    assert summaries["己"].base_component == D(18)
    assert summaries["丁"].points_total == D(0) and summaries["丁"].vetoed


def test_the_star_notice_and_certificates(store, branch_year):
    notice = report_data.star_notice(store, 2026)
    levels = {level.stars: sorted(m.name for m in level.members) for level in notice.levels}
    assert levels[5] == ["甲"] and levels[4] == sorted(["乙", "丙", "戊", "己"])
    assert (notice.rated_count, notice.vetoed_count, notice.five_star_quota) == (5, 1, 2)
    with pytest.raises(ValidationError, match="2026 年的星级还没有评定，这一年也还没有过完"):
        report_data.certificates(store, 2026, settings=report_data.IssueSettings(issued_on=date(2026, 12, 31)))
    after_the_year = report_data.IssueSettings(issued_on=date(2027, 1, 5))
    five = report_data.certificates(store, 2026, settings=after_the_year).certificates
    assert [c.name for c in five] == ["甲"]
    four = report_data.certificates(store, 2026, min_stars=4, settings=after_the_year).certificates
    assert sorted(c.name for c in four) == sorted(["甲", "乙", "丙", "戊", "己"])


def test_the_rating_round_proposes_the_same_stars(store, admin, branch_year):
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=TODAY)
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=TODAY)
    view = load_view(store, 2026)
    assert {c.name: c.final_total for c in view.candidates} == YEAR
    assert {c.name: (c.stars or 0) for c in view.candidates} == STARS


def test_the_township_overview(store, admin, branch_year, tmp_path):
    (tmp_path / "stick").mkdir()
    made = backup.backup_to(store, tmp_path / "stick")
    with Store.open_file(tmp_path / "township.db") as township:
        clerk = operators.ensure_admin(township)
        gather.gather(township, clerk, [made.path.parent], lambda path, manifest: None)
        overview = township_overview.township_overview(township, 2026)
    assert {r.name: r.final_total for r in overview.rows} == YEAR
    assert {r.name: r.stars for r in overview.rows} == STARS
    assert {r.name: r.rank for r in overview.rows} == RANKS
    [summary] = overview.branches
    assert (summary.rated, summary.total, summary.average, summary.vetoed) == (6, D(450), D("75.00"), 1)
    assert summary.stars == {0: 1, 1: 0, 2: 0, 3: 0, 4: 4, 5: 1}
