"""The fields of a points entry shared by the single and the batch forms: item, date, amount, note."""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QFormLayout, QLineEdit, QWidget

from app.domain.enums import ValueKind
from app.domain.points import format_points
from app.services.ledger.entries import EntryRequest
from app.services.accounts import security_settings
from app.ui.context import UiContext
from app.ui.pickers import RuleItemBox
from app.ui.widgets import calendar_edit, date_of, hint_label


def _decimal(spin: QDoubleSpinBox) -> Decimal:
    return Decimal(f"{spin.value():.{spin.decimals()}f}")


class EntryFields(QWidget):
    changed = Signal()
    items_loaded = Signal(str)  # the year's items are in: "" or why there are none

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.date_edit = calendar_edit(ctx.today())
        self.date_edit.dateChanged.connect(self._date_changed)
        form.addRow(self.tr("日期"), self.date_edit)
        self.item_box = RuleItemBox(ctx)
        self.item_box.currentIndexChanged.connect(self._item_changed)
        self.item_box.loaded.connect(self.items_loaded)
        form.addRow(self.tr("细则项目"), self.item_box)
        self.item_hint = hint_label()
        form.addRow("", self.item_hint)
        self.quantity_spin = QDoubleSpinBox()
        self.quantity_spin.setRange(0, 10000)
        self.quantity_spin.setValue(1)
        self.quantity_spin.valueChanged.connect(self.changed)
        form.addRow(self.tr("次数/数量"), self.quantity_spin)
        self.points_spin = QDoubleSpinBox()
        self.points_spin.setDecimals(1)
        self.points_spin.setSingleStep(0.5)
        self.points_spin.valueChanged.connect(self.changed)
        form.addRow(self.tr("分值"), self.points_spin)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(self.tr("事由，如 参加人居环境整治"))
        self.note_edit.textChanged.connect(self.changed)
        form.addRow(self.tr("事由"), self.note_edit)
        self.evidence_edit = QLineEdit()
        self.evidence_edit.setPlaceholderText(self.tr("可不填，如 照片编号、签到表"))
        form.addRow(self.tr("佐证材料"), self.evidence_edit)
        self.approve_check = QCheckBox(self.tr("直接审核通过（审核人）"))
        self.approve_check.setVisible(ctx.can_review)
        self.approve_check.toggled.connect(self.changed)
        form.addRow("", self.approve_check)
        if ctx.can_review:  # with 录入与审核分开 in force nobody approves his own entry: not offered
            store = ctx.store
            ctx.read(lambda _control: security_settings.security_settings(store).four_eyes, self._four_eyes, parent=self)
        self.form = form

    def _four_eyes(self, in_force: bool) -> None:
        self.approve_check.setVisible(not in_force)
        if in_force:
            self.approve_check.setChecked(False)

    def reload(self) -> None:
        """Ask for the year's items again (after the rules changed); `items_loaded` says when they are in."""
        self.item_box.load_year(date_of(self.date_edit).year, force=True)

    def _date_changed(self) -> None:
        self.item_box.load_year(date_of(self.date_edit).year)
        self.changed.emit()

    def _item_changed(self) -> None:
        """Each item starts from its own defaults: one time, and a range item with no value chosen yet."""
        item = self.item_box.current_item()
        kind = item.value_kind if item else ValueKind.FIXED
        self.blockSignals(True)  # one `changed` at the end, for the item's own values
        self.points_spin.setEnabled(kind is ValueKind.RANGE)
        self.quantity_spin.setEnabled(kind is not ValueKind.RANGE)
        self.quantity_spin.setDecimals(1 if kind is ValueKind.PER_UNIT else 0)
        self.quantity_spin.setMinimum(0.5 if kind is ValueKind.PER_UNIT else 1)
        self.quantity_spin.setValue(1)  # never the previous item's count
        if kind is ValueKind.RANGE:
            low, high = sorted((float(item.min_value), float(item.max_value)))
            # Starts empty (below the range, shown as 请选择分值): an extreme would be awarded by one Enter.
            self.points_spin.setRange(low - 0.5, high)
            self.points_spin.setSpecialValueText(self.tr("请选择分值"))
            self.points_spin.setValue(low - 0.5)
        else:
            self.points_spin.setSpecialValueText("")
            self.points_spin.setRange(-1000, 1000)
            self.points_spin.setValue(0)
        unit = item.unit if item and kind is ValueKind.PER_UNIT else self.tr("次")
        self.quantity_spin.setSuffix(f" {unit}")
        self.item_hint.setText(self._hint(item))
        self.blockSignals(False)
        self.changed.emit()

    @staticmethod
    def _hint(item) -> str:
        if item is None:
            return ""
        hint = item.value_text()
        if item.cap_text():
            hint += "；" + item.cap_text()
        if item.description:
            hint += "；" + item.description
        return hint

    def value_missing(self) -> bool:
        """A range item whose value the clerk has not chosen yet."""
        item = self.item_box.current_item()
        return item is not None and item.value_kind is ValueKind.RANGE and self.points_spin.value() == self.points_spin.minimum()

    def range_text(self) -> str:
        item = self.item_box.current_item()
        return "" if item is None else self.tr("{0} 至 {1} 分").format(format_points(item.min_value), format_points(item.max_value))

    def request_for(self, member_id: uuid.UUID) -> EntryRequest:
        item = self.item_box.current_item()
        chosen = _decimal(self.points_spin) if item is not None and item.value_kind is ValueKind.RANGE and not self.value_missing() else None
        return EntryRequest(
            member_id=member_id,
            item_code=item.code if item else "",
            occurred_on=date_of(self.date_edit),
            quantity=_decimal(self.quantity_spin),
            points=chosen,
            note=self.note_edit.text(),
            evidence=self.evidence_edit.text(),
        )

    @property
    def approve(self) -> bool:
        return self.ctx.can_review and self.approve_check.isChecked()

    def set_points(self, value: Decimal) -> None:
        self.points_spin.setValue(float(value))

    def describe_points(self, value: Decimal) -> str:
        return format_points(value)
