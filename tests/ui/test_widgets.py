"""Shared table helpers (app/ui/widgets.py)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from app.ui.widgets import FITTED_ROWS, MAX_FITTED_COLUMN, fit_columns


class _CountingModel(QAbstractTableModel):
    """200 rows of 3 columns; remembers which rows Qt asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.rows_asked: set[int] = set()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else 200

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 3

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        self.rows_asked.add(index.row())
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if index.column() == 1 and index.row() == 3:
            return "村道硬化项目义务劳动两天"  # the widest cell of the first rows
        return "张三" if index.column() == 0 else "2"

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("姓名", "事由", "分值")[section]
        return None


def test_columns_are_fitted_to_the_first_rows_not_every_row(qtbot):
    """A page of 200 rows: the columns fit what the first rows show, and Qt is not made to
    measure every cell of the page (0.2 s of a ledger page's first showing)."""
    model, view = _CountingModel(), QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    model.rows_asked.clear()
    fit_columns(view)
    assert 0 in model.rows_asked and max(model.rows_asked) < FITTED_ROWS + 30, sorted(model.rows_asked)[-5:]
    metrics = view.fontMetrics()
    needed = metrics.horizontalAdvance("村道硬化项目义务劳动两天")
    assert needed <= view.columnWidth(1) <= MAX_FITTED_COLUMN
    assert view.columnWidth(0) >= view.horizontalHeader().fontMetrics().horizontalAdvance("姓名")
