"""文件 → 支部名称和党小组 and 账号 → 切换账号, driven as a clerk would."""

from __future__ import annotations

import pytest

from app.domain.enums import Role
from app.services import organisation
from app.services.accounts import operators
from conftest import keyed_admin

pytestmark = pytest.mark.gui


def _groups(dialog) -> list[str]:
    return [dialog.groups.item(row).text() for row in range(dialog.groups.count())]


def test_a_group_is_added_renamed_and_removed_and_the_branch_renamed(demo_window):
    window = demo_window
    window.findChild(type(window.organisation_action), "action_organisation").trigger()
    dialog = window.organisation_dialog
    store = window.ctx.store
    before = organisation.get_branch(store)
    assert dialog.branch_edit.text() == before.name and _groups(dialog) == [g.name for g in before.groups]

    dialog.group_edit.setText("青年党小组")
    dialog.add_button.click()
    assert _groups(dialog)[-1] == "青年党小组" and dialog.groups.currentItem().text() == "青年党小组"
    assert dialog.status.text() == "已新建党小组“青年党小组”。"

    dialog.group_edit.setText("青年突击队党小组")
    dialog.rename_button.click()
    assert _groups(dialog)[-1] == "青年突击队党小组"

    dialog.group_edit.setText(before.groups[0].name)  # a name another group has: refused, nothing changed
    dialog.rename_button.click()
    assert "已经有名为" in dialog.problem.text() and dialog.problem.isVisibleTo(dialog)
    assert _groups(dialog)[-1] == "青年突击队党小组"

    window.ctx.confirm = lambda parent, title, text: "青年突击队党小组" in text
    dialog.remove_button.click()
    assert _groups(dialog) == [g.name for g in before.groups]

    dialog.branch_edit.setText("红星社区党支部")
    dialog.save_names_button.click()
    assert organisation.get_branch(store).name == "红星社区党支部"
    assert "红星社区党支部" in window.branch_label.text()  # the window's corner follows


def test_a_group_with_members_is_not_removed(demo_window):
    window = demo_window
    dialog = window.open_organisation()
    dialog.groups.setCurrentRow(0)
    name = dialog.groups.currentItem().text()
    window.ctx.confirm = lambda parent, title, text: True
    dialog.remove_button.click()
    assert f"党小组“{name}”里还有" in dialog.problem.text()
    assert _groups(dialog)[0] == name


def test_only_an_administrator_has_the_menu_entry(demo_store, make_window):
    admin = keyed_admin(demo_store)
    clerk = operators.add_operator(demo_store, admin, "xiaoli", "小李", Role.CLERK, "tiexin lanterns 92")
    window = make_window(demo_store, clerk)
    assert not window.organisation_action.isEnabled()


def test_switching_account_ends_the_session_for_the_log_in_screen(demo_window, qtbot):
    window = demo_window
    path = window.ctx.store.path
    window.account_actions["switch"].trigger()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert window.next_database == str(path)
    assert "已退出登录" in window.log_in_notice
