"""驻村干部 → 考核细则…: the administrator adds an item (the members' form without member classes),
finds a used item locked, retires an unused one and changes the base; the cadres' figures follow.
A 查看 account sees the same rule set with every button off. CADRE_RULES_SHOTS=folder keeps the
pictures."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from app.domain.enums import MemberClass, Role, ValueKind
from app.services.accounts import operators
from app.services.practice import cadres
from conftest import keyed_admin
from tests.ui.screen_check import LAPTOPS, cut_off, settle, usable

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


@pytest.fixture
def tab(demo_window):
    return demo_window.show_page("practice").cadre_tab


def _totals(tab) -> dict[str, Decimal]:
    return {y.cadre.name: y.total for y in tab.model.rows()}


def test_the_administrator_adjusts_the_cadres_rule_set(tab, demo_store, tmp_path):
    dialog = tab.open_rules()
    QAbstractItemModelTester(dialog.model, FATAL)
    assert dialog.model.rowCount() == 13 and dialog.base_edit.text() == "60" and dialog.full_edit.text() == "100"
    states = {item.code: dialog._state_text(item) for item in dialog.model.rows()}
    assert states["Z01"] == "在用，已使用" and states["K03"] == "在用"

    form = dialog.add_item()
    assert form.code_edit.text() == "Z10" and form.category_box.currentText() == "履职分"
    assert not form.class_checks[MemberClass.CADRE].isVisibleTo(form) and not form.exempt_check.isVisibleTo(form)
    assert [form.category_box.itemText(i) for i in range(form.category_box.count())] == ["履职分", "加分", "扣分"]
    form.name_edit.setText("防汛值守（每晚）")
    form.kind_box.set_current(ValueKind.PER_UNIT)
    form.value_edit.setText("0.5")
    form.unit_edit.setText("晚")
    form.save_button.click()
    assert not form.isVisible() and dialog.model.rowCount() == 14
    assert cadres.get_scheme(demo_store, 2026).item("Z10").value == Decimal("0.5")

    assert dialog.select_code("Z01")
    form = dialog.edit_item()
    assert form.used and not form.value_edit.isEnabled() and form.name_edit.isEnabled()
    form.reject()

    assert dialog.select_code("K03")
    dialog.toggle_active()
    assert dialog._state_text(dialog.selected_item()) == "已停用" and dialog.toggle_button.text() == "启用"
    assert not cadres.get_scheme(demo_store, 2026).item("K03").active

    before = _totals(tab)
    dialog.base_edit.setText("55")
    dialog.save_scale()
    assert _totals(tab) == {name: total - 5 for name, total in before.items()}  # every cadre's base, 60 → 55
    dialog.full_edit.setText("五十")
    dialog.save_scale()
    assert "数字" in dialog.problem.text() and _totals(tab) == {name: total - 5 for name, total in before.items()}

    points = tab.add_points()
    assert points.item_box.findData("Z10") >= 0 and points.item_box.findData("K03") < 0  # the retired item is not offered
    points.reject()

    folder = Path(os.environ.get("CADRE_RULES_SHOTS", tmp_path))
    for laptop in ("1366x768", "1280x720"):
        screen = usable(LAPTOPS[laptop])
        dialog.resize(dialog.size().expandedTo(dialog.minimumSizeHint()).boundedTo(screen))
        settle()
        assert dialog.grab().save(str(folder / f"cadre-rules-{laptop}.png")) and cut_off(dialog) == []
        form = dialog.add_item()
        form.resize(form.sizeHint().expandedTo(form.minimumSizeHint()).boundedTo(screen))
        settle()
        assert form.grab().save(str(folder / f"cadre-item-{laptop}.png")) and cut_off(form) == []
        form.reject()


def test_a_viewer_sees_the_rule_set_and_changes_nothing(demo_store, make_window):
    viewer = operators.add_operator(demo_store, keyed_admin(demo_store), "chakan", "查看员", Role.VIEWER)
    tab = make_window(demo_store, viewer).show_page("practice").cadre_tab
    dialog = tab.open_rules()
    assert dialog.model.rowCount() == 13 and dialog.select_code("K03")
    buttons = (dialog.add_button, dialog.edit_button, dialog.toggle_button, dialog.scale_button)
    assert not any(b.isEnabled() for b in buttons) and not dialog.base_edit.isEnabled()
    assert dialog.add_item() is None and dialog.edit_item() is None
    dialog.toggle_active()
    assert cadres.get_scheme(demo_store, 2026).item("K03").active
