"""积分超市·红黑榜: the honour shop. 兑换 lists every member's shop points for the year (carried in,
earned, spent, what he may spend) and the year's redemptions, with 兑换, 冲正 and the slips;
商品 lists the goods on the shelf with their stock, new goods and stock received. The year's
passbooks, the shop's monthly report and the red-and-black board are printed from here too."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.periods import year_row
from app.ui.dialogs.shop_dialogs import BoardRuleDialog
from app.ui.dialogs.shop_print_dialog import BOARD, MONTH_REPORT, PASSBOOK, ShopPrintDialog
from app.ui.pages.base import Page
from app.ui.pages.shop_goods import GoodsTab
from app.ui.pages.shop_redeem import RedeemTab


class ShopPage(Page):
    depends_on = Kind.ROSTER | Kind.RULES | Kind.LEDGER

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("积分超市")
        layout = QVBoxLayout(self)
        top, self.year_box = year_row(self, self.refresh)
        top.addStretch(1)
        self.print_buttons = {}
        for kind, label in ((PASSBOOK, self.tr("打印积分存折…")), (MONTH_REPORT, self.tr("超市月报…")), (BOARD, self.tr("红黑榜…"))):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, k=kind: self.print_paper(k))
            top.addWidget(button)
            self.print_buttons[kind] = button
        self.board_rule_button = QPushButton(self.tr("红黑榜规则…"))
        self.board_rule_button.clicked.connect(lambda _=False: self.edit_board_rule())
        top.addWidget(self.board_rule_button)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.redeem_tab, self.goods_tab = RedeemTab(self), GoodsTab(self)
        self.tabs.addTab(self.redeem_tab, self.tr("兑换"))
        self.tabs.addTab(self.redeem_tab.records, self.tr("兑换记录"))
        self.tabs.addTab(self.goods_tab, self.tr("商品"))
        self.tabs.addTab(self.goods_tab.records, self.tr("入库记录"))
        layout.addWidget(self.tabs, 1)

    @property
    def year(self) -> int:
        return self.year_box.currentData() or self.ctx.today().year

    def refresh(self) -> None:
        self.redeem_tab.refresh(self.year)
        self.goods_tab.refresh()

    def edit_board_rule(self):
        rule_set = self.redeem_tab.rule_set
        return None if rule_set is None else self.open_dialog(BoardRuleDialog(self.ctx, self.year, rule_set.board, self))

    def print_paper(self, kind: str):
        return self.open_dialog(ShopPrintDialog(self.ctx, kind, self.year, self))
