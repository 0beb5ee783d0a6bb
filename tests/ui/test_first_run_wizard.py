"""The first-run wizard on an empty database: our own branch with a rule set, or the demo branch."""

from __future__ import annotations

import pytest

from app.services import organisation
from app.services.rules import rulesets

pytestmark = pytest.mark.gui


def test_setting_up_our_own_branch(store, admin, make_window):
    window = make_window(store)
    wizard = window.start_first_run()
    assert wizard.currentId() == wizard.WELCOME
    assert wizard.own_branch_radio.isChecked()
    wizard.next()
    assert wizard.currentId() == wizard.BRANCH
    wizard.township_edit.setText("城关镇党委")
    wizard.branch_edit.setText("向阳村党支部")
    wizard.groups_edit.setPlainText("第一党小组\n\n 第二党小组 \n")
    wizard.next()
    assert wizard.currentId() == wizard.RULES
    assert wizard.template_list.currentItem().text().startswith("村党员百分制")
    wizard.accept()

    assert not wizard.isVisible()
    branch = organisation.get_branch(store)
    assert (branch.township, branch.name) == ("城关镇党委", "向阳村党支部")
    assert [g.name for g in branch.groups] == ["第一党小组", "第二党小组"]
    assert rulesets.rule_set_years(store) == [2026]
    assert window.current_page() is window.pages["members"]
    assert "向阳村党支部" in window.branch_label.text()
    assert "支部已设置好" in window.statusBar().currentMessage()
    assert window.pages["members"].group_box.count() == 3


def test_a_name_is_required_before_going_on(store, admin, make_window):
    window = make_window(store)
    wizard = window.start_first_run()
    wizard.next()
    assert not wizard.currentPage().isComplete()
    wizard.township_edit.setText("城关镇党委")
    assert not wizard.currentPage().isComplete()
    wizard.branch_edit.setText("向阳村党支部")
    assert wizard.currentPage().isComplete()


def test_duplicate_groups_are_explained_and_nothing_is_saved(store, admin, make_window):
    window = make_window(store)
    wizard = window.start_first_run()
    wizard.next()
    wizard.township_edit.setText("城关镇党委")
    wizard.branch_edit.setText("向阳村党支部")
    wizard.groups_edit.setPlainText("一组\n一组")
    wizard.next()
    wizard.accept()
    assert wizard.isVisible()
    assert "重复" in wizard.setup_problem.text()
    assert organisation.current_branch_id(store) is None


def test_loading_the_demo_branch_from_the_wizard(store, admin, make_window):
    window = make_window(store)
    wizard = window.start_first_run()
    wizard.demo_radio.setChecked(True)
    assert wizard.currentPage().isFinalPage()
    wizard.accept()
    assert not wizard.isVisible()
    assert "已生成演示支部" in window.statusBar().currentMessage()
    assert window.pages["members"].model.total == 35
