"""Adjusting the year's 驻村干部 rule set after it was made from the template: items added, edited or
retired, the base points and the points that make ten on the county's scale.

The branch adjusts its cadres' rule set the way it adjusts the members' (app/services/rules):
the administrator alone, audited with before and after, and an item that points already use
keeps what it is worth (only its name, description and being in use may change), so no
recorded line is re-priced behind the clerk's back. The scheme lives as JSON on its record;
each change writes a new dict (the JSON column is not mutation-tracked).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from app.domain.cadres import CadreScheme, scheme_from_dict, scheme_to_dict
from app.domain.enums import Category
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.points import format_points, points
from app.domain.rules import RuleItem, RuleSet
from app.domain.ruleset_format import item_to_dict
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.organisation import require_branch_id
from app.services.rules.rulesets import HARMLESS_ITEM_FIELDS
from db.practice_models import CadrePointsRecord, CadreRuleSet
from db.store import Store


# What a cadre's item may be: task work, a bonus or a discipline deduction (the base is the
# scheme's own figure; the county's scale has no veto).
CADRE_CATEGORIES = (Category.DUTY, Category.BONUS, Category.DEDUCTION)


@dataclass(frozen=True)
class CadreSchemeView:
    """The year's cadre scheme with the codes that recorded points already use (those keep their worth)."""

    id: uuid.UUID
    scheme: CadreScheme
    used_codes: frozenset[str]

    @property
    def rule_set(self) -> RuleSet:
        return self.scheme.rule_set


def _record(session, branch_id: uuid.UUID, year: int) -> CadreRuleSet:
    record = session.scalar(select(CadreRuleSet).where(CadreRuleSet.branch_id == branch_id, CadreRuleSet.year == year))
    if record is None:
        raise NotFound(f"{year} 年的驻村干部考核细则还没有建立，请先从模板建立。")
    return record


def _uses(session, record: CadreRuleSet) -> dict[str, int]:
    rows = session.execute(
        select(CadrePointsRecord.item_code, func.count()).where(CadrePointsRecord.rule_set_id == record.id)
        .group_by(CadrePointsRecord.item_code)
    )
    return {code: count for code, count in rows}


def get_scheme_view(store: Store, year: int) -> CadreSchemeView:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        record = _record(session, branch_id, year)
        return CadreSchemeView(record.id, scheme_from_dict(record.settings, year), frozenset(_uses(session, record)))


def _description(record: CadreRuleSet) -> str:
    return str(record.settings.get("scheme", {}).get("description", ""))


def save_cadre_item(store: Store, actor: Actor, year: int, item: RuleItem) -> Change:
    """Add an item to the year's cadre rule set, or change one; a used item may only be renamed or retired."""
    actor.require(action="修改驻村干部考核细则")
    if item.classes or item.exempt_excused:
        raise ValidationError("驻村干部考核项目不分党员类别，也没有老弱病残免考核。")
    if item.category not in CADRE_CATEGORIES:
        raise ValidationError("驻村干部考核项目只分履职、加分和扣分三类（基础分在细则里统一规定，没有一票否决）。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = _record(uow.session, branch_id, year)
        scheme = scheme_from_dict(record.settings, year)
        before = next((i for i in scheme.items if i.code == item.code), None)
        items = [item if i.code == item.code else i for i in scheme.items] + ([item] if before is None else [])
        changed = replace(scheme, items=tuple(items))
        _ = changed.rule_set  # building it re-validates the whole set (codes unique, values in order)
        if before is not None:
            fields = {k for k, v in item_to_dict(item).items() if item_to_dict(before).get(k) != v}
            fields |= set(item_to_dict(before)) - set(item_to_dict(item))
            uses = _uses(uow.session, record).get(item.code, 0)
            if uses and fields - HARMLESS_ITEM_FIELDS:
                raise ConflictError(
                    f"项目 {item.code} 已有 {uses} 条驻村干部积分记录使用，改动分值或上限会改写已记的分。"
                    "可以停用这个项目，再新增一个项目使用新的分值。",
                    details=f"changed fields: {sorted(fields)}",
                )
        record.settings = scheme_to_dict(changed, _description(record))
        uow.session.flush()
        if before is None:
            uow.audit("create", "cadre_rule_item", record.id, f"{year} 年驻村干部细则新增项目 {item.code} {item.name}",
                      item=item_to_dict(item))
            return Change(f"已新增驻村干部考核项目 {item.code}“{item.name}”。", updated=[record.id])
        uow.audit("update", "cadre_rule_item", record.id, f"{year} 年驻村干部细则修改项目 {item.code}",
                  before=item_to_dict(before), after=item_to_dict(item))
        return Change(f"已保存驻村干部考核项目 {item.code}“{item.name}”。", updated=[record.id])


def save_cadre_scale(store: Store, actor: Actor, year: int, base_points, full_points) -> Change:
    """The base every cadre starts the year with and the points that make ten; every score of the year follows."""
    actor.require(action="修改驻村干部考核细则")
    try:
        base, full = points(base_points), points(full_points)
    except ValidationError:
        raise ValidationError("基础分和折算满分应为数字。") from None
    if base < 0 or base > full:
        raise ValidationError("基础分应在 0 到折算满分之间。")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        record = _record(uow.session, branch_id, year)
        scheme = scheme_from_dict(record.settings, year)
        changed = replace(scheme, base_points=base, full_points=full)
        if (scheme.base_points, scheme.full_points) == (base, full):
            return Change("基础分和折算满分没有改动。")
        record.settings = scheme_to_dict(changed, _description(record))
        uow.session.flush()
        uow.audit("update", "cadre_rule_set", record.id,
                  f"{year} 年驻村干部细则：基础分 {format_points(base)}，折算满分 {format_points(full)}",
                  before={"base_points": str(scheme.base_points), "full_points": str(scheme.full_points)},
                  after={"base_points": str(base), "full_points": str(full)})
        return Change(f"已保存：基础分 {format_points(base)} 分，{format_points(full)} 分折为 10 分。", updated=[record.id])
