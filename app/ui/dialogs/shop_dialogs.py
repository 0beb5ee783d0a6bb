"""积分超市 forms: a redemption, goods on the shelf, stock received, the year's shop and board rules.

Each is a RatingFormDialog (app/ui/dialogs/rating_form.py): `work()` reads the fields on the UI
thread and returns the one service call, run on the job runner; a refusal (not enough points,
not enough stock, with the figure available) stays in the dialog with what the clerk chose.
"""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from app.domain.board import BoardRule, board_rule_from_dict
from app.domain.errors import ValidationError
from app.domain.points import format_points
from app.domain.shop import EARNING_CATEGORIES, ShopRule
from app.services.shop import goods, redemptions, settings
from app.services.shop.balances import BalanceRow
from app.services.shop.goods import GoodsRow
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.rating_form import RatingFormDialog
from app.ui.widgets import calendar_edit, date_of, require

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def _price(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ValidationError(translate("GoodsDialog", "兑换积分应为数字，如 5 或 2.5。")) from None


class RedeemDialog(RatingFormDialog):
    """One member takes goods from the shelf; the balance and the stock go down together."""

    kinds = Kind.LEDGER

    def __init__(self, ctx: UiContext, balances: list[BalanceRow], shelf: list[GoodsRow], chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("积分兑换"), self.tr("兑换后打印兑换凭证，一联超市留存，一联党员收执。"), parent)
        self.member_box = QComboBox()
        for row in balances:
            self.member_box.addItem(self.tr("{0}（可兑换 {1} 分）").format(row.name, format_points(row.balance)), str(row.member_id))
        index = next((i for i, row in enumerate(balances) if row.member_id == chosen), 0)
        self.member_box.setCurrentIndex(index)
        self.member_box.setMaxVisibleItems(20)
        self.goods_box = QComboBox()
        for item in shelf:
            if item.active:
                self.goods_box.addItem(self.tr("{0}　{1} 分/{2}　库存 {3}").format(item.name, format_points(item.price), item.unit, item.stock), str(item.id))
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 999)
        self.day_edit = calendar_edit(ctx.today())
        self.note_edit = QLineEdit()
        self.form.addRow(self.tr("兑换人"), self.member_box)
        self.form.addRow(self.tr("物品"), self.goods_box)
        self.form.addRow(self.tr("数量"), self.quantity)
        self.form.addRow(self.tr("日期"), self.day_edit)
        self.form.addRow(self.tr("备注"), self.note_edit)

    def choose(self, member_name: str, goods_name: str) -> bool:
        member = next((i for i in range(self.member_box.count()) if self.member_box.itemText(i).startswith(member_name + "（")), -1)
        item = next((i for i in range(self.goods_box.count()) if self.goods_box.itemText(i).startswith(goods_name + "　")), -1)
        self.member_box.setCurrentIndex(member)
        self.goods_box.setCurrentIndex(item)
        return member >= 0 and item >= 0

    def work(self):
        require(self.member_box.currentIndex() >= 0, self.tr("请选择兑换人。"))
        require(self.goods_box.currentIndex() >= 0, self.tr("请选择要兑换的物品（积分超市还没有上架的物品时，先到“商品”页新增并入库）。"))
        request = redemptions.RedemptionRequest(
            uuid.UUID(self.member_box.currentData()), uuid.UUID(self.goods_box.currentData()), self.quantity.value(),
            date_of(self.day_edit), self.note_edit.text(),
        )
        store, actor = self.ctx.store, self.ctx.actor
        return lambda: redemptions.redeem(store, actor, request)


class GoodsDialog(RatingFormDialog):
    """New goods, or a change of name, price, unit or donor (redemptions already made keep their price)."""

    kinds = Kind.LEDGER

    def __init__(self, ctx: UiContext, row: GoodsRow | None = None, parent: QWidget | None = None) -> None:
        title = self.tr("新增商品") if row is None else self.tr("修改商品")
        super().__init__(ctx, title, self.tr("兑换积分是换一件（个、袋）所需的积分；库存通过“入库”登记。"), parent)
        self.row = row
        self.name_edit = QLineEdit(row.name if row else "")
        self.unit_edit = QLineEdit(row.unit if row else self.tr("件"))
        self.price_edit = QLineEdit(format_points(row.price) if row else "")
        self.donor_edit = QLineEdit(row.donor if row else "")
        self.donor_edit.setPlaceholderText(self.tr("如“镇供销社”“县爱心企业协会”"))
        self.active_box = QCheckBox(self.tr("上架（可以兑换）"))
        self.active_box.setChecked(row.active if row else True)
        self.form.addRow(self.tr("名称"), self.name_edit)
        self.form.addRow(self.tr("单位"), self.unit_edit)
        self.form.addRow(self.tr("兑换积分"), self.price_edit)
        self.form.addRow(self.tr("捐赠/来源"), self.donor_edit)
        self.form.addRow("", self.active_box)

    def work(self):
        data = goods.GoodsInput(self.name_edit.text(), _price(self.price_edit.text()), self.unit_edit.text(),
                                self.donor_edit.text(), active=self.active_box.isChecked())
        store, actor, row = self.ctx.store, self.ctx.actor, self.row
        if row is None:
            return lambda: goods.add_goods(store, actor, data)
        data.note = row.note
        return lambda: goods.update_goods(store, actor, row.id, data)


