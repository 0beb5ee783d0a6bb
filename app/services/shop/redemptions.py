"""Redemptions (兑换): a member's shop points and the shop's stock go down in one unit of work.

A redemption is refused, with the figure that is available, when the member's balance or the
goods' stock is short. It is never edited; a mistake (goods returned, the wrong member) is
corrected by a reversing redemption with a reason, which gives the points and the stock back.
Each record gets the branch's next slip number (兑换凭证 No.).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.domain.enums import MemberStatus
from app.domain.errors import ConflictError, MemberNotFound, NotFound, ValidationError
from app.domain.points import ZERO, exact_points, format_points
from app.domain.shop import available, refusal
from app.services.context import Actor, Change, UnitOfWork, read_session, unit_of_work
from app.services.organisation import require_branch_id
from app.services.shop.balances import member_year
from app.services.shop.goods import SHOP_ROLES
from db.models import Member, Operator
from db.shop_models import ShopAccount, ShopGoods, ShopRedemption
from db.store import Store


@dataclass
class RedemptionRequest:
    member_id: uuid.UUID
    goods_id: uuid.UUID
    quantity: int
    redeemed_on: date
    note: str = ""


@dataclass
class RedemptionResult(Change):
    redemption_id: uuid.UUID | None = None
    slip_no: int = 0
    balance_after: Decimal = ZERO


@dataclass(frozen=True)
class RedemptionRow:
    id: uuid.UUID
    slip_no: int
    member_id: uuid.UUID
    member_name: str
    goods_name: str
    unit: str
    quantity: int
    unit_price: Decimal
    points: Decimal
    redeemed_on: date
    note: str
    operator: str
    reverses_id: uuid.UUID | None
    reversed: bool


def _account(session, member_id: uuid.UUID, year: int) -> ShopAccount:
    account = session.scalar(select(ShopAccount).where(ShopAccount.member_id == member_id, ShopAccount.year == year))
    if account is None:
        account = ShopAccount(member_id=member_id, year=year, spent=ZERO)
        session.add(account)
    return account


def _next_slip(session, branch_id: uuid.UUID) -> int:
    return (session.scalar(select(func.max(ShopRedemption.slip_no)).where(ShopRedemption.branch_id == branch_id)) or 0) + 1


def spendable(session, branch_id: uuid.UUID, member_id: uuid.UUID, on: date) -> Decimal:
    """What the member may spend on `on`: the year's opening and earnings to that month, less the
    year's spending as kept in his shop account (db/shop_models.ShopAccount)."""
    year = member_year(session, branch_id, member_id, on.year)
    earned = dict(year.earned_months)
    account = session.scalar(select(ShopAccount.spent).where(ShopAccount.member_id == member_id, ShopAccount.year == on.year))
    return available(year.opening, earned, account or ZERO, on)


def member_spendable(store: Store, member_id: uuid.UUID, on: date) -> Decimal:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return spendable(session, branch_id, member_id, on)


