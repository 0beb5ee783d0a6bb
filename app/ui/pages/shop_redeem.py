"""The 兑换 tab of the shop: every member's shop points for the year (carried in, earned, spent,
what he may spend); and the 兑换记录 tab it also fills: the year's redemptions with 冲正 and the
slips (兑换凭证)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.domain.errors import NotFound
from app.domain.points import format_points
from app.services.rules import rulesets
from app.services.shop import balances, goods, redemptions
from app.ui.changes import Kind
from app.ui.dialogs.reason_dialog import ReasonDialog
from app.ui.dialogs.shop_dialogs import RedeemDialog, ShopRuleDialog
from app.ui.dialogs.shop_print_dialog import SLIPS, ShopPrintDialog
from app.ui.models.table_models import CENTER, RIGHT, Column, RowTableModel
from app.ui.widgets import fit_columns, hint_label, make_table, select_row_where, selected_row, stretch_column

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def _status(row) -> str:
    if row.reversed:
        return translate("RedeemTab", "已冲正")
    return translate("RedeemTab", "冲正记录") if row.reverses_id else ""


class RedeemTab(QWidget):
    def __init__(self, page) -> None:
        super().__init__(page)
        self.page, self.ctx = page, page.ctx
        self.year = self.ctx.today().year
        self.shelf = []
        self.rule_set = None  # the year's rule set (its shop and board rules), None before it exists
        self.new_slip: int | None = None  # a redemption just made: selected in 兑换记录 once the list shows it
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.redeem_button = QPushButton(self.tr("兑换…"))
        self.rule_button = QPushButton(self.tr("兑换规则…"))
        self.reverse_button = QPushButton(self.tr("冲正所选兑换…"))
        self.slip_button = QPushButton(self.tr("打印所选凭证…"))
        self.month_slips_button = QPushButton(self.tr("按月打印凭证…"))
        for button, slot in ((self.redeem_button, self.redeem), (self.rule_button, self.edit_rule),
                             (self.reverse_button, self.reverse_redemption), (self.slip_button, self.print_slip),
                             (self.month_slips_button, self.print_month_slips)):
            button.clicked.connect(lambda _=False, s=slot: s())
        buttons.addWidget(self.redeem_button)
        buttons.addWidget(self.rule_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.summary = hint_label()
        layout.addWidget(self.summary)
        self.model = RowTableModel([
            Column(self.tr("姓名"), lambda r: r.name), Column(self.tr("上年结转"), lambda r: format_points(r.opening), RIGHT),
            Column(self.tr("本年存入"), lambda r: format_points(r.earned), RIGHT), Column(self.tr("已兑换"), lambda r: format_points(r.spent), RIGHT),
            Column(self.tr("可兑换余额"), lambda r: format_points(r.balance), RIGHT),
        ], self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        stretch_column(self.table, 0)  # 姓名
        layout.addWidget(self.table, 1)
        self.records = self._records_view()
        self._update_buttons()

    def _records_view(self) -> QWidget:
        """The year's redemptions and reversals: a tab of its own on the page (one table a view fits a laptop)."""
        view = QWidget()
        layout = QVBoxLayout(view)
        buttons = QHBoxLayout()
        for button in (self.reverse_button, self.slip_button, self.month_slips_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.list_model = RowTableModel([
            Column(self.tr("凭证号"), lambda r: f"{r.slip_no:06d}", CENTER), Column(self.tr("日期"), lambda r: f"{r.redeemed_on:%Y-%m-%d}", CENTER),
            Column(self.tr("兑换人"), lambda r: r.member_name), Column(self.tr("物品"), lambda r: r.goods_name),
            Column(self.tr("数量"), lambda r: r.quantity, RIGHT), Column(self.tr("积分"), lambda r: format_points(r.points), RIGHT),
            Column(self.tr("经办人"), lambda r: r.operator), Column(self.tr("备注"), lambda r: r.note),
            Column(self.tr("状态"), _status, CENTER),
        ], view)
        self.list = make_table(view)
        self.list.setModel(self.list_model)
        stretch_column(self.list, 7)  # 备注
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.list, 1)
        return view

    def refresh(self, year: int) -> None:
        self.year = year
        store = self.ctx.store

        def ask(_control):
            try:
                rule_set = rulesets.get_rule_set(store, year).rule_set
            except NotFound:  # no rule set this year: balances carried in are still shown
                rule_set = None
            return rule_set, balances.year_balances(store, year), redemptions.list_redemptions(store, year), goods.list_goods(store)

        self.page.read(ask, self._show, key="shop")

    def _show(self, answer) -> None:
        self.rule_set, rows, listed, self.shelf = answer
        rule = self.rule_set.shop.describe() if self.rule_set else None
        self.model.set_rows(rows)
        self.list_model.set_rows(listed)
        fit_columns(self.table)
        fit_columns(self.list)
        if self.new_slip is not None and self.select_slip(self.new_slip):
            self.new_slip = None
        kept = [r for r in listed if r.reverses_id is None and not r.reversed]
        spent = sum((r.points for r in listed), 0)
        self.summary.setText(self.tr("{0} 年兑换规则：{1}本年兑换 {2} 笔，使用积分 {3} 分。").format(
            self.year, rule or self.tr("本年还没有积分细则。"), len(kept), format_points(spent)))
        self._update_buttons()

    def selected(self):
        return selected_row(self.table)

    def select(self, name: str) -> bool:
        return select_row_where(self.table, lambda row: row.name == name)

    def selected_redemption(self):
        return selected_row(self.list)

    def select_slip(self, slip_no: int) -> bool:
        return select_row_where(self.list, lambda row: row.slip_no == slip_no)

    def _update_buttons(self) -> None:
        line = self.selected_redemption()
        self.redeem_button.setEnabled(self.model.rowCount() > 0)
        self.reverse_button.setEnabled(line is not None and not line.reversed and line.reverses_id is None)
        self.slip_button.setEnabled(line is not None)
        self.rule_button.setEnabled(self.rule_set is not None)

    def redeem(self):
        row = self.selected()
        dialog = RedeemDialog(self.ctx, self.model.rows(), self.shelf, row.member_id if row else None, self)
        dialog.saved.connect(self._redeemed)
        return self.page.open_dialog(dialog)

    def _redeemed(self, result) -> None:
        """Select the new slip in 兑换记录, so that 打印所选凭证 prints it."""
        self.new_slip = result.slip_no
        if self.select_slip(result.slip_no):
            self.new_slip = None

    def reverse_redemption(self):
        line = self.selected_redemption()
        if line is None:
            return None
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        text = self.tr("冲正兑换凭证 No.{0:06d}（{1}“{2}”{3}）：积分和库存退回，原记录保留，另记一条冲正记录。").format(
            line.slip_no, line.member_name, line.goods_name, line.quantity)
        return self.page.open_dialog(ReasonDialog(
            self.ctx, self.tr("冲正兑换"), text,
            lambda reason: (lambda _control: redemptions.reverse_redemption(store, actor, line.id, reason, today)), Kind.LEDGER, self,
        ))

    def edit_rule(self):
        return None if self.rule_set is None else self.page.open_dialog(ShopRuleDialog(self.ctx, self.year, self.rule_set.shop, self))

    def print_slip(self):
        line = self.selected_redemption()
        return None if line is None else self.page.open_dialog(ShopPrintDialog(self.ctx, SLIPS, self.year, self, slip_ids=[line.id]))

    def print_month_slips(self):
        return self.page.open_dialog(ShopPrintDialog(self.ctx, SLIPS, self.year, self))
