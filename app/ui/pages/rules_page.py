"""积分细则: the year's rule set, its items grouped by category, and the scheme's settings (with the
year's 双报到 hours, the appraisal's folding, the shop's and the board's rules, set on their own pages)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.appraisal_tally import folding_sentence
from app.domain.enums import Category, MemberClass
from app.domain.errors import AppError, NotFound
from app.domain.points import format_points
from app.domain.rules import RuleItem, RuleSet
from app.services.rules import rulesets
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.new_rule_set_dialog import NewRuleSetDialog
from app.ui.dialogs.rule_item_dialog import RuleItemDialog
from app.ui.pages.base import Page
from app.ui.models.table_models import CENTER, Column, RowTableModel
from app.ui.widgets import hint_label, make_table, stretch_column

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

CATEGORY_ORDER = list(Category)
CATEGORY_COLOURS = {Category.BASE: "#1F4E79", Category.DUTY: "#375623", Category.BONUS: "#7F6000",
                    Category.DEDUCTION: "#9C0006", Category.VETO: "#C00000"}


def classes_text(item: RuleItem) -> str:
    if not item.classes:
        return translate("RulesPage", "全体党员")
    return translate("RulesPage", "、").join(c.label for c in sorted(item.classes, key=list(MemberClass).index))


def scheme_summary(rule_set: RuleSet) -> str:
    """The scheme's settings in one paragraph of plain Chinese."""
    parts = [translate("RulesPage", "基础分 {0} 分（只扣不加，扣完为止）").format(format_points(rule_set.base_points))]
    if rule_set.base_carry_share is not None:
        parts.append(translate("RulesPage", "下一年基础分为本年总分的 {0}%").format(format_points(rule_set.base_carry_share * 100)))
    for cap in rule_set.category_caps:
        parts.append(translate("RulesPage", "{0}{1}最多 {2} 分").format(cap.category.label, cap.period.label, format_points(cap.cap)))
    if rule_set.star_bands:
        bands = sorted(rule_set.star_bands, key=lambda b: -b.min_points)
        parts.append(translate("RulesPage", "星级：") + translate("RulesPage", "，").join(translate("RulesPage", "≥{0} 分{1}星").format(format_points(b.min_points), b.stars) for b in bands))
    if rule_set.grade_bands:
        bands = sorted(rule_set.grade_bands, key=lambda b: -b.min_points)
        parts.append(translate("RulesPage", "等次：") + translate("RulesPage", "，").join(translate("RulesPage", "≥{0} {1}").format(format_points(b.min_points), b.label) for b in bands))
    if rule_set.five_star_quota is not None:
        parts.append(translate("RulesPage", "五星党员不超过 {0}%").format(format_points(rule_set.five_star_quota * 100)))
    return translate("RulesPage", "；").join(parts) + translate("RulesPage", "。")


def year_settings(rule_set: RuleSet) -> str:
    """The year's other settings a clerk must know, one a line: 双报到, 民主评议, the shop and the board."""
    hours = rule_set.dual_report_hours
    lines = [
        translate("RulesPage", "双报到：") + (
            translate("RulesPage", "在职党员全年到居住地社区服务满 {0} 小时算落实（在“双报到·评议·驻村”页设置）。").format(format_points(hours))
            if hours is not None else translate("RulesPage", "未定时长要求，由支部逐人勾选认定（时长要求在“双报到·评议·驻村”页设置）。")),
        translate("RulesPage", "民主评议：") + folding_sentence(rule_set.appraisal) + translate("RulesPage", "。"),
        translate("RulesPage", "积分超市：") + rule_set.shop.describe() + translate("RulesPage", "（与红黑榜规则都在“积分超市”页设置）"),
        translate("RulesPage", "红黑榜：") + rule_set.board.describe(),
    ]
    return "\n".join(lines)


def _rule_set_of(store, year: int) -> tuple[rulesets.RuleSetView | None, str]:
    """The year's rule set, or None with "" (not made yet) or the reason it cannot be read (on the worker)."""
    try:
        return rulesets.get_rule_set(store, year), ""
    except NotFound:
        return None, ""
    except AppError as exc:
        return None, exc.message


