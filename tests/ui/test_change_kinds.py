"""Pages refresh by the kind of change: a write tells the pages that show its kind, and only those."""

from __future__ import annotations

import pytest

from app.ui.changes import EVERYTHING, Kind, concerns
from app.ui.dialogs.member_status_dialog import TRANSFER_OUT

pytestmark = pytest.mark.gui


def _all_fresh(window) -> None:
    for key in window.PAGE_KEYS:
        window.show_page(key)
    assert not any(page.stale for page in window.pages.values())


def _stale(window) -> set[str]:
    return {key for key, page in window.pages.items() if page.stale}


def test_a_restore_concerns_every_page_and_nothing_concerns_none():
    assert all(concerns(Kind.BACKUP, kind) for kind in Kind if kind)
    assert not concerns(Kind.NONE, EVERYTHING)
    assert concerns(Kind.LEDGER, Kind.ROSTER | Kind.LEDGER) and not concerns(Kind.RULES, Kind.ROSTER | Kind.LEDGER)


def test_switching_a_rule_item_off_leaves_the_roster_page_as_it_is(demo_window):
    _all_fresh(demo_window)
    rules = demo_window.show_page("rules")
    rules.table.selectRow(0)
    item = rules.selected_item()
    assert item.active
    rules.toggle_active()
    assert not rules.selected_item().active and rules.selected_item().code == item.code  # shown at once
    assert _stale(demo_window) == {"entry", "ledger", "totals", "rating", "practice", "shop"}
    assert item.code in demo_window.statusBar().currentMessage()


def test_transferring_a_member_out_leaves_the_rules_page_as_it_is(demo_window):
    _all_fresh(demo_window)
    members = demo_window.show_page("members")
    before = members.model.total
    members.table.selectRow(0)
    dialog = members.change_status(TRANSFER_OUT)
    dialog.unit_edit.setText("广东省东莞市长安镇党委")
    dialog.save()
    assert not dialog.isVisible()
    assert members.model.total == before - 1  # the page in view refreshed at once
    assert _stale(demo_window) == {"entry", "ledger", "totals", "rating", "practice", "shop"}
