"""Report data built from the store agrees with the scoring engine, figure for figure."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import EntryStatus, MemberClass
from app.domain.errors import NotFound, ValidationError
from app.domain.periods import Month
from app.domain.points import ZERO, format_points
from app.services.ledger import entries as ledger
from app.services.roster import members
from app.services.printing import report_data
from app.services.totals import ranking as totals
from app.services.rules import rulesets
from app.services.rating.rated import estimate
from app.services.ledger.entries import EntryRequest
from app.services.ledger.queries import EntryFilter, list_entries
from conftest import TODAY, add, keyed_admin
from db.store import Store
from tests.reports.report_support import demo_database

OCTOBER = Month(2026, 10)
SETTINGS = report_data.IssueSettings(issued_on=TODAY)
AFTER_THE_YEAR = report_data.IssueSettings(issued_on=date(2027, 1, 5))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with Store.open_file(demo_database(tmp_path_factory)) as store:
        yield store


def test_scorecards_carry_the_engines_month_figures(demo):
    ranking = totals.branch_ranking(demo, 2026, month=10)
    batch = report_data.scorecards(demo, OCTOBER, settings=SETTINGS)
    assert len(batch.cards) == len(ranking.rows) == 35
    by_name = {row.name: row for row in ranking.rows}
    for card in batch.cards:
        row = by_name[card.member_name]
        assert (card.month_total, card.year_to_date, card.month_rank, card.vetoed) == (
            row.period_points, row.year_to_date, row.rank, row.vetoed,
        )
        # the class as printed: a neutral mark instead of the words for an adjusted member
        adjusted = row.member_class is MemberClass.EXEMPT_FRAIL
        assert (card.adjusted, card.member_class) == (adjusted, "" if adjusted else row.member_class.label)
        assert card.ranked_count == 35
        # the subtotals add up to the month, and so do the listed entries
        assert sum((value for _, value in card.category_totals), ZERO) == card.month_total
        assert sum((entry.points for entry in card.entries), ZERO) == card.month_total
        assert [e.occurred_on for e in card.entries] == sorted(e.occurred_on for e in card.entries)
        assert all(e.occurred_on.month == 10 for e in card.entries)
    assert [name for name, _ in batch.cards[0].category_totals] == ["基础分", "履职分", "加分", "扣分"]
    assert batch.issue.issuing_org == "红星村党支部" and batch.issue.issued_on == TODAY


def test_year_to_date_rank_follows_the_running_totals(demo):
    batch = report_data.scorecards(demo, OCTOBER, settings=SETTINGS)
    ordered = sorted(batch.cards, key=lambda card: card.year_rank)
    assert ordered[0].year_rank == 1
    assert ordered[0].year_to_date == max(card.year_to_date for card in batch.cards)
    for better, worse in zip(ordered, ordered[1:]):
        assert better.year_to_date >= worse.year_to_date
        assert (better.year_rank == worse.year_rank) == (better.year_to_date == worse.year_to_date)


def test_cards_come_in_roster_order_and_can_be_chosen(demo):
    batch = report_data.scorecards(demo, OCTOBER, settings=SETTINGS)
    groups = [card.group_name for card in batch.cards]
    assert groups == sorted(groups, key=["第一党小组", "第二党小组", "第三党小组"].index)
    chosen = report_data.member_ids_by_name(demo, ["李䶮", "𠮷祥云"])
    picked = report_data.scorecards(demo, OCTOBER, chosen, SETTINGS)
    assert [card.member_name for card in picked.cards] == ["李䶮", "𠮷祥云"]


def test_pending_entries_are_counted_but_not_listed(demo):
    november = report_data.scorecards(demo, Month(2026, 11), settings=SETTINGS)
    pending = [card for card in november.cards if card.pending_count]
    assert pending, "the demo leaves a few entries waiting for review"
    waiting = list_entries(demo, EntryFilter(month=Month(2026, 11), status=EntryStatus.PENDING))
    assert sum(card.pending_count for card in november.cards) == len(waiting)


def test_a_reversal_is_listed_with_the_entry_it_corrects(store, admin, village_year):
    zhang = add(store, admin, "张三")
    change = ledger.record_batch(store, admin, [EntryRequest(zhang, "J06", date(2026, 10, 8), note="误录")], approve=True, today=TODAY)
    ledger.reverse_entry(store, admin, change.created[0], "录入错误")
    card = report_data.scorecards(store, OCTOBER, settings=SETTINGS).cards[0]
    assert [(e.points, e.is_reversal, e.reversed_later) for e in card.entries] == [
        (Decimal("-10.00"), False, True), (Decimal("10.00"), True, False),
    ]
    assert card.entries[1].note == "冲正：录入错误"
    assert card.month_total == ZERO


def test_monthly_notice_lists_the_whole_ranking(demo):
    ranking = totals.branch_ranking(demo, 2026, month=10)
    notice = report_data.monthly_notice(demo, OCTOBER, SETTINGS)
    assert [(r.rank, r.name, r.month_points, r.year_to_date, r.vetoed) for r in notice.rows] == [
        (r.rank, r.name, r.period_points, r.year_to_date, r.vetoed) for r in ranking.rows
    ]
    assert notice.rule_set_name == "村党员百分制积分细则"
    assert (notice.issue.notice_start, notice.issue.notice_end) == (TODAY, date(2026, 11, 27))
    vetoed = [row for row in notice.rows if row.vetoed]
    assert vetoed and all(row.remark == "一票否决" and row.year_to_date == ZERO for row in vetoed)
    adjusted = {r.name for r in ranking.rows if r.member_class is MemberClass.EXEMPT_FRAIL}
    assert adjusted and {row.name for row in notice.rows if row.remark == "△"} == adjusted
    assert notice.legend == ("本年累计为1月至10月已审核的积分，含基础分", "△ 经支部会议决定调整考核项目",
                             "一票否决：本年度积分按 0 分计，不得评星，不得评先评优")


def test_issue_settings_are_honoured(demo):
    settings = report_data.IssueSettings(
        issuing_org="中共红星村支部委员会", issued_on=date(2026, 12, 1), notice_days=7,
        notice_start=date(2026, 12, 2), objection_contact="镇党委组织办", objection_phone="0371-6288 1234",
    )
    issue = report_data.monthly_notice(demo, OCTOBER, settings).issue
    assert issue.issuing_org == "中共红星村支部委员会"
    assert (issue.notice_start, issue.notice_end, issue.notice_days) == (date(2026, 12, 2), date(2026, 12, 8), 7)
    assert (issue.objection_contact, issue.objection_phone) == ("镇党委组织办", "0371-6288 1234")


def test_star_notice_groups_the_year_ranking_by_stars(demo):
    """Before a round, the members a round would rate (on the roster at the year's end: the demo's
    薛华秀 left on 30 June and is on the ranking, not here), by the stars the ranking gives them."""
    ranking = totals.branch_ranking(demo, 2026)
    notice = report_data.star_notice(demo, 2026, SETTINGS)
    staying = [r for r in ranking.rows if r.name != "薛华秀"]
    assert len(staying) == len(ranking.rows) - 1
    assert [level.stars for level in notice.levels] == [5, 4, 3, 2, 1]
    for level in notice.levels:
        assert [m.name for m in level.members] == [r.name for r in staying if r.stars == level.stars and not r.vetoed]
    vetoed = [r for r in staying if r.vetoed]
    assert notice.vetoed_count == len(vetoed) == 1
    assert notice.rated_count == len(staying) - 1 == sum(len(level.members) for level in notice.levels)


def test_certificates_by_stars_or_by_name(demo):
    """Without a rating round the stars are the ranking's, signed once the year is over."""
    ranking = totals.branch_ranking(demo, 2026)
    signed = date(2027, 1, 5)
    three_up = report_data.certificates(demo, 2026, min_stars=3, settings=AFTER_THE_YEAR)
    expected = [r for r in ranking.rows if r.stars >= 3 and not r.vetoed]
    assert [(c.name, c.stars) for c in three_up.certificates] == [(r.name, r.stars) for r in expected]
    assert {c.honour for c in three_up.certificates} <= {"三星党员", "四星党员", "五星党员"}
    assert all(c.issuing_org == "红星村党支部" and c.issued_on == signed for c in three_up.certificates)
    if not any(r.stars == 5 for r in ranking.rows):
        with pytest.raises(ValidationError, match="没有五星党员"):
            report_data.certificates(demo, 2026, settings=AFTER_THE_YEAR)
    vetoed = next(r for r in ranking.rows if r.vetoed)
    with pytest.raises(ValidationError, match="一票否决"):
        report_data.certificates(demo, 2026, [vetoed.member_id], settings=AFTER_THE_YEAR)
    with pytest.raises(NotFound, match="薛华秀2026年底不在本支部的名册上，不由本支部评星"):  # left on 30 June
        report_data.certificates(demo, 2026, report_data.member_ids_by_name(demo, ["薛华秀"]), settings=AFTER_THE_YEAR)
    one = report_data.certificates(demo, 2026, report_data.member_ids_by_name(demo, ["李䶮"]), settings=AFTER_THE_YEAR)
    assert [c.name for c in one.certificates] == ["李䶮"]


