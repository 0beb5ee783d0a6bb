"""The attendance grid of a meeting: one row per member, the status editable, its effect shown."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate

from app.domain.enums import Attendance, MemberClass
from app.ui.models.table_models import CENTER, LEFT

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

STATUS_COLOURS = {Attendance.PRESENT: "#375623", Attendance.EXCUSED: "#1F4E79", Attendance.ABSENT: "#C00000", Attendance.LATE: "#B35C00"}
STATUS_COLUMN = 3
EFFECT_COLUMN = STATUS_COLUMN + 1


@dataclass
class AttendanceRow:
    member_id: uuid.UUID
    name: str
    group_name: str
    member_class: MemberClass
    status: Attendance = Attendance.PRESENT
    # what saving would record for him under each status (meeting_outlook.attendance_outlook)
    outlooks: dict = field(default_factory=dict, compare=False, repr=False)


class AttendanceModel(QAbstractTableModel):
    def __init__(
        self, effect: Callable[[AttendanceRow], str], parent=None, effect_colour: Callable[[AttendanceRow], str | None] | None = None
    ) -> None:
        super().__init__(parent)
        self._effect = effect
        self._effect_colour = effect_colour or (lambda _row: None)
        self._rows: list[AttendanceRow] = []
        self._headers = [translate("AttendanceModel", "姓名"), translate("AttendanceModel", "党小组"), translate("AttendanceModel", "类别"), translate("AttendanceModel", "考勤"), translate("AttendanceModel", "将记分")]

    def set_rows(self, rows: list[AttendanceRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[AttendanceRow]:
        return list(self._rows)

    def attendance(self) -> dict[uuid.UUID, Attendance]:
        return {row.member_id: row.status for row in self._rows}

    def counts(self) -> Counter:
        return Counter(row.status for row in self._rows)

    def set_status(self, rows: list[int], status: Attendance) -> None:
        for row in rows:
            if 0 <= row < len(self._rows):
                self._rows[row].status = status
        if rows:
            self.dataChanged.emit(self.index(min(rows), STATUS_COLUMN), self.index(max(rows), EFFECT_COLUMN))

    def remove_rows(self, rows: list[int]) -> None:
        """Members not expected at this meeting, taken off its list."""
        kept = set(range(len(self._rows))) - set(rows)
        if len(kept) < len(self._rows):
            self.beginResetModel()
            self._rows = [row for at, row in enumerate(self._rows) if at in kept]
            self.endResetModel()

    def set_status_of(self, name: str, status: Attendance) -> None:
        self.set_status([i for i, row in enumerate(self._rows) if row.name == name], status)

    def effects_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, EFFECT_COLUMN), self.index(len(self._rows) - 1, EFFECT_COLUMN))

    # -- Qt model interface

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self._headers):
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            values = (row.name, row.group_name, row.member_class.label, row.status.label, self._effect(row))
            return values[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == EFFECT_COLUMN:
            return self._effect(row)  # the whole sentence, should the column be narrower than it
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((CENTER if column == STATUS_COLUMN else LEFT).value)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            return QBrush(QColor(STATUS_COLOURS[row.status]))
        if role == Qt.ItemDataRole.ForegroundRole and column == EFFECT_COLUMN:
            colour = self._effect_colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != STATUS_COLUMN or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            status = value if isinstance(value, Attendance) else Attendance.from_label_or_value(str(value))
        except ValueError:
            return False
        self._rows[index.row()].status = status
        self.dataChanged.emit(index, self.index(index.row(), EFFECT_COLUMN))
        return True

    def flags(self, index: QModelIndex | QPersistentModelIndex):
        base = super().flags(index)
        if index.isValid() and index.column() == STATUS_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._headers):
            return self._headers[section]
        return None


class AttendanceDelegate(QStyledItemDelegate):
    """A drop-down of 出席 / 请假 / 缺席 / 迟到/早退 in the 考勤 column."""

    def createEditor(self, parent, option, index):
        editor = QComboBox(parent)
        for status in Attendance:
            editor.addItem(status.label, status)
        return editor

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(0, editor.findText(str(index.data()))))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
