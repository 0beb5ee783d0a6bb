"""待审核: long item names are elided in the middle, the whole name in the tooltip (issue 10)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.ui.pages.review_tab import ITEM_COLUMN

pytestmark = pytest.mark.gui


def test_the_item_column_keeps_both_ends_of_a_long_name_and_shows_it_whole_on_hover(demo_window):
    review = demo_window.show_page("ledger").review
    review.refresh()
    assert review.model.rowCount() > 0
    assert review.table.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert review.table.columnWidth(ITEM_COLUMN) >= min(review.table.sizeHintForColumn(ITEM_COLUMN), 420)
    index = review.model.index(0, ITEM_COLUMN)
    assert review.model.data(index, Qt.ItemDataRole.ToolTipRole) == review.model.row_at(0).item_name
