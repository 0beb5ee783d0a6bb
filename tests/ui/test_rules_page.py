"""The rules page: the year's items by category; used items cannot be changed in a way that rewrites history."""

from __future__ import annotations

import pytest

from app.services.rules import rulesets

pytestmark = pytest.mark.gui


@pytest.fixture
def page(demo_window):
    return demo_window.show_page("rules")


def test_items_are_listed_category_by_category(page):
    assert page.year == 2026
    categories = [page.model.row_at(r).category.label for r in range(page.model.rowCount())]
    order = ["基础分", "履职分", "加分", "扣分", "一票否决"]
    assert categories == sorted(categories, key=order.index)
    assert "基础分 20 分" in page.summary_label.text()
    assert "模板" in page.name_label.text()
    assert page.select_code("J03")
    assert page.model.data(page.model.index(page.table.currentIndex().row(), 7)) == "在用，已使用"


def test_a_used_item_is_locked_and_a_new_item_is_offered(page):
    page.select_code("J03")
    dialog = page.edit_item()
    assert dialog.used
    assert dialog.used_banner.isVisibleTo(dialog)
    assert not dialog.value_edit.isEnabled() and dialog.name_edit.isEnabled()
    dialog.name_edit.setText("无故缺席主题党日活动")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert rulesets.get_rule_set(page.ctx.store, 2026).rule_set.item("J03").name == "无故缺席主题党日活动"

    page.select_code("J03")
    dialog = page.edit_item()
    dialog.new_item_button.click()
    assert dialog.value_edit.isEnabled()
    assert dialog.code_edit.text() == "J07"
    assert dialog.retire_check.isChecked()
    dialog.value_edit.setText("-3")
    dialog.save_button.click()
    assert not dialog.isVisible()
    rule_set = rulesets.get_rule_set(page.ctx.store, 2026).rule_set
    assert rule_set.item("J07").value == -3 and rule_set.item("J07").active
    assert not rule_set.item("J03").active
    assert "J03 已停用" in page.ctx.parent().statusBar().currentMessage()


def test_changing_a_used_item_behind_the_forms_back_is_refused_with_the_reason(page, monkeypatch):
    page.select_code("B04")  # not used yet: the form is open
    dialog = page.edit_item()
    assert not dialog.used
    assert not dialog.value_edit.isVisibleTo(dialog) and dialog.min_edit.isVisibleTo(dialog)  # a range item
    assert dialog.min_edit.isEnabled()
    dialog.max_edit.setText("9")
    original = rulesets.save_rule_item

    def used_meanwhile(store, actor, year, item):
        from app.domain.errors import ConflictError

        raise ConflictError("项目 B04 已有 1 条积分记录使用，改动分值或规则会改写历史。可以停用这个项目，再新增一个项目使用新的分值。")

    monkeypatch.setattr(rulesets, "save_rule_item", used_meanwhile)
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "改写历史" in dialog.problem.text()
    assert dialog.new_item_button.isVisibleTo(dialog)
    monkeypatch.setattr(rulesets, "save_rule_item", original)


def test_new_item_and_retiring_it(page):
    dialog = page.add_item()
    assert dialog.code_edit.text() == "B06" and dialog.category_box.currentText() == "加分"
    dialog.code_edit.setText("B09")
    dialog.name_edit.setText("参加村级议事会")
    dialog.kind_box.set_current(dialog.kind_box.enum_cls("per_unit"))
    dialog.value_edit.setText("1")
    dialog.save_button.click()
    assert "单位" in dialog.problem.text()
    dialog.unit_edit.setText("次")
    dialog.cap_period_box.setCurrentIndex(1)
    dialog.cap_edit.setText("4")
    dialog.save_button.click()
    assert not dialog.isVisible(), dialog.problem.text()
    item = rulesets.get_rule_set(page.ctx.store, 2026).rule_set.item("B09")
    assert (item.unit, item.cap, item.cap_period.label) == ("次", 4, "每月")
    assert page.select_code("B09")
    page.toggle_button.click()
    assert not rulesets.get_rule_set(page.ctx.store, 2026).rule_set.item("B09").active
    page.select_code("B09")
    assert page.toggle_button.text() == "启用"


def test_next_years_rules_are_copied_from_this_year(page):
    page.year_box.setCurrentIndex(page.year_box.findData(2027))
    assert page.create_button.isVisibleTo(page)
    assert page.model.rowCount() == 0
    dialog = page.create_rule_set()
    assert dialog.copy_radio.isChecked() and dialog.copy_box.currentData() == 2026
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert page.year == 2027
    assert page.model.rowCount() == len(rulesets.get_rule_set(page.ctx.store, 2026).rule_set.items)
    assert "复制自 2026 年细则" in page.name_label.text()


def test_the_summary_states_the_years_other_settings(page):
    from decimal import Decimal

    from app.domain.board import BoardRule
    from app.domain.enums import Category
    from app.domain.shop import ShopRule
    from app.services.practice import dual_report
    from app.services.shop import settings
    from app.ui.changes import Kind

    lines = page.summary_label.text().split("\n")
    assert lines[1] == "双报到：在职党员全年到居住地社区服务满 50 小时算落实（在“双报到·评议·驻村”页设置）。"
    assert lines[2].startswith("民主评议：本年度细则")
    assert lines[3].startswith("积分超市：") and lines[4].startswith("红黑榜：")
    store, actor = page.ctx.store, page.ctx.actor
    dual_report.set_threshold(store, actor, 2026, "40")
    settings.save_shop_rule(store, actor, 2026, ShopRule(frozenset({Category.DUTY, Category.BONUS}), Decimal(2), True, False))
    settings.save_board_rule(store, actor, 2026, BoardRule("share", Decimal("0.1"), Decimal("0.05"), "omit", "rank"))
    page.ctx.changed(Kind.RULES)
    assert page.summary_label.text().split("\n")[1:] == [
        "双报到：在职党员全年到居住地社区服务满 40 小时算落实（在“双报到·评议·驻村”页设置）。",
        lines[2],
        "积分超市：履职分、加分每 1 分折合 2 个兑换积分，年末结余转入下一年，受一票否决的年度不得兑换积分。"
        "（与红黑榜规则都在“积分超市”页设置）",
        "红黑榜：红榜取本期积分前 10%，黑榜取后 5%，与末位同分者一并上榜；受一票否决的党员不上榜；老弱病残党员照常排名。",
    ]
    dual_report.set_threshold(store, actor, 2026, None)
    page.ctx.changed(Kind.RULES)
    assert page.summary_label.text().split("\n")[1].startswith("双报到：未定时长要求，由支部逐人勾选认定")
