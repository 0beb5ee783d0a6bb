"""One 星级 a member, wherever it appears: the year ranking (window, CLI, Excel), the township's
ranking across branches, the scorer's star counts (charts), the round's estimate (星级预评名单,
certificates) and the annual summary all rate the members on the roster at the year's end, and
the five-star quota counts only them: a member who left during the year keeps his total and rank
in the ranking, but takes no five-star place and is given no stars here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.services.charts.branch import star_counts
from app.services.context import read_session
from app.services.organisation import require_branch_id
from app.services.printing import report_data
from app.services.rating.rated import estimate
from app.services.roster import members
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.totals.scoring import BranchScorer
from tests.domain.conftest import TEMPLATES
from tests.services.test_rating_round import LATER, _give
from conftest import add

D = Decimal
NOT_RATED_FLAG = "年底不在本支部名册上，不参加本支部评星"  # the words, not the constant: the reader sees these
# ten rated members, so five stars for floor(20% × 10) = 2 of them: 甲 and 乙; 丙 and 丁 tie at the edge
RATED = {"甲": 96, "乙": 94, "丙": 93, "丁": 93, "戊": 91, "己": 85, "庚": 80, "辛": 75, "壬": 70, "癸": 65}
LEFT = {"子": 98, "丑": 92}  # transferred out in September, died in October: listed for their points here


@pytest.fixture
def quota_year(store, admin, branch, tmp_path):
    """2026 under village_100 with five stars for no more than 20% of the rated members."""
    text = (TEMPLATES / "village_100.toml").read_text(encoding="utf-8")
    template = tmp_path / "village_quota.toml"
    template.write_text(text.replace('[scheme]\n', '[scheme]\nfive_star_quota = "0.2"\n', 1), encoding="utf-8")
    rulesets.create_rule_set(store, admin, 2026, template=str(template))
    ids = {}
    for name, total in {**RATED, **LEFT}.items():
        ids[name] = add(store, admin, f"党员{name}")
        _give(store, admin, ids[name], total)
    members.transfer_out(store, admin, ids["子"], date(2026, 9, 30), "外县", today=LATER)
    members.mark_deceased(store, admin, ids["丑"], date(2026, 10, 15), today=LATER)
    return ids


def test_every_rated_member_has_the_same_stars_everywhere(store, quota_year):
    ids = quota_year
    expected = {ids["甲"]: 5, ids["乙"]: 5, ids["丙"]: 4, ids["丁"]: 4, ids["戊"]: 4, ids["己"]: 4, ids["庚"]: 4,
                ids["辛"]: 3, ids["壬"]: 3, ids["癸"]: 2}
    rule_set = rulesets.get_rule_set(store, 2026).rule_set
    estimated = estimate(store, 2026, rule_set)
    assert estimated.stars == expected and estimated.five_star_places == 2
    branch_id = require_branch_id(store)
    year = totals.branch_ranking(store, 2026)
    detailed = totals.branch_ranking(store, 2026, details=True)
    across = totals.ranking_across(store, {branch_id: "本支部"}, 2026)
    for ranking in (year, detailed, across):
        assert {row.member_id: row.stars for row in ranking.rows if row.member_id in expected} == expected
    assert year.five_star_quota == 2
    after_the_year = report_data.IssueSettings(issued_on=date(2027, 1, 5))
    summaries = report_data.annual_summaries(store, 2026, settings=after_the_year).summaries
    by_name = {summary.member_name: summary.stars for summary in summaries}
    assert {ids[name[2:]]: stars for name, stars in by_name.items() if name[2:] in RATED} == expected
    with read_session(store) as session:
        counts = star_counts(BranchScorer(session, branch_id).year(2026))
    # vetoed, none, one … five: the two who left are rated nowhere here, so they count as none
    assert counts == (0, 2, 0, 1, 2, 5, 2)


def test_a_member_who_left_keeps_his_total_and_rank_but_no_stars(store, quota_year):
    ids = quota_year
    for ranking in (totals.branch_ranking(store, 2026), totals.branch_ranking(store, 2026, details=True)):
        leaver = ranking.row_for(ids["子"])
        assert (leaver.rank, leaver.year_to_date, leaver.stars) == (1, D(98), 0)
        assert NOT_RATED_FLAG in leaver.flags and not any(flag.startswith("差") for flag in leaver.flags)
        assert ranking.row_for(ids["丑"]).stars == 0 and NOT_RATED_FLAG in ranking.row_for(ids["丑"]).flags
        assert NOT_RATED_FLAG not in ranking.row_for(ids["甲"]).flags
    # a month's ranking rates nobody: it says nothing of the rating
    assert NOT_RATED_FLAG not in totals.branch_ranking(store, 2026, month=8).row_for(ids["子"]).flags


def test_the_annual_summary_of_one_who_left_says_so_once(store, quota_year):
    from app.reports.annual import render_annual
    from tests.reports.report_support import page_texts

    after_the_year = report_data.IssueSettings(issued_on=date(2027, 1, 5))
    batch = report_data.annual_summaries(store, 2026, [quota_year["子"]], settings=after_the_year)
    assert batch.summaries[0].stars == 0 and batch.stars_from == "estimate"
    flat = page_texts(render_annual(batch, invariant=True))[0].replace(" ", "").replace("\n", "")
    assert flat.count("不参加本支部评星") == 1 and "星党员" not in flat  # in the star cell, not again under 提示
