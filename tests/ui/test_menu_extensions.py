"""Smoke tests of the menu entries that open other issues' windows: backup/restore/gather and printing."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

pytestmark = pytest.mark.gui


def _action(window, name) -> QAction:
    return next(a for a in window.backup_actions + window.print_actions if a.objectName() == name)


def test_backup_restore_and_gather_open_the_backup_dialog_on_their_tab(demo_window):
    for name, tab in (("action_backup", 0), ("action_restore", 1), ("action_gather", 2)):
        _action(demo_window, name).trigger()
        dialog = demo_window.backup_dialog
        assert dialog.isVisible() and dialog.tabs.currentIndex() == tab
        assert dialog.runner is demo_window.ctx.jobs
        dialog.close()


def test_a_restored_database_refreshes_every_page(demo_window):
    _action(demo_window, "action_restore").trigger()
    dialog = demo_window.backup_dialog
    members = demo_window.pages["members"]
    totals = demo_window.pages["totals"]
    totals.stale = False
    dialog.database_replaced.emit(demo_window.ctx.store.path)
    assert "已从备份恢复" in demo_window.statusBar().currentMessage()
    assert totals.stale  # refreshed when next shown
    assert members.model.total == 35
    dialog.close()


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