class StockInDialog(RatingFormDialog):
    kinds = Kind.LEDGER

    def __init__(self, ctx: UiContext, row: GoodsRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("入库"), self.tr("“{0}”现有库存 {1} {2}。").format(row.name, row.stock, row.unit), parent)
        self.row = row
        self.quantity = QSpinBox()
        self.quantity.setRange(1, 9999)
        self.day_edit = calendar_edit(ctx.today())
        self.donor_edit = QLineEdit(row.donor)
        self.note_edit = QLineEdit()
        self.form.addRow(self.tr("数量（{0}）").format(row.unit), self.quantity)
        self.form.addRow(self.tr("入库日期"), self.day_edit)
        self.form.addRow(self.tr("捐赠/来源"), self.donor_edit)
        self.form.addRow(self.tr("备注"), self.note_edit)

    def work(self):
        store, actor, row = self.ctx.store, self.ctx.actor, self.row
        quantity, day, donor, note = self.quantity.value(), date_of(self.day_edit), self.donor_edit.text(), self.note_edit.text()
        return lambda: goods.receive_stock(store, actor, row.id, quantity, day, donor, note)


class ShopRuleDialog(RatingFormDialog):
    """The year's shop rule: which points also earn shop points, at what rate, and what happens at the year's end."""

    kinds = Kind.RULES

    def __init__(self, ctx: UiContext, year: int, rule: ShopRule, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("积分超市兑换规则"), self.tr(
            "{0} 年的兑换积分由审核通过的积分折算，与评星用的积分分开计算；改动后全年的余额按新规则重算。").format(year), parent)
        self.year = year
        self.category_boxes = {}
        for category in EARNING_CATEGORIES:
            box = QCheckBox(category.label)
            box.setChecked(category in rule.earning_categories)
            self.category_boxes[category] = box
            self.form.addRow(self.tr("计入兑换积分") if category is EARNING_CATEGORIES[0] else "", box)
        self.rate_edit = QLineEdit(format_points(rule.rate))
        self.carry_box = QComboBox()
        self.carry_box.addItem(self.tr("年末清零"), False)
        self.carry_box.addItem(self.tr("结转下一年"), True)
        self.carry_box.setCurrentIndex(1 if rule.carry_over else 0)
        self.veto_box = QCheckBox(self.tr("受一票否决的年度照样得兑换积分"))
        self.veto_box.setChecked(rule.vetoed_earns)
        self.form.addRow(self.tr("每 1 分折合"), self.rate_edit)
        self.form.addRow(self.tr("年末结余"), self.carry_box)
        self.form.addRow("", self.veto_box)

    def work(self):
        chosen = frozenset(c for c, box in self.category_boxes.items() if box.isChecked())
        require(bool(chosen), self.tr("至少选一类积分计入兑换积分。"))
        rule = ShopRule(chosen, _price(self.rate_edit.text()), bool(self.carry_box.currentData()), self.veto_box.isChecked())
        store, actor, year = self.ctx.store, self.ctx.actor, self.year
        return lambda: settings.save_shop_rule(store, actor, year, rule)


class BoardRuleDialog(RatingFormDialog):
    """Who goes on the red-and-black board: the top and bottom by count or share, vetoed and exempt members."""

    kinds = Kind.RULES

    def __init__(self, ctx: UiContext, year: int, rule: BoardRule, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("红黑榜规则"), self.tr("与末位同分的党员一并上榜；同一名党员不会同时上红榜和黑榜。"), parent)
        self.year = year
        self.mode_box = QComboBox()
        self.mode_box.addItem(self.tr("按名次（人数）"), "count")
        self.mode_box.addItem(self.tr("按比例（如 0.1 即 10%）"), "share")
        self.mode_box.setCurrentIndex(0 if rule.mode == "count" else 1)
        self.red_edit, self.black_edit = QLineEdit(format_points(rule.red)), QLineEdit(format_points(rule.black))
        self.vetoed_box = QComboBox()
        self.vetoed_box.addItem(self.tr("列入黑榜"), "black")
        self.vetoed_box.addItem(self.tr("不上榜"), "omit")
        self.vetoed_box.setCurrentIndex(0 if rule.vetoed == "black" else 1)
        self.exempt_box = QComboBox()
        self.exempt_box.addItem(self.tr("不上榜"), "omit")
        self.exempt_box.addItem(self.tr("照常排名"), "rank")
        self.exempt_box.setCurrentIndex(0 if rule.exempt == "omit" else 1)
        self.form.addRow(self.tr("上榜方式"), self.mode_box)
        self.form.addRow(self.tr("红榜"), self.red_edit)
        self.form.addRow(self.tr("黑榜"), self.black_edit)
        self.form.addRow(self.tr("受一票否决的党员"), self.vetoed_box)
        self.form.addRow(self.tr("老弱病残党员"), self.exempt_box)

    def work(self):
        value = {"mode": self.mode_box.currentData(), "red": self.red_edit.text().strip(), "black": self.black_edit.text().strip(),
                 "vetoed": self.vetoed_box.currentData(), "exempt": self.exempt_box.currentData()}
        rule = board_rule_from_dict(value)  # the same checks as a template's, said in the dialog
        store, actor, year = self.ctx.store, self.ctx.actor, self.year
        return lambda: settings.save_board_rule(store, actor, year, rule)
