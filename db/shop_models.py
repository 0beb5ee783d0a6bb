"""Tables of the honour shop (积分超市): goods, stock received, redemptions, members' shop accounts.

Stock-ins and redemptions are history: never edited or deleted (db/ledger_guard.py and the
triggers of migration 0007); a mistake is corrected by a reversing record that names the one
it reverses and gives a reason. `ShopGoods.stock` and `ShopAccount.spent` are kept in the same
unit of work as those records, so a redemption is refused against them quickly; `check`
recomputes both from the history and compares.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, RecordMixin, UpdatedMixin
from db.types import Points


class ShopGoods(RecordMixin, UpdatedMixin, Base):
    """One kind of goods on the shop's shelf: its price in shop points and what is in stock."""

    __tablename__ = "shop_goods"
    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(10), default="件")
    price: Mapped[Decimal] = mapped_column(Points)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    donor: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class ShopStockIn(RecordMixin, Base):
    """Goods received (a donation or a purchase); a reversal has the opposite quantity."""

    __tablename__ = "shop_stock_ins"

    goods_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop_goods.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)
    donor: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shop_stock_ins.id"), unique=True)


class ShopRedemption(RecordMixin, Base):
    """A member exchanging shop points for goods; a reversal has the opposite quantity and points.
    The goods' name, unit and price are kept as they were, so renaming the goods rewrites no history.

    `slip_no` numbers the branch's redemption slips (兑换凭证) in the order they were written."""

    __tablename__ = "shop_redemptions"
    __table_args__ = (UniqueConstraint("branch_id", "slip_no"),)

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    slip_no: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    goods_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop_goods.id"), index=True)
    goods_name: Mapped[str] = mapped_column(String(100))  # as the goods were called then (a slip printed again says the same)
    unit: Mapped[str] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Points)
    points: Mapped[Decimal] = mapped_column(Points)
    redeemed_on: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("shop_redemptions.id"), unique=True)


class ShopAccount(RecordMixin, UpdatedMixin, Base):
    """What a member has spent in the shop in a year (redemptions less reversals), kept beside them."""

    __tablename__ = "shop_accounts"
    __table_args__ = (UniqueConstraint("member_id", "year"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int] = mapped_column(Integer)
    spent: Mapped[Decimal] = mapped_column(Points, default=Decimal("0"))
