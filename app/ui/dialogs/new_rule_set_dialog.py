"""Set up a year's rule set: from a shipped template, or as a copy of an earlier year's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QComboBox, QDialog, QRadioButton, QVBoxLayout, QWidget

from app.services.rules import rulesets
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.widgets import dialog_buttons, error_label, hint_label


class NewRuleSetDialog(QDialog):
    def __init__(self, ctx: UiContext, year: int, existing_years: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.year = ctx, year
        self.setWindowTitle(self.tr("建立 {0} 年积分细则").format(year))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        group = QButtonGroup(self)
        earlier = [y for y in existing_years if y != year]
        self.copy_radio = QRadioButton(self.tr("复制往年的细则（推荐：项目和分值与往年一样，可以再改）"))
        self.copy_box = QComboBox()
        for other in sorted(earlier, reverse=True):
            self.copy_box.addItem(self.tr("{0} 年细则").format(other), other)
        self.template_radio = QRadioButton(self.tr("从模板建立"))
        self.template_box = QComboBox()
        for template in rulesets.list_templates():
            self.template_box.addItem(template.name, template.key)
            self.template_box.setItemData(self.template_box.count() - 1, template.description, Qt.ItemDataRole.ToolTipRole)
        self.template_hint = hint_label()
        self.template_box.currentIndexChanged.connect(self._describe)
        for radio in (self.copy_radio, self.template_radio):
            group.addButton(radio)
        layout.addWidget(self.copy_radio)
        layout.addWidget(self.copy_box)
        layout.addSpacing(8)
        layout.addWidget(self.template_radio)
        layout.addWidget(self.template_box)
        layout.addWidget(self.template_hint)
        self.copy_radio.setEnabled(bool(earlier))
        self.copy_box.setEnabled(bool(earlier))
        (self.copy_radio if earlier else self.template_radio).setChecked(True)
        self._describe()
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons, self.ok_button = dialog_buttons(self.tr("建立"), self.save, self.reject)
        layout.addWidget(buttons)

    def _describe(self) -> None:
        index = self.template_box.currentIndex()
        self.template_hint.setText(str(self.template_box.itemData(index, Qt.ItemDataRole.ToolTipRole) or ""))

    def save(self) -> None:
        store, actor, year = self.ctx.store, self.ctx.actor, self.year
        if self.copy_radio.isChecked():
            source = {"copy_from_year": self.copy_box.currentData()}
        else:
            source = {"template": self.template_box.currentData()}
        save_and_close(
            self, self.ctx, lambda _control: rulesets.create_rule_set(store, actor, year, **source), Kind.RULES,
            button=self.ok_button, problem=self.problem,
        )
