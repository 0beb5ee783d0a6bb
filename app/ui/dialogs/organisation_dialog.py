"""文件 → 支部名称和党小组: the branch's and township's names, and its party groups, after set-up.

Each button is one write; the dialog stays open and shows the branch as it now stands, so a
clerk can add a group, rename another and fix a typo in the branch's name in one sitting.
Only an administrator opens it (the services refuse anyone else as well).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import AppError
from app.services import organisation
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.widgets import dialog_buttons, error_label, hint_label, show_problem


class OrganisationDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("支部名称和党小组"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(self._names_box())
        layout.addWidget(self._groups_box(), 1)
        self.status = hint_label()
        self.problem = error_label()
        show_problem(self.problem, "")
        layout.addWidget(self.status)
        layout.addWidget(self.problem)
        buttons, _close = dialog_buttons(self.tr("关闭"), self.accept, self.reject)
        buttons.button(buttons.StandardButton.Cancel).hide()
        layout.addWidget(buttons)
        self.buttons = (self.save_names_button, self.add_button, self.rename_button, self.remove_button)
        self.branch: organisation.BranchInfo | None = None
        self.reload()

    def _names_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("名称（印在公示表、证书和备份上）"))
        form = QFormLayout(box)
        self.township_edit, self.branch_edit = QLineEdit(), QLineEdit()
        for edit in (self.township_edit, self.branch_edit):
            edit.setMaxLength(100)
        form.addRow(self.tr("乡镇（街道）党委"), self.township_edit)
        form.addRow(self.tr("支部名称"), self.branch_edit)
        self.save_names_button = QPushButton(self.tr("保存名称"))
        self.save_names_button.clicked.connect(self.save_names)
        form.addRow("", self.save_names_button)
        return box

    def _groups_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("党小组"))
        layout = QVBoxLayout(box)
        self.groups = QListWidget()
        self.groups.currentItemChanged.connect(self._group_chosen)
        layout.addWidget(self.groups, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("党小组名称")))
        self.group_edit = QLineEdit()
        self.group_edit.setMaxLength(100)
        self.group_edit.setPlaceholderText(self.tr("例如 第三党小组"))
        row.addWidget(self.group_edit, 1)
        layout.addLayout(row)
        actions = QHBoxLayout()
        self.add_button = QPushButton(self.tr("新增党小组"))
        self.rename_button = QPushButton(self.tr("把选中的改成这个名称"))
        self.remove_button = QPushButton(self.tr("删除选中的"))
        self.add_button.clicked.connect(self.add_group)
        self.rename_button.clicked.connect(self.rename_group)
        self.remove_button.clicked.connect(self.remove_group)
        for button in (self.add_button, self.rename_button, self.remove_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(hint_label(self.tr("有党员（含已转出、去世的）的党小组不能删除，只能改名；党员换小组请在党员名册里修改。")))
        return box

    # -- reading

    def reload(self, keep: uuid.UUID | None = None) -> None:
        self.ctx.read(lambda _control: organisation.get_branch(self.ctx.store), lambda branch: self._show(branch, keep), parent=self)

    def _show(self, branch: organisation.BranchInfo, keep: uuid.UUID | None) -> None:
        self.branch = branch
        self.township_edit.setText(branch.township)
        self.branch_edit.setText(branch.name)
        self.groups.clear()
        for group in branch.groups:
            item = QListWidgetItem(group.name)
            item.setData(Qt.ItemDataRole.UserRole, group.id)
            self.groups.addItem(item)
            if group.id == keep:
                self.groups.setCurrentItem(item)
        self._enable()

    def _group_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.group_edit.setText(item.text())
        self._enable()

    def _enable(self) -> None:
        chosen = self.groups.currentItem() is not None
        for button in self.buttons:
            button.setEnabled(chosen or button not in (self.rename_button, self.remove_button))

    def chosen_group(self) -> uuid.UUID | None:
        item = self.groups.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    # -- writing

    def save_names(self) -> None:
        township, name = self.township_edit.text(), self.branch_edit.text()
        self._write(lambda: organisation.rename_branch(self.ctx.store, self.ctx.actor, township, name))

    def add_group(self) -> None:
        name = self.group_edit.text()
        self._write(lambda: organisation.add_group(self.ctx.store, self.ctx.actor, name), select_created=True)

    def rename_group(self) -> None:
        group_id, name = self.chosen_group(), self.group_edit.text()
        if group_id is not None:
            self._write(lambda: organisation.rename_group(self.ctx.store, self.ctx.actor, group_id, name), keep=group_id)

    def remove_group(self) -> None:
        group_id = self.chosen_group()
        if group_id is None:
            return
        name = self.groups.currentItem().text()
        if not self.ctx.confirm(self, self.tr("删除党小组"), self.tr("确实要删除党小组“{0}”吗？").format(name)):
            return
        self._write(lambda: organisation.remove_group(self.ctx.store, self.ctx.actor, group_id))

    def _write(self, change, keep: uuid.UUID | None = None, select_created: bool = False) -> None:
        """Run one change of the branch; then show the branch as it now stands, with `keep` (or the
        group just made) chosen."""
        show_problem(self.problem, "")
        for button in self.buttons:
            button.setEnabled(False)

        def done(result) -> None:
            self.status.setText(result.summary)
            self._enable()
            self.reload(result.created[0] if select_created and result.created else keep)

        def refused(exc: BaseException) -> None:
            self._enable()
            if not isinstance(exc, AppError):
                show_error(self, exc)
                return
            show_problem(self.problem, exc.message)

        self.ctx.write(lambda _control: change(), Kind.SETTINGS | Kind.ROSTER, done, parent=self, on_problem=refused)
