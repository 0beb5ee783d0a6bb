"""The 积分超市 page driven as the clerk does, on the demo branch: a redemption, one refused with the
figure available, a reversal, new goods and stock received, the papers previewed; every table
model passes QAbstractItemModelTester; screenshots at laptop sizes."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from app.domain.points import format_points
from app.ui.dialogs import print_preview

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


@pytest.fixture
def page(demo_window):
    shown = demo_window.show_page("shop")
    assert [shown.tabs.tabText(i) for i in range(shown.tabs.count())] == ["兑换", "兑换记录", "商品", "入库记录"]
    for model in (shown.redeem_tab.model, shown.redeem_tab.list_model, shown.goods_tab.model, shown.goods_tab.ins_model):
        QAbstractItemModelTester(model, FATAL)
    return shown


@pytest.fixture
def previews(monkeypatch):
    opened = []
    monkeypatch.setattr(print_preview, "open_print_preview", lambda parent, pdf, title, name: opened.append((title, pdf)))
    return opened


def _balance(tab, name):
    return {r.name: r for r in tab.model.rows()}[name].balance


def test_redeem_refuse_and_reverse(page, previews):
    tab = page.redeem_tab
    rows = tab.model.rows()
    assert rows and tab.list_model.rowCount() == 9  # the demo's eight redemptions and one reversal
    rich = max(rows, key=lambda r: r.balance)
    soap = {g.name: g for g in page.goods_tab.model.rows()}["香皂"]
    # Redeem a soap (2 points) for the member with the most points.
    assert tab.select(rich.name)
    dialog = tab.redeem()
    assert dialog.choose(rich.name, "香皂")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _balance(tab, rich.name) == rich.balance - Decimal("2")
    assert tab.selected_redemption().member_name == rich.name  # the new slip is selected, ready to print
    assert {g.name: g for g in page.goods_tab.model.rows()}["香皂"].stock == soap.stock - 1
    # Forty soaps are refused: the stock, with the figure there is.
    dialog = tab.redeem()
    dialog.choose(rich.name, "香皂")
    dialog.quantity.setValue(40)
    dialog.save()
    assert f"“香皂”现有库存 {soap.stock - 1} 块，不够兑换 40 块" in dialog.problem.text()
    assert dialog.result() != dialog.DialogCode.Accepted
    # Oil beyond the member's points is refused with what he has.
    poorest = min(tab.model.rows(), key=lambda r: r.balance)
    dialog = tab.redeem()
    dialog.choose(poorest.name, "食用油（1.8升）")
    dialog.save()
    assert f"{poorest.name}现有可兑换积分 {format_points(poorest.balance)} 分" in dialog.problem.text()
    # Reverse the soap: points and stock come back.
    newest = max(tab.list_model.rows(), key=lambda r: r.slip_no)
    assert tab.select_slip(newest.slip_no)
    dialog = tab.reverse_redemption()
    dialog.save()
    assert "必须写明原因" in dialog.problem.text()
    dialog.reason_edit.setText("登记错了人")
    dialog.save()
    assert _balance(tab, rich.name) == rich.balance
    assert {g.name: g for g in page.goods_tab.model.rows()}["香皂"].stock == soap.stock
    assert tab.select_slip(newest.slip_no)
    assert not tab.reverse_button.isEnabled()  # already reversed
    tab.print_slip().make_preview()
    assert previews and previews[-1][0] == "2026年积分兑换凭证"


def test_goods_and_stock(page, previews):
    tab = page.goods_tab
    dialog = tab.add_goods()
    dialog.name_edit.setText("雨伞")
    dialog.unit_edit.setText("把")
    dialog.price_edit.setText("五")
    dialog.save()
    assert "应为数字" in dialog.problem.text()
    dialog.price_edit.setText("7")
    dialog.donor_edit.setText("村集体经济合作社")
    dialog.save()
    assert tab.select("雨伞")
    dialog = tab.receive()
    dialog.quantity.setValue(12)
    dialog.save()
    assert {g.name: g.stock for g in tab.model.rows()}["雨伞"] == 12
    umbrella = [i for i, r in enumerate(tab.ins_model.rows()) if r.goods_name == "雨伞"]
    assert len(umbrella) == 1 and tab.ins_model.rowCount() == 6  # the demo's five donations and this one
    tab.ins.selectRow(umbrella[0])
    dialog = tab.reverse_stock_in()
    dialog.reason_edit.setText("数量点错了")
    dialog.save()
    assert {g.name: g.stock for g in tab.model.rows()}["雨伞"] == 0
    for kind in ("passbook", "shop-month", "board"):
        page.print_paper(kind).make_preview()
    assert [title for title, _ in previews] == ["2026年积分存折", "2026年11月积分超市月报", "2026年11月红黑榜"]


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_the_shop_page_at_laptop_sizes(page, demo_window, size, tmp_path):
    demo_window.resize(*size)
    page.tabs.setCurrentIndex(0)
    target = os.environ.get("DYJF_SCREENSHOTS")
    if target:
        demo_window.grab().save(f"{target}/shop-{size[0]}x{size[1]}.png")
    assert page.redeem_tab.model.rowCount() > 30


def test_the_township_overview_line_shows_the_branch_shop():
    from app.services.shop.township import ShopActivity
    from app.ui.models.township_models import BranchLine, branch_model

    model = branch_model()
    QAbstractItemModelTester(model, FATAL)
    column = next(i for i in range(model.columnCount()) if model.headerData(i, Qt.Orientation.Horizontal) == "积分超市")
    lines = [BranchLine(2026, None, None, ShopActivity(7, 3, Decimal("19"), 88)), BranchLine(2026, None, None, ShopActivity(0, 0, Decimal("0"), 5))]
    assert [line.shop_text for line in lines] == ["3 人 7 笔 19 分", "—"]
    assert column > 0


def test_the_shop_and_board_rules_are_set_from_the_page(page, previews):
    tab = page.redeem_tab
    rich = max(tab.model.rows(), key=lambda r: r.balance)
    dialog = tab.edit_rule()
    for box in dialog.category_boxes.values():
        box.setChecked(False)
    dialog.save()
    assert "至少选一类" in dialog.problem.text()
    dialog.category_boxes[next(iter(dialog.category_boxes))].setChecked(False)
    from app.domain.enums import Category

    dialog.category_boxes[Category.BONUS].setChecked(True)
    dialog.rate_edit.setText("2")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    after = {r.name: r for r in tab.model.rows()}[rich.name]
    assert after.earned == rich.earned * 2  # the demo earns on bonus points only; now two for one
    assert "加分每 1 分折合 2 个兑换积分" in tab.summary.text()
    dialog = page.edit_board_rule()
    dialog.mode_box.setCurrentIndex(1)
    dialog.red_edit.setText("3")
    dialog.save()
    assert "0 到 1" in dialog.problem.text()
    dialog.red_edit.setText("0.1")
    dialog.black_edit.setText("0.05")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    page.print_paper("board").make_preview()
    assert previews[-1][0] == "2026年11月红黑榜"
