"""Thin Qt adapters over plain rows (never live ORM objects).

A column is a header and a function of the row; optional extras give the alignment (numbers
right-aligned), a tooltip, and a colour. `RowTableModel` holds a list of plain rows;
models that page through SQL live in app/ui/models/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the plain row object behind a table line

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[object], object]
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[object], str] | None = None
    header_tooltip: str = ""
    colour: Callable[[object], str | None] | None = None  # "#RRGGBB" or None

    @property
    def align_value(self) -> int:
        return int(self.align.value)


def as_column(spec) -> Column:
    return spec if isinstance(spec, Column) else Column(spec[0], spec[1])


def display_text(value) -> str:
    return "" if value is None else str(value)


class RowTableModel(QAbstractTableModel):
    """Columns are `Column`s (or (header, value-of-row) pairs); rows are any plain objects."""

    def __init__(self, columns: Sequence, parent=None) -> None:
        super().__init__(parent)
        self._columns = [as_column(c) for c in columns]
        self._rows: list = []

    def set_rows(self, rows: Sequence) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list:
        return list(self._rows)

    def relabel(self, columns: Sequence) -> None:
        """The same columns under other headers (a model reset would lose the widths the clerk set)."""
        relabelled = [as_column(c) for c in columns]
        if len(relabelled) != len(self._columns):
            raise ValueError("relabel keeps the number of columns")
        self._columns = relabelled
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(relabelled) - 1)

    def row_at(self, row: int):
        return self._rows[row]

    def column(self, section: int) -> Column:
        return self._columns[section]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self._columns):
            return None
        return cell_data(self._columns[index.column()], self._rows[index.row()], role)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        return header_data(self._columns, section, orientation, role)


def cell_data(column: Column, row, role):
    if role == Qt.ItemDataRole.DisplayRole:
        return display_text(column.value(row))
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return column.align_value
    if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
        return column.tooltip(row) or None
    if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
        colour = column.colour(row)
        return QBrush(QColor(colour)) if colour else None
    if role == ROW_ROLE:
        return row
    return None


def header_data(columns: Sequence[Column], section: int, orientation, role):
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return columns[section].header
    if role == Qt.ItemDataRole.ToolTipRole and columns[section].header_tooltip:
        return columns[section].header_tooltip
    return None
