"""The honour shop seen from the township: each gathered branch's shop activity in a year.

Read-only, inside the caller's read session (app/services/township/overview.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select, type_coerce

from app.domain.points import ZERO
from db.shop_models import ShopGoods, ShopRedemption
from db.types import Points


@dataclass(frozen=True)
class ShopActivity:
    redemptions: int  # redemptions of the year, not counting reversals or what they reversed
    members: int  # members who redeemed something (and kept it)
    points: Decimal  # shop points spent, net of reversals
    in_stock: int  # pieces on the shelf now


def shop_activity(session, branch_ids: list[uuid.UUID], year: int) -> dict[uuid.UUID, ShopActivity]:
    reversed_ids = select(ShopRedemption.reverses_id).where(ShopRedemption.reverses_id.is_not(None))
    kept = (ShopRedemption.reverses_id.is_(None)) & (ShopRedemption.id.not_in(reversed_ids))
    rows = session.execute(
        select(
            ShopRedemption.branch_id,
            func.sum(case((kept, 1), else_=0)),
            func.count(func.distinct(case((kept, ShopRedemption.member_id)))),
            type_coerce(func.sum(ShopRedemption.points), Points),
        )
        .where(ShopRedemption.branch_id.in_(branch_ids), ShopRedemption.redeemed_on.between(date(year, 1, 1), date(year, 12, 31)))
        .group_by(ShopRedemption.branch_id)
    ).all()
    stock = dict(session.execute(
        select(ShopGoods.branch_id, func.sum(ShopGoods.stock)).where(ShopGoods.branch_id.in_(branch_ids)).group_by(ShopGoods.branch_id)
    ).all())
    found = {branch_id: ShopActivity(int(count or 0), int(members or 0), spent or ZERO, int(stock.get(branch_id) or 0))
             for branch_id, count, members, spent in rows}
    for branch_id in branch_ids:
        found.setdefault(branch_id, ShopActivity(0, 0, ZERO, int(stock.get(branch_id) or 0)))
    return found
