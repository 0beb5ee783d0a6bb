"""Looking at the window as the clerk's laptop shows it: every page and tab at a given size, what is
cut off, and a screenshot of each (used by test_screen_sizes.py and by the help page's pictures)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QLabel, QTableView, QTabWidget, QWidget

LAPTOPS = {"1366x768": QSize(1366, 768), "1280x720": QSize(1280, 720), "1920x1080": QSize(1920, 1080)}
TASK_BAR = 40  # Windows' task bar takes this much of the screen's height


def usable(screen: QSize) -> QSize:
    return QSize(screen.width(), screen.height() - TASK_BAR)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def views(widget: QWidget):
    """(name, show) for the widget itself and every tab of every tab widget in it, outermost first."""
    yield "", lambda: None
    for tabs in widget.findChildren(QTabWidget):
        for index in range(tabs.count()):
            yield f"-{index + 1}", (lambda t=tabs, i=index: t.setCurrentIndex(i))


def cut_off(top: QWidget) -> list[str]:
    """The visible widgets that extend past `top`, and the buttons narrower than their own text."""
    frame = top.rect()
    problems = []
    for widget in top.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not top.window() or _inside_scrolled(widget, top):
            continue  # a dialog open over `top` (the recovery sheet over 账号管理) is checked on its own
        rect = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
        label = f"{type(widget).__name__} {widget.objectName() or _text(widget)!r}"
        if not frame.contains(rect):
            problems.append(f"{label} at {rect.getRect()} past {frame.size().toTuple()}")
        if isinstance(widget, QLabel) and widget.text() and not widget.wordWrap():
            if widget.height() < widget.minimumSizeHint().height() - 2:
                problems.append(f"{label} is {widget.height()} high, needs {widget.minimumSizeHint().height()}")
        if isinstance(widget, QAbstractButton) and widget.text():
            hint = widget.sizeHint()
            if widget.width() < hint.width() - 2 or widget.height() < hint.height() - 4:
                problems.append(f"{label} is {widget.size().toTuple()}, needs {hint.toTuple()}")
    return problems


def _inside_scrolled(widget: QWidget, top: QWidget) -> bool:
    """Children of a scroll area's or an item view's viewport may lie outside it: they scroll."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractItemView) or parent.objectName() == "qt_scrollarea_viewport":
            return True
        parent = parent.parentWidget()
    return False


def _text(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return text() if callable(text) else ""


def table_rows(top: QWidget) -> list[tuple[str, int]]:
    """How many rows each visible table shows without scrolling."""
    found = []
    for table in top.findChildren(QTableView):
        if table.isVisible():
            row = max(table.verticalHeader().defaultSectionSize(), 1)
            found.append((table.objectName() or type(table.parentWidget()).__name__, table.viewport().height() // row))
    return found


def shoot(widget: QWidget, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(path)), path
    return path
