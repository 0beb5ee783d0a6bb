"""The shop part of `check`: stock never negative and equal to what came in less what went out;
every member's kept spending equal to his redemptions; reversals the exact opposite of what they
reverse. Reports problems as sentences, changes nothing; works on a branch or a township file."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import extract, func, select, type_coerce

from app.domain.points import ZERO, format_points
from db.models import AuditRecord, Member
from db.shop_models import ShopAccount, ShopGoods, ShopRedemption, ShopStockIn
from db.types import Points


def check_shop(session, report) -> None:
    """`check`'s shop part: the problems, and how many shop records were looked at."""
    report.problems.extend(shop_problems(session))
    report.counts["积分超市兑换记录"] = session.scalar(select(func.count()).select_from(ShopRedemption)) or 0
    report.counts["积分超市入库记录"] = session.scalar(select(func.count()).select_from(ShopStockIn)) or 0


def shop_problems(session) -> list[str]:
    return _stock_problems(session) + _account_problems(session) + _reversal_problems(session) + _audit_problems(session)


def _stock_problems(session) -> list[str]:
    received = dict(session.execute(select(ShopStockIn.goods_id, func.sum(ShopStockIn.quantity)).group_by(ShopStockIn.goods_id)).all())
    issued = dict(session.execute(select(ShopRedemption.goods_id, func.sum(ShopRedemption.quantity)).group_by(ShopRedemption.goods_id)).all())
    problems = []
    for goods in session.scalars(select(ShopGoods).order_by(ShopGoods.name)):
        expected = (received.get(goods.id) or 0) - (issued.get(goods.id) or 0)
        if goods.stock < 0:
            problems.append(f"积分超市“{goods.name}”的库存为 {goods.stock} {goods.unit}，库存不能为负数。")
        if goods.stock != expected:
            problems.append(
                f"积分超市“{goods.name}”的库存记为 {goods.stock} {goods.unit}，"
                f"入库减兑换应为 {expected} {goods.unit}。"
            )
    return problems


def _account_problems(session) -> list[str]:
    year = extract("year", ShopRedemption.redeemed_on)
    spent: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for member_id, in_year, total in session.execute(
        select(ShopRedemption.member_id, year, type_coerce(func.sum(ShopRedemption.points), Points)).group_by(ShopRedemption.member_id, year)
    ):
        spent[(member_id, int(in_year))] = total
    kept = {(a.member_id, a.year): a.spent for a in session.scalars(select(ShopAccount))}
    problems = []
    for key in sorted(set(spent) | set(kept), key=lambda k: (k[1], str(k[0]))):
        if kept.get(key, ZERO) != spent.get(key, ZERO):
            member = session.get(Member, key[0])
            problems.append(
                f"积分超市账户与兑换记录不符：{member.name if member else '?'} {key[1]} 年已兑换记为 "
                f"{format_points(kept.get(key, ZERO))} 分，兑换记录合计 {format_points(spent.get(key, ZERO))} 分，"
                "可兑换余额因此不对。"
            )
    return problems


def _reversal_problems(session) -> list[str]:
    problems = []
    for model, what in ((ShopRedemption, "兑换"), (ShopStockIn, "入库")):
        original = model.__table__.alias("original")
        reversal = model.__table__
        rows = session.execute(
            select(reversal.c.id).join(original, original.c.id == reversal.c.reverses_id)
            .where(reversal.c.quantity != -original.c.quantity)
        ).all()
        if model is ShopRedemption:
            rows += session.execute(
                select(reversal.c.id).join(original, original.c.id == reversal.c.reverses_id)
                .where(reversal.c.points != -original.c.points)
            ).all()
        if rows:
            problems.append(f"积分超市有 {len(rows)} 条{what}冲正记录与原记录的数量或积分不相反。")
    return problems


# What each history row's audit record says about it (app/services/shop/goods.py, redemptions.py).
AUDITED = {
    "shop_redemption": (ShopRedemption, ("member_id", "member"), ("goods_id", "goods"), ("quantity", "quantity"), ("points", "points")),
    "shop_stock_in": (ShopStockIn, ("quantity", "quantity"),),
}


def _audit_problems(session) -> list[str]:
    """The shop's rows are not in the hash chain; their audit records are. Each row must agree
    with the chained audit record written with it, so a row rewritten behind the program's back
    (its triggers dropped) shows here even though its own table has no chain."""
    problems = []
    for entity, (model, *fields) in AUDITED.items():
        said = {a.entity_id: a.details for a in session.scalars(select(AuditRecord).where(AuditRecord.entity == entity))}
        differ = [row for row in session.scalars(select(model)) if not _agrees(row, said.get(row.id), fields)]
        if differ:
            what = "兑换" if model is ShopRedemption else "入库"
            problems.append(f"积分超市有 {len(differ)} 条{what}记录与操作日志中的记载不符（或没有记载），可能被改动过。")
    return problems


def _agrees(row, details: dict | None, fields) -> bool:
    if details is None:
        return False
    return all(key not in details or str(details[key]) == str(getattr(row, column)) for column, key in fields)
