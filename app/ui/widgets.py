"""Small widgets every page uses: tables set up the same way, date fields, hint and error labels."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from app.domain.errors import ValidationError
from app.services.roster.cells import parse_date_text

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

MAX_FITTED_COLUMN = 260
# rows a column is fitted to (the first ones on screen and a few screens more): Qt asks every cell
# of all of them, which for a ledger page of 200 rows took 0.2 s of the page's first showing
FITTED_ROWS = 50


def make_table(parent: QWidget | None = None, multi_select: bool = False) -> QTableView:
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection if multi_select else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setMinimumSectionSize(48)
    return view



def selected_row(view: QTableView):
    """The record behind the first selected row of a table whose model has `row_at`, or None."""
    rows = view.selectionModel().selectedRows()
    return view.model().row_at(rows[0].row()) if rows else None


def select_row_where(view: QTableView, matches) -> bool:
    """Select the first row whose record `matches`; False when none does."""
    model = view.model()
    for index in range(model.rowCount()):
        if matches(model.row_at(index)):
            view.selectRow(index)
            return True
    return False

def fit_columns(view: QTableView, widest: int = MAX_FITTED_COLUMN) -> None:
    """Columns as wide as their header and contents (the header text always fits), within reason:
    the contents of the rows in view and about FITTED_ROWS in all; a wider cell further down is
    elided, as one wider than `widest` is."""
    view.horizontalHeader().setResizeContentsPrecision(FITTED_ROWS)
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    metrics = header.fontMetrics()
    model = view.model()
    for section in range(header.count()):
        title = str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        needed = metrics.horizontalAdvance(title) + 28
        width = max(header.sectionSize(section), needed)
        header.resizeSection(section, min(width, max(widest, needed)))


def stretch_column(view: QTableView, column: int) -> None:
    """Give the table's spare width to `column` (a name, a note) rather than to the last one: a
    status or a number stretched across the screen sits far from the row it belongs to. Call it
    after `remember_table`, whose saved state would bring back the last column's stretch."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #555;")
    return label


def error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("errorLabel")
    label.setStyleSheet("color: #C00000;")
    label.setVisible(False)
    return label


def show_problem(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    if text:
        make_room(label)


def make_room(widget: QWidget) -> None:
    """Grow the open dialog that `widget` is in to the height its rows need at its width, once a line has
    appeared in it (a refusal, the recovery code). Qt grows a window only to its layout's minimum, which
    counts a word-wrapped text as one line: the rows were squeezed instead, the recovery code cut in half."""
    dialog = widget.window()
    layout = dialog.layout()
    if not isinstance(dialog, QDialog) or layout is None or not dialog.isVisible() or not layout.hasHeightForWidth():
        return
    layout.activate()
    needed = layout.totalHeightForWidth(dialog.width())
    if dialog.height() < needed:
        dialog.resize(dialog.width(), needed)  # never past the screen: the dialog's maximum is the screen's


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


def search_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.setMinimumWidth(220)
    return edit


def focus_shortcut(owner: QWidget, sequence: QKeySequence | str, target: QWidget) -> QShortcut:
    shortcut = QShortcut(QKeySequence(sequence), owner)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(lambda: (target.setFocus(Qt.FocusReason.ShortcutFocusReason), getattr(target, "selectAll", lambda: None)()))
    return shortcut


class DateField(QLineEdit):
    """An optional date typed the way clerks write it (2001-07-01, 2001/7/1, 2001年7月1日)."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.setPlaceholderText(translate("widgets", "如 2001-07-01"))
        self.setMaximumWidth(160)

    def date_value(self) -> date | None:
        """The date, None when empty; ValidationError naming the field when it cannot be read."""
        return parse_date_text(self.text(), self.label)

    def set_date(self, value: date | None) -> None:
        self.setText(f"{value:%Y-%m-%d}" if value else "")


def calendar_edit(value: date) -> QDateEdit:
    """A required date with a calendar drop-down, shown as 2026-11-23."""
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def date_of(edit: QDateEdit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


class EnumBox(QComboBox):
    """A drop-down of an enum's Chinese labels. (Qt hands a StrEnum back as a plain str; this gives the member.)"""

    def __init__(self, enum_cls, members=None, none_label: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enum_cls = enum_cls
        if none_label is not None:
            self.addItem(none_label, None)
        for member in members if members is not None else enum_cls:
            self.addItem(member.label, member.value)

    def current(self):
        value = self.currentData()
        return None if value is None else self.enum_cls(value)

    def set_current(self, member) -> None:
        index = self.findData(member.value) if member is not None else self.findData(None)
        self.setCurrentIndex(max(index, 0))


class IdBox(QComboBox):
    """A drop-down of records by id (党小组 …). Ids are kept as text, so finding one again works."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # as wide as its longest choice whenever it is filled: the choices arrive from the database
        # after the page is first shown, when Qt's default sizes the box once, empty ("全部党小" cut)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def add_id(self, label: str, record_id: uuid.UUID | None) -> None:
        self.addItem(label, None if record_id is None else str(record_id))

    def current_id(self) -> uuid.UUID | None:
        value = self.currentData()
        return uuid.UUID(value) if value else None

    def set_current_id(self, record_id: uuid.UUID | None) -> bool:
        index = self.findData(str(record_id)) if record_id else 0
        self.setCurrentIndex(max(index, 0))
        return index >= 0

    def fill(self, first_label: str, records) -> None:
        """Replace the choices by `first_label` (no id) and (label, id) pairs, keeping the current one."""
        chosen = self.current_id()
        self.blockSignals(True)
        self.clear()
        self.add_id(first_label, None)
        for label, record_id in records:
            self.add_id(label, record_id)
        self.set_current_id(chosen)
        self.blockSignals(False)


def dialog_buttons(ok_text: str, on_ok, on_cancel, cancel_text: str | None = None) -> tuple[QDialogButtonBox, QPushButton]:
    """OK and Cancel in Chinese whatever Qt translation is loaded; the OK button says what it does.

    `cancel_text` replaces 取消 where nothing is left to cancel (关闭).
    """
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok_button.setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text or translate("widgets", "取消"))
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons, ok_button
