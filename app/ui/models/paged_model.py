"""A table of rows fetched from SQL a page at a time as the clerk scrolls (the roster, the ledger).

Only the first page is fetched when the query changes (a keystroke, a filter), so it costs one
query whether there are 70 rows or 70,000. Scrolling further calls `fetchMore`. The model never
queries the store itself: it asks its `fetch` function (the page's, which runs the query on the
database worker through `ctx.read`) and takes the page of rows when it is delivered on the UI
thread. An answer to a query that was replaced meanwhile is dropped; `rows_shown` fires once the
first page of a query is in.

A page is any object with `rows`, `total` (None: not counted) and `has_more`.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.ui.models.table_models import Column, cell_data, display_text, header_data

# fetch(query, offset, limit, with_total, deliver): ask for the rows; `deliver(page)` on the UI thread.
Fetch = Callable[[Any, int, int, bool, Callable[[Any], None]], None]


class PagedTableModel(QAbstractTableModel):
    rows_shown = Signal()  # the first page of the current query is in (after set_query)

    def __init__(self, columns: Sequence[Column], fetch: Fetch, query, page_size: int, parent=None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._columns = list(columns)
        self._page_size = page_size
        self._rows: list = []
        self._texts: list[tuple[str, ...]] = []  # display text per row, made once: a repaint asks thousands of times
        self._total: int | None = 0
        self._has_more = False
        self._changing = False
        self._asked = 0  # which query the answers belong to: an older one's are dropped
        self._fetching = False  # a further page is on its way
        self.query = query
        self.last_page = None  # the newest page delivered (its figures beside the rows, such as a sum)

    def page_size(self) -> int:
        return self._page_size

    @property
    def total(self) -> int | None:
        """How many rows match, None while unknown (more pages follow and nobody counted yet)."""
        return self._total

    def set_total(self, total: int) -> None:
        self._total = total

    def set_query(self, query, with_total: bool = False, keep_rows: bool = False) -> None:
        """Run the query again from the first page (after a keystroke, a filter, or a change);
        `keep_rows`: as many rows as are shown now, at least (the same query read again after a
        change: the rows the clerk scrolled to, and the one selected there, stay in reach)."""
        self._asked += 1
        asked = self._asked
        self.query = query  # asked for now, so a sort or a filter made before the answer builds on it
        self._fetching = False
        self._has_more = False  # until the answer: no further page of the rows still shown
        limit = max(self.page_size(), len(self._rows)) if keep_rows else self.page_size()
        self._fetch(query, 0, limit, with_total, lambda page: self._first_page(asked, page))

    def _first_page(self, asked: int, page) -> None:
        if asked != self._asked:
            return
        self.beginResetModel()
        self.last_page = page
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

    def clear(self) -> None:
        """No rows (the query failed); answers still on their way are dropped."""
        self._asked += 1
        self.beginResetModel()
        self._rows, self._texts, self._total, self._has_more, self._fetching = [], [], 0, False, False
        self.endResetModel()

    def fetch_failed(self) -> None:
        """The page's query failed: let a later scroll ask again."""
        self._fetching = False

    def reload(self) -> None:
        self.set_query(self.query, with_total=True)

    def row_at(self, row: int):
        return self._rows[row]

    def row_of(self, row_id) -> int:
        """Where the row whose `id` is `row_id` is among those fetched so far (-1: not fetched)."""
        return next((i for i, r in enumerate(self._rows) if r.id == row_id), -1)

    # -- Qt model interface

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def _row_texts(self, row) -> tuple[str, ...]:
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
        self._fetch(self.query, len(self._rows), self.page_size(), False, lambda page: self._more(asked, page))

    def _more(self, asked: int, page) -> None:
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