class RulesPage(Page):
    depends_on = Kind.RULES | Kind.LEDGER  # an item becomes “已使用” once an entry uses it

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("积分细则")
        self.view: rulesets.RuleSetView | None = None
        self._wanted_code: str | None = None  # the item to select once the rules come back
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年度")))
        self.year_box = QComboBox()
        self.year_box.currentIndexChanged.connect(self._load)
        top.addWidget(self.year_box)
        self.name_label = QLabel()
        self.name_label.setObjectName("ruleSetName")
        top.addWidget(self.name_label, 1)
        self.create_button = QPushButton(self.tr("建立本年细则…"))
        self.create_button.clicked.connect(self.create_rule_set)
        self.add_button = QPushButton(self.tr("新增项目"))
        self.add_button.clicked.connect(self.add_item)
        self.edit_button = QPushButton(self.tr("修改项目"))
        self.edit_button.clicked.connect(self.edit_item)
        self.toggle_button = QPushButton(self.tr("停用"))
        self.toggle_button.clicked.connect(self.toggle_active)
        for button in (self.create_button, self.add_button, self.edit_button, self.toggle_button):
            top.addWidget(button)
        layout.addLayout(top)
        self.summary_label = hint_label()
        layout.addWidget(self.summary_label)
        self.model = RowTableModel(self._columns(), self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_item())
        self.table.activated.connect(lambda _i: self.edit_item())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label(self.tr(
            "已有积分记录的项目（“已使用”）只能改名称、说明或停用，不能改分值，以免改写已记的分；要用新分值请新增项目。"
        )))
        self.ctx.remember_table(self.table, "rules")
        stretch_column(self.table, 2)  # 项目名称

    def _columns(self) -> list[Column]:
        colour = lambda r: CATEGORY_COLOURS.get(r.category) if r.active else "#999999"  # noqa: E731
        return [
            Column(self.tr("类别"), lambda r: r.category.label, colour=colour),
            Column(self.tr("编号"), lambda r: r.code, CENTER),
            Column(self.tr("项目名称"), lambda r: r.name, tooltip=lambda r: r.description or r.name),
            Column(self.tr("分值"), lambda r: r.value_text()),
            Column(self.tr("上限"), lambda r: r.cap_text() + (self.tr("（不计入类别上限）") if r.outside_cap else "")),
            Column(self.tr("适用对象"), classes_text),
            Column(self.tr("老弱病残"), lambda r: self.tr("免考核") if r.exempt_excused else "", CENTER),
            Column(self.tr("状态"), self._state_text, CENTER),
        ]

    def _state_text(self, item: RuleItem) -> str:
        used = self.view is not None and item.code in self.view.used_codes
        state = self.tr("在用") if item.active else self.tr("已停用")
        return state + (self.tr("，已使用") if used else "")

    def refresh(self) -> None:
        store, chosen = self.ctx.store, self.year

        def ask(_control):
            try:
                years = rulesets.rule_set_years(store)
            except AppError:
                years = []
            return years, chosen, _rule_set_of(store, chosen)

        self.read(ask, self._show_years, key="rules")

    def _show_years(self, answer) -> None:
        years, chosen, loaded = answer
        this_year = self.ctx.today().year
        shown = sorted(set(years) | {this_year, this_year + 1}, reverse=True)
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for year in shown:
            self.year_box.addItem(self.tr("{0} 年").format(year) + ("" if year in years else self.tr("（未建立）")), year)
        self.year_box.setCurrentIndex(max(0, self.year_box.findData(chosen)))
        self.year_box.blockSignals(False)
        self._years = years
        if self.year == chosen:
            self._show_rule_set(loaded)
        else:
            self._load()

    @property
    def year(self) -> int:
        return self.year_box.currentData() or self.ctx.today().year

    def _load(self) -> None:
        store, year = self.ctx.store, self.year
        self.read(lambda _control: _rule_set_of(store, year), self._show_rule_set, key="rules")

    def _show_rule_set(self, loaded) -> None:
        self.view, problem = loaded
        keep = self._wanted_code or (self.selected_item().code if self.selected_item() else None)
        self._wanted_code = None
        if self.view is None:
            self.model.set_rows([])
            self.name_label.setText(self.tr("{0} 年的积分细则还没有建立。").format(self.year))
            self.summary_label.setText(problem or self.tr("点“建立本年细则”，从模板或往年的细则建立。"))
        else:
            rule_set = self.view.rule_set
            items = sorted(rule_set.items, key=lambda i: (CATEGORY_ORDER.index(i.category), not i.active))
            self.model.set_rows(items)
            self.name_label.setText(f"{rule_set.name}　（{self.view.source}）")
            self.summary_label.setText(scheme_summary(rule_set) + "\n" + year_settings(rule_set))
            if keep:
                self._select_code_now(keep)
        self._update_buttons()

    def selected_item(self) -> RuleItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_code(self, code: str) -> bool:
        """Select the item; when the rules are still being read again (after a write), once they are in."""
        self._wanted_code = code if self.loading("rules") else None
        return self._select_code_now(code)

    def _select_code_now(self, code: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).code == code:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        has_set = self.view is not None
        item = self.selected_item()
        self.create_button.setVisible(not has_set)
        self.create_button.setText(self.tr("建立 {0} 年细则…").format(self.year))
        for button in (self.add_button, self.edit_button, self.toggle_button):
            button.setVisible(has_set)
        self.edit_button.setEnabled(item is not None)
        self.toggle_button.setEnabled(item is not None)
        self.toggle_button.setText(self.tr("启用") if item is not None and not item.active else self.tr("停用"))

    def create_rule_set(self) -> NewRuleSetDialog:
        return self.open_dialog(NewRuleSetDialog(self.ctx, self.year, getattr(self, "_years", []), self))

    def add_item(self) -> RuleItemDialog | None:
        if self.view is None:
            return None
        return self.open_dialog(RuleItemDialog(self.ctx, self.year, self.view, None, self))

    def edit_item(self) -> RuleItemDialog | None:
        item = self.selected_item()
        if self.view is None or item is None:
            return None
        return self.open_dialog(RuleItemDialog(self.ctx, self.year, self.view, item, self))

    def toggle_active(self) -> None:
        item = self.selected_item()
        if item is None:
            return
        store, actor, year, toggled = self.ctx.store, self.ctx.actor, self.year, replace(item, active=not item.active)
        self.ctx.write(
            lambda _control: rulesets.save_rule_item(store, actor, year, toggled), Kind.RULES,
            lambda _change: self.select_code(item.code), parent=self,
        )
