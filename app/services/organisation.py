"""The branch this database keeps, its township and its party groups."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from app.domain.enums import OrgKind
from app.domain.errors import ConflictError, NotFound, ValidationError
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, read_settings
from db.models import Member, OrgUnit, StoreSetting
from db.store import Store

BRANCH_SETTING = "branch_id"
TOWNSHIP_DATABASE = "这个数据库是乡镇汇总数据库，里面是汇总来的各支部，没有本支部自己的数据：支部设置、演示数据和只属于一个支部的功能都不能用在它上面。"


@dataclass(frozen=True)
class UnitInfo:
    id: uuid.UUID
    name: str
    kind: OrgKind


@dataclass(frozen=True)
class BranchInfo:
    id: uuid.UUID
    name: str
    township: str
    groups: tuple[UnitInfo, ...]


def _clean_name(text: str, what: str) -> str:
    name = (text or "").strip()
    if not name:
        raise ValidationError(f"请填写{what}。")
    if len(name) > 100:
        raise ValidationError(f"{what}太长了（最多 100 个字）。")
    return name


def setup_branch(
    store: Store, actor: Actor, township: str, branch: str, groups: list[str], kind: OrgKind = OrgKind.BRANCH
) -> BranchInfo:
    """First-run set-up: the township committee, this branch and its party groups."""
    actor.require(action="设置支部")
    township = _clean_name(township, "乡镇（街道）党委名称")
    branch = _clean_name(branch, "支部名称")
    group_names = [_clean_name(g, "党小组名称") for g in groups if g and g.strip()]
    if len(set(group_names)) != len(group_names):
        raise ValidationError("党小组名称有重复。")
    with unit_of_work(store, actor) as uow:
        session = uow.session
        if session.scalar(select(StoreSetting).where(StoreSetting.key == BRANCH_SETTING)):
            raise ConflictError("这个数据库已经设置过支部了。")
        if session.scalar(select(OrgUnit.id).limit(1)) is not None:  # a township's gathered branches
            raise ConflictError(TOWNSHIP_DATABASE)
        top = OrgUnit(kind=OrgKind.TOWNSHIP, name=township)
        session.add(top)
        session.flush()
        unit = OrgUnit(kind=kind, name=branch, parent_id=top.id)
        session.add(unit)
        session.flush()
        for order, name in enumerate(group_names):
            session.add(OrgUnit(kind=OrgKind.GROUP, name=name, parent_id=unit.id, sort_order=order))
        session.add(StoreSetting(key=BRANCH_SETTING, value=str(unit.id)))
        uow.audit("create", "org_unit", unit.id, f"设置支部：{township} {branch}", groups=group_names)
        branch_id = unit.id
    return get_branch(store, branch_id)


def current_branch_id(store: Store) -> uuid.UUID | None:
    with read_session(store) as session:
        setting = session.scalar(select(StoreSetting).where(StoreSetting.key == BRANCH_SETTING))
        return uuid.UUID(setting.value) if setting else None


def require_branch_id(store: Store) -> uuid.UUID:
    branch_id = current_branch_id(store)
    if branch_id is None:
        if is_township_database(store):
            raise NotFound(TOWNSHIP_DATABASE)
        raise NotFound("这个数据库还没有设置支部，请先完成初始设置（或运行 demo 生成演示数据）。")
    return branch_id


def is_township_database(store: Store) -> bool:
    """True for a township's gathering database: it has no branch of its own and is marked as the
    township's (`township_id`, set by start_township_database or by the first gather) or holds
    gathered branches. An empty database is neither a village's nor a township's yet."""
    with read_session(store) as session:
        settings = read_settings(session)
    if settings.get(BRANCH_SETTING):
        return False
    return bool(settings.get(TOWNSHIP_SETTING)) or any(key.startswith(GATHERED_PREFIX) for key in settings)


def get_branch(store: Store, branch_id: uuid.UUID | None = None) -> BranchInfo:
    branch_id = branch_id or require_branch_id(store)
    with read_session(store) as session:
        unit = session.get(OrgUnit, branch_id)
        if unit is None:
            raise NotFound("找不到这个支部。")
        parent = session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
        groups = session.scalars(
            select(OrgUnit)
            .where(OrgUnit.parent_id == unit.id, OrgUnit.kind == OrgKind.GROUP)
            .order_by(OrgUnit.sort_order, OrgUnit.name)
        ).all()
        return BranchInfo(
            unit.id,
            unit.name,
            parent.name if parent else "",
            tuple(UnitInfo(g.id, g.name, g.kind) for g in groups),
        )


def add_group(store: Store, actor: Actor, name: str) -> Change:
    actor.require(action="设置党小组")
    name = _clean_name(name, "党小组名称")
    branch = get_branch(store)
    if any(group.name == name for group in branch.groups):
        raise ValidationError(f"已经有名为“{name}”的党小组了。")
    with unit_of_work(store, actor) as uow:
        group = OrgUnit(kind=OrgKind.GROUP, name=name, parent_id=branch.id, sort_order=len(branch.groups))
        uow.session.add(group)
        uow.session.flush()
        uow.audit("create", "org_unit", group.id, f"新建党小组：{name}")
        return Change(f"已新建党小组“{name}”。", created=[group.id])


def rename_branch(store: Store, actor: Actor, township: str, branch: str) -> Change:
    """The branch's and its township committee's names, as papers and backups print them from now on."""
    actor.require(action="修改支部名称")
    township = _clean_name(township, "乡镇（街道）党委名称")
    branch = _clean_name(branch, "支部名称")
    branch_id = require_branch_id(store)
    with unit_of_work(store, actor) as uow:
        unit = uow.session.get(OrgUnit, branch_id)
        parent = uow.session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
        before = (parent.name if parent else "", unit.name)
        if before == (township, branch):
            raise ValidationError("名称没有改动。")
        unit.name = branch
        if parent is not None:
            parent.name = township
        uow.audit("update", "org_unit", unit.id, f"支部名称由“{' '.join(before)}”改为“{township} {branch}”", before=before)
        return Change(f"已改为“{township} {branch}”。", updated=[unit.id])


def _branch_group(session, branch_id: uuid.UUID, group_id: uuid.UUID) -> OrgUnit:
    group = session.get(OrgUnit, group_id)
    if group is None or group.kind != OrgKind.GROUP or group.parent_id != branch_id:
        raise NotFound("找不到这个党小组，可能已被删除。")
    return group


def rename_group(store: Store, actor: Actor, group_id: uuid.UUID, name: str) -> Change:
    actor.require(action="设置党小组")
    name = _clean_name(name, "党小组名称")
    branch = get_branch(store)
    if any(group.name == name and group.id != group_id for group in branch.groups):
        raise ValidationError(f"已经有名为“{name}”的党小组了。")
    with unit_of_work(store, actor) as uow:
        group = _branch_group(uow.session, branch.id, group_id)
        before = group.name
        if before == name:
            raise ValidationError("名称没有改动。")
        group.name = name
        uow.audit("update", "org_unit", group.id, f"党小组“{before}”改名为“{name}”", before=before)
        return Change(f"党小组“{before}”已改名为“{name}”。", updated=[group.id])


def remove_group(store: Store, actor: Actor, group_id: uuid.UUID) -> Change:
    """A party group no member has ever been in (a typo, a group never used); one with members is
    kept, since its name is on their records and papers, until they are moved to another group."""
    actor.require(action="设置党小组")
    branch = get_branch(store)
    with unit_of_work(store, actor) as uow:
        group = _branch_group(uow.session, branch.id, group_id)
        members = uow.session.scalar(select(func.count()).select_from(Member).where(Member.group_id == group.id))
        if members:
            raise ConflictError(f"党小组“{group.name}”里还有 {members} 名党员（含已转出、去世的），不能删除；请先把他们调到别的党小组。")
        name = group.name
        uow.session.delete(group)
        uow.audit("delete", "org_unit", group_id, f"删除党小组：{name}")
        return Change(f"已删除党小组“{name}”。")
