"""Issue 10: the window fits the clerk's laptop (1366×768, 1280×720) and a large screen (1920×1080).

Every page and every tab is opened at each size; nothing visible extends past the window, no button
is narrower than its text, the tables keep enough rows to work. The screenshots are saved under the
test's temporary folder (DYJF_SCREENSHOTS=<folder> keeps them somewhere to look at).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt

from app.ui import menu_actions, window_state
from app.ui.main_window import PAGE_KEYS
from tests.ui.screen_check import LAPTOPS, cut_off, settle, shoot, table_rows, usable, views

pytestmark = pytest.mark.gui

MIN_TABLE_ROWS = {"1366x768": 10, "1280x720": 8, "1920x1080": 16}
# Tables that share their page's height with another, by object name: the ranking gives the member
# detail below it room for four entries (it showed one and a half at 1366×768); the detail's month
# table has its two rows always.
SHARED_TABLE_ROWS = {
    "totals:ranking": {"1366x768": 8, "1280x720": 7, "1920x1080": 16},
    "MemberDetail:entries": {"1366x768": 4, "1280x720": 4, "1920x1080": 6},
    "MemberDetail:months": {"1366x768": 2, "1280x720": 2, "1920x1080": 2},
}
# Seen by this test in files other engineers are changing now; left to them, listed so that nothing new hides
# behind them.
KNOWN_ELSEWHERE: tuple[str, ...] = ()


def fewest_rows(name: str, laptop: str) -> int:
    return SHARED_TABLE_ROWS.get(name, MIN_TABLE_ROWS)[laptop]


def new(problems: list[str]) -> list[str]:
    return [problem for problem in problems if not any(known in problem for known in KNOWN_ELSEWHERE)]


@pytest.fixture
def shots(tmp_path) -> Path:
    return Path(os.environ.get("DYJF_SCREENSHOTS") or tmp_path / "screenshots")


@pytest.mark.parametrize("laptop", list(LAPTOPS))
def test_every_page_fits_the_screen(laptop, demo_window, shots):
    size = usable(LAPTOPS[laptop])
    demo_window.resize(size)
    settle()
    assert demo_window.size() == size
    problems, short_tables = [], []
    for key in PAGE_KEYS:
        page = demo_window.show_page(key)
        for suffix, show in views(page):
            show()
            settle()
            shoot(demo_window, shots / laptop / f"{key}{suffix}.png")
            problems += [f"{key}{suffix}: {problem}" for problem in cut_off(demo_window)]
            short_tables += [f"{key}{suffix} {name}: {rows} rows" for name, rows in table_rows(demo_window)
                             if rows < fewest_rows(name, laptop)]
    assert new(problems) == []
    assert new(short_tables) == []


@pytest.mark.parametrize("laptop", ["1366x768", "1280x720"])
def test_the_main_dialogs_fit_the_laptop(laptop, demo_window, shots, monkeypatch):
    screen = usable(LAPTOPS[laptop])
    # every dialog shown is capped to the screen it is on: the laptop's, not the tests' 800×800 display, which
    # held each of them to 800 wide whatever its size on the laptop
    monkeypatch.setattr(window_state, "available_size", lambda _widget: screen)
    demo_window.resize(screen)
    dialogs = {
        "print": menu_actions.open_print_dialog(demo_window),
        "backup": menu_actions.open_backup(demo_window, "backup"),
        "member": demo_window.show_page("members").add_member(),
        "opening": demo_window.open_opening_points(),
    }
    problems = []
    for name, dialog in dialogs.items():
        hint = dialog.sizeHint().expandedTo(dialog.minimumSizeHint()).expandedTo(dialog.minimumSize())
        if hint.width() > screen.width() or hint.height() > screen.height():
            problems.append(f"{name} wants {hint.toTuple()}")
        room = window_state.room_on_screen(dialog)  # the screen less the dialog's title bar and borders
        dialog.resize(hint.boundedTo(room))
        settle()
        assert dialog.size() == hint.boundedTo(room), name  # measured at the size meant, nothing else's
        shoot(dialog, shots / laptop / f"dialog-{name}.png")
        problems += [f"{name}: {problem}" for problem in cut_off(dialog)]
        dialog.close()
    assert new(problems) == []


def test_the_window_opens_maximised_on_a_laptop_and_never_larger_than_the_screen(demo_store, make_window, monkeypatch):
    monkeypatch.setattr(window_state, "available_size", lambda widget: QSize(1366, 728))
    window = make_window(demo_store, shown=False)
    assert window.windowState() & Qt.WindowState.WindowMaximized
    assert window.width() <= 1366 and window.height() <= 728


def test_on_a_large_screen_the_window_opens_at_its_default_size(demo_store, make_window, monkeypatch):
    monkeypatch.setattr(window_state, "available_size", lambda widget: QSize(1920, 1040))
    window = make_window(demo_store, shown=False)
    assert not window.windowState() & Qt.WindowState.WindowMaximized
    assert window.size() == QSize(1260, 800)


def test_a_dialog_is_capped_to_its_screen(app, qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialog

    monkeypatch.setattr(window_state, "available_size", lambda widget: QSize(1280, 680))
    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setMinimumSize(1400, 900)
    window_state.cap_to_screen(dialog)
    assert dialog.width() <= 1280 and dialog.height() <= 680


@pytest.mark.parametrize("laptop", ["1366x768", "1920x1080"])
def test_the_spare_width_goes_to_the_name_and_not_to_a_status_or_a_number(laptop, demo_window, shots):
    """积分细则's 状态 took the width the item names needed; the shop's balance stretched across the
    screen, far from the name it belongs to."""
    demo_window.resize(usable(LAPTOPS[laptop]))
    rules = demo_window.show_page("rules")
    settle()
    header = rules.table.horizontalHeader()
    names = [rules.model.row_at(row).name for row in range(rules.model.rowCount())]
    widest_name = max(header.fontMetrics().horizontalAdvance(name) for name in names)
    assert header.sectionSize(2) >= widest_name  # 项目名称: no name elided
    assert header.sectionSize(7) < header.fontMetrics().horizontalAdvance("在用，已使用") + 40  # 状态
    shop = demo_window.show_page("shop")
    settle()
    shoot(demo_window, shots / laptop / "shop-columns.png")
    header = shop.redeem_tab.table.horizontalHeader()
    assert header.sectionSize(0) > header.length() / 2  # 姓名
    assert header.sectionSize(4) < header.fontMetrics().horizontalAdvance("可兑换余额") + 40