def test_annual_summaries_match_the_engine_month_by_month(demo):
    batch = report_data.annual_summaries(demo, 2026, settings=AFTER_THE_YEAR)
    october = {row.name: row for row in totals.branch_ranking(demo, 2026, month=10).rows}
    year = {row.name: row for row in totals.branch_ranking(demo, 2026).rows}
    # no round has assessed 2026: the stars are the round engine's estimate, as the certificates' and the 星级预评名单's
    estimated = estimate(demo, 2026, rulesets.get_rule_set(demo, 2026).rule_set)
    stars = {row.name: estimated.stars_of(row) for row in estimated.rows}
    assert batch.stars_from == "estimate" and batch.so_far is None
    assert len(batch.summaries) == 36  # including the member who transferred out in June
    for summary in batch.summaries:
        member_id = report_data.member_ids_by_name(demo, [summary.member_name])[0]
        engine = totals.member_year(demo, member_id, 2026)
        assert [m.total for m in summary.months] == [engine.month_total(m) for m in range(1, 13)]
        assert (summary.base_start, summary.base_component) == (engine.base_start, engine.base_component)
        assert summary.points_total == engine.points_total
        assert summary.final_total == year[summary.member_name].year_to_date
        assert (summary.rank, summary.grade) == (year[summary.member_name].rank, year[summary.member_name].grade)
        assert summary.stars == stars.get(summary.member_name, 0)
        if summary.member_name in october:
            assert summary.months[9].year_to_date == october[summary.member_name].year_to_date
        for month in summary.months:
            assert sum((value for _, value in month.by_category), ZERO) == month.total


