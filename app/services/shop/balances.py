"""Members' shop balances: earned from the one scorer, spent from the redemptions, year by year.

Earned shop points come from the scorer's month-by-category sums (app/services/totals/scoring.py,
BranchScorer) under each year's shop rule (app/domain/shop.py); spent is read from the
redemption records. A year opens with what the year before carried (nothing carries past a
year whose rule lets the remainder lapse). Runs inside a caller's read or write session.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy import func, select

from app.domain.points import ZERO
from app.domain.shop import Movement, ShopRule, ShopYear, earned_by_month, shop_year
from app.services.shop.carried import kept_years
from app.services.totals.scoring import BranchScorer
from db.models import Member, RuleSetRecord
from db.shop_models import ShopRedemption


@dataclass(frozen=True)
class BalanceRow:
    """One member's line on the shop page and in the township's sums."""

    member_id: uuid.UUID
    name: str
    opening: Decimal
    earned: Decimal
    spent: Decimal
    lapsed: Decimal
    balance: Decimal  # now: opening + earned − spent (before the year-end lapse)


def movements(session, branch_id: uuid.UUID, up_to_year: int, member_ids=None) -> dict[uuid.UUID, dict[int, list[Movement]]]:
    """Redemptions and reversals of the branch up to `up_to_year`, per member and year."""
    query = (
        select(ShopRedemption)
        .where(ShopRedemption.branch_id == branch_id, ShopRedemption.redeemed_on <= date(up_to_year, 12, 31))
        .order_by(ShopRedemption.redeemed_on, ShopRedemption.slip_no)
    )
    if member_ids is not None:
        query = query.where(ShopRedemption.member_id.in_(list(member_ids)))
    grouped: dict[uuid.UUID, dict[int, list[Movement]]] = defaultdict(lambda: defaultdict(list))
    for record in session.scalars(query):
        what = f"{record.goods_name} {abs(record.quantity)}{record.unit}"
        text = f"兑换 {what}" if record.reverses_id is None else f"冲正 {what}（{record.note.removeprefix('冲正：')}）"
        grouped[record.member_id][record.redeemed_on.year].append(Movement(record.redeemed_on, record.points, text, record.slip_no))
    return grouped


def first_year(session, branch_id: uuid.UUID) -> int | None:
    return session.scalar(select(func.min(RuleSetRecord.year)).where(RuleSetRecord.branch_id == branch_id))


def shop_years(session, branch_id: uuid.UUID, year: int, member_ids: Iterable[uuid.UUID] | None = None) -> dict[uuid.UUID, list[ShopYear]]:
    """Every member's shop year `year` (a list of one, by member), opening with what he carried.

    Members are those the scorer scores in that year plus anyone with redemptions or a carried
    balance. What the years before carry is worked out from the branch's first rule-set year
    once and kept (app/services/shop/carried.py): for the whole branch, the page scores only
    `year` unless an earlier year changed since."""
    ids = None if member_ids is None else list(member_ids)
    scorer = BranchScorer(session, branch_id)
    moved = movements(session, branch_id, year, ids)
    kept = kept_years(session, branch_id) if ids is None else {}
    start = min(first_year(session, branch_id) or year, year)
    resume = start
    while resume in kept and resume < year:
        resume += 1
    carried: dict[uuid.UUID, Decimal] = dict(kept.get(resume - 1, {}))
    for current in range(resume, year + 1):
        found = _one_year(scorer, current, ids, moved, carried)
        carried = {member_id: result.carried for member_id, result in found.items() if result.carried}
        if ids is None and current < year:
            kept[current] = carried
    return {member_id: [result] for member_id, result in found.items()}


def _one_year(scorer: BranchScorer, current: int, ids, moved, carried: dict[uuid.UUID, Decimal]) -> dict[uuid.UUID, ShopYear]:
    scored = scorer.year(current, member_ids=ids)
    rule = scored.rule_set.shop if scored else ShopRule()
    scores = scored.branch.scores if scored else {}
    people = set(scores) | {m for m, by_year in moved.items() if current in by_year} | set(carried)
    found = {}
    for member_id in people:
        score = scores.get(member_id)
        earned = earned_by_month(rule, score.month_categories, score.vetoed) if score else {}
        found[member_id] = shop_year(current, carried.get(member_id, ZERO), earned, moved.get(member_id, {}).get(current, []),
                                     rule.carry_over)
    return found


def branch_balances(session, branch_id: uuid.UUID, year: int, member_ids=None) -> list[BalanceRow]:
    """Each member's shop year `year`, by pinyin: everyone the scorer scores that year (with zeros
    when he earned nothing) and anyone who redeemed or carried points into it."""
    found = shop_years(session, branch_id, year, member_ids)
    query = select(Member.id, Member.name, Member.name_pinyin).where(Member.branch_id == branch_id)
    if member_ids is not None:
        query = query.where(Member.id.in_(list(member_ids)))
    rows = []
    for member_id, name, pinyin in sorted(session.execute(query), key=lambda r: (r.name_pinyin, r.name)):
        last = [y for y in found.get(member_id, []) if y.year == year]
        if not last:
            continue
        y = last[0]
        rows.append(BalanceRow(member_id, name, y.opening, y.earned, y.spent, y.lapsed, y.closing))
    return rows


def member_year(session, branch_id: uuid.UUID, member_id: uuid.UUID, year: int) -> ShopYear:
    """One member's shop year (an empty year when he has neither earned nor spent anything)."""
    for found in shop_years(session, branch_id, year, [member_id]).get(member_id, []):
        if found.year == year:
            return found
    return shop_year(year, ZERO, {}, [], True)


def year_balances(store, year: int) -> list[BalanceRow]:
    """The shop page's table: every member's shop year (opens its own read session)."""
    from app.services.context import read_session
    from app.services.organisation import require_branch_id

    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return branch_balances(session, branch_id, year)
