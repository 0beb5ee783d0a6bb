"""The year's 驻村干部 rule set, adjusted by the administrator: its items (added, edited, retired
through the members' item form) and the base and the points that make ten on the county's scale.

Others see the same table and figures with the buttons switched off, and are told why. The
dialog reads on the database worker like a page and reads again after any change of rules or
points (an item becomes “已使用” once a line uses it).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.domain.enums import Role
from app.domain.errors import AppError
from app.domain.points import format_points
from app.domain.rules import RuleItem
from app.services.practice import cadre_rules
from app.ui.asking import Asker
from app.ui.changes import Kind, concerns
from app.ui.context import UiContext
from app.ui.dialogs.rule_item_dialog import RuleItemDialog
from app.ui.errors import show_error
from app.ui.models.table_models import CENTER, Column, RowTableModel
from app.ui.pages.rules_page import CATEGORY_COLOURS
from app.ui.widgets import error_label, fit_columns, hint_label, make_table, show_problem


class CadreRulesDialog(QDialog):
    def __init__(self, ctx: UiContext, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.view: cadre_rules.CadreSchemeView | None = None
        self.child: QDialog | None = None
        self.may_change = Role.ADMIN in ctx.actor.roles
        self.asker = Asker(self, ctx)
        self.setWindowTitle(self.tr("{0} 年驻村干部考核细则").format(year))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(960, 600)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr(
            "乡镇或支部可按县里的考核办法调整本年的考核项目、分值和上限。已有积分记录的项目（“已使用”）只能改名称、说明或停用，"
            "不能改分值，以免改写已记的分；要用新分值请新增项目。") if self.may_change else self.tr(
            "只有管理员可以调整驻村干部考核细则；这里可以查看本年的项目和折算办法。")))
        layout.addLayout(self._scale_row())
        self.conversion = hint_label()
        layout.addWidget(self.conversion)
        self.model = RowTableModel(self._columns(), self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_item())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.problem = error_label()
        layout.addWidget(self.problem)
        layout.addLayout(self._buttons())
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    def _scale_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.base_edit, self.full_edit = QLineEdit(), QLineEdit()
        row.addWidget(QLabel(self.tr("基础分")))
        row.addWidget(self.base_edit)
        row.addWidget(QLabel(self.tr("折算满分（折为 10 分的年度积分）")))
        row.addWidget(self.full_edit)
        self.scale_button = QPushButton(self.tr("保存基础分和满分"))
        self.scale_button.clicked.connect(self.save_scale)
        row.addWidget(self.scale_button)
        row.addStretch(1)
        for edit in (self.base_edit, self.full_edit):
            edit.setMaximumWidth(90)
            edit.setEnabled(self.may_change)
        return row

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_button, self.edit_button, self.toggle_button = (
            QPushButton(self.tr("新增项目…")), QPushButton(self.tr("修改项目…")), QPushButton(self.tr("停用")))
        self.add_button.clicked.connect(self.add_item)
        self.edit_button.clicked.connect(self.edit_item)
        self.toggle_button.clicked.connect(self.toggle_active)
        for button in (self.add_button, self.edit_button, self.toggle_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        close.rejected.connect(self.reject)
        row.addWidget(close)
        return row

    def _columns(self) -> list[Column]:
        colour = lambda r: CATEGORY_COLOURS.get(r.category) if r.active else "#999999"  # noqa: E731
        return [
            Column(self.tr("类别"), lambda r: r.category.label, colour=colour),
            Column(self.tr("编号"), lambda r: r.code, CENTER),
            Column(self.tr("分值"), lambda r: r.value_text()),
            Column(self.tr("上限"), lambda r: r.cap_text()),
            Column(self.tr("状态"), self._state_text, CENTER),
            Column(self.tr("考核项目"), lambda r: r.name, tooltip=lambda r: r.description or r.name),  # last: takes the room left
        ]

    def _state_text(self, item: RuleItem) -> str:
        used = self.view is not None and item.code in self.view.used_codes
        return (self.tr("在用") if item.active else self.tr("已停用")) + (self.tr("，已使用") if used else "")

    def _data_changed(self, kinds: Kind) -> None:
        if concerns(kinds, Kind.RULES | Kind.LEDGER):
            self.refresh()

    def refresh(self) -> None:
        store, year = self.ctx.store, self.year
        self.asker.read(lambda _control: cadre_rules.get_scheme_view(store, year), self._show, key="cadre_rules",
                        on_problem=lambda exc: show_problem(self.problem, getattr(exc, "message", str(exc))))

    def _show(self, view: cadre_rules.CadreSchemeView) -> None:
        keep = self.selected_item()
        self.view = view
        self.model.set_rows(list(view.scheme.items))
        fit_columns(self.table)
        self.base_edit.setText(format_points(view.scheme.base_points))
        self.full_edit.setText(format_points(view.scheme.full_points))
        self.conversion.setText(view.scheme.conversion_text() + self.tr("。"))
        if keep is not None:
            self.select_code(keep.code)
        self._update_buttons()

    def selected_item(self) -> RuleItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_code(self, code: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).code == code:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        item = self.selected_item()
        self.add_button.setEnabled(self.may_change and self.view is not None)
        self.scale_button.setEnabled(self.may_change and self.view is not None)
        self.edit_button.setEnabled(self.may_change and item is not None)
        self.toggle_button.setEnabled(self.may_change and item is not None)
        self.toggle_button.setText(self.tr("启用") if item is not None and not item.active else self.tr("停用"))

    def _open_item_form(self, item: RuleItem | None) -> RuleItemDialog | None:
        if self.view is None or not self.may_change:
            return None
        self.child = RuleItemDialog(self.ctx, self.year, self.view, item, self, save_item=cadre_rules.save_cadre_item,
                                    for_cadres=True)
        self.child.open()
        return self.child

    def add_item(self) -> RuleItemDialog | None:
        return self._open_item_form(None)

    def edit_item(self) -> RuleItemDialog | None:
        item = self.selected_item()
        return None if item is None else self._open_item_form(item)

    def toggle_active(self) -> None:
        item = self.selected_item()
        if item is None or not self.may_change:
            return
        store, actor, year, toggled = self.ctx.store, self.ctx.actor, self.year, replace(item, active=not item.active)
        self.ctx.write(lambda _control: cadre_rules.save_cadre_item(store, actor, year, toggled), Kind.RULES,
                       lambda _change: self.select_code(item.code), parent=self)

    def save_scale(self) -> None:
        store, actor, year = self.ctx.store, self.ctx.actor, self.year
        base, full = self.base_edit.text().strip(), self.full_edit.text().strip()
        show_problem(self.problem, "")

        def refused(exc: BaseException) -> None:
            if isinstance(exc, AppError):
                show_problem(self.problem, exc.message)
            else:
                show_error(self, exc)

        self.ctx.write(lambda _control: cadre_rules.save_cadre_scale(store, actor, year, base, full), Kind.RULES,
                       parent=self, on_problem=refused)
