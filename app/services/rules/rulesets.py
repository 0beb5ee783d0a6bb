"""Rule sets by year: from a shipped template or from last year; items that keep history intact.

A rule set belongs to one year. Entries point at its items, so an item that has been used
can no longer change what it is worth; the clerk retires it and adds a new one instead.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from app.domain.errors import ConflictError, NotFound, ValidationError
from app.domain.points import format_points
from app.domain.rules import RuleItem, RuleSet
from app.domain.ruleset_format import item_from_dict, item_to_dict, rule_set_from_dict, rule_set_to_dict
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.organisation import require_branch_id
from app.services.paths import TEMPLATES_DIR
from db.models import PointsEntry, RuleItemRecord, RuleSetRecord
from db.store import Store

# Fields an item may still change after entries use it: they do not alter any score.
HARMLESS_ITEM_FIELDS = {"name", "description", "active"}


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    description: str
    path: Path


@dataclass(frozen=True)
class RuleSetView:
    id: uuid.UUID
    rule_set: RuleSet
    source: str
    item_ids: dict[str, uuid.UUID]
    used_codes: frozenset[str]


def list_templates(folder: Path = TEMPLATES_DIR) -> list[TemplateInfo]:
    templates = []
    for path in sorted(folder.glob("*.toml")):
        scheme = _read_toml(path).get("scheme", {})
        templates.append(TemplateInfo(path.stem, scheme.get("name", path.stem), scheme.get("description", ""), path))
    return templates


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ValidationError(f"无法读取细则文件“{path.name}”。", details=str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"细则文件“{path.name}”格式有误：{exc}", details=str(exc)) from exc


def load_template(key_or_path: str, year: int) -> tuple[RuleSet, str]:
    """A template by its key (file name without .toml) or a path to a TOML file."""
    path = Path(key_or_path)
    if path.suffix != ".toml":
        path = TEMPLATES_DIR / f"{key_or_path}.toml"
        if not path.exists():
            keys = "、".join(t.key for t in list_templates())
            raise NotFound(f"没有名为“{key_or_path}”的细则模板，可选：{keys}。")
    data = _read_toml(path)
    return rule_set_from_dict(data, year), str(data.get("scheme", {}).get("description", ""))


def rule_set_from_record(record: RuleSetRecord) -> RuleSet:
    data = dict(record.settings)
    data["items"] = [item_to_dict(_item_from_record(item)) for item in record.items]
    data.setdefault("scheme", {})["name"] = record.name
    return rule_set_from_dict(data, record.year)


def _item_from_record(record: RuleItemRecord) -> RuleItem:
    return item_from_dict(
        {
            key: value
            for key, value in {
                "code": record.code,
                "name": record.name,
                "category": record.category.value,
                "kind": record.value_kind.value,
                "value": record.value,
                "min": record.min_value,
                "max": record.max_value,
                "unit": record.unit,
                "cap": record.cap,
                "cap_period": record.cap_period.value if record.cap_period else None,
                "classes": record.classes or [],
                "exempt_excused": record.exempt_excused,
                "outside_cap": record.outside_cap,
                "description": record.description,
                "active": record.active,
            }.items()
            if value is not None
        }
    )


def _record_from_item(item: RuleItem, order: int) -> RuleItemRecord:
    record = RuleItemRecord(sort_order=order)
    _copy_item(item, record)
    return record


def _copy_item(item: RuleItem, record: RuleItemRecord) -> None:
    record.code = item.code
    record.name = item.name
    record.category = item.category
    record.value_kind = item.value_kind
    record.value = item.value
    record.min_value = item.min_value
    record.max_value = item.max_value
    record.unit = item.unit
    record.cap = item.cap
    record.cap_period = item.cap_period
    record.classes = [c.value for c in sorted(item.classes, key=lambda c: c.value)]
    record.exempt_excused = item.exempt_excused
    record.outside_cap = item.outside_cap
    record.description = item.description
    record.active = item.active


def _settings(rule_set: RuleSet) -> dict:
    data = rule_set_to_dict(rule_set)
    data.pop("items")
    return data


def create_rule_set(
    store: Store, actor: Actor, year: int, template: str | None = None, copy_from_year: int | None = None
) -> Change:
    """This year's rule set from a template (key or TOML path) or a copy of another year's."""
    actor.require(action="制定积分细则")
    if (template is None) == (copy_from_year is None):
        raise ValidationError("请选择一个细则模板，或者选择从哪一年的细则复制。")
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年份 {year} 不合理。")
    branch_id = require_branch_id(store)
    if template is not None:
        rule_set, description = load_template(template, year)
        source = f"模板：{rule_set.name}"
    else:
        previous = get_rule_set(store, copy_from_year)
        rule_set = replace(previous.rule_set, year=year, name=previous.rule_set.name)
        description = ""
        source = f"复制自 {copy_from_year} 年细则"
    with unit_of_work(store, actor) as uow:
        session = uow.session
        exists = session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
        if exists:
            raise ConflictError(f"{year} 年的积分细则已经建立了，不能重复建立。")
        record = RuleSetRecord(
            branch_id=branch_id,
            year=year,
            name=rule_set.name,
            source=source,
            description=description,
            settings=_settings(rule_set),
            created_by=actor.id,
        )
        session.add(record)
        session.flush()
        for order, item in enumerate(rule_set.items):
            item_record = _record_from_item(item, order)
            item_record.rule_set_id = record.id
            session.add(item_record)
        uow.audit("create", "rule_set", record.id, f"建立 {year} 年积分细则（{source}）", items=len(rule_set.items))
        return Change(f"已建立 {year} 年积分细则，共 {len(rule_set.items)} 个项目。", created=[record.id])


def rule_set_years(store: Store) -> list[int]:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        return list(session.scalars(select(RuleSetRecord.year).where(RuleSetRecord.branch_id == branch_id).order_by(RuleSetRecord.year)))


def load_rule_set_view(session, branch_id: uuid.UUID, year: int) -> RuleSetView | None:
    record = session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
    if record is None:
        return None
    used = session.scalars(
        select(RuleItemRecord.code)
        .join(PointsEntry, PointsEntry.rule_item_id == RuleItemRecord.id)
        .where(RuleItemRecord.rule_set_id == record.id)
        .group_by(RuleItemRecord.code)
    ).all()
    return RuleSetView(
        record.id, rule_set_from_record(record), record.source, {item.code: item.id for item in record.items}, frozenset(used)
    )


def get_rule_set(store: Store, year: int) -> RuleSetView:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        view = load_rule_set_view(session, branch_id, year)
    if view is None:
        raise NotFound(f"{year} 年的积分细则还没有建立，请先从模板或上一年的细则建立。")
    return view


# A clerk's typing: 分值 99999 was saved on a 100-point scheme. Not checked when a rule set is
# read (a file may hold what it holds), only when an item is typed in.
ITEM_MOST = Decimal(1000)


def _refuse_implausible_values(item: RuleItem) -> None:
    for label, value in (("分值", item.value), ("最低分", item.min_value), ("最高分", item.max_value), ("上限", item.cap)):
        if value is not None and abs(value) > ITEM_MOST:
            raise ValidationError(
                f"细则项目 {item.code}“{item.name}”的{label} {format_points(value)} 分不合理"
                f"（一个项目最多 {format_points(ITEM_MOST)} 分），请检查是否多输了位数。"
            )


def save_rule_item(store: Store, actor: Actor, year: int, item: RuleItem) -> Change:
    """Add an item, or change one; an item already used by entries may only be renamed or retired."""
    actor.require(action="修改积分细则")
    _refuse_implausible_values(item)
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        session = uow.session
        record = session.scalar(select(RuleSetRecord).where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year))
        if record is None:
            raise NotFound(f"{year} 年的积分细则还没有建立。")
        existing = next((i for i in record.items if i.code == item.code), None)
        candidate = rule_set_from_record(record)
        items = [item if i.code == item.code else i for i in candidate.items]
        if existing is None:
            items.append(item)
        replace(candidate, items=tuple(items))  # re-validates the whole set (attendance references, codes)
        if existing is None:
            new_record = _record_from_item(item, len(record.items))
            new_record.rule_set_id = record.id
            session.add(new_record)
            session.flush()
            uow.audit("create", "rule_item", new_record.id, f"{year} 年细则新增项目 {item.code} {item.name}", item=item_to_dict(item))
            return Change(f"已新增项目 {item.code}“{item.name}”。", created=[new_record.id])
        before = _item_from_record(existing)
        changed = {key for key, value in item_to_dict(item).items() if item_to_dict(before).get(key) != value}
        changed |= {key for key in item_to_dict(before) if key not in item_to_dict(item)}
        uses = session.scalar(select(func.count()).select_from(PointsEntry).where(PointsEntry.rule_item_id == existing.id))
        if uses and changed - HARMLESS_ITEM_FIELDS:
            raise ConflictError(
                f"项目 {item.code} 已有 {uses} 条积分记录使用，改动分值或规则会改写历史。"
                "可以停用这个项目，再新增一个项目使用新的分值。",
                details=f"changed fields: {sorted(changed)}",
            )
        _copy_item(item, existing)
        uow.audit("update", "rule_item", existing.id, f"{year} 年细则修改项目 {item.code}", before=item_to_dict(before), after=item_to_dict(item))
        return Change(f"已保存项目 {item.code}“{item.name}”。", updated=[existing.id])
