"""Choosing members and rule items: pinyin search for members, items grouped by category.

Both ask the store on the database worker (app/ui/asking.py) and fill themselves when the
answer comes: `MemberPicker.selection_changed` and `RuleItemBox.loaded` say it has.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from app.domain.enums import Category
from app.domain.errors import AppError
from app.domain.periods import is_far_ahead
from app.domain.rules import RuleItem, RuleSet
from app.services import organisation
from app.services.roster import queries as member_queries
from app.services.rules import rulesets
from app.ui.asking import Asker
from app.ui.context import UiContext
from app.ui.widgets import IdBox, search_edit

ID_ROLE = Qt.ItemDataRole.UserRole


def group_choices(store) -> list[tuple[str, uuid.UUID]]:
    """(name, id) of the branch's groups; none when the branch cannot be read. Runs on the worker."""
    try:
        return [(g.name, g.id) for g in organisation.get_branch(store).groups]
    except AppError:
        return []


class MemberPicker(QWidget):
    """A search box over a list of the roster's active members; one or many can be chosen."""

    selection_changed = Signal()

    def __init__(self, ctx: UiContext, multi: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.multi = ctx, multi
        self.asker = Asker(self, ctx)
        self._checked: set[uuid.UUID] = set()
        self._names: dict[uuid.UUID, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = search_edit(self.tr("姓名或拼音首字母"))
        self.search.textChanged.connect(self.reload)
        layout.addWidget(self.search)
        self.group_box = IdBox()
        self.group_box.currentIndexChanged.connect(self.reload)
        layout.addWidget(self.group_box)
        self.list = QListWidget()
        self.list.setMinimumWidth(220)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.itemChanged.connect(self._item_changed)
        self.list.currentItemChanged.connect(lambda *_: self.selection_changed.emit())
        layout.addWidget(self.list, 1)
        if multi:
            buttons = QHBoxLayout()
            self.all_button = QPushButton(self.tr("全选"))
            self.all_button.clicked.connect(lambda: self.check_all(True))
            self.none_button = QPushButton(self.tr("全不选"))
            self.none_button.clicked.connect(lambda: self.check_all(False))
            buttons.addWidget(self.all_button)
            buttons.addWidget(self.none_button)
            layout.addLayout(buttons)
            self.count_label = QLabel()
            layout.addWidget(self.count_label)

    def reload_groups(self) -> None:
        store = self.ctx.store
        self.asker.read(lambda _control: group_choices(store), self._show_groups, key="groups")

    def _show_groups(self, groups: list) -> None:
        chosen = self.group_box.current_id()
        self.group_box.fill(self.tr("全部党小组"), groups)
        if self.group_box.current_id() != chosen:  # the group shown is gone
            self.reload()

    def reload(self) -> None:
        store, text, group_id = self.ctx.store, self.search.text(), self.group_box.current_id()

        def ask(_control) -> list:
            try:
                return member_queries.find_members(store, text, group_id)
            except AppError:
                return []

        self.asker.read(ask, self._show_choices)

    def _show_choices(self, choices: list) -> None:
        current = self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for choice in choices:
            self._names[choice.id] = choice.name
            item = QListWidgetItem(choice.label)
            item.setData(ID_ROLE, choice.id)
            if self.multi:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if choice.id in self._checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            if choice.id == current:
                self.list.setCurrentItem(item)
        if not self.multi and self.list.currentItem() is None and self.list.count() == 1:
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._count_changed()
        self.selection_changed.emit()

    def _item_changed(self, item: QListWidgetItem) -> None:
        member_id = item.data(ID_ROLE)
        if item.checkState() == Qt.CheckState.Checked:
            self._checked.add(member_id)
        else:
            self._checked.discard(member_id)
        self._count_changed()
        self.selection_changed.emit()

    def _count_changed(self) -> None:
        if self.multi:
            self.count_label.setText(self.tr("已选 {0} 人").format(len(self._checked)))

    # -- single choice

    def current_id(self) -> uuid.UUID | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def current_name(self) -> str:
        member_id = self.current_id()
        return self._names.get(member_id, "") if member_id else ""

    def select(self, member_id: uuid.UUID) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == member_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def select_name(self, name: str) -> bool:
        for row in range(self.list.count()):
            if self._names.get(self.list.item(row).data(ID_ROLE)) == name:
                self.list.setCurrentRow(row)
                return True
        return False

    # -- many

    def checked_ids(self) -> list[uuid.UUID]:
        return sorted(self._checked, key=lambda i: self._names.get(i, ""))

    def name_of(self, member_id: uuid.UUID) -> str:
        return self._names.get(member_id, "")

    def check_all(self, checked: bool) -> None:
        """Check or uncheck every member the list shows now (the search and group filter apply)."""
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_checked(self, member_ids) -> None:
        self._checked = set(member_ids)
        self.reload()


class RuleItemBox(QComboBox):
    """The active items of a year's rule set, category by category, e.g. “J01 缺席支部党员大会（-2 分/次）”."""

    loaded = Signal(str)  # the year's items are in: "" or a sentence saying why there are none

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        self.year: int | None = None
        self._items: dict[str, RuleItem] = {}
        self.setMinimumWidth(360)
        self.setMaxVisibleItems(20)

    def load_year(self, year: int, force: bool = False) -> None:
        """Ask for the items of `year` (unless shown already); `loaded` fires when they are in."""
        if year == self.year and not force:
            return
        self.year = year
        store = self.ctx.store
        if is_far_ahead(year, self.ctx.today()):
            # not “建立 2030 年的积分细则”: the date is a typo, not a year to prepare
            typo = self.tr("日期填的是 {0} 年，多半输错了，请检查日期。").format(year)
            self.asker.read(lambda _control: (None, typo), self._show_items)  # also drops an answer still coming
            return

        def ask(_control) -> tuple[RuleSet | None, str]:
            try:
                return rulesets.get_rule_set(store, year).rule_set, ""
            except AppError as exc:
                return None, exc.message

        self.asker.read(ask, self._show_items)

    def _show_items(self, answer: tuple[RuleSet | None, str]) -> None:
        rule_set, problem = answer
        chosen = self.current_code()
        self.blockSignals(True)
        self.clear()
        self._items = {}
        if rule_set is not None:
            for category in Category:
                items = [i for i in rule_set.items if i.category is category and i.active]
                if not items:
                    continue
                self.addItem(f"—— {category.label} ——", None)
                header = self.model().item(self.count() - 1)
                header.setEnabled(False)
                for item in items:
                    self._items[item.code] = item
                    self.addItem(f"{item.code}　{item.name}（{item.value_text()}）", item.code)
        index = self.findData(chosen) if chosen else -1
        self.setCurrentIndex(index if index >= 0 else self._first_item_index())
        self.blockSignals(False)
        self.currentIndexChanged.emit(self.currentIndex())
        self.loaded.emit(problem)

    def _first_item_index(self) -> int:
        return next((i for i in range(self.count()) if self.itemData(i)), -1)

    def current_code(self) -> str | None:
        return self.currentData()

    def current_item(self) -> RuleItem | None:
        code = self.current_code()
        return self._items.get(code) if code else None

    def select_code(self, code: str) -> bool:
        index = self.findData(code)
        if index >= 0:
            self.setCurrentIndex(index)
        return index >= 0
