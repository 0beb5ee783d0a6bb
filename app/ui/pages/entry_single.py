"""单条录入: one member, one item; the value and what is left of the cap are shown before saving."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.domain.points import format_points
from app.services.ledger import attendance
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
        self.problem = error_label()
        right.addWidget(self.problem)
        right.addLayout(self._save_line())
        right.addWidget(self._saved_box())
        right.addStretch(1)
        row.addLayout(right, 3)
        self.fields.note_edit.returnPressed.connect(self.save)
        self.fields.evidence_edit.returnPressed.connect(self.save)

    def _save_line(self) -> QHBoxLayout:
        """What will be recorded, in one sentence in large type, beside 保存."""
        line = QHBoxLayout()
        self.preview_label = QLabel()
        self.preview_label.setObjectName("entryPreview")
        self.preview_label.setWordWrap(True)
        self.preview_label.setStyleSheet("font-size: 15pt; padding: 8px; background: #F3F7FB;")
        large = QFont(self.preview_label.font())
        large.setPointSizeF(15)
        self.preview_label.setMinimumHeight(2 * QFontMetrics(large).lineSpacing() + 20)  # the sentence may take two lines
        line.addWidget(self.preview_label, 1)
        self.save_button = QPushButton(self.tr("保存（Enter）"))
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.save_button.setMinimumHeight(44)
        self.save_button.clicked.connect(lambda: self.save())  # not clicked(bool) into allow_same
        line.addWidget(self.save_button)
        return line

    def _saved_box(self) -> QFrame:
        """After saving: what was saved, inside the page, with 撤销 (reason 录入错误)."""
        self.saved_box = QFrame()
        self.saved_box.setObjectName("entrySaved")
        self.saved_box.setStyleSheet("#entrySaved { background: #E8F5E9; border: 1px solid #81C784; border-radius: 4px; }")
        box = QHBoxLayout(self.saved_box)
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setStyleSheet("font-size: 12pt;")
        box.addWidget(self.saved_label, 1)
        self.undo_button = QPushButton(self.tr("撤销"))
        self.undo_button.setToolTip(self.tr("撤销刚保存的这条记录，原因记为“录入错误”"))
        self.undo_button.clicked.connect(self.undo)
        box.addWidget(self.undo_button)
        self.saved_box.setVisible(False)
        self.last_entry_id, self._last_saved = None, ""
        return self.saved_box

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
        if self.fields.value_missing():
            self.asker.read(lambda _control: None, lambda _answer: None, key="preview")
            self.preview_label.setText(self.tr("这一项的分值在 {0} 之间，请先选择分值。").format(self.fields.range_text()))
            self.save_button.setEnabled(False)
            return
        store, request, today, name = self.ctx.store, self.fields.request_for(member_id), self.ctx.today(), self.picker.current_name()
        self.asker.read(
            lambda _control: ledger.preview_entry(store, request, today=today),
            lambda preview: self._show_preview(name, preview), key="preview", on_problem=self._preview_refused,
        )

    def _show_preview(self, name: str, preview) -> None:
        item = preview.item
        text = self.tr("{0}：{1} {2}，本次记 <b>{3}</b> 分").format(name, item.code, item.name, format_points(preview.points))
        text += self.tr("，直接审核通过，立即计入") if self.fields.approve else self.tr("，保存后等待审核")
        if preview.remaining_cap is not None:
            text += self.tr("（上限内还可记 {0} 分）").format(format_points(preview.remaining_cap))
        self.preview_label.setText(text + self.tr("。"))
        self.save_button.setEnabled(True)

    def _preview_refused(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.preview_label.setText(f"<span style='color:#C00000'>{exc.message}</span>")
        self.save_button.setEnabled(False)

    def save(self, allow_same: bool = False) -> None:
        member_id = self.picker.current_id()
        if member_id is None:
            show_problem(self.problem, self.tr("请先在左边选择党员。"))
            return
        if self.fields.value_missing():
            show_problem(self.problem, self.tr("请先选择分值（{0}）。").format(self.fields.range_text()))
            return
        name = self._saving_name = self.picker.current_name()
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        request, approve = self.fields.request_for(member_id), self.fields.approve
        self.save_button.setEnabled(False)
        self.ctx.write(
            lambda _control: ledger.record_entry(store, actor, request, approve=approve, today=today, allow_same=allow_same),
            Kind.LEDGER, self._saved, parent=self, on_problem=self._save_refused,
            summary=lambda change: self.tr("{0}：{1}").format(name, change.summary),
        )

    def _save_refused(self, exc: BaseException) -> None:
        if isinstance(exc, ledger.SameEntryExists):
            # the form keeps member and item after a save: a second click would count them twice
            if self.ctx.confirm(self, self.tr("这一项已经记过了"), self.tr("{0}\n\n确实是另一件事、要再记一次吗？").format(exc.message)):
                self.save(allow_same=True)
                return
        # the green box beside the red refusal must not read as if this entry were saved
        if self.saved_box.isVisible() and self._last_saved:
            self.saved_label.setText(self.tr("上一条已保存：{0}").format(self._last_saved))
        self._refused(exc)

    def _saved(self, change) -> None:
        show_problem(self.problem, "")
        self.last_entry_id = change.created[0] if change.created else None
        self._last_saved = self.tr("{0}，{1}").format(self._saving_name, change.summary)
        self.saved_label.setText(self.tr("已保存：{0}").format(self._last_saved))
        self.undo_button.setEnabled(self.last_entry_id is not None)
        self.saved_box.setVisible(True)
        self.fields.note_edit.clear()
        self.fields.evidence_edit.clear()
        self.update_preview()
        self.picker.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.picker.search.selectAll()

    def undo(self) -> None:
        """Take back the entry just saved, through the ledger, with the reason 录入错误."""
        entry_id = self.last_entry_id
        if entry_id is None:
            return
        store, actor, today, reason = self.ctx.store, self.ctx.actor, self.ctx.today(), self.tr("录入错误")
        self.undo_button.setEnabled(False)
        self.ctx.write(
            lambda _control: attendance.undo_entry(store, actor, entry_id, reason, today=today),
            Kind.LEDGER, self._undone, parent=self, on_problem=self._undo_refused,
        )

    def _undone(self, change) -> None:
        self.last_entry_id, self._last_saved = None, ""
        self.saved_label.setText(change.summary)
        self.update_preview()

    def _undo_refused(self, exc: BaseException) -> None:
        self.undo_button.setEnabled(True)
        self._refused(exc)

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)
