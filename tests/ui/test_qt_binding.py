"""The Qt binding keeps Python's reference counts.

PySide6 6.12.0's wheels, on Python 3.11 (where None is not immortal), returned None from void
methods without a new reference: each call lowered None's count by one, and a few thousand
calls into a clerk's session the interpreter aborted with "none_dealloc". pyproject keeps the
binding below 6.12; this test fails on any release with that fault.
"""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel, QPushButton

pytestmark = pytest.mark.gui

CALLS = 5_000
SLACK = 50  # what the test's own frames and the event machinery may move the count by


def _count_change(call) -> int:
    gc.collect()  # garbage freed during the loop would lower the count rightly
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            call()
        return sys.getrefcount(None) - before
    finally:
        gc.enable()


def test_void_widget_calls_leave_none_its_references(qtbot):
    label, button = QLabel(), QPushButton()
    qtbot.addWidget(label)
    qtbot.addWidget(button)
    assert _count_change(lambda: label.setText("第一党小组")) > -SLACK
    assert _count_change(lambda: button.setEnabled(True)) > -SLACK


def test_void_painter_calls_leave_none_its_references():
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        rect = QRectF(1, 1, 5, 5)
        assert _count_change(lambda: painter.drawRect(rect)) > -SLACK
    finally:
        painter.end()
