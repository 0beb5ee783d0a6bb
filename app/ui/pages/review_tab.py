"""待审核: the reviewer approves or rejects pending entries, with a note (required to reject)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.enums import EntryStatus
from app.domain.errors import AppError
from app.services.ledger import entries as ledger
from app.services.ledger.queries import EntryFilter, EntryRow, list_entries
from app.ui.changes import Kind
from app.ui.asking import Asker
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.entry_rows import review_columns
from app.ui.models.table_models import RowTableModel
from app.ui.widgets import error_label, hint_label, make_table, show_problem


ITEM_COLUMN = 2  # 项目 in review_columns()
ITEM_COLUMN_MAX = 420


class ReviewTab(QWidget):
    rows_shown = Signal()  # the pending entries came back from the worker

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        layout = QVBoxLayout(self)
        if not ctx.can_review:
            layout.addWidget(hint_label(self.tr("只有审核人可以审核。你可以在这里看到等待审核的记录。")))
        self.model = RowTableModel(review_columns(), self)
        self.table = make_table(self, multi_select=True)
        self.table.setModel(self.model)
        # Long item names (按时参加当月组织生活…) keep both ends visible, the whole name in the tooltip.
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.select_all_button = QPushButton(self.tr("全选"))
        self.select_all_button.clicked.connect(self.table.selectAll)
        row.addWidget(self.select_all_button)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("审核意见（驳回时必填）"))
        row.addWidget(self.note_edit, 1)
        self.approve_button = QPushButton(self.tr("通过选中的记录"))
        self.approve_button.clicked.connect(lambda: self.review(True))
        self.reject_button = QPushButton(self.tr("驳回选中的记录"))
        self.reject_button.clicked.connect(lambda: self.review(False))
        row.addWidget(self.approve_button)
        row.addWidget(self.reject_button)
        layout.addLayout(row)
        self.problem = error_label()
        layout.addWidget(self.problem)
        for widget in (self.select_all_button, self.note_edit, self.approve_button, self.reject_button):
            widget.setEnabled(ctx.can_review)
        self.ctx.remember_table(self.table, "review")

    def refresh(self) -> None:
        store = self.ctx.store

        def ask(_control) -> tuple[list[EntryRow], str]:
            try:
                rows = list_entries(store, EntryFilter(status=EntryStatus.PENDING))
            except AppError as exc:
                return [], exc.message
            return sorted(rows, key=lambda r: (r.occurred_on, r.member_name)), ""

        self.asker.read(ask, self._show_rows)

    def _show_rows(self, answer: tuple[list[EntryRow], str]) -> None:
        rows, problem = answer
        if problem:
            show_problem(self.problem, problem)
        self.model.set_rows(rows)
        self._widen_item_column()
        self.rows_shown.emit()

    def _widen_item_column(self) -> None:
        """The 项目 column at least as wide as its longest name, up to ITEM_COLUMN_MAX pixels."""
        if not self.model.rowCount():
            return
        wanted = min(self.table.sizeHintForColumn(ITEM_COLUMN) + 12, ITEM_COLUMN_MAX)
        if self.table.columnWidth(ITEM_COLUMN) < wanted:
            self.table.setColumnWidth(ITEM_COLUMN, wanted)

    def selected_entries(self) -> list[EntryRow]:
        return [self.model.row_at(index.row()) for index in self.table.selectionModel().selectedRows()]

    def select_member_entries(self, name: str) -> int:
        self.table.clearSelection()
        count = 0
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).member_name == name:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    self.table.selectionModel().SelectionFlag.Select | self.table.selectionModel().SelectionFlag.Rows,
                )
                count += 1
        return count

    def review(self, approve: bool) -> None:
        entries = self.selected_entries()
        if not entries:
            show_problem(self.problem, self.tr("请先选中要审核的记录（可按住 Ctrl 多选，或点“全选”）。"))
            return
        store, actor, ids, note = self.ctx.store, self.ctx.actor, [e.id for e in entries], self.note_edit.text()
        show_problem(self.problem, "")
        self.ctx.write(
            lambda _control: ledger.review_entries(store, actor, ids, approve, note), Kind.LEDGER,
            lambda _change: self.note_edit.clear(), parent=self, on_problem=self._refused,
        )

    def _refused(self, exc: BaseException) -> None:
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)
