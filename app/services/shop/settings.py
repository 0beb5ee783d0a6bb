"""The rule set's shop and board settings, changed on their own (the rest of the rule set is untouched).

Changing how shop points are earned changes every balance of that year (they are derived from
the ledger), so it is an administrator's decision and audited with the before and after.
"""

from __future__ import annotations

from sqlalchemy import select

from app.domain.board import BoardRule, board_rule_from_dict, board_rule_to_dict
from app.domain.errors import NotFound
from app.domain.shop import ShopRule, shop_rule_from_dict, shop_rule_to_dict
from app.services.context import Actor, Change, unit_of_work
from app.services.organisation import require_branch_id
from db.models import RuleSetRecord
from db.store import Store


def _save(store: Store, actor: Actor, year: int, key: str, value: dict, what: str) -> Change:
    actor.require(action=f"修改{what}")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = uow.session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
        if record is None:
            raise NotFound(f"{year} 年的积分细则还没有建立。")
        before = record.settings.get(key)
        record.settings = {**record.settings, key: value}  # a new dict, so the JSON column sees the change
        uow.audit("update", "rule_set", record.id, f"修改 {year} 年{what}", before=before, after=value)
        return Change(f"已保存 {year} 年{what}。", updated=[record.id])


def save_shop_rule(store: Store, actor: Actor, year: int, rule: ShopRule) -> Change:
    value = shop_rule_to_dict(rule)
    shop_rule_from_dict(value)  # the same checks as a template's
    return _save(store, actor, year, "shop", value, "积分超市兑换规则")


def save_board_rule(store: Store, actor: Actor, year: int, rule: BoardRule) -> Change:
    value = board_rule_to_dict(rule)
    board_rule_from_dict(value)
    return _save(store, actor, year, "board", value, "红黑榜规则")
