"""One member's year under the ranking: points month by month, by category, and the entries of a month;
beside the year's result, his shop balance and 双报到 hours."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.domain.enums import Category
from app.domain.errors import AppError
from app.domain.periods import Month
from app.domain.points import ZERO, format_points
from app.services.exports import tables as exports
from app.services.totals import ranking as totals
from app.services.ledger.queries import EntryFilter, list_entries
from app.services.charts.member import member_charts
from app.services.practice.member_year import member_practice_year
from app.ui.asking import Asker
from app.ui.charts.panel import ChartPanel
from app.ui.context import UiContext
from app.ui.controllers.excel_out import ExcelOut
from app.ui.errors import show_error
from app.ui.entry_rows import reversals_beside, row_colour
from app.ui.models.table_models import CENTER, RIGHT, Column, RowTableModel
from app.ui.widgets import hint_label, make_table, title_label


ENTRY_ROWS_SHOWN = 4  # a member's month holds two or three entries as a rule


class MemberDetail(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        self.member_id: uuid.UUID | None = None
        self.name = ""
        self.out = ExcelOut(ctx, self)
        self.year = ctx.today().year
        self.month_wanted: int | None = None
        self._entries = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        top = QHBoxLayout()
        self.title = title_label(self.tr("党员明细"))
        top.addWidget(self.title)
        self.summary = QLabel()
        self.summary.setWordWrap(True)  # a long year's result takes a second line rather than the title's room
        top.addWidget(self.summary, 1)
        self.export_button = QPushButton(self.tr("导出全年到Excel…"))
        self.export_button.clicked.connect(self.export_year)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        columns = [Column("", lambda r: r["label"])]
        columns += [Column(self.tr("{0}月").format(m), lambda r, m=m: r.get(m, ""), RIGHT) for m in range(1, 13)]
        columns.append(Column(self.tr("全年"), lambda r: r["year"], RIGHT))
        self.month_model = RowTableModel(columns, self)
        self.month_table = make_table(self)
        self.month_table.setModel(self.month_model)
        self.month_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self.month_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.month_table.horizontalHeader().setStretchLastSection(False)
        height = self.month_table.verticalHeader().defaultSectionSize() * 2 + self.month_table.horizontalHeader().sizeHint().height() + 6
        self.month_table.setFixedHeight(height)
        self.month_table.setObjectName("MemberDetail:months")  # two rows, always both shown
        self.month_table.selectionModel().selectionChanged.connect(self._show_month)
        layout.addWidget(self.month_table)
        self.tabs = QTabWidget(self)  # the month's entries, or the year as charts
        entries_tab = QWidget()
        entries_layout = QVBoxLayout(entries_tab)
        entries_layout.setContentsMargins(0, 4, 0, 0)
        self.charts = ChartPanel(ctx)
        self.tabs.addTab(entries_tab, self.tr("当月记录"))
        self.tabs.addTab(self.charts, self.tr("全年图表"))
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs, 1)
        # beside the tabs, not above the entries: on a 1366×768 laptop a line here was a row of entries
        self.entries_label = hint_label(self.tr("点上面的一个月份，查看当月的每一条记录。"))
        self.entries_label.setWordWrap(False)
        self.tabs.setCornerWidget(self.entries_label, Qt.Corner.TopRightCorner)
        self.entry_model = RowTableModel([
            Column(self.tr("日期"), lambda r: f"{r.occurred_on:%Y-%m-%d}", CENTER, colour=row_colour),
            Column(self.tr("项目"), lambda r: f"{r.item_code} {r.item_name}", colour=row_colour),
            Column(self.tr("分值"), lambda r: format_points(r.points), RIGHT, colour=row_colour),
            Column(self.tr("状态"), lambda r: (self.tr("冲正") if r.is_reversal else r.status.label), CENTER, colour=row_colour),
            Column(self.tr("事由"), lambda r: r.note, tooltip=lambda r: r.note, colour=row_colour),
        ], self)
        self.entry_table = make_table(self)
        self.entry_table.setObjectName("MemberDetail:entries")  # under its 当月记录 tab
        self.entry_table.setModel(self.entry_model)
        self.entry_table.setColumnWidth(1, self.entry_table.fontMetrics().height() * 12)  # a code and an item name
        # a month's few entries stay readable however little room the ranking above leaves
        header = self.entry_table.horizontalHeader().sizeHint().height()
        rows = self.entry_table.verticalHeader().defaultSectionSize() * ENTRY_ROWS_SHOWN
        self.entry_table.setMinimumHeight(header + rows + 2 * self.entry_table.frameWidth())
        entries_layout.addWidget(self.entry_table, 1)
        self.clear()

    def _tab_changed(self, index: int) -> None:
        """The charts show the months too: their table makes room for them while they are looked at."""
        on_entries = self.tabs.widget(index) is not self.charts
        self.month_table.setVisible(on_entries)
        self.entries_label.setVisible(on_entries)

    def clear(self) -> None:
        self.member_id = None
        self.export_button.setEnabled(False)
        self.title.setText(self.tr("党员明细"))
        self.summary.setText(self.tr("在上面的排名中点一名党员，查看他每月的积分和记录。"))
        self.month_model.set_rows([])
        self.entry_model.set_rows([])
        self.charts.clear(self.tr("在上面的排名中点一名党员，查看他全年的图表。"))

    def show_member(self, member_id: uuid.UUID, name: str, year: int, month: int | None = None) -> None:
        """Ask for the member's year on the database worker; shown when it comes, open on `month`
        (the month of the ranking he was chosen in) or else the last month so far."""
        self.member_id, self.year, self.name, self.month_wanted = member_id, year, name, month
        self.export_button.setEnabled(True)
        self.title.setText(self.tr("{0}　{1}年").format(name, year))
        store = self.ctx.store

        def ask(_control):
            return (member_id, totals.member_year(store, member_id, year), list_entries(store, EntryFilter(member_id=member_id, year=year)),
                    member_practice_year(store, member_id, year))

        self.asker.read(ask, self._show_year, on_problem=self._problem)
        today = self.ctx.today()
        up_to = Month(year, today.month) if year == today.year else None
        self.charts.show_charts(lambda _control: member_charts(store, member_id, year, up_to).charts)

    def _problem(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.summary.setText(exc.message)
        self.month_model.set_rows([])
        self.entry_model.set_rows([])

    def _show_year(self, answer) -> None:
        member_id, score, entries, practice = answer
        if member_id != self.member_id:  # cleared (or another member chosen) while it was being read
            return
        self._entries, year = entries, self.year
        parts = [self.tr("基础分 {0}").format(format_points(score.base_component))]
        for category in Category:
            if category is not Category.BASE and score.by_category.get(category, ZERO) != ZERO:
                parts.append(f"{category.label} {format_points(score.by_category[category])}")
        text = "　" + "，".join(parts) + self.tr("；年度累计 {0} 分，{1}").format(format_points(score.final_total), score.grade)
        if score.vetoed:
            text += self.tr("（一票否决）")
        self.summary.setText(text + self._practice_text(practice))
        last_month = 12 if year < self.ctx.today().year else self.ctx.today().month
        counts: dict[int, int] = {}
        for entry in self._entries:
            counts[entry.occurred_on.month] = counts.get(entry.occurred_on.month, 0) + 1
        points_row = {"label": self.tr("积分"), "year": format_points(sum((score.month_total(m) for m in range(1, 13)), ZERO))}
        count_row = {"label": self.tr("记录数"), "year": len(self._entries)}
        for month in range(1, last_month + 1):
            points_row[month] = format_points(score.month_total(month))
            count_row[month] = counts.get(month, 0)
        self.month_model.set_rows([points_row, count_row])
        self.select_month(min(self.month_wanted or last_month, last_month))

    def _practice_text(self, practice) -> str:
        """The shop balance and the 双报到 hours after the year's result, kept short: the title shares the row."""
        text = ""
        if practice.shop_balance is not None:
            text += self.tr("；超市可兑换 {0} 分").format(format_points(practice.shop_balance))
        dual = practice.dual
        if dual is not None:
            hours = format_points(dual.hours) + ("" if dual.threshold is None else "/" + format_points(dual.threshold))
            text += self.tr("；双报到 {0} 小时").format(hours)
            if dual.served is not None:
                text += self.tr("（已落实）") if dual.served else self.tr("（未落实）")
        return text

    def export_year(self) -> None:
        """The member's year out to .xlsx: each month by category, the year's result, every entry."""
        if self.member_id is None:
            return
        store, member_id, year, today = self.ctx.store, self.member_id, self.year, self.ctx.today()
        self.out.export(
            self.tr("导出党员全年积分"), self.tr("{0}{1}年积分.xlsx").format(self.name, year),
            lambda target, _control: exports.export_member_year(store, target, member_id, year, today=today),
            lambda count, target: self.tr("已导出{0} {1} 年的积分（{2} 条记录）到 {3}。").format(self.name, year, count, target),
        )

    def select_month(self, month: int) -> None:
        self.month_table.selectionModel().select(
            self.month_model.index(0, month),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Columns,
        )

    def _show_month(self) -> None:
        columns = self.month_table.selectionModel().selectedColumns()
        month = columns[0].column() if columns else 0
        if not 1 <= month <= 12:
            self.entry_model.set_rows([])
            return
        picked = [e for e in self._entries if e.occurred_on.month == month]
        self.entry_model.set_rows(reversals_beside(picked))
        self.entries_label.setText(
            self.tr("{0}的记录 {1} 条（含待审核；灰色为已驳回或已被冲正，蓝色为冲正记录）").format(Month(self.year, month).label, len(picked))
        )
