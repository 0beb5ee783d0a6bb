"""Resident cadre forms: a cadre on the village's roster of cadres (not the member roster), and a
line of his points under the year's cadre rule set (priced and capped by the service).

A registered cadre's phone shows masked and read-only, like a member's personal data; an
account with the right may ask for it in full (audited) and then change it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from app.domain.cadres import CadreKind, CadreScheme
from app.domain.enums import ValueKind
from app.services.practice import cadres
from app.services.roster import personal
from app.ui.asking import Asker
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.rating_form import RatingFormDialog
from app.ui.errors import show_error
from app.ui.widgets import DateField, EnumBox, calendar_edit, date_of, require


class CadreDialog(RatingFormDialog):
    kinds = Kind.ROSTER

    def __init__(self, ctx: UiContext, row: cadres.CadreRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("登记驻村干部") if row is None else self.tr("修改驻村干部"), self.tr(
            "驻村干部和包村联络干部由上级派驻，不是本支部党员，不进入党员名册和党员积分。"), parent)
        self.cadre_id = None if row is None else row.id
        self.name_edit = QLineEdit("" if row is None else row.name)
        self.kind_box = EnumBox(CadreKind)
        if row is not None:
            self.kind_box.set_current(row.kind)
        self.sent_by_edit, self.post_edit = QLineEdit("" if row is None else row.sent_by), QLineEdit("" if row is None else row.post)
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(20)
        self.reveal_button = QPushButton(self.tr("显示完整电话"))
        self.reveal_button.clicked.connect(lambda _=False: self.reveal())
        self.reveal_button.hide()
        self.keep_phone = False  # True while a kept phone shows masked (or sealed) and read-only
        phone_row = QHBoxLayout()
        phone_row.addWidget(self.phone_edit, 1)
        phone_row.addWidget(self.reveal_button)
        if row is not None and row.has_phone:
            self._show_masked(row.masked_phone)
        self.start_field, self.end_field = DateField(self.tr("驻村日期")), DateField(self.tr("离村日期"))
        if row is not None:
            self.start_field.set_date(row.started_on)
            self.end_field.set_date(row.ended_on)
        self.note_edit = QLineEdit("" if row is None else row.note)
        self.sent_by_edit.setPlaceholderText(self.tr("如“县农业农村局”"))
        self.post_edit.setPlaceholderText(self.tr("如“驻村第一书记”"))
        for label, widget in ((self.tr("姓名"), self.name_edit), (self.tr("类别"), self.kind_box), (self.tr("派出单位"), self.sent_by_edit),
                              (self.tr("职务"), self.post_edit), (self.tr("联系电话"), phone_row),
                              (self.tr("驻村日期"), self.start_field), (self.tr("离村日期"), self.end_field),
                              (self.tr("备注"), self.note_edit)):
            self.form.addRow(label, widget)

    def work(self):
        data = cadres.CadreInput(self.name_edit.text(), self.kind_box.current(), self.sent_by_edit.text(), self.post_edit.text(),
                                 "" if self.keep_phone else self.phone_edit.text(), self.start_field.date_value(),
                                 self.end_field.date_value(), note=self.note_edit.text(), keep_phone=self.keep_phone)
        store, actor, cadre_id = self.ctx.store, self.ctx.actor, self.cadre_id
        return lambda: cadres.save_cadre(store, actor, data, cadre_id)

    def _show_masked(self, masked_phone: str) -> None:
        self.keep_phone = True
        self.phone_edit.setReadOnly(True)
        self.phone_edit.setText(masked_phone)
        self.phone_edit.setPlaceholderText(self.tr("（已加密，登录后可见）"))
        self.reveal_button.show()
        self.reveal_button.setEnabled(personal.may_reveal(self.ctx.actor))

    def reveal(self) -> None:
        """The full phone from the store (audited), into an editable field."""
        store, actor, cadre_id = self.ctx.store, self.ctx.actor, self.cadre_id
        self.asker = Asker(self, self.ctx)
        self.asker.read(lambda _control: cadres.reveal_phone(store, actor, cadre_id), self._show_revealed,
                        on_problem=lambda exc: show_error(self, exc))

    def _show_revealed(self, phone: str) -> None:
        self.keep_phone = False
        self.phone_edit.setReadOnly(False)
        self.phone_edit.setText(phone)
        self.reveal_button.hide()


class CadrePointsDialog(RatingFormDialog):
    kinds = Kind.LEDGER

    def __init__(self, ctx: UiContext, scheme: CadreScheme, cadre_rows, chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("驻村干部记分"), self.tr(
            "按 {0} 年驻村干部考核细则记分；区间取值的项目填写分值，按天计的项目填写天数。").format(scheme.year), parent, width=560)
        self.scheme = scheme
        self.cadre_box = QComboBox()
        for row in cadre_rows:
            self.cadre_box.addItem(f"{row.name}（{row.kind.label}）", str(row.id))
        index = next((i for i, r in enumerate(cadre_rows) if r.id == chosen), 0)
        self.cadre_box.setCurrentIndex(index)
        self.cadre_ids = [row.id for row in cadre_rows]
        self.item_box = QComboBox()
        for item in scheme.items:
            if item.active:
                self.item_box.addItem(f"{item.code} {item.name}（{item.value_text()}）", item.code)
        self.item_box.currentIndexChanged.connect(self._item_changed)
        self.day_edit = calendar_edit(ctx.today())
        self.quantity_edit, self.points_edit, self.note_edit = QLineEdit("1"), QLineEdit(), QLineEdit()
        for label, widget in ((self.tr("驻村干部"), self.cadre_box), (self.tr("考核项目"), self.item_box), (self.tr("日期"), self.day_edit),
                              (self.tr("数量"), self.quantity_edit), (self.tr("分值"), self.points_edit), (self.tr("说明"), self.note_edit)):
            self.form.addRow(label, widget)
        self._item_changed()

    def choose_item(self, code: str) -> None:
        self.item_box.setCurrentIndex(max(0, self.item_box.findData(code)))

    def _item_changed(self) -> None:
        item = self.scheme.item(self.item_box.currentData()) if self.item_box.count() else None
        ranged = item is not None and item.value_kind is ValueKind.RANGE
        self.points_edit.setEnabled(ranged)
        self.points_edit.setPlaceholderText(item.value_text() if ranged else self.tr("按细则自动计算"))
        self.quantity_edit.setEnabled(item is not None and item.value_kind is not ValueKind.RANGE)
        if ranged:
            self.quantity_edit.setText("1")

    def work(self):
        require(self.cadre_box.count() > 0, self.tr("还没有登记驻村干部。"))
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        cadre_id, code, day = self.cadre_ids[self.cadre_box.currentIndex()], self.item_box.currentData(), date_of(self.day_edit)
        quantity, chosen, note = self.quantity_edit.text().strip() or "1", self.points_edit.text().strip() or None, self.note_edit.text()
        if not self.points_edit.isEnabled():
            chosen = None
        return lambda: cadres.record_points(store, actor, cadre_id, code, day, quantity, chosen, note, today=today)
