"""民主评议 worked by hand: a tally converted into each member's appraisal, folded by the rule set's
grade factors into the year's total, and from there into the ranking's stars; a tally that does
not add up is refused whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.appraisal_tally import Votes
from app.domain.errors import ValidationError
from app.services import organisation
from app.services.practice import appraisal
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from conftest import add, statements_sent
from db.models import AuditRecord

D = Decimal
LATER = date(2026, 12, 31)


@pytest.fixture
def four(store, admin, branch):
    """rural_deduction: base 100, no entries, so each total before the appraisal is 100;
    factors 优秀 1.0, 合格 0.95, 基本合格 0.85, 不合格 0.6; star bands 90/80/70/60."""
    rulesets.create_rule_set(store, admin, 2026, template="rural_deduction")
    return {name: add(store, admin, name) for name in ("甲党员", "乙党员", "丙党员", "丁党员", "戊党员")}


def test_a_tally_becomes_the_appraisal_the_total_and_the_stars(store, admin, four):
    votes = {
        four["甲党员"]: Votes(7, 2, 0, 0),  # 优秀 7×2 = 14 > 9 returned → 优秀; (700 + 160) / 9 = 95.56
        four["乙党员"]: Votes(2, 3, 3, 1),  # (3 + 1)×3 = 12 > 9 → 基本合格; (200 + 240 + 180) / 9 = 68.89
        four["丙党员"]: Votes(1, 1, 3, 4),  # 4×3 = 12 > 9 → 不合格; (100 + 80 + 180) / 9 = 40
        four["丁党员"]: Votes(4, 5, 0, 0),  # 优秀 4×2 = 8, not > 9 → 合格; 800 / 9 = 88.89
        four["戊党员"]: Votes(0, 0, 0, 0),  # every ballot blank for him: no appraisal
    }
    change = appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 9, votes, counters="张三、李四", today=LATER)
    assert "4 人的评议结果计入年度积分" in change.summary

    scores = {name: appraisal.appraisal_score(store, four[name], 2026) for name in four}
    assert scores == {
        "甲党员": (D("95.56"), "优秀"), "乙党员": (D("68.89"), "基本合格"), "丙党员": (D("40.00"), "不合格"),
        "丁党员": (D("88.89"), "合格"), "戊党员": (None, None),
    }
    # The one scorer folds it in: 100 × factor; 戊 has none, so his total stays 100 and is flagged.
    year = {name: totals.member_year(store, four[name], 2026) for name in four}
    assert {n: y.final_total for n, y in year.items()} == {
        "甲党员": D("100.00"), "乙党员": D("85.00"), "丙党员": D("60.00"), "丁党员": D("95.00"), "戊党员": D("100.00"),
    }
    assert year["戊党员"].appraisal_missing and not year["甲党员"].appraisal_missing
    stars = {row.name: row.stars for row in totals.branch_ranking(store, 2026).rows}
    assert stars == {"甲党员": 5, "乙党员": 4, "丙党员": 2, "丁党员": 5, "戊党员": 5}

    result = appraisal.tally_result(store, 2026)
    assert (result.ballots_issued, result.ballots_returned, result.counters) == (10, 9, "张三、李四")
    assert sorted(r.name for r in result.rows) == sorted(four)
    assert {r.name: r.result.grade for r in result.rows}["乙党员"] == "基本合格"
    assert result.folding == "本年度细则按等次系数折算：年度总分 = 积分 × 等次系数（优秀 1，合格 0.95，基本合格 0.85，不合格 0.6）"
    assert result.grade_count("优秀") == 1

    # A corrected count replaces the appraisal it wrote.
    appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 9, {four["丙党员"]: Votes(3, 4, 1, 1)}, today=LATER)
    # (300 + 320 + 60) / 9 = 75.56; 不合格 1×3 and (1 + 1)×3 are not over 9, 优秀 3×2 is not over 9 → 合格
    assert appraisal.appraisal_score(store, four["丙党员"], 2026) == (D("75.56"), "合格")
    assert totals.member_year(store, four["丙党员"], 2026).final_total == D("95.00")


def test_a_recount_without_votes_for_a_member_takes_his_appraisal_back(store, admin, four):
    appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 9, {four["甲党员"]: Votes(7, 2, 0, 0)}, today=LATER)
    change = appraisal.record_tally(store, admin, 2026, date(2026, 12, 21), 10, 9, {four["甲党员"]: Votes(0, 0, 0, 0)}, today=LATER)
    assert "0 人的评议结果计入年度积分" in change.summary
    assert appraisal.appraisal_score(store, four["甲党员"], 2026) == (None, None)
    with store.session() as session:
        summaries = session.scalars(select(AuditRecord.summary).where(AuditRecord.entity == "appraisal")).all()
    assert any("无有效票，评议结果取消" in summary for summary in summaries)


def test_a_tally_reads_the_appraisals_in_one_query_however_many_members(store, admin, four):
    """A query (and a flush) a member made a 3,000-member tally take 7.8 s."""
    for names in (("甲党员",), tuple(four)):
        votes = {four[name]: Votes(5, 4, 0, 0) for name in names}
        tally = lambda: appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 9, votes, today=LATER)  # noqa: E731
        assert len(statements_sent(store, tally, reading="FROM appraisals")) == 1, names
    assert all(appraisal.appraisal_score(store, four[name], 2026) == (D("91.11"), "优秀") for name in four)


def test_a_tally_that_does_not_add_up_is_refused_whole(store, admin, four):
    good = {four["甲党员"]: Votes(7, 2, 0, 0)}
    with pytest.raises(ValidationError, match="收回的测评票（9 张）比发出的（8 张）还多"):
        appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 8, 9, good, today=LATER)
    too_many = {**good, four["乙党员"]: Votes(5, 4, 1, 0)}
    with pytest.raises(ValidationError, match="乙党员的得票合计 10 票，比收回的测评票（9 张）还多"):
        appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 9, too_many, today=LATER)
    with pytest.raises(ValidationError, match="不能是负数"):
        appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 9, {four["甲党员"]: Votes(-1, 2, 0, 0)}, today=LATER)
    assert not appraisal.has_tally(store, 2026)
    assert appraisal.appraisal_score(store, four["甲党员"], 2026) == (None, None)


def test_the_ballot_lists_every_member(store, admin, four):
    paper = appraisal.ballot_paper(store, 2026)
    assert paper.grades == ("优秀", "合格", "基本合格", "不合格")
    assert sorted(m.name for m in paper.members) == sorted(four)


def test_the_ballot_lists_a_group_by_pinyin(store, admin, branch):
    """By the name itself the ballot ran 任林, 刘小敏, 戴强春, 曾军海 (character codes), not as the
    sign-in sheet lists them."""
    group = organisation.get_branch(store).groups[0].id
    for name in ("任林", "刘小敏", "戴强春", "曾军海", "艾红"):
        add(store, admin, name, group_id=group)
    assert [m.name for m in appraisal.ballot_paper(store, 2026).members] == ["艾红", "戴强春", "刘小敏", "任林", "曾军海"]


def test_a_tally_for_a_reported_year_is_refused_until_the_round_is_reopened(tmp_path, store, admin, four):
    """The appraisal folds into the year's totals: a year whose round is reported is closed to it
    as it is to new points, and nothing of the tally is written."""
    from app.domain.errors import RuleViolation
    from app.services.rating import exchange, rounds

    rounds.start_round(store, admin, 2026, date(2026, 12, 20), today=LATER)
    rounds.assess(store, admin, 2026, date(2026, 12, 20), today=LATER)
    rounds.publicise(store, admin, 2026, date(2026, 12, 20), days=1, today=LATER)
    exchange.report_to_township(store, admin, 2026, date(2026, 12, 21), tmp_path / "r.jfrating", today=LATER)
    votes = {four["甲党员"]: Votes(1, 2, 3, 3)}
    with pytest.raises(RuleViolation, match="重新打开"):
        appraisal.record_tally(store, admin, 2026, date(2026, 12, 22), 10, 9, votes, today=LATER)
    assert not appraisal.has_tally(store, 2026)
    assert appraisal.appraisal_score(store, four["甲党员"], 2026) == (None, None)
    rounds.reopen(store, admin, 2026, "补登民主评议计票", date(2026, 12, 22), today=LATER)
    appraisal.record_tally(store, admin, 2026, date(2026, 12, 22), 10, 9, votes, today=LATER)
    assert appraisal.appraisal_score(store, four["甲党员"], 2026)[1] == "基本合格"
