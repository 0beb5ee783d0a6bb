"""The shop page scores the year it shows: what earlier years carry is worked out once and kept,
and worked out again from the year a change touches. The figures stay those of a fresh
computation (worked by hand on the shared shop year, tests/services/shop_year.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Category
from app.domain.shop import ShopRule
from app.services.roster import members
from app.services.shop import balances, carried, redemptions, settings
from app.services.shop.redemptions import RedemptionRequest
from app.services.totals.scoring import BranchScorer
from conftest import TODAY
from tests.services.shop_year import approved, worked_year

D = Decimal


@pytest.fixture
def scored_years(monkeypatch):
    """The years the scorer scored month by month (what the shop needs), call by call."""
    seen: list[int] = []
    original = BranchScorer.year

    def year(self, year, *args, **kwargs):
        if kwargs.get("by_month", True):
            seen.append(year)
        return original(self, year, *args, **kwargs)

    monkeypatch.setattr(BranchScorer, "year", year)
    carried.forget_everything()
    return seen


def _balance(store, member_id, year=2026) -> Decimal:
    kept = {r.member_id: r.balance for r in balances.year_balances(store, year)}
    carried.forget_everything()
    fresh = {r.member_id: r.balance for r in balances.year_balances(store, year)}
    assert kept == fresh  # the kept years give what working every year out again gives
    balances.year_balances(store, year)  # keep them again for the next step
    return kept[member_id]


def test_only_the_shown_year_is_scored_once_the_earlier_ones_are_kept(store, admin, branch, scored_years):
    zhang, soap, _towel, _, _ = worked_year(store, admin)
    assert _balance(store, zhang) == D(7)  # 1 carried from 2025 + 6 earned in 2026
    scored_years.clear()
    balances.year_balances(store, 2026)
    assert scored_years == [2026]
    redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2026, 7, 1)))  # a redemption of 2026
    scored_years.clear()
    assert {r.member_id: r.balance for r in balances.year_balances(store, 2026)}[zhang] == D(4)  # 7 − 3
    assert scored_years == [2026]


def test_a_change_in_an_earlier_year_is_carried_forward(store, admin, branch, scored_years):
    zhang, *_ = worked_year(store, admin)
    assert _balance(store, zhang) == D(7)
    approved(store, admin, zhang, "B02", date(2025, 9, 1))  # +1 in 2025 (duty and bonus one for one, carried over)
    scored_years.clear()
    assert _balance(store, zhang) == D(8)
    assert scored_years[:2] == [2025, 2026]  # 2025 worked out again, then the year shown
    settings.save_shop_rule(store, admin, 2025, ShopRule(frozenset({Category.DUTY, Category.BONUS}), D("1"), carry_over=False))
    assert _balance(store, zhang) == D(6)  # 2025 now lapses: 2026 opens at 0, earns 6
    scored_years.clear()
    members.transfer_out(store, admin, zhang, date(2026, 11, 1), "城关镇红旗村党支部", today=TODAY)  # a member changed: all again
    kept = {r.member_id: r.balance for r in balances.year_balances(store, 2026)}
    assert scored_years == [2025, 2026] and kept[zhang] == _balance(store, zhang) == D(6)
    assert _balance(store, zhang, 2025) == D(2)  # 4 + 1 − 3, before it lapses


def test_what_the_balances_never_read_keeps_the_earlier_years(store, admin, branch, scored_years):
    from app.services.shop import goods

    zhang, soap, *_ = worked_year(store, admin)
    balances.year_balances(store, 2026)
    goods.receive_stock(store, admin, soap, 5, date(2026, 7, 1))  # stock, not points
    goods.add_goods(store, admin, goods.GoodsInput("茶杯", D("4"), "个", donor="供销社"))
    scored_years.clear()
    assert _balance(store, zhang) == D(7)
    assert scored_years[0] == 2026  # nothing worked out again before the year shown
