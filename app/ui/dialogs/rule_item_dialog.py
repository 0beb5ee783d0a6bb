"""Add or edit one item of the year's rule set.

An item that entries already use may only be renamed, described or retired: its score
fields are locked, the clerk is told why, and offered to make a new item with the new
values instead (the old one is retired so nobody uses it by mistake).
"""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import CapPeriod, Category, MemberClass, ValueKind
from app.domain.errors import AppError, ConflictError, ValidationError
from app.domain.points import format_points, points
from app.domain.rules import RuleItem
from app.services.practice.cadre_rules import CADRE_CATEGORIES
from app.services.rules import rulesets
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.widgets import EnumBox, error_label, hint_label, show_problem


def next_free_code(code: str, taken: set[str]) -> str:
    """J03 → J07 (the next number with that prefix that nobody uses)."""
    match = re.fullmatch(r"([A-Za-z]*)(\d*)", code)
    prefix = match.group(1) if match else code
    width = len(match.group(2)) if match and match.group(2) else 2
    number = 1
    while f"{prefix}{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


def _number_text(value) -> str:
    return "" if value is None else format_points(value)


class RuleItemDialog(QDialog):
    """`view` has `rule_set` and `used_codes`; `save_item(store, actor, year, item)` writes one item
    (the members' `rulesets.save_rule_item` unless told).

    The 驻村干部 rule set (`for_cadres`) uses the same form without the members' fields (member
    classes, the exemption of the old and sick), saved by its own service.
    """

    def __init__(self, ctx: UiContext, year: int, view, item: RuleItem | None = None,
                 parent: QWidget | None = None, *, save_item=None, for_cadres: bool = False) -> None:
        super().__init__(parent)
        self.ctx, self.year, self.view = ctx, year, view
        self.save_item, self.for_cadres = save_item, for_cadres
        self.original = item
        self.used = item is not None and item.code in view.used_codes
        self.taken = {i.code for i in view.rule_set.items}
        self.setWindowTitle(self.tr("修改细则项目") if item else self.tr("新增细则项目"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.used_banner = hint_label(self.tr(
            "这个项目已经有积分记录使用了。为了不改写已记的分，分值、上限、适用对象等不能再改，"
            "只能修改名称、说明或停用。要用新的分值，请点“另建新项目”：会新建一个项目，并停用这个项目。"
        ))
        self.used_banner.setStyleSheet("color: #8A5300; background: #FFF4DC; padding: 6px;")
        layout.addWidget(self.used_banner)
        layout.addLayout(self._form())
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.save_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.new_item_button = QPushButton(self.tr("另建新项目"))
        self.new_item_button.clicked.connect(self.make_new_item)
        buttons.addButton(self.new_item_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.retire_check = QCheckBox()
        self.retire_check.setVisible(False)
        layout.insertWidget(layout.count() - 1, self.retire_check)
        if item:
            self._fill(item)
        else:
            self.code_edit.setText(next_free_code("Z" if for_cadres else "B", self.taken))
            self.category_box.set_current(Category.DUTY if for_cadres else Category.BONUS)
        self._kind_changed()
        self._lock(self.used)
        # Qt opens a dialog at most two thirds of the screen high, and counts the banner as one line: on a
        # 1280×720 laptop the used item's form was squeezed until 适用对象's check boxes overlapped
        self.setMinimumHeight(layout.totalHeightForWidth(self.minimumWidth()))

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(20)
        form.addRow(self.tr("编号"), self.code_edit)
        self.name_edit = QLineEdit()
        form.addRow(self.tr("项目名称"), self.name_edit)
        self.category_box = EnumBox(Category, CADRE_CATEGORIES if self.for_cadres else None)
        form.addRow(self.tr("类别"), self.category_box)
        self.kind_box = EnumBox(ValueKind)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        form.addRow(self.tr("计分方式"), self.kind_box)
        values = QHBoxLayout()
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText(self.tr("如 -2"))
        self.min_edit, self.max_edit, self.unit_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.min_edit.setPlaceholderText(self.tr("最低"))
        self.max_edit.setPlaceholderText(self.tr("最高"))
        self.unit_edit.setPlaceholderText(self.tr("单位，如 小时"))
        for widget in (self.value_edit, self.min_edit, self.max_edit, self.unit_edit):
            widget.setMaximumWidth(110)
            values.addWidget(widget)
        values.addStretch(1)
        form.addRow(self.tr("分值"), values)
        caps = QHBoxLayout()
        self.cap_period_box = EnumBox(CapPeriod, none_label=self.tr("不设上限"))
        self.cap_edit = QLineEdit()
        self.cap_edit.setPlaceholderText(self.tr("最多多少分"))
        self.cap_edit.setMaximumWidth(110)
        caps.addWidget(self.cap_period_box)
        caps.addWidget(self.cap_edit)
        caps.addStretch(1)
        form.addRow(self.tr("上限"), caps)
        grid = QGridLayout()
        self.class_checks: dict[MemberClass, QCheckBox] = {}
        for index, member_class in enumerate(MemberClass):
            check = QCheckBox(member_class.label)
            self.class_checks[member_class] = check
            grid.addWidget(check, index // 3, index % 3)
        form.addRow(self.tr("适用对象\n（都不选＝全体）"), grid)
        self.exempt_check = QCheckBox(self.tr("老弱病残党员经支部决定免于此项考核"))
        form.addRow("", self.exempt_check)
        if self.for_cadres:  # cadres are not members: no member classes, no exemption
            form.setRowVisible(grid, False)
            form.setRowVisible(self.exempt_check, False)
        self.outside_cap_check = QCheckBox(self.tr("不计入类别上限（如县级以上表彰另计）"))
        form.addRow("", self.outside_cap_check)
        self.description_edit = QLineEdit()
        form.addRow(self.tr("说明"), self.description_edit)
        self.active_check = QCheckBox(self.tr("在用（停用后不能再用这个项目记分，已记的分不变）"))
        self.active_check.setChecked(True)
        form.addRow("", self.active_check)
        return form

    def _score_widgets(self) -> list[QWidget]:
        return [self.code_edit, self.category_box, self.kind_box, self.value_edit, self.min_edit, self.max_edit,
                self.unit_edit, self.cap_period_box, self.cap_edit, self.exempt_check, self.outside_cap_check,
                *self.class_checks.values()]

    def _lock(self, locked: bool) -> None:
        for widget in self._score_widgets():
            widget.setEnabled(not locked)
        if self.original is not None:
            self.code_edit.setEnabled(False)
        self.used_banner.setVisible(locked)
        self.new_item_button.setVisible(locked)
        if not locked:
            self._kind_changed()

    def _fill(self, item: RuleItem) -> None:
        self.code_edit.setText(item.code)
        self.name_edit.setText(item.name)
        self.category_box.set_current(item.category)
        self.kind_box.set_current(item.value_kind)
        self.value_edit.setText(_number_text(item.value))
        self.min_edit.setText(_number_text(item.min_value))
        self.max_edit.setText(_number_text(item.max_value))
        self.unit_edit.setText(item.unit)
        self.cap_period_box.set_current(item.cap_period)
        self.cap_edit.setText(_number_text(item.cap))
        for member_class, check in self.class_checks.items():
            check.setChecked(member_class in item.classes)
        self.exempt_check.setChecked(item.exempt_excused)
        self.outside_cap_check.setChecked(item.outside_cap)
        self.description_edit.setText(item.description)
        self.active_check.setChecked(item.active)

    def _kind_changed(self) -> None:
        kind = self.kind_box.current()
        self.value_edit.setVisible(kind is not ValueKind.RANGE)
        self.min_edit.setVisible(kind is ValueKind.RANGE)
        self.max_edit.setVisible(kind is ValueKind.RANGE)
        self.unit_edit.setVisible(kind is ValueKind.PER_UNIT)

    def make_new_item(self) -> None:
        """Turn the form into a new item with the same content, unlocked; the old item will be retired."""
        old = self.original
        self.original = None
        self.used = False
        self.code_edit.setText(next_free_code(old.code, self.taken))
        self.name_edit.setText(old.name)
        self.active_check.setChecked(True)
        self.retire_check.setText(self.tr("同时停用原项目 {0}“{1}”").format(old.code, old.name))
        self.retire_check.setChecked(True)
        self.retire_check.setVisible(True)
        self.retired = old
        self.setWindowTitle(self.tr("新增细则项目（代替 {0}）").format(old.code))
        self._lock(False)
        self.code_edit.setEnabled(True)
        show_problem(self.problem, "")
        self.value_edit.setFocus()

    def _number(self, edit: QLineEdit, what: str, required: bool):
        text = edit.text().strip()
        if not text:
            if required:
                raise ValidationError(self.tr("请填写{0}。").format(what))
            return None
        try:
            return points(text)
        except ValidationError:
            raise ValidationError(self.tr("{0}“{1}”不是数字。").format(what, text)) from None

    def rule_item(self) -> RuleItem:
        kind = self.kind_box.current()
        period = self.cap_period_box.current()
        return RuleItem(
            code=self.code_edit.text().strip().upper(),
            name=self.name_edit.text().strip(),
            category=self.category_box.current(),
            value_kind=kind,
            value=self._number(self.value_edit, self.tr("分值"), kind is not ValueKind.RANGE) if kind is not ValueKind.RANGE else None,
            min_value=self._number(self.min_edit, self.tr("最低分"), True) if kind is ValueKind.RANGE else None,
            max_value=self._number(self.max_edit, self.tr("最高分"), True) if kind is ValueKind.RANGE else None,
            unit=self.unit_edit.text().strip() if kind is ValueKind.PER_UNIT else "",
            cap=self._number(self.cap_edit, self.tr("上限分数"), True) if period else None,
            cap_period=period,
            classes=frozenset(c for c, check in self.class_checks.items() if check.isChecked()),
            exempt_excused=self.exempt_check.isChecked(),
            outside_cap=self.outside_cap_check.isChecked(),
            description=self.description_edit.text().strip(),
            active=self.active_check.isChecked(),
        )

    def save(self) -> None:
        try:
            item = self.rule_item()
            if self.original is None and item.code in self.taken:
                raise ValidationError(self.tr("编号 {0} 已经有了，请换一个编号。").format(item.code))
        except AppError as exc:
            show_problem(self.problem, exc.message)
            return
        store, actor, year = self.ctx.store, self.ctx.actor, self.year
        save_item = self.save_item or rulesets.save_rule_item  # looked up now: tests replace it
        retired = getattr(self, "retired", None)
        if retired is None or not (self.retire_check.isChecked() and retired.active):
            retired = None
        retired_text = self.tr("原项目 {0} 已停用。").format(retired.code) if retired else ""

        def work(_control) -> str:
            summary = save_item(store, actor, year, item).summary
            if retired is not None:
                save_item(store, actor, year, replace(retired, active=False))
                summary += retired_text
            return summary

        save_and_close(
            self, self.ctx, work, Kind.RULES, button=self.save_button, problem=self.problem,
            on_refused=self._refused, summary=str,
        )

    def _refused(self, exc: AppError) -> None:
        if isinstance(exc, ConflictError) and self.original is not None:  # used meanwhile: offer a new item instead
            self.used = True
            self._fill(self.original)
            self._lock(True)
