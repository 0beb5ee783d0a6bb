"""The roster table: pages of rows fetched from SQL as the clerk scrolls (PagedTableModel), sorted by SQL.

Only the first page (100 rows) is fetched when the search text changes, so a keystroke costs
one query whether the branch has 70 members or 70,000. The number of matches is known at once
when it fits on the page; otherwise the page asks for it separately (`set_total`), after the
clerk stops typing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt

from app.domain.points import format_points
from app.services.roster.queries import RosterPage, RosterQuery
from app.ui.models.paged_model import PagedTableModel
from app.ui.models.table_models import CENTER, RIGHT, Column

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


class RosterTableModel(PagedTableModel):
    """The roster: sorted by SQL on the column clicked."""

    def __init__(self, fetch: Fetch, parent=None) -> None:
        spec = roster_columns()
        super().__init__([column for _, column in spec], fetch, RosterQuery(), PAGE_SIZE, parent)
        self._sort_keys = [key for key, _ in spec]

    def page_size(self) -> int:
        return PAGE_SIZE  # read when asked: tests make the pages small

    def sort_key(self, column: int) -> str:
        return self._sort_keys[column]

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self.query, sort=self._sort_keys[column], descending=descending))
