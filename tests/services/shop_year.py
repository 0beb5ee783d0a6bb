"""A shop worked by hand, shared by the service, paper, command-line and window tests.

2025 earns on duty and bonus points one for one and carries over; 2026 earns on bonus points
only, two for one, and lets the remainder lapse. 张三: 2025 earns 4, spends 3 on a soap, carries
1; 2026 earns 2 (February) + 4 (April), redeems a towel for 5 in May, has it reversed in June.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.enums import Category
from app.domain.shop import ShopRule
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.rules import rulesets
from app.services.shop import goods, redemptions, settings
from app.services.shop.redemptions import RedemptionRequest
from conftest import TODAY, add

D = Decimal


def approved(store, admin, member, code, on):
    ledger.record_entry(store, admin, EntryRequest(member, code, on), approve=True, today=TODAY)


def two_shop_years(store, admin):
    rulesets.create_rule_set(store, admin, 2025, template="village_100")
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    settings.save_shop_rule(store, admin, 2025, ShopRule(frozenset({Category.DUTY, Category.BONUS}), D("1"), carry_over=True))
    settings.save_shop_rule(store, admin, 2026, ShopRule(frozenset({Category.BONUS}), D("2"), carry_over=False))
    zhang = add(store, admin, "张三")
    soap = goods.add_goods(store, admin, goods.GoodsInput("肥皂", D("3"), "块", donor="供销社")).created[0]
    towel = goods.add_goods(store, admin, goods.GoodsInput("毛巾", D("5"), "条", donor="爱心企业")).created[0]
    goods.receive_stock(store, admin, soap, 10, date(2025, 1, 5))
    goods.receive_stock(store, admin, towel, 2, date(2026, 1, 5))
    return zhang, soap, towel


def worked_year(store, admin):
    """The whole story above; returns (张三, soap, towel, the towel's redemption, its reversal)."""
    zhang, soap, towel = two_shop_years(store, admin)
    approved(store, admin, zhang, "R01", date(2025, 3, 10))
    approved(store, admin, zhang, "B03", date(2025, 5, 10))
    redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2025, 6, 1)))
    for code, on in (("R01", date(2026, 2, 3)), ("B02", date(2026, 2, 3)), ("B03", date(2026, 4, 8)), ("K01", date(2026, 4, 9))):
        approved(store, admin, zhang, code, on)
    done = redemptions.redeem(store, admin, RedemptionRequest(zhang, towel, 1, date(2026, 5, 6)))
    back = redemptions.reverse_redemption(store, admin, done.redemption_id, "尺码不合，退回", date(2026, 6, 2))
    return zhang, soap, towel, done.redemption_id, back.redemption_id