def test_an_annual_summary_inside_the_year_gives_no_band_or_stars(demo):
    """Signed on 23 November with no round: a total of eleven months decides neither 等次 nor 星级
    (the notice says they come after the year's assessment), and December is still to come."""
    from app.reports.annual import render_annual
    from tests.reports.report_support import all_lines

    batch = report_data.annual_summaries(demo, 2026, settings=SETTINGS)
    assert batch.stars_from == "" and batch.so_far == TODAY
    assert all(s.stars is None and s.grade == "" for s in batch.summaries)
    assert not any(flag.startswith("差") or flag == "未录民主评议" for s in batch.summaries for flag in s.flags)
    chosen = report_data.member_ids_by_name(demo, ["李䶮"])
    row, ranked = totals.branch_ranking(demo, 2026).row_for(chosen[0]), len(batch.summaries)
    lines = all_lines(render_annual(report_data.annual_summaries(demo, 2026, chosen, settings=SETTINGS), invariant=True))
    assert lines[1] == "（2026年度，截至2026年11月23日）"
    assert "12月" in lines and lines[lines.index("12月") - 1].startswith("11月 ")  # December is still to come: an empty row
    assert f"累计总分 {format_points(row.year_to_date)} 等次 年度总评后确定" in lines
    assert f"星级 年度总评后确定 累计排名 第{row.rank}名（共{ranked}人）" in lines
    assert not any("星党员" in line or "年度总分" in line for line in lines)


def test_a_member_who_left_in_the_year_is_marked_on_his_annual_summary(demo):
    """薛华秀 transferred out on 2026-06-30: his summary lists his half year here, and says he left
    (nothing on it told a reader he was no longer a member); nobody else's has a note."""
    from app.reports.annual import render_annual
    from tests.reports.report_support import page_texts

    batch = report_data.annual_summaries(demo, 2026, settings=SETTINGS)
    notes = {summary.member_name: summary.left_note for summary in batch.summaries if summary.left_note}
    assert notes == {"薛华秀": "2026年6月30日转出"}
    leaver = report_data.member_ids_by_name(demo, ["薛华秀"])
    text = page_texts(render_annual(report_data.annual_summaries(demo, 2026, leaver, settings=SETTINGS), invariant=True))[0]
    assert "备注" in text and "2026年6月30日转出" in text
    # the round rates those on the roster at the year's end: no star title for him (the estimate lists none)
    flat = text.replace(" ", "")
    assert "不参加本支部评星" in flat and "星党员" not in flat


def test_no_identity_numbers_or_phones_reach_report_data(demo):
    rows = members.list_members(demo, members.MemberFilter(statuses=()), keyed_admin(demo))
    secrets = {row.id_number for row in rows if row.id_number} | {row.phone for row in rows if row.phone}
    assert secrets

    def strings(value):
        if dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                yield from strings(getattr(value, field.name))
        elif isinstance(value, (tuple, list)):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    for data in (
        report_data.scorecards(demo, OCTOBER, settings=SETTINGS),
        report_data.monthly_notice(demo, OCTOBER, SETTINGS),
        report_data.star_notice(demo, 2026, SETTINGS),
        report_data.annual_summaries(demo, 2026, settings=SETTINGS),
    ):
        text = "\n".join(strings(data))
        assert not any(secret in text for secret in secrets)


def test_a_member_not_on_the_months_roster_is_refused(demo):
    leaver = next(r for r in members.list_members(demo, members.MemberFilter(statuses=())) if r.status.value == "transferred_out")
    with pytest.raises(NotFound, match=leaver.name):
        report_data.scorecards(demo, OCTOBER, [leaver.id], SETTINGS)


def test_a_year_without_rules_says_so(demo):
    with pytest.raises(NotFound, match="2025 年的积分细则还没有建立"):
        report_data.monthly_notice(demo, Month(2025, 10), SETTINGS)
