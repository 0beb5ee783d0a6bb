"""The shop's catalogue and stock: goods with a price in shop points, stock received and corrected.

Stock received is history (db/shop_models.py): a wrong stock-in is corrected by a reversing
stock-in with a reason, never edited. `ShopGoods.stock` is kept in the same unit of work.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.enums import Role
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.points import format_points, points
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.organisation import require_branch_id
from db.shop_models import ShopGoods, ShopStockIn
from db.store import Store

SHOP_ROLES = (Role.CLERK, Role.REVIEWER)


@dataclass
class GoodsInput:
    name: str
    price: Decimal
    unit: str = "件"
    donor: str = ""
    note: str = ""
    active: bool = True


@dataclass(frozen=True)
class GoodsRow:
    id: uuid.UUID
    name: str
    unit: str
    price: Decimal
    stock: int
    donor: str
    note: str
    active: bool


@dataclass(frozen=True)
class StockInRow:
    id: uuid.UUID
    goods_name: str
    quantity: int
    received_on: date
    donor: str
    note: str
    reverses_id: uuid.UUID | None
    reversed: bool


def _checked(data: GoodsInput) -> GoodsInput:
    name = data.name.strip()
    if not name:
        raise ValidationError("请填写商品名称。")
    try:
        price = points(data.price)
    except (ValueError, TypeError):
        raise ValidationError(f"“{name}”的兑换积分应为数字。") from None
    if price <= 0:
        raise ValidationError(f"“{name}”的兑换积分应大于 0。")
    return GoodsInput(name, price, data.unit.strip() or "件", data.donor.strip(), data.note.strip(), data.active)


def add_goods(store: Store, actor: Actor, data: GoodsInput) -> Change:
    actor.require(*SHOP_ROLES, action="管理积分超市商品")
    data = _checked(data)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        if session.scalar(select(ShopGoods.id).where(ShopGoods.branch_id == branch_id, ShopGoods.name == data.name)):
            raise ConflictError(f"积分超市已有商品“{data.name}”，请直接入库或修改它。")
        goods = ShopGoods(branch_id=branch_id, name=data.name, unit=data.unit, price=data.price, stock=0,
                          donor=data.donor, note=data.note, active=data.active, created_by=actor.id)
        session.add(goods)
        session.flush()
        uow.audit("create", "shop_goods", goods.id, f"积分超市新增商品“{data.name}”，{format_points(data.price)} 分/{data.unit}",
                  price=data.price, donor=data.donor)
        return Change(f"已新增商品“{data.name}”，每{data.unit} {format_points(data.price)} 分；请办理入库。", created=[goods.id])


def update_goods(store: Store, actor: Actor, goods_id: uuid.UUID, data: GoodsInput) -> Change:
    """Change a goods' name, price, unit, donor or note, or take it off the shelf (redemptions keep their price)."""
    actor.require(*SHOP_ROLES, action="管理积分超市商品")
    data = _checked(data)
    with unit_of_work(store, actor) as uow:
        goods = uow.session.get(ShopGoods, goods_id)
        if goods is None:
            raise NotFound("找不到这件商品。")
        before = {"name": goods.name, "price": goods.price, "unit": goods.unit, "donor": goods.donor, "active": goods.active}
        goods.name, goods.price, goods.unit = data.name, data.price, data.unit
        goods.donor, goods.note, goods.active = data.donor, data.note, data.active
        uow.audit("update", "shop_goods", goods.id, f"修改积分超市商品“{data.name}”", before=before,
                  after={"name": data.name, "price": data.price, "unit": data.unit, "donor": data.donor, "active": data.active})
        return Change(f"已保存商品“{data.name}”。", updated=[goods.id])


