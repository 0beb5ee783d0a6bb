"""单条录入: one member, one item; the value and what is left of the cap are shown before saving."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.domain.points import format_points
from app.services.ledger import entries as ledger
from app.ui.changes import Kind
from app.ui.asking import Asker
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.entry_fields import EntryFields
from app.ui.pickers import MemberPicker
from app.ui.widgets import error_label, show_problem


class SingleEntryTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        row = QHBoxLayout(self)
        self.picker = MemberPicker(ctx)
        self.picker.selection_changed.connect(self.update_preview)
        row.addWidget(self.picker, 2)
        right = QVBoxLayout()
        self.fields = EntryFields(ctx)
        self.fields.changed.connect(self.update_preview)
        self.fields.items_loaded.connect(lambda problem: show_problem(self.problem, problem))
        right.addWidget(self.fields)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("entryPreview")
        self.preview_label.setWordWrap(True)
        self.preview_label.setStyleSheet("font-size: 13pt; padding: 6px; background: #F3F7FB;")
        right.addWidget(self.preview_label)
        self.problem = error_label()
        right.addWidget(self.problem)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(self.tr("保存（Enter）"))
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        right.addLayout(buttons)
        right.addStretch(1)
        row.addLayout(right, 3)
        self.fields.note_edit.returnPressed.connect(self.save)
        self.fields.evidence_edit.returnPressed.connect(self.save)

    def refresh(self) -> None:
        self.picker.reload_groups()
        self.picker.reload()
        self.fields.reload()
        self.update_preview()

    def update_preview(self) -> None:
        """Ask what the entry is worth and the cap left; the save button is enabled when it is allowed."""
        member_id = self.picker.current_id()
        if member_id is None or self.fields.item_box.current_item() is None:
            self.asker.read(lambda _control: None, lambda _answer: None, key="preview")  # drops an older answer
            self.preview_label.setText(self.tr("请选择党员和细则项目。"))
            self.save_button.setEnabled(False)
            return
        store, request, today, name = self.ctx.store, self.fields.request_for(member_id), self.ctx.today(), self.picker.current_name()
        self.asker.read(
            lambda _control: ledger.preview_entry(store, request, today=today),
            lambda preview: self._show_preview(name, preview), key="preview", on_problem=self._preview_refused,
        )

    def _show_preview(self, name: str, preview) -> None:
        text = self.tr("{0}：本次记 <b>{1}</b> 分").format(name, format_points(preview.points))
        if preview.remaining_cap is not None:
            text += self.tr("；记之前上限内还可记 {0} 分").format(format_points(preview.remaining_cap))
        self.preview_label.setText(text)
        self.save_button.setEnabled(True)

    def _preview_refused(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.preview_label.setText(f"<span style='color:#C00000'>{exc.message}</span>")
        self.save_button.setEnabled(False)

    def save(self) -> None:
        member_id = self.picker.current_id()
        if member_id is None:
            show_problem(self.problem, self.tr("请先在左边选择党员。"))
            return
        name = self.picker.current_name()
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        request, approve = self.fields.request_for(member_id), self.fields.approve
        self.save_button.setEnabled(False)
        self.ctx.write(
            lambda _control: ledger.record_entry(store, actor, request, approve=approve, today=today),
            Kind.LEDGER, self._saved, parent=self, on_problem=self._refused,
            summary=lambda change: self.tr("{0}：{1}").format(name, change.summary),
        )

    def _saved(self, _change) -> None:
        show_problem(self.problem, "")
        self.fields.note_edit.clear()
        self.fields.evidence_edit.clear()
        self.update_preview()
        self.picker.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.picker.search.selectAll()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)
