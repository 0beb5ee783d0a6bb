"""The 商品 tab of the shop: goods on the shelf (price, stock, donor), new goods, stock received;
and the 入库记录 tab it also fills: every stock-in with 冲正 (a wrong stock-in is reversed, never edited)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.domain.points import format_points
from app.services.shop import goods
from app.ui.changes import Kind
from app.ui.dialogs.reason_dialog import ReasonDialog
from app.ui.dialogs.shop_dialogs import GoodsDialog, StockInDialog
from app.ui.models.table_models import CENTER, RIGHT, Column, RowTableModel
from app.ui.widgets import fit_columns, hint_label, make_table, select_row_where, selected_row, stretch_column


class GoodsTab(QWidget):
    def __init__(self, page) -> None:
        super().__init__(page)
        self.page, self.ctx = page, page.ctx
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("新增商品…"))
        self.edit_button = QPushButton(self.tr("修改…"))
        self.stock_button = QPushButton(self.tr("入库…"))
        self.reverse_button = QPushButton(self.tr("冲正所选入库…"))
        for button, slot in ((self.add_button, self.add_goods), (self.edit_button, self.edit_goods),
                             (self.stock_button, self.receive), (self.reverse_button, self.reverse_stock_in)):
            button.clicked.connect(lambda _=False, s=slot: s())
        for button in (self.add_button, self.edit_button, self.stock_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.summary = hint_label()
        layout.addWidget(self.summary)
        self.model = RowTableModel([
            Column(self.tr("物品"), lambda r: r.name), Column(self.tr("单位"), lambda r: r.unit, CENTER),
            Column(self.tr("兑换积分"), lambda r: format_points(r.price), RIGHT), Column(self.tr("库存"), lambda r: r.stock, RIGHT),
            Column(self.tr("捐赠/来源"), lambda r: r.donor or "—"),
            Column(self.tr("状态"), lambda r: self.tr("上架") if r.active else self.tr("已下架"), CENTER),
        ], self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        stretch_column(self.table, 0)  # 物品
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.records = self._records_view()
        self._update_buttons()

    def _records_view(self) -> QWidget:
        """Every stock-in, newest first: a tab of its own on the page (one table a view fits a laptop)."""
        view = QWidget()
        layout = QVBoxLayout(view)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reverse_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.ins_model = RowTableModel([
            Column(self.tr("日期"), lambda r: f"{r.received_on:%Y-%m-%d}", CENTER), Column(self.tr("物品"), lambda r: r.goods_name),
            Column(self.tr("数量"), lambda r: r.quantity, RIGHT), Column(self.tr("捐赠/来源"), lambda r: r.donor), Column(self.tr("备注"), lambda r: r.note),
            Column(self.tr("状态"), lambda r: self.tr("已冲正") if r.reversed else (self.tr("冲正记录") if r.reverses_id else ""), CENTER),
        ], view)
        self.ins = make_table(view)
        self.ins.setModel(self.ins_model)
        stretch_column(self.ins, 4)  # 备注
        self.ins.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.ins, 1)
        return view

    def refresh(self) -> None:
        store = self.ctx.store
        self.page.read(lambda _c: (goods.list_goods(store), goods.list_stock_ins(store)), self._show, key="goods")

    def _show(self, answer) -> None:
        rows, stock_ins = answer
        keep = self.selected()
        self.model.set_rows(rows)
        self.ins_model.set_rows(stock_ins)
        fit_columns(self.ins)
        fit_columns(self.table)
        self.summary.setText(self.tr("上架 {0} 种，库存共 {1} 件。").format(sum(1 for r in rows if r.active), sum(r.stock for r in rows)))
        if keep is not None:
            self.select(keep.name)
        self._update_buttons()

    def selected(self):
        return selected_row(self.table)

    def select(self, name: str) -> bool:
        return select_row_where(self.table, lambda row: row.name == name)

    def selected_stock_in(self):
        return selected_row(self.ins)

    def _update_buttons(self) -> None:
        row, stock_in = self.selected(), self.selected_stock_in()
        self.edit_button.setEnabled(row is not None)
        self.stock_button.setEnabled(row is not None)
        self.reverse_button.setEnabled(stock_in is not None and not stock_in.reversed and stock_in.reverses_id is None)

    def add_goods(self):
        return self.page.open_dialog(GoodsDialog(self.ctx, None, self))

    def edit_goods(self):
        row = self.selected()
        return None if row is None else self.page.open_dialog(GoodsDialog(self.ctx, row, self))

    def receive(self):
        row = self.selected()
        return None if row is None else self.page.open_dialog(StockInDialog(self.ctx, row, self))

    def reverse_stock_in(self):
        line = self.selected_stock_in()
        if line is None:
            return None
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        text = self.tr("冲正 {0:%Y-%m-%d}“{1}”入库 {2}：原记录保留，另记一条相反的记录。").format(line.received_on, line.goods_name, line.quantity)
        return self.page.open_dialog(ReasonDialog(
            self.ctx, self.tr("冲正入库"), text,
            lambda reason: (lambda _control: goods.reverse_stock_in(store, actor, line.id, reason, today)), Kind.LEDGER, self,
        ))
