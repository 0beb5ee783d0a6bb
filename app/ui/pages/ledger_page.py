"""积分台账 and 待审核: every entry with filters, reversal with a reason, and the review queue."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QTabWidget, QVBoxLayout, QWidget

from app.domain.enums import EntryStatus
from app.domain.errors import AppError
from app.domain.periods import Month
from app.domain.points import format_points
from app.services.exports import tables as exports
from app.services.ledger import entries as ledger
from app.services.rules import rulesets
from app.services.ledger.queries import PAGE_ROWS, EntryFilter, EntryPage, EntryRow, entry_page
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.controllers.excel_out import ExcelOut
from app.ui.dialogs.reason_dialog import ReasonDialog
from app.ui.errors import show_error
from app.ui.entry_rows import entry_columns
from app.ui.pages.base import Page
from app.ui.pages.review_tab import ReviewTab
from app.ui.models.paged_model import PagedTableModel
from app.ui.widgets import EnumBox, hint_label, make_table, search_edit


class LedgerPage(Page):
    depends_on = Kind.LEDGER | Kind.ROSTER | Kind.RULES  # the entries, their members' names, the items to filter by

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("积分台账")
        self._wanted_entry = None  # the entry to select once the entries come back
        self._keep = None  # the entry selected when the rows were replaced, selected again among the new
        self.out = ExcelOut(ctx, self)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        entries = QWidget()
        self._entries_tab(entries)
        self.review = ReviewTab(ctx)
        self.review.rows_shown.connect(self._update_review_title)
        self.tabs.addTab(entries, self.tr("全部记录"))
        self.tabs.addTab(self.review, self.tr("待审核"))
        layout.addWidget(self.tabs)
        self.ctx.remember_table(self.table, "ledger")

    def _entries_tab(self, tab: QWidget) -> None:
        layout = QVBoxLayout(tab)
        filters = QHBoxLayout()
        self.search = search_edit(self.tr("党员姓名或拼音首字母"))
        self.search.setMinimumWidth(170)
        self.search.textChanged.connect(self.reload)
        filters.addWidget(self.search)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(self.ctx.today().year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.valueChanged.connect(self._year_changed)
        filters.addWidget(self.year_spin)
        self.month_box = QComboBox()
        self.month_box.addItem(self.tr("全年"), None)
        for month in range(1, 13):
            self.month_box.addItem(self.tr("{0}月").format(month), month)
        self.month_box.currentIndexChanged.connect(self.reload)
        filters.addWidget(self.month_box)
        self.item_box = QComboBox()
        self.item_box.setMinimumWidth(200)
        self.item_box.currentIndexChanged.connect(self.reload)
        filters.addWidget(self.item_box)
        self.status_box = EnumBox(EntryStatus, none_label=self.tr("全部状态"))
        self.status_box.currentIndexChanged.connect(self.reload)
        filters.addWidget(self.status_box)
        filters.addStretch(1)
        self.count_label = QLabel()
        filters.addWidget(self.count_label)
        layout.addLayout(filters)
        # a page at a time as the clerk scrolls: a county's branch has 52,000 entries a year
        self.model = PagedTableModel(entry_columns(), self._fetch_page, EntryFilter(), PAGE_ROWS, self)
        self.model.rows_shown.connect(self._show_rows)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.table = make_table(self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.addWidget(hint_label(self.tr("记录不能修改或删除。已审核的记录有错，用“冲正”生成一条相反的记录并写明原因；冲正记录显示在原记录下面。")), 1)
        self.reverse_button = QPushButton(self.tr("冲正…"))
        self.reverse_button.clicked.connect(self.reverse_selected)
        self.reverse_button.setVisible(self.ctx.can_review)
        actions.addWidget(self.reverse_button)
        self.export_button = QPushButton(self.tr("导出Excel…"))
        self.export_button.clicked.connect(self.export_entries)
        actions.addWidget(self.export_button)
        layout.addLayout(actions)

    # -- data

    def refresh(self) -> None:
        self._load_items()
        self.reload(keep_rows=True)
        self.review.refresh()

    def _update_review_title(self) -> None:
        count = self.review.model.rowCount()
        self.tabs.setTabText(1, self.tr("待审核（{0}）").format(count) if count else self.tr("待审核"))

    def _year_changed(self) -> None:
        self._load_items()
        self.reload()

    def _load_items(self) -> None:
        store, year = self.ctx.store, self.year_spin.value()

        def ask(_control) -> list[tuple[str, str]]:
            try:
                return [(f"{item.code} {item.name}", item.code) for item in rulesets.get_rule_set(store, year).rule_set.items]
            except AppError:
                return []

        self.read(ask, self._show_items, key="items")

    def _show_items(self, items: list[tuple[str, str]]) -> None:
        chosen = self.item_box.currentData()
        self.item_box.blockSignals(True)
        self.item_box.clear()
        self.item_box.addItem(self.tr("全部项目"), None)
        for label, code in items:
            self.item_box.addItem(label, code)
        self.item_box.setCurrentIndex(max(0, self.item_box.findData(chosen)) if chosen else 0)
        self.item_box.blockSignals(False)
        if self.item_box.currentData() != chosen:  # the item filtered by is not in this year's rules
            self.reload()

    def entry_filter(self) -> EntryFilter:
        month = self.month_box.currentData()
        return EntryFilter(
            year=self.year_spin.value(),
            month=Month(self.year_spin.value(), month) if month else None,
            item_code=self.item_box.currentData(),
            status=self.status_box.current(),
        )

    def reload(self, *, keep_rows: bool = False) -> None:
        """Read the entries again: from the first page after a filter changed, as far as the clerk
        had scrolled after the data changed (`keep_rows`)."""
        self.model.set_query(replace(self.entry_filter(), search=self.search.text().strip()), with_total=True, keep_rows=keep_rows)

    def _remember_selection(self) -> None:
        """The rows are about to be replaced: the entry selected now is selected again among the new."""
        selected = self.selected_entry()
        self._keep = selected.id if selected else None

    def _fetch_page(self, query: EntryFilter, offset: int, limit: int, with_total: bool, deliver) -> None:
        store, more = self.ctx.store, offset > 0

        def failed(exc: BaseException) -> None:
            if not more:
                self._rows_problem(exc)
                return
            self.model.fetch_failed()  # the rows shown stay; scrolling asks again
            if isinstance(exc, AppError):
                self.count_label.setText(exc.message)
            else:
                show_error(self, exc)

        self.read(lambda _control: entry_page(store, query, offset, limit, with_total), deliver,
                  key="more" if more else "rows", on_problem=failed)

    def _rows_problem(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.model.clear()
        self.count_label.setText(exc.message)

    def _show_rows(self) -> None:
        keep, self._keep = self._wanted_entry or self._keep, None
        self._wanted_entry = None
        page: EntryPage = self.model.last_page
        self.count_label.setText(self.tr("共 {0} 条，已审核合计 {1} 分").format(page.total, format_points(page.approved_total)))
        if keep is not None:
            self._select_entry_now(keep)
        self._update_buttons()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def export_entries(self) -> None:
        """The entries with the filters and search shown, out to .xlsx."""
        store, entry_filter, text, today = self.ctx.store, self.entry_filter(), self.search.text().strip(), self.ctx.today()
        period = entry_filter.month.label if entry_filter.month else self.tr("{0}年").format(entry_filter.year)
        self.out.export(
            self.tr("导出积分台账"), self.tr("积分台账{0}.xlsx").format(period),
            lambda target, control: exports.export_ledger(store, target, entry_filter, today=today, search=text, progress=control.progress),
            lambda count, target: self.tr("已导出 {0} 条积分记录到 {1}。").format(count, target),
        )

    # -- reversal

    def selected_entry(self) -> EntryRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_entry(self, entry_id) -> bool:
        """Select the entry; when the entries are still being read again (after a write), once they are in."""
        self._wanted_entry = entry_id if self.loading() else None
        return self._select_entry_now(entry_id)

    def _select_entry_now(self, entry_id) -> bool:
        """Select the entry, and show it, when it is among the rows fetched so far."""
        row = self.model.row_of(entry_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        return row >= 0

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        can = (
            entry is not None and entry.status is EntryStatus.APPROVED and not entry.is_reversal
            and entry.reversed_by_id is None
        )
        self.reverse_button.setEnabled(bool(can))

    def reverse_selected(self) -> ReasonDialog | None:
        entry = self.selected_entry()
        if entry is None:
            return None
        text = self.tr("冲正 {0} {1} 的“{2}”{3} 分：会生成一条 {4} 分的记录，原记录保留。请写明原因：").format(
            entry.member_name, f"{entry.occurred_on:%Y-%m-%d}", entry.item_name,
            format_points(entry.points), format_points(-entry.points),
        )

        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()

        def reverse(reason: str):
            return lambda _control: ledger.reverse_entry(store, actor, entry.id, reason, today=today)

        dialog = ReasonDialog(self.ctx, self.tr("冲正积分记录"), text, reverse, Kind.LEDGER, self,
                              self.tr("如 录入错误：该党员已按时完成任务"))
        dialog.saved.connect(lambda _change: self.select_entry(entry.id))
        return self.open_dialog(dialog)
