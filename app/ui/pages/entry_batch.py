"""批量录入: one item for many members at once, all or nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.ledger import entries as ledger
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.entry_fields import EntryFields
from app.ui.pages.entry_save_row import SaveRow
from app.ui.pickers import MemberPicker
from app.ui.widgets import hint_label, show_problem


class BatchEntryTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        row = QHBoxLayout(self)
        self.picker = MemberPicker(ctx, multi=True)
        self.picker.selection_changed.connect(self._update_summary)
        row.addWidget(self.picker, 2)
        right = QVBoxLayout()
        right.addWidget(hint_label(self.tr("勾选左边的党员，给他们记同一个项目。有一人不符合细则，整批都不保存，并列出原因。")))
        self.fields = EntryFields(ctx)
        self.fields.changed.connect(self._update_summary)
        self.fields.items_loaded.connect(lambda problem: show_problem(self.problem, problem))
        right.addWidget(self.fields)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        right.addWidget(self.summary_label)
        self.save_row = SaveRow(self.tr("保存这一批"), self.save, list_height=140)
        self.problem, self.problem_list, self.save_button = self.save_row.problem, self.save_row.problem_list, self.save_row.save_button
        right.addWidget(self.save_row)
        right.addStretch(1)
        row.addLayout(right, 3)

    def refresh(self) -> None:
        self.picker.reload_groups()
        self.picker.reload()
        self.fields.reload()
        self._update_summary()

    def _update_summary(self) -> None:
        count = len(self.picker.checked_ids())
        item = self.fields.item_box.current_item()
        if item is None or count == 0:
            self.summary_label.setText(self.tr("请勾选党员并选择细则项目。"))
            self.save_button.setEnabled(False)
            return
        self.summary_label.setText(self.tr("将给 {0} 名党员各记一条“{1}”。").format(count, item.name))
        self.save_button.setEnabled(True)

    def save(self) -> None:
        member_ids = self.picker.checked_ids()
        if not member_ids:
            show_problem(self.problem, self.tr("请先勾选党员。"))
            return
        requests = [self.fields.request_for(member_id) for member_id in member_ids]
        store, actor, today, approve = self.ctx.store, self.ctx.actor, self.ctx.today(), self.fields.approve
        self.save_button.setEnabled(False)
        self.ctx.write(
            lambda _control: ledger.record_batch(store, actor, requests, approve=approve, today=today),
            Kind.LEDGER, self._saved, parent=self, on_problem=self._refused,
        )

    def _saved(self, _change) -> None:
        self.save_row.clear()
        self.picker.set_checked([])
        self.fields.note_edit.clear()

    def _refused(self, exc: BaseException) -> None:
        self._update_summary()
        self.save_row.refused(exc)
