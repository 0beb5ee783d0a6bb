"""The branch's name and its party groups after set-up: renamed, added, and an unused group
removed; a group with members stays; each change is audited and only an administrator's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from app.services import organisation
from app.services.accounts import operators
from app.services.roster import members
from app.services.context import read_session
from conftest import add
from db.models import AuditRecord


def audit_summaries(store) -> list[str]:
    with read_session(store) as session:
        return list(session.scalars(select(AuditRecord.summary).where(AuditRecord.entity == "org_unit").order_by(AuditRecord.chain_seq)))


def test_the_branch_and_its_township_are_renamed_and_audited(store, admin, branch):
    change = organisation.rename_branch(store, admin, " 城关镇党委 ", "红星社区党支部")
    renamed = organisation.get_branch(store)
    assert (renamed.township, renamed.name, renamed.id) == ("城关镇党委", "红星社区党支部", branch.id)
    assert change.summary == "已改为“城关镇党委 红星社区党支部”。"
    assert audit_summaries(store)[-1] == "支部名称由“城关镇党委 红星村党支部”改为“城关镇党委 红星社区党支部”"
    for township, name, words in [("城关镇党委", "", "请填写支部名称"), ("城关镇党委", "红星社区党支部", "没有改动"), ("", "某支部", "请填写乡镇")]:
        with pytest.raises(ValidationError, match=words):
            organisation.rename_branch(store, admin, township, name)
    assert organisation.get_branch(store).name == "红星社区党支部"


def test_a_group_is_added_renamed_and_an_unused_one_removed(store, admin, branch):
    organisation.add_group(store, admin, "第三党小组")
    third = next(g for g in organisation.get_branch(store).groups if g.name == "第三党小组")
    with pytest.raises(ValidationError, match="已经有名为“第一党小组”的党小组了"):
        organisation.rename_group(store, admin, third.id, "第一党小组")
    organisation.rename_group(store, admin, third.id, "老年党小组")
    assert [g.name for g in organisation.get_branch(store).groups] == ["第一党小组", "第二党小组", "老年党小组"]
    assert organisation.remove_group(store, admin, third.id).summary == "已删除党小组“老年党小组”。"
    assert [g.name for g in organisation.get_branch(store).groups] == ["第一党小组", "第二党小组"]
    assert audit_summaries(store)[-3:] == ["新建党小组：第三党小组", "党小组“第三党小组”改名为“老年党小组”", "删除党小组：老年党小组"]
    with pytest.raises(NotFound, match="找不到这个党小组"):
        organisation.rename_group(store, admin, third.id, "又一个")


def test_a_group_with_members_is_kept_and_its_members_see_its_new_name(store, admin, branch):
    first = branch.groups[0]
    member_id = add(store, admin, "张三", group_id=first.id)
    with pytest.raises(ConflictError, match="党小组“第一党小组”里还有 1 名党员"):
        organisation.remove_group(store, admin, first.id)
    organisation.rename_group(store, admin, first.id, "东片党小组")
    from app.services.roster import members

    assert members.get_member(store, member_id).group_name == "东片党小组"
    assert [g.name for g in organisation.get_branch(store).groups] == ["东片党小组", "第二党小组"]


def test_only_an_administrator_changes_them(store, admin, branch):
    clerk = operators.add_operator(store, admin, "xiaoli", "小李", Role.CLERK, "tiexin lanterns 92")
    for attempt in (
        lambda: organisation.rename_branch(store, clerk, "城关镇党委", "别的支部"),
        lambda: organisation.rename_group(store, clerk, branch.groups[0].id, "别的"),
        lambda: organisation.remove_group(store, clerk, branch.groups[1].id),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert organisation.get_branch(store) == branch
