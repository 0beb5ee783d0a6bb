"""The roster table: pages of rows fetched from SQL as the clerk scrolls, sorted by SQL.

Only the first page (100 rows) is fetched when the search text changes, so a keystroke costs
one query whether the branch has 70 members or 70,000. Scrolling further calls `fetchMore`.
The number of matches is known at once when it fits on the page; otherwise the page asks for
it separately (`set_total`), after the clerk stops typing.

The model never queries the store itself: it asks its `fetch` function (the page's, which runs
the query on the database worker through `ctx.read`) and takes the page of rows when it is
delivered on the UI thread. An answer to a query that was replaced meanwhile (a new keystroke,
another sort) is dropped; `rows_shown` fires once the first page of a query is in.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.domain.points import format_points
from app.services.roster.queries import RosterPage, RosterQuery, RosterRow
from app.ui.models.table_models import CENTER, RIGHT, Column, cell_data, display_text, header_data

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

PAGE_SIZE = 100
# fetch(query, offset, limit, with_total, deliver): ask for the rows; `deliver(page)` on the UI thread.
Fetch = Callable[[RosterQuery, int, int, bool, Callable[[RosterPage], None]], None]


def _date(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def roster_columns() -> list[tuple[str, Column]]:
    """(SQL sort key, column) in display order."""
    return [
        ("name", Column(translate("RosterTableModel", "姓名"), lambda r: r.name)),
        ("gender", Column(translate("RosterTableModel", "性别"), lambda r: r.gender.label if r.gender else "", CENTER)),
        ("group", Column(translate("RosterTableModel", "党小组"), lambda r: r.group_name)),
        ("member_class", Column(translate("RosterTableModel", "党员类别"), lambda r: r.member_class.label)),
        ("membership", Column(translate("RosterTableModel", "正式/预备"), lambda r: r.membership.label,
                              colour=lambda r: "#B35C00" if r.membership.value == "probationary" else None)),
        ("join_date", Column(translate("RosterTableModel", "入党日期"), lambda r: _date(r.join_date), CENTER)),
        ("month_points", Column(translate("RosterTableModel", "本月得分"), lambda r: format_points(r.month_points), RIGHT,
                                header_tooltip=translate("RosterTableModel", "本月已审核积分记录的合计（不含基础分）"))),
        ("year_points", Column(translate("RosterTableModel", "本年得分"), lambda r: format_points(r.year_points), RIGHT,
                               header_tooltip=translate("RosterTableModel", "今年已审核积分记录的合计（不含基础分）；年度总分见“积分统计”"))),
        ("flags", Column(translate("RosterTableModel", "标记"), lambda r: "、".join(r.flags),
                         colour=lambda r: "#C00000" if r.vetoed or r.status.value != "active" else None)),
    ]


class RosterTableModel(QAbstractTableModel):
    rows_shown = Signal()  # the first page of the current query is in (after set_query)

    def __init__(self, fetch: Fetch, parent=None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        spec = roster_columns()
        self._sort_keys = [key for key, _ in spec]
        self._columns = [column for _, column in spec]
        self._rows: list[RosterRow] = []
        self._texts: list[tuple[str, ...]] = []  # display text per row, made once: a repaint asks thousands of times
        self._total: int | None = 0
        self._has_more = False
        self._changing = False
        self._asked = 0  # which query the answers belong to: an older one's are dropped
        self._fetching = False  # a further page is on its way
        self.query = RosterQuery()

    @property
    def total(self) -> int | None:
        """How many members match, None while unknown (more pages follow and nobody counted yet)."""
        return self._total

    def set_total(self, total: int) -> None:
        self._total = total

    def set_query(self, query: RosterQuery, with_total: bool = False) -> None:
        """Run the query again from the first page (after a keystroke, a filter, or a change)."""
        self._asked += 1
        asked = self._asked
        self.query = query  # asked for now, so a sort or a filter made before the answer builds on it
        self._fetching = False
        self._has_more = False  # until the answer: no further page of the rows still shown
        self._fetch(query, 0, PAGE_SIZE, with_total, lambda page: self._first_page(asked, page))

    def _first_page(self, asked: int, page: RosterPage) -> None:
        if asked != self._asked:
            return
        self.beginResetModel()
        self._rows = list(page.rows)
        self._texts = [self._row_texts(row) for row in self._rows]
        self._total = page.total
        self._has_more = page.has_more
        # Listeners (views, QAbstractItemModelTester) may ask for more rows while a change is still
        # being announced; fetching then would nest two changes, so it waits for the next call.
        self._changing = True
        try:
            self.endResetModel()
        finally:
            self._changing = False
        self.rows_shown.emit()

    def fetch_failed(self) -> None:
        """The page's query failed: let a later scroll ask again."""
        self._fetching = False

    def reload(self) -> None:
        self.set_query(self.query, with_total=True)

    def row_at(self, row: int) -> RosterRow:
        return self._rows[row]

    def row_of(self, member_id) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == member_id), -1)

    def sort_key(self, column: int) -> str:
        return self._sort_keys[column]

    # -- Qt model interface

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def _row_texts(self, row: RosterRow) -> tuple[str, ...]:
        return tuple(display_text(column.value(row)) for column in self._columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._rows) or not 0 <= column < len(self._columns) or not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][column]
        return cell_data(self._columns[column], self._rows[row], role)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        return header_data(self._columns, section, orientation, role)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._changing and not self._fetching and self._has_more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        asked = self._asked
        self._fetch(self.query, len(self._rows), PAGE_SIZE, False, lambda page: self._more(asked, page))

    def _more(self, asked: int, page: RosterPage) -> None:
        if asked != self._asked:
            return
        self._fetching = False
        self._has_more = page.has_more
        if page.total is not None:
            self._total = page.total
        if not page.rows:
            return
        self._changing = True
        try:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._texts.extend(self._row_texts(row) for row in page.rows)
            self.endInsertRows()
        finally:
            self._changing = False

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self.query, sort=self._sort_keys[column], descending=descending))
