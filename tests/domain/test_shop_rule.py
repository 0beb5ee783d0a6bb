"""The honour shop's arithmetic in plain Python: earning by category and rate, a vetoed year,
what may be spent on a day, the year's end (lapse or carry, a debt carried either way), and
the rule as a template writes it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Category
from app.domain.errors import ValidationError
from app.domain.shop import Movement, ShopRule, available, earned_by_month, shop_rule_from_dict, shop_rule_to_dict, shop_year

D = Decimal
MONTHS = {
    2: {Category.DUTY: D("4"), Category.BONUS: D("1.5")},
    5: {Category.BONUS: D("2"), Category.DEDUCTION: D("-1")},
    9: {Category.BASE: D("-2")},
}


def test_earning_follows_the_categories_and_the_rate():
    assert earned_by_month(ShopRule(), MONTHS, vetoed=False) == {2: D("1.5"), 5: D("2")}
    both = ShopRule(frozenset({Category.DUTY, Category.BONUS, Category.DEDUCTION}), D("0.5"))
    # February (4 + 1.5) × 0.5 = 2.75; May (2 − 1) × 0.5 = 0.5
    assert earned_by_month(both, MONTHS, vetoed=False) == {2: D("2.75"), 5: D("0.50")}
    assert earned_by_month(both, MONTHS, vetoed=True) == {}
    assert earned_by_month(ShopRule(vetoed_earns=True), MONTHS, vetoed=True) == {2: D("1.5"), 5: D("2")}


def test_what_may_be_spent_counts_the_months_up_to_the_day():
    earned = {2: D("3"), 5: D("4")}
    assert available(D("1"), earned, D("2"), date(2026, 4, 30)) == D("2")  # 1 + 3 − 2
    assert available(D("1"), earned, D("2"), date(2026, 5, 1)) == D("6")  # May's 4 from the first of May


def test_a_debt_is_carried_even_when_the_remainder_lapses():
    # Earned 3, spent 5 (an earning entry reversed after its points were spent): −2 is owed.
    owed = shop_year(2026, D("0"), {3: D("3")}, [Movement(date(2026, 3, 9), D("5"), "兑换 食用油 1桶")], carry_over=False)
    assert (owed.closing, owed.lapsed, owed.carried) == (D("-2"), D("0"), D("-2"))
    kept = shop_year(2026, D("1"), {3: D("3")}, [Movement(date(2026, 3, 9), D("2"), "兑换 毛巾 1条")], carry_over=True)
    assert (kept.closing, kept.lapsed, kept.carried) == (D("2"), D("0"), D("2"))
    assert [line.text for line in kept.lines] == ["上年结转", "3月积分入账", "兑换 毛巾 1条"]


def test_a_template_rule_is_read_checked_and_written_back():
    rule = shop_rule_from_dict({"earning_categories": ["加分", "duty"], "rate": "2", "carry_over": True})
    assert rule == ShopRule(frozenset({Category.BONUS, Category.DUTY}), D("2"), carry_over=True)
    assert shop_rule_from_dict(shop_rule_to_dict(rule)) == rule
    assert rule.describe() == "履职分、加分每 1 分折合 2 个兑换积分，年末结余转入下一年，受一票否决的年度不得兑换积分。"
    for bad, words in (({"earning_categories": ["veto"]}, "计入类别"), ({"rate": "0"}, "大于 0"),
                       ({"rate": "两"}, "应为数字"), ({"expiry": "year_end"}, "不认识的字段")):
        with pytest.raises(ValidationError, match=words):
            shop_rule_from_dict(bad)
