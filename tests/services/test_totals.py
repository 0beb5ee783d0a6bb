"""Totals and rankings against hand-computed values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.enums import Membership
from app.services.ledger import entries as ledger
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add

D = Decimal


def _approve(store, admin, *requests):
    ledger.record_batch(store, admin, list(requests), approve=True, today=TODAY)


def test_year_month_and_quarter_totals_by_hand(store, admin, village_year):
    zhang = add(store, admin, "张三")
    _approve(
        store, admin,
        EntryRequest(zhang, "R01", date(2026, 1, 31)),                 # +2 January
        EntryRequest(zhang, "R02", date(2026, 1, 31), points=D(4)),    # +4 January
        EntryRequest(zhang, "J01", date(2026, 2, 10)),                 # −2 February (base)
        EntryRequest(zhang, "B05", date(2026, 5, 1), points=D(8)),     # +8 May, outside the bonus cap
        EntryRequest(zhang, "K01", date(2026, 5, 2)),                  # −2 May
    )
    year = totals.member_year(store, zhang, 2026)
    # base 20 − 2 = 18; duty 6; bonus 8; deduction −2  → 30
    assert year.base_component == D("18.00")
    assert year.points_total == D("30.00")
    assert (year.month_total(1), year.month_total(2), year.month_total(5)) == (D(6), D(-2), D(6))
    assert year.quarter_total(1) == D(4) and year.quarter_total(2) == D(6)
    january = totals.branch_ranking(store, 2026, month=1).row_for(zhang)
    assert (january.period_points, january.year_to_date) == (D(6), D(26))
    assert totals.branch_ranking(store, 2026, quarter=2).row_for(zhang).period_points == D(6)


def test_ranking_shares_ranks_on_ties(store, admin, village_year):
    ids = {name: add(store, admin, name) for name in ("张三", "李四", "王五", "赵六")}
    _approve(
        store, admin,
        EntryRequest(ids["张三"], "B03", date(2026, 3, 1)),
        EntryRequest(ids["李四"], "B03", date(2026, 3, 1)),
        EntryRequest(ids["王五"], "B02", date(2026, 3, 1)),
    )
    ranking = totals.branch_ranking(store, 2026)
    assert [(r.rank, r.name, r.period_points) for r in ranking.rows] == [
        (1, "李四", D(22)), (1, "张三", D(22)), (3, "王五", D(21)), (4, "赵六", D(20)),
    ]


def test_veto_zeroes_the_year_and_flags_it(store, admin, village_year):
    zhang = add(store, admin, "张三")
    _approve(store, admin, EntryRequest(zhang, "B03", date(2026, 3, 1)), EntryRequest(zhang, "V01", date(2026, 4, 1)))
    row = totals.branch_ranking(store, 2026).row_for(zhang)
    assert (row.period_points, row.stars, row.grade, row.vetoed) == (D(0), 0, "一票否决", True)
    assert "一票否决" in row.flags


def test_probationary_member_below_threshold_is_flagged(store, admin, village_year):
    member = add(store, admin, "钱八", membership=Membership.PROBATIONARY, join_date=date(2025, 7, 1))
    assert "预备党员低于85分" in totals.branch_ranking(store, 2026).row_for(member).flags


def test_next_years_base_is_a_share_of_this_years_total(store, admin, branch):
    rulesets.create_rule_set(store, admin, 2025, template="village_100")
    rulesets.create_rule_set(store, admin, 2026, copy_from_year=2025)
    zhang = add(store, admin, "张三")
    from conftest import TODAY as today

    ledger.record_entry(store, admin, EntryRequest(zhang, "B05", date(2025, 6, 1), points=D(10)), approve=True, today=today)
    # 2025: base 20 + award 10 = 30; 2026 base = 20% × 30 = 6
    assert totals.member_year(store, zhang, 2025).final_total == D(30)
    assert totals.member_year(store, zhang, 2026).base_start == D("6.00")
    assert totals.member_year(store, zhang, 2026).points_total == D("6.00")


def test_members_who_left_before_the_period_are_not_ranked(store, admin, village_year):
    from app.services.roster import members

    zhang, li = add(store, admin, "张三"), add(store, admin, "李四")
    _approve(store, admin, EntryRequest(li, "B02", date(2026, 3, 5)))
    members.transfer_out(store, admin, li, date(2026, 3, 31), "外县", today=TODAY)
    assert [r.name for r in totals.branch_ranking(store, 2026, month=4).rows] == ["张三"]
    assert {r.name for r in totals.branch_ranking(store, 2026, month=3).rows} == {"张三", "李四"}
