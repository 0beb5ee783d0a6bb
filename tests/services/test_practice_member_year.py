"""The member detail's figures beside the year's result, worked by hand: the shop balance of the
shared shop year (tests/services/shop_year.py) and 双报到 hours against the threshold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.enums import MemberClass
from app.services.practice import dual_report
from app.services.practice.member_year import member_practice_year
from app.services.shop import balances
from conftest import add
from tests.services.shop_year import worked_year

D = Decimal
LATER = date(2026, 12, 31)


def test_shop_balance_and_service_hours_of_a_year(store, admin, branch):
    zhang, *_ = worked_year(store, admin)
    # 2025 carries 1 (earned 4, spent 3, carry-over); 2026 earns 2 (Feb) + 4 (Apr), the towel (5) redeemed and reversed:
    # 1 + 6 − 5 + 5 = 7, as the shop page says.
    facts = member_practice_year(store, zhang, 2026)
    assert facts.shop_balance == D(7) == next(r.balance for r in balances.year_balances(store, 2026) if r.member_id == zhang)
    assert facts.dual is None  # not in service, no hours
    assert member_practice_year(store, zhang, 2025).shop_balance == D(1)  # 4 − 3
    assert member_practice_year(store, zhang, 2024).shop_balance is None  # no rule set that year

    li = add(store, admin, "李在职", member_class=MemberClass.IN_SERVICE)
    assert member_practice_year(store, li, 2026).dual.hours == 0
    dual_report.set_threshold(store, admin, 2026, "50")
    for month in (3, 4, 5, 6, 7):  # 5 × 8 = 40, then 5 more = 45
        dual_report.record_service(store, admin, [li], date(2026, month, 5), "8", "社区环境整治", "社区书记 王某", today=LATER)
    dual_report.record_service(store, admin, [li], date(2026, 8, 5), "5", "社区环境整治", "社区书记 王某", today=LATER)
    dual = member_practice_year(store, li, 2026).dual
    assert (dual.hours, dual.threshold, dual.served) == (D(45), D(50), False)  # 45 < 50
    dual_report.record_service(store, admin, [li], date(2026, 9, 1), "5", "网格巡查", "网格员 陈某", today=LATER)
    dual = member_practice_year(store, li, 2026).dual
    assert (dual.hours, dual.served) == (D(50), True)  # 50 meets 50
    assert member_practice_year(store, li, 2026).shop_balance == D(0)
