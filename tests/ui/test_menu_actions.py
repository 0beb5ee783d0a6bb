"""The backup and print menu entries: their texts, the dialogs they open, and what the window does after."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from app.ui.dialogs.backup.dialog import BackupDialog

pytestmark = pytest.mark.gui


def _action(window, name) -> QAction:
    return next(a for a in window.backup_actions + window.print_actions if a.objectName() == name)


def test_the_file_and_print_menus_hold_the_entries(demo_window):
    assert [a.text() for a in demo_window.backup_actions] == ["备份到U盘…", "恢复备份…", "汇总各村备份…"]
    assert [a.text() for a in demo_window.print_actions] == ["打印积分卡、公示表、证书…"]
    assert demo_window.print_actions[0].shortcut().toString() == "Ctrl+P"
    menus = {action.text(): [a.text() for a in action.menu().actions()] for action in demo_window.menuBar().actions()}
    assert "恢复备份…" in menus["文件(&F)"] and menus["打印(&P)"] == ["打印积分卡、公示表、证书…"]


def test_backup_restore_and_gather_open_the_backup_dialog_on_their_tab(demo_window):
    for name, tab in (("action_backup", 0), ("action_restore", 1), ("action_gather", 2)):
        _action(demo_window, name).trigger()
        dialog = demo_window.backup_dialog
        assert isinstance(dialog, BackupDialog)
        assert dialog.isVisible() and dialog.tabs.currentIndex() == tab
        assert dialog.runner is demo_window.ctx.jobs
        dialog.close()


def test_a_restored_database_ends_the_session_for_a_new_log_in(demo_window, qtbot):
    _action(demo_window, "action_restore").trigger()
    dialog = demo_window.backup_dialog
    dialog.database_replaced.emit(demo_window.ctx.store.path)
    qtbot.waitUntil(lambda: not demo_window.isVisible())  # the restored file has its own accounts
    assert not dialog.isVisible()
    assert demo_window.next_database == str(demo_window.ctx.store.path) and "重新登录" in demo_window.log_in_notice


def test_printing_the_monthly_notice_opens_the_preview(demo_window):
    _action(demo_window, "action_print").trigger()
    dialog = demo_window.print_dialog
    assert dialog.isVisible()
    assert dialog.kind.key == "notice"
    dialog.month_box.setCurrentIndex(9)  # October
    dialog.make_preview()
    assert not dialog.isVisible(), dialog.problem.text()
    assert dialog.preview is not None and dialog.preview.isVisible()
    assert "2026年10月积分公示表" in demo_window.statusBar().currentMessage()
    dialog.preview.close()


def test_a_report_that_cannot_be_made_says_why_in_the_dialog(store, admin, branch, make_window):
    window = make_window(store)  # a branch without a rule set: nothing to rank
    _action(window, "action_print").trigger()
    dialog = window.print_dialog
    dialog.kind_list.setCurrentRow(2)  # 星级评定公示
    dialog.make_preview()
    assert dialog.isVisible()
    assert "细则" in dialog.problem.text()
