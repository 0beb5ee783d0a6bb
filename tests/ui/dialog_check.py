"""Looking at a dialog as the clerk's laptop shows it (1366×768, 1280×720): sized as Qt sizes it there,
and what in it is cut off, squeezed or hidden; a screenshot of each. Used by test_dialog_sizes.py (the
village window's dialogs), test_dialog_sizes_start.py (before the window, a new database) and
test_dialog_sizes_township.py (the township's window), which take the `laptop` and `shots` fixtures from here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QLineEdit, QStyle, QStyleOptionComboBox, QStyleOptionFrame, QTableView, QWidget

from app.ui import window_state
from tests.ui.screen_check import LAPTOPS, TASK_BAR, cut_off, settle, shoot, usable


@pytest.fixture(params=["1366x768", "1280x720"])
def laptop(request, monkeypatch) -> QSize:
    """The usable part of a laptop's screen (less the task bar): every dialog shown is capped to it."""
    screen = usable(LAPTOPS[request.param])
    monkeypatch.setattr(window_state, "available_size", lambda _widget: screen)
    return screen


@pytest.fixture
def shots(tmp_path, laptop) -> Path:
    return Path(os.environ.get("DYJF_SCREENSHOTS") or tmp_path / "screenshots") / f"dialogs-{laptop.width()}"


def clipped_labels(top: QWidget) -> list[str]:
    """Labels narrower than their one line of text, or word-wrapped ones lower than their lines, and
    drop-down lists too narrow for the choice they show (Qt ends it in an ellipsis)."""
    problems = [f"QComboBox {box.currentText()!r} has {_text_room(box)} for it, needs {_text_width(box)}"
                for box in top.findChildren(QComboBox)
                if box.isVisible() and box.window() is top.window() and _text_room(box) < _text_width(box)]
    for label in top.findChildren(QLabel):
        if not label.isVisible() or not label.text() or label.window() is not top.window():
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if label.height() < needed - 2:
                problems.append(f"QLabel {label.text()!r} is {label.height()} high, its lines need {needed}")
        elif label.width() < label.minimumSizeHint().width() - 2:
            problems.append(f"QLabel {label.text()!r} is {label.width()} wide, needs {label.minimumSizeHint().width()}")
    return problems


def cut_placeholders(top: QWidget) -> list[str]:
    """Empty fields whose grey example ("如 …") is wider than the field: the clerk reads half a hint."""
    problems = []
    for edit in top.findChildren(QLineEdit):
        hint = edit.placeholderText()
        if not edit.isVisible() or edit.text() or not hint or edit.window() is not top.window():
            continue
        option = QStyleOptionFrame()
        edit.initStyleOption(option)
        room = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit).width() - 4
        if room < edit.fontMetrics().horizontalAdvance(hint):
            problems.append(f"QLineEdit {hint!r} has {room} for its example, needs {edit.fontMetrics().horizontalAdvance(hint)}")
    return problems


def squeezed_fields(top: QWidget) -> list[str]:
    """Fields lower than their text needs: a dialog that did not grow when a line appeared in it (the
    refusal under the first administrator's password) squeezed its rows instead, and the text in them."""
    return [f"{type(field).__name__} {field.objectName() or field.placeholderText()!r} is {field.height()} high, needs {field.sizeHint().height()}"
            for field in top.findChildren(QLineEdit)
            if field.isVisible() and field.window() is top.window() and field.height() < field.sizeHint().height() - 2
            and not isinstance(field.parentWidget(), (QAbstractSpinBox, QComboBox))]  # their own field, inside their frame


def _text_width(box: QComboBox) -> int:
    return box.fontMetrics().horizontalAdvance(box.currentText())