def receive_stock(
    store: Store, actor: Actor, goods_id: uuid.UUID, quantity: int, received_on: date, donor: str = "", note: str = ""
) -> Change:
    actor.require(*SHOP_ROLES, action="办理积分超市入库")
    if not isinstance(quantity, int) or quantity <= 0:
        raise ValidationError("入库数量应为正整数。")
    with unit_of_work(store, actor) as uow:
        goods = uow.session.get(ShopGoods, goods_id)
        if goods is None:
            raise NotFound("找不到这件商品。")
        record = ShopStockIn(goods_id=goods.id, quantity=quantity, received_on=received_on,
                             donor=donor.strip() or goods.donor, note=note.strip(), operator_id=actor.id)
        uow.session.add(record)
        goods.stock += quantity
        uow.session.flush()
        uow.audit("create", "shop_stock_in", record.id, f"“{goods.name}”入库 {quantity} {goods.unit}", quantity=quantity, donor=record.donor)
        return Change(f"“{goods.name}”入库 {quantity} {goods.unit}，现有库存 {goods.stock} {goods.unit}。", created=[record.id])


def reverse_stock_in(store: Store, actor: Actor, stock_in_id: uuid.UUID, reason: str, on: date) -> Change:
    """Correct a stock-in by a reversing one; refused when the goods have already gone out."""
    actor.require(*SHOP_ROLES, action="冲正积分超市入库")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("冲正必须写明原因。")
    with unit_of_work(store, actor) as uow:
        session = uow.session
        original = session.get(ShopStockIn, stock_in_id)
        if original is None:
            raise NotFound("找不到这条入库记录。")
        if original.reverses_id is not None:
            raise ConflictError("这条记录本身就是冲正记录，不能再冲正；如需恢复，请重新入库。")
        if session.scalar(select(ShopStockIn.id).where(ShopStockIn.reverses_id == original.id)):
            raise ConflictError("这条入库记录已经冲正过了。")
        goods = session.get(ShopGoods, original.goods_id)
        if goods.stock < original.quantity:
            raise ConflictError(
                f"“{goods.name}”现有库存 {goods.stock} {goods.unit}，少于这次入库的 {original.quantity} {goods.unit}，"
                "已有部分兑换出去，不能整笔冲正；请先冲正相关的兑换。"
            )
        reversal = ShopStockIn(goods_id=goods.id, quantity=-original.quantity, received_on=on, donor=original.donor,
                               note=f"冲正：{reason}", operator_id=actor.id, reverses_id=original.id)
        session.add(reversal)
        goods.stock -= original.quantity
        session.flush()
        uow.audit("reverse", "shop_stock_in", reversal.id, f"冲正“{goods.name}”入库 {original.quantity} {goods.unit}：{reason}",
                  reverses=original.id, reason=reason, quantity=-original.quantity)
        return Change(f"已冲正“{goods.name}”入库 {original.quantity} {goods.unit}，现有库存 {goods.stock} {goods.unit}。", created=[reversal.id])


def list_goods(store: Store, include_inactive: bool = True) -> list[GoodsRow]:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        query = select(ShopGoods).where(ShopGoods.branch_id == branch_id).order_by(ShopGoods.active.desc(), ShopGoods.name)
        if not include_inactive:
            query = query.where(ShopGoods.active.is_(True))
        return [GoodsRow(g.id, g.name, g.unit, g.price, g.stock, g.donor, g.note, g.active) for g in session.scalars(query)]


def list_stock_ins(store: Store, goods_id: uuid.UUID | None = None) -> list[StockInRow]:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        query = (select(ShopStockIn, ShopGoods.name).join(ShopGoods, ShopGoods.id == ShopStockIn.goods_id)
                 .where(ShopGoods.branch_id == branch_id).order_by(ShopStockIn.received_on.desc(), ShopStockIn.created_at.desc()))
        if goods_id is not None:
            query = query.where(ShopStockIn.goods_id == goods_id)
        rows = session.execute(query).all()
        reversed_ids = {r.reverses_id for r, _ in rows if r.reverses_id}
        return [StockInRow(r.id, name, r.quantity, r.received_on, r.donor, r.note, r.reverses_id, r.id in reversed_ids) for r, name in rows]
