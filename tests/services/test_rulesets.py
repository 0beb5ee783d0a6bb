from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Category, ValueKind
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.rules import RuleItem
from app.services.ledger import entries as ledger
from app.services.rules import rulesets
from app.services.ledger.entries import EntryRequest
from conftest import TODAY, add


def test_shipped_templates_are_listed_with_chinese_names():
    templates = {t.key: t.name for t in rulesets.list_templates()}
    assert templates == {
        "post_duty": "无职党员设岗定责积分细则",
        "rural_deduction": "农村党员积分制管理细则",
        "village_100": "村党员百分制积分细则",
    }


@pytest.mark.parametrize("key", ["village_100", "post_duty", "rural_deduction"])
def test_rule_set_from_each_template_round_trips_through_the_store(store, admin, branch, key):
    rulesets.create_rule_set(store, admin, 2026, template=key)
    stored = rulesets.get_rule_set(store, 2026).rule_set
    expected, _ = rulesets.load_template(key, 2026)
    assert stored == expected


def test_one_rule_set_per_year_and_a_clear_choice(store, admin, branch):
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    with pytest.raises(ConflictError, match="已经建立"):
        rulesets.create_rule_set(store, admin, 2026, template="post_duty")
    with pytest.raises(ValidationError):
        rulesets.create_rule_set(store, admin, 2027)
    with pytest.raises(NotFound, match="模板"):
        rulesets.create_rule_set(store, admin, 2027, template="no_such")
    with pytest.raises(NotFound, match="2024"):
        rulesets.create_rule_set(store, admin, 2027, copy_from_year=2024)


def test_copy_from_last_year_and_last_years_scores_never_change(store, admin, branch):
    rulesets.create_rule_set(store, admin, 2025, template="village_100")
    rulesets.create_rule_set(store, admin, 2026, copy_from_year=2025)
    view_2026 = rulesets.get_rule_set(store, 2026)
    assert view_2026.rule_set.items == rulesets.get_rule_set(store, 2025).rule_set.items
    assert view_2026.source == "复制自 2025 年细则"
    new_value = replace(view_2026.rule_set.item("B02"), value=Decimal("3.00"))
    rulesets.save_rule_item(store, admin, 2026, new_value)
    assert rulesets.get_rule_set(store, 2026).rule_set.item("B02").value == Decimal("3.00")
    assert rulesets.get_rule_set(store, 2025).rule_set.item("B02").value == Decimal("1.00")


def test_used_item_can_be_renamed_or_retired_but_not_revalued(store, admin, village_year):
    member = add(store, admin, "张三")
    ledger.record_entry(store, admin, EntryRequest(member, "B02", date(2026, 3, 1)), approve=True, today=TODAY)
    item = village_year.rule_set.item("B02")
    with pytest.raises(ConflictError, match="停用"):
        rulesets.save_rule_item(store, admin, 2026, replace(item, value=Decimal("2.00")))
    rulesets.save_rule_item(store, admin, 2026, replace(item, name="收到群众感谢信、锦旗", active=False))
    stored = rulesets.get_rule_set(store, 2026)
    assert stored.rule_set.item("B02").name == "收到群众感谢信、锦旗"
    assert "B02" in stored.used_codes
    with pytest.raises(Exception, match="停用"):
        ledger.record_entry(store, admin, EntryRequest(member, "B02", date(2026, 3, 2)), today=TODAY)


def test_new_item_is_added_and_a_bad_one_refused(store, admin, village_year):
    item = RuleItem("B09", "参加无偿献血", Category.BONUS, ValueKind.FIXED, value=Decimal("2.00"))
    change = rulesets.save_rule_item(store, admin, 2026, item)
    assert change.created and rulesets.get_rule_set(store, 2026).rule_set.item("B09") == item
    with pytest.raises(ValidationError, match="分值应为正数"):
        RuleItem("B10", "坏项目", Category.BONUS, ValueKind.FIXED, value=Decimal("-2.00"))


def test_a_value_past_reason_is_refused_when_typed_in(store, admin, village_year):
    """分值 99999 was saved on a 100-point scheme; 1000 is the most one item may give or take."""
    before = rulesets.get_rule_set(store, 2026).rule_set.items
    for item in (
        RuleItem("B09", "参加无偿献血", Category.BONUS, ValueKind.FIXED, value=Decimal("99999")),
        RuleItem("K09", "违反规定", Category.DEDUCTION, ValueKind.RANGE, min_value=Decimal("-5000"), max_value=Decimal("-1")),
    ):
        with pytest.raises(ValidationError, match="不合理（一个项目最多 1000 分）"):
            rulesets.save_rule_item(store, admin, 2026, item)
    assert rulesets.get_rule_set(store, 2026).rule_set.items == before
    rulesets.save_rule_item(store, admin, 2026, RuleItem("B09", "参加无偿献血", Category.BONUS, ValueKind.FIXED, value=Decimal("1000")))
