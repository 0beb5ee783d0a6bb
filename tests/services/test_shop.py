"""The honour shop on a real SQLite file: a member's shop years worked by hand, refusals with
the figure available, reversals, the kept stock and spending checked by `check`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from app.domain.enums import Category
from app.domain.errors import ConflictError, LedgerTampered, ValidationError
from app.domain.shop import ShopRule
from app.services import check
from app.services.context import read_session
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.organisation import require_branch_id
from app.services.rules import rulesets
from app.services.shop import balances, goods, redemptions, settings
from app.services.shop.redemptions import RedemptionRequest
from conftest import TODAY, add
from tests.services.shop_year import approved, two_shop_years
from db.shop_models import ShopRedemption

D = Decimal


_approved = approved


@pytest.fixture
def shop_years(store, admin, branch):
    return two_shop_years(store, admin)


def _year(store, member, year):
    with read_session(store) as session:
        return balances.member_year(session, require_branch_id(store), member, year)


def test_a_shop_year_earned_spent_reversed_and_lapsed_by_hand(store, admin, shop_years):
    zhang, soap, towel = shop_years
    # 2025: R01 in March (duty 2) + B03 in May (bonus 2) → 4 shop points; a soap in June costs 3.
    _approved(store, admin, zhang, "R01", date(2025, 3, 10))
    _approved(store, admin, zhang, "B03", date(2025, 5, 10))
    redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2025, 6, 1)))
    y2025 = _year(store, zhang, 2025)
    assert (y2025.opening, y2025.earned, y2025.spent, y2025.lapsed, y2025.carried) == (0, D("4"), D("3"), 0, D("1"))
    # 2026: opens with 1 carried; duty earns nothing now, bonus two for one: B02 in Feb (1 → 2),
    # B03 in April (2 → 4); the deduction K01 in April does not touch the shop.
    for code, on in (("R01", date(2026, 2, 3)), ("B02", date(2026, 2, 3)), ("B03", date(2026, 4, 8)), ("K01", date(2026, 4, 9))):
        _approved(store, admin, zhang, code, on)
    assert redemptions.member_spendable(store, zhang, date(2026, 3, 1)) == D("3")  # 1 + February's 2
    done = redemptions.redeem(store, admin, RedemptionRequest(zhang, towel, 1, date(2026, 5, 6)))
    assert done.balance_after == D("2") and done.slip_no == 2  # 1 + 2 + 4 − 5
    assert "还有可兑换积分 2 分" in done.summary
    with pytest.raises(ConflictError, match="现有可兑换积分 2 分.*需要 3 分，还差 1 分"):
        redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2026, 5, 7)))
    with pytest.raises(ConflictError, match="“毛巾”现有库存 1 条，不够兑换 3 条"):
        redemptions.redeem(store, admin, RedemptionRequest(zhang, towel, 3, date(2026, 5, 7)))
    back = redemptions.reverse_redemption(store, admin, done.redemption_id, "尺码不合，退回", date(2026, 6, 2))
    assert back.balance_after == D("7") and back.slip_no == 3
    with pytest.raises(ConflictError, match="已经冲正过了"):
        redemptions.reverse_redemption(store, admin, done.redemption_id, "再来一次", date(2026, 6, 2))
    with pytest.raises(ConflictError, match="现有可兑换积分 7 分.*需要 10 分"):
        redemptions.redeem(store, admin, RedemptionRequest(zhang, towel, 2, date(2026, 6, 3)))
    y2026 = _year(store, zhang, 2026)
    assert (y2026.opening, y2026.earned, y2026.spent, y2026.closing, y2026.lapsed, y2026.carried) == (
        D("1"), D("6"), D("0"), D("7"), D("7"), D("0"))
    assert [(line.text, line.earned, line.spent, line.balance) for line in y2026.lines] == [
        ("上年结转", 0, 0, D("1")),
        ("2月积分入账", D("2"), 0, D("3")),
        ("4月积分入账", D("4"), 0, D("7")),
        ("兑换 毛巾 1条", 0, D("5"), D("2")),
        ("冲正 毛巾 1条（尺码不合，退回）", 0, D("-5"), D("7")),
        ("年末清零", 0, D("7"), 0),
    ]
    assert {row.name: row.stock for row in goods.list_goods(store)} == {"肥皂": 9, "毛巾": 2}
    report = check.check_store(store)
    assert report.ok and (report.counts["积分超市兑换记录"], report.counts["积分超市入库记录"]) == (3, 2)


def test_a_vetoed_year_earns_nothing_and_a_reversed_entry_takes_points_back(store, admin, shop_years):
    zhang, soap, _ = shop_years
    _approved(store, admin, zhang, "B03", date(2026, 2, 3))  # 2 bonus → 4 shop points
    assert redemptions.member_spendable(store, zhang, date(2026, 3, 1)) == D("4")
    _approved(store, admin, zhang, "V01", date(2026, 3, 3))
    assert redemptions.member_spendable(store, zhang, date(2026, 3, 4)) == D("0")
    with pytest.raises(ConflictError, match="现有可兑换积分 0 分"):
        redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2026, 3, 4)))


def test_bad_requests_are_refused_in_plain_words(store, admin, shop_years):
    zhang, soap, towel = shop_years
    with pytest.raises(ValidationError, match="正整数"):
        redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 0, date(2026, 3, 4)))
    with pytest.raises(ValidationError, match="冲正必须写明原因"):
        goods.reverse_stock_in(store, admin, goods.list_stock_ins(store, towel)[0].id, " ", date(2026, 3, 4))
    with pytest.raises(ConflictError, match="已有商品“肥皂”"):
        goods.add_goods(store, admin, goods.GoodsInput("肥皂", D("3")))
    with pytest.raises(ValidationError, match="大于 0"):
        goods.add_goods(store, admin, goods.GoodsInput("香皂", D("0")))
    goods.update_goods(store, admin, towel, goods.GoodsInput("毛巾", D("5"), "条", active=False))
    with pytest.raises(ValidationError, match="已下架"):
        redemptions.redeem(store, admin, RedemptionRequest(zhang, towel, 1, date(2026, 3, 4)))


def test_a_stock_in_is_reversed_only_while_the_goods_are_there(store, admin, shop_years):
    zhang, soap, towel = shop_years
    _approved(store, admin, zhang, "B03", date(2026, 2, 3))
    _approved(store, admin, zhang, "B02", date(2026, 2, 4))  # 2 + 1 bonus → 6 shop points
    redemptions.redeem(store, admin, RedemptionRequest(zhang, towel, 1, date(2026, 3, 4)))
    towel_in = goods.list_stock_ins(store, towel)[0]
    with pytest.raises(ConflictError, match="现有库存 1 条，少于这次入库的 2 条"):
        goods.reverse_stock_in(store, admin, towel_in.id, "记错了", date(2026, 3, 5))
    soap_in = goods.list_stock_ins(store, soap)[0]
    goods.reverse_stock_in(store, admin, soap_in.id, "记错了", date(2026, 3, 5))
    assert {row.name: row.stock for row in goods.list_goods(store)} == {"肥皂": 0, "毛巾": 1}
    assert check.check_store(store).ok


def test_shop_history_cannot_be_edited_or_deleted(store, admin, shop_years):
    zhang, soap, _ = shop_years
    _approved(store, admin, zhang, "B03", date(2026, 2, 3))
    redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2026, 3, 4)))
    with store.session() as session:
        record = session.query(ShopRedemption).one()
        record.quantity = 0
        with pytest.raises(LedgerTampered, match="不能修改"):
            session.flush()
        session.rollback()
    with store.engine.begin() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("DELETE FROM shop_redemptions"))


def test_check_catches_a_broken_balance_and_a_broken_stock(store, admin, shop_years):
    zhang, soap, _ = shop_years
    _approved(store, admin, zhang, "B03", date(2026, 2, 3))
    redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2026, 3, 4)))
    assert check.check_store(store).ok
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE shop_accounts SET spent = 100"))  # 1 point instead of 3
        connection.execute(text("UPDATE shop_goods SET stock = -1 WHERE name = '肥皂'"))
    problems = check.check_store(store).problems
    assert "积分超市账户与兑换记录不符：张三 2026 年已兑换记为 1 分，兑换记录合计 3 分，可兑换余额因此不对。" in problems
    assert "积分超市“肥皂”的库存为 -1 块，库存不能为负数。" in problems
    assert "积分超市“肥皂”的库存记为 -1 块，入库减兑换应为 9 块。" in problems


def test_the_month_board_from_the_ranking_with_a_tie_at_the_red_edge(store, admin, village_year):
    from app.domain.board import BoardRule
    from app.domain.enums import MemberClass
    from app.services.shop.board import period_board

    people = {name: add(store, admin, name) for name in ("甲", "乙", "丙", "丁")}
    add(store, admin, "戊", member_class=MemberClass.EXEMPT_FRAIL)
    for name, code in (("甲", "B03"), ("乙", "B03"), ("丙", "B02")):  # March: 2, 2, 1, 0
        _approved(store, admin, people[name], code, date(2026, 3, 5))
    settings.save_board_rule(store, admin, 2026, BoardRule("count", D("1"), D("1")))
    found = period_board(store, 2026, month=3)
    assert found.label == "2026年3月"
    assert [(line.name, line.total, line.rank) for line in found.board.red] == [("甲", D("2"), 1), ("乙", D("2"), 1)]
    assert [(line.name, line.total) for line in found.board.black] == [("丁", D("0"))]  # 戊 is exempt: off the board
    with pytest.raises(ValidationError, match="按月或按季度"):
        period_board(store, 2026)


def test_check_catches_a_redemption_rewritten_behind_the_programs_back(store, admin, shop_years, db_path):
    import sqlite3
    from contextlib import closing

    zhang, soap, _ = shop_years
    _approved(store, admin, zhang, "B03", date(2026, 2, 3))
    redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2026, 3, 4)))
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("DROP TRIGGER shop_redemptions_no_update")
        raw.execute("UPDATE shop_redemptions SET points = 100")  # 1 point instead of 3, account and all
        raw.execute("UPDATE shop_accounts SET spent = 100")
        raw.commit()
    problems = check.check_store(store).problems
    assert "积分超市有 1 条兑换记录与操作日志中的记载不符（或没有记载），可能被改动过。" in problems
    assert any("shop_redemptions_no_update" in p for p in problems)


def test_renaming_goods_rewrites_no_history(store, admin, shop_years):
    zhang, soap, _ = shop_years
    _approved(store, admin, zhang, "B03", date(2026, 2, 3))
    redemptions.redeem(store, admin, RedemptionRequest(zhang, soap, 1, date(2026, 3, 4)))
    goods.update_goods(store, admin, soap, goods.GoodsInput("药皂", D("4"), "盒"))
    [row] = redemptions.list_redemptions(store, 2026)
    assert (row.goods_name, row.unit, row.unit_price, row.points) == ("肥皂", "块", D("3"), D("3"))
    assert "兑换 肥皂 1块" in [line.text for line in _year(store, zhang, 2026).lines]


def test_who_may_do_what_in_the_shop(store, admin, shop_years):
    from app.domain.enums import Role
    from app.domain.errors import PermissionDenied
    from app.services.accounts import operators

    zhang, soap, _ = shop_years
    _approved(store, admin, zhang, "B03", date(2026, 2, 3))
    clerk = operators.add_operator(store, admin, "clerk1", "录入员小王", Role.CLERK)
    viewer = operators.add_operator(store, admin, "viewer1", "查看员", Role.VIEWER)
    done = redemptions.redeem(store, clerk, RedemptionRequest(zhang, soap, 1, date(2026, 3, 4)))
    assert redemptions.list_redemptions(store, 2026)[0].operator == "录入员小王"
    with pytest.raises(PermissionDenied):
        redemptions.redeem(store, viewer, RedemptionRequest(zhang, soap, 1, date(2026, 3, 4)))
    with pytest.raises(PermissionDenied):
        redemptions.reverse_redemption(store, viewer, done.redemption_id, "错了", date(2026, 3, 5))
    with pytest.raises(PermissionDenied):
        goods.receive_stock(store, viewer, soap, 5, date(2026, 3, 5))
    with pytest.raises(PermissionDenied):  # the rule is the administrator's: it changes every balance of the year
        settings.save_shop_rule(store, clerk, 2026, ShopRule())