def redeem(store: Store, actor: Actor, request: RedemptionRequest) -> RedemptionResult:
    actor.require(*SHOP_ROLES, action="办理积分兑换")
    if not isinstance(request.quantity, int) or request.quantity <= 0:
        raise ValidationError("兑换数量应为正整数。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        member, goods = _member_and_goods(session, branch_id, request)
        if goods.stock < request.quantity:
            raise ConflictError(f"“{goods.name}”现有库存 {goods.stock} {goods.unit}，不够兑换 {request.quantity} {goods.unit}。")
        cost = exact_points(goods.price * request.quantity)
        have = spendable(session, branch_id, member.id, request.redeemed_on)
        if cost > have:
            raise ConflictError(refusal(member.name, goods.name, cost, have))
        record = ShopRedemption(
            branch_id=branch_id, slip_no=_next_slip(session, branch_id), member_id=member.id, goods_id=goods.id,
            goods_name=goods.name, unit=goods.unit, quantity=request.quantity, unit_price=goods.price, points=cost, redeemed_on=request.redeemed_on,
            note=request.note.strip(), operator_id=actor.id,
        )
        return _book(uow, record, goods, member, have - cost, f"{member.name}兑换“{goods.name}”{request.quantity}{goods.unit}，用 {format_points(cost)} 分")


def _member_and_goods(session, branch_id, request: RedemptionRequest) -> tuple[Member, ShopGoods]:
    member = session.get(Member, request.member_id)
    if member is None or member.branch_id != branch_id:
        raise MemberNotFound("找不到这名党员。")
    if member.status is not MemberStatus.ACTIVE:
        raise ValidationError(f"{member.name}{member.status.label}，不能再兑换。")
    goods = session.get(ShopGoods, request.goods_id)
    if goods is None or goods.branch_id != branch_id:
        raise NotFound("找不到这件商品。")
    if not goods.active:
        raise ValidationError(f"“{goods.name}”已下架，不能兑换。")
    return member, goods


def _book(uow: UnitOfWork, record: ShopRedemption, goods: ShopGoods, member: Member, balance: Decimal, summary: str) -> RedemptionResult:
    """Write the record, move the stock and the member's account by it, and audit it (one unit of work)."""
    session = uow.session
    session.add(record)
    goods.stock -= record.quantity
    account = _account(session, member.id, record.redeemed_on.year)
    account.spent = (account.spent or ZERO) + record.points
    session.flush()
    uow.audit("reverse" if record.reverses_id else "create", "shop_redemption", record.id, f"兑换凭证 No.{record.slip_no}：{summary}",
              member=member.id, goods=goods.id, quantity=record.quantity, points=record.points, reverses=record.reverses_id)
    sentence = f"{summary}，兑换凭证 No.{record.slip_no}；{member.name}还有可兑换积分 {format_points(balance)} 分。"
    return RedemptionResult(sentence, created=[record.id], redemption_id=record.id, slip_no=record.slip_no, balance_after=balance)


def reverse_redemption(store: Store, actor: Actor, redemption_id: uuid.UUID, reason: str, on: date) -> RedemptionResult:
    """Give back the points and the stock of a redemption by a reversing one dated `on`."""
    actor.require(*SHOP_ROLES, action="冲正积分兑换")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("冲正必须写明原因。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        original = session.get(ShopRedemption, redemption_id)
        if original is None or original.branch_id != branch_id:
            raise NotFound("找不到这条兑换记录。")
        if original.reverses_id is not None:
            raise ConflictError("这条记录本身就是冲正记录，不能再冲正；如需恢复，请重新兑换。")
        if session.scalar(select(ShopRedemption.id).where(ShopRedemption.reverses_id == original.id)):
            raise ConflictError(f"兑换凭证 No.{original.slip_no} 已经冲正过了。")
        goods, member = session.get(ShopGoods, original.goods_id), session.get(Member, original.member_id)
        record = ShopRedemption(
            branch_id=branch_id, slip_no=_next_slip(session, branch_id), member_id=member.id, goods_id=goods.id,
            goods_name=original.goods_name, unit=original.unit, quantity=-original.quantity, unit_price=original.unit_price, points=-original.points, redeemed_on=on,
            note=f"冲正：{reason}", operator_id=actor.id, reverses_id=original.id,
        )
        balance = spendable(session, branch_id, member.id, on) + original.points
        summary = f"冲正兑换凭证 No.{original.slip_no}（{member.name}“{original.goods_name}”{original.quantity}{original.unit}），退回 {format_points(original.points)} 分"
        return _book(uow, record, goods, member, balance, summary)


def list_redemptions(store: Store, year: int, month: int | None = None, member_id: uuid.UUID | None = None) -> list[RedemptionRow]:
    """The branch's redemptions and reversals of a year (or one month), newest first."""
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return redemption_rows(session, branch_id, year, month, member_id)


def redemption_rows(session, branch_id, year: int, month: int | None = None, member_id=None) -> list[RedemptionRow]:
    start, end = (date(year, month or 1, 1), date(year + (month or 12) // 12, (month or 12) % 12 + 1, 1))
    query = (
        select(ShopRedemption, Member.name, Operator.display_name)
        .join(Member, Member.id == ShopRedemption.member_id)
        .join(Operator, Operator.id == ShopRedemption.operator_id)
        .where(ShopRedemption.branch_id == branch_id, ShopRedemption.redeemed_on >= start, ShopRedemption.redeemed_on < end)
        .order_by(ShopRedemption.slip_no.desc())
    )
    if member_id is not None:
        query = query.where(ShopRedemption.member_id == member_id)
    rows = session.execute(query).all()
    reversed_ids = set(session.scalars(select(ShopRedemption.reverses_id).where(
        ShopRedemption.branch_id == branch_id, ShopRedemption.reverses_id.is_not(None))))
    return [
        RedemptionRow(r.id, r.slip_no, r.member_id, member, r.goods_name, r.unit, r.quantity, r.unit_price, r.points, r.redeemed_on,
                      r.note, operator, r.reverses_id, r.id in reversed_ids)
        for r, member, operator in rows
    ]