def _text_room(box: QComboBox) -> int:
    """The width the box gives its current choice (its field less the arrow and the frame)."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box)
    return field.width() - 2  # Qt draws the text one pixel in from each side


def elided_cells(top: QWidget) -> list[str]:
    """Table cells in view whose text is wider than their column: the item view ends them in "…"."""
    problems = []
    for table in top.findChildren(QTableView):
        if not table.isVisible() or table.window() is not top.window() or table.wordWrap():
            continue
        model, header, metrics = table.model(), table.horizontalHeader(), table.fontMetrics()
        rows_in_view = table.viewport().height() // max(table.verticalHeader().defaultSectionSize(), 1) + 1
        for row in range(min(model.rowCount(), rows_in_view)):
            for column in range(model.columnCount()):
                text = str(model.index(row, column).data() or "")
                if text and not header.isSectionHidden(column) and header.sectionSize(column) < metrics.horizontalAdvance(text) + 6:
                    problems.append(f"{type(table).__name__} row {row + 1} column {column + 1} {text!r} is elided")
    return problems


def short_tables(top: QWidget, fewest: int = 3) -> list[str]:
    """Tables that show fewer whole rows than they have and than `fewest`: 汇总各村备份 showed one village and
    half of the next of three, in a box to scroll."""
    problems = []
    for table in top.findChildren(QTableView):
        if not table.isVisible() or table.window() is not top.window():
            continue
        shown = table.viewport().height() // max(table.verticalHeader().defaultSectionSize(), 1)
        if shown < min(table.model().rowCount(), fewest):
            problems.append(f"{type(table).__name__} {table.objectName()!r} shows {shown} of its {table.model().rowCount()} rows")
    return problems


def size_as_on_the_laptop(dialog) -> None:
    """Give a dialog that Qt sized the size Qt gives it on the laptop. Qt sizes a dialog opened without a
    size of its own from its hint, with the height its lines need at that width, at most two thirds of
    the screen (QWidget::adjustSize). The tests' offscreen screen is 800×600, which made every such
    dialog 533 wide and its wrapped lines lower than they need."""
    if dialog.property("sized_for_the_laptop"):
        return  # sized when first looked at; another tab or kind chosen since keeps the size
    dialog.setProperty("sized_for_the_laptop", True)
    if dialog.size() == _size_qt_gives(dialog, dialog.screen().geometry().size()):  # not a size of its own
        dialog.resize(_size_qt_gives(dialog, laptop_screen(dialog)))


def laptop_screen(dialog) -> QSize:
    """The whole laptop screen the dialog opens on (`laptop` gives its usable part)."""
    usable_part = window_state.available_size(dialog)
    return QSize(usable_part.width(), usable_part.height() + TASK_BAR)


def _size_qt_gives(dialog, screen: QSize) -> QSize:
    size = dialog.sizeHint()
    layout = dialog.layout()
    if layout is not None and layout.hasHeightForWidth():
        size.setHeight(layout.totalHeightForWidth(size.width()))
    size = size.boundedTo(QSize(screen.width() * 2 // 3, screen.height() * 2 // 3))
    return size.expandedTo(dialog.minimumSize()).boundedTo(dialog.maximumSize())


def look(name: str, dialog, shots: Path) -> list[str]:
    """What is wrong with the open `dialog` as the clerk sees it; its screenshot is saved."""
    assert dialog is not None and dialog.isVisible(), name
    size_as_on_the_laptop(dialog)
    settle()
    shoot(dialog, shots / f"{name}.png")
    problems = []
    screen, frame = window_state.available_size(dialog), window_state.FRAME  # offscreen windows have no frame
    outside = QSize(dialog.width() + frame.left() + frame.right(), dialog.height() + frame.top() + frame.bottom())
    if outside.width() > screen.width() or outside.height() > screen.height():
        problems.append(f"is {dialog.size().toTuple()}, with its title bar and borders {outside.toTuple()}, larger than the screen")
    problems += cut_off(dialog) + clipped_labels(dialog) + cut_placeholders(dialog) + squeezed_fields(dialog) + elided_cells(dialog) + short_tables(dialog)
    return [f"{name}: {problem}" for problem in dict.fromkeys(problems)]


def look_and_close(name: str, dialog, shots: Path) -> list[str]:
    problems = look(name, dialog, shots)
    dialog.close()
    settle()
    return problems
