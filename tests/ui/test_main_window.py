"""The window offscreen: Chinese drawn with the bundled font, the ranking filled in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtGui import QFontInfo
from PySide6.QtTest import QAbstractItemModelTester

from app.services import demo
from app.ui.app import make_application
from app.ui.main_window import MainWindow
from conftest import TODAY

pytestmark = pytest.mark.gui


@pytest.fixture
def app(qapp):
    return make_application()


def test_empty_database_offers_demo_then_shows_the_ranking(app, qtbot, store, admin):
    window = MainWindow(store, admin, today=TODAY)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 0
    assert window.demo_button.isVisibleTo(window)
    window.demo_button.click()
    assert window.model.rowCount() == 36
    assert not window.demo_button.isVisibleTo(window)
    assert "红星村党支部" in window.branch_label.text()
    QAbstractItemModelTester(window.model, QAbstractItemModelTester.FailureReportingMode.Fatal)


def test_switching_to_a_month_ranks_that_month(app, qtbot, store, admin):
    demo.create_demo_branch(store, admin, today=TODAY)
    window = MainWindow(store, admin, today=TODAY)
    qtbot.addWidget(window)
    window.period_box.setCurrentIndex(1)
    assert "2026年11月" in window.statusBar().currentMessage()


def test_chinese_is_drawn_with_the_bundled_font(app, qtbot, store, admin):
    window = MainWindow(store, admin, today=TODAY)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    label = window.branch_label
    assert QFontInfo(label.font()).family() == "LXGW WenKai"
    image = label.grab().toImage()
    dark = sum(
        1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2) if image.pixelColor(x, y).lightness() < 128
    )
    assert dark > 50, "the Chinese label rendered blank"
