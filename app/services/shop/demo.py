"""The demo branch's honour shop: donated goods on the shelf, a few members' redemptions and one
reversal, so a newcomer sees the shop page, the slips and the passbooks working at once."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.domain.enums import MemberStatus
from app.services.context import Actor, read_session
from app.services.shop import goods, redemptions
from app.services.shop.redemptions import RedemptionRequest, member_spendable
from db.models import Member
from db.store import Store

# (name, unit, price in shop points, pieces donated, donor)
SHELF = (
    ("香皂", "块", "2", 30, "镇供销社"),
    ("毛巾", "条", "3", 20, "县爱心企业协会"),
    ("洗衣粉", "袋", "4", 20, "镇供销社"),
    ("大米（5斤）", "袋", "6", 10, "村集体经济合作社"),
    ("食用油（1.8升）", "桶", "8", 6, "县爱心企业协会"),
)


def seed_shop(store: Store, actor: Actor, today: date, seed: int) -> None:
    rng = random.Random(seed + 15)
    stocked_on = date(today.year, 1, 10)
    shelf = []
    for name, unit, price, pieces, donor in SHELF:
        goods_id = goods.add_goods(store, actor, goods.GoodsInput(name, Decimal(price), unit, donor=donor)).created[0]
        goods.receive_stock(store, actor, goods_id, pieces, stocked_on, donor, "爱心捐赠")
        shelf.append((Decimal(price), goods_id))
    with read_session(store) as session:
        members = list(session.scalars(select(Member.id).where(Member.status == MemberStatus.ACTIVE).order_by(Member.name_pinyin)))
    rng.shuffle(members)
    done = []
    on = max(stocked_on, today - timedelta(days=3))
    for member_id in members:
        have = member_spendable(store, member_id, on)
        affordable = [goods_id for price, goods_id in shelf if price <= have]
        if not affordable:
            continue
        request = RedemptionRequest(member_id, rng.choice(affordable), 1, on, "")
        done.append(redemptions.redeem(store, actor, request).redemption_id)
        if len(done) == 8:
            break
    if done:
        redemptions.reverse_redemption(store, actor, done[0], "物品有破损，退回后另行兑换", on)
