"""Restoring over a database with accounts needs one of its administrators; every restore is
audited in the restored database, naming who did it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain.enums import Role
from app.domain.errors import LoginRequired
from app.services.accounts import operators, setup
from app.services.backup import archive as backup
from app.services.backup import restore
from db.models import AuditRecord, Operator
from db.store import Store

PASSWORD = "qiaomen huangniu 37"


@pytest.fixture
def laptop(tmp_path):
    """A database with an administrator and a clerk (passwords set), and a backup of it."""
    path = tmp_path / "laptop" / "jifen.db"
    path.parent.mkdir()
    with Store.open_file(path) as store:
        admin = setup.create_first_admin(store, "wangshuji", "王书记", PASSWORD).actor
        clerk = operators.add_operator(store, admin, "xiaoli", "小李", Role.CLERK, "tiexin lanterns 92")
        made = backup.backup_to(store, tmp_path)
    return path, made.path, admin, clerk


def restore_records(path):
    with Store.open_file(path) as store, store.session() as session:
        return [(r.summary, session.get(Operator, r.operator_id)) for r in session.scalars(select(AuditRecord).where(AuditRecord.action == "restore"))]


def test_restoring_over_accounts_needs_an_administrator_of_them(laptop):
    path, made, admin, clerk = laptop
    before = path.read_bytes()
    with pytest.raises(LoginRequired, match="请先以管理员身份登录"):
        restore.restore(made, path, allow_replacing_newer=True)
    with pytest.raises(LoginRequired, match="不是管理员"):
        restore.restore(made, path, allow_replacing_newer=True, actor=clerk)
    stranger = admin.__class__(admin.id.__class__(int=admin.id.int ^ 1), "wangshuji", "王书记", Role.ADMIN)
    with pytest.raises(LoginRequired, match="不是这个数据库的账号"):
        restore.restore(made, path, allow_replacing_newer=True, actor=stranger)
    assert path.read_bytes() == before and restore_records(path) == []


def test_an_administrator_restores_and_the_record_names_him(laptop):
    path, made, admin, _ = laptop
    result = restore.restore(made, path, allow_replacing_newer=True, actor=admin)
    [(summary, who)] = restore_records(path)
    assert who.id == admin.id and who.active and made.name in summary
    assert result.safety_copy.name in summary


def test_a_restore_on_a_fresh_laptop_is_recorded_as_unattended(laptop, tmp_path):
    _, made, _, _ = laptop
    fresh = tmp_path / "fresh" / "jifen.db"
    restore.restore(made, fresh)
    [(summary, who)] = restore_records(fresh)
    assert who.display_name == "（恢复时未登录）" and not who.active and who.password_hash is None
    assert "恢复" in summary


def test_someone_from_another_database_is_named_but_cannot_log_in(laptop, tmp_path):
    _, made, _, _ = laptop
    other = tmp_path / "other.db"
    with Store.open_file(other) as store:
        visitor = setup.create_first_admin(store, "zhangganbu", "张干部", PASSWORD).actor
    fresh = tmp_path / "fresh2" / "jifen.db"
    restore.restore(made, fresh, actor=visitor)
    [(_, who)] = restore_records(fresh)
    assert who.id == visitor.id and who.username == "zhangganbu@restore" and not who.active and who.password_hash is None
