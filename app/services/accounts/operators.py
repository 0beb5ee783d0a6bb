"""Operators (accounts on a shared laptop). The first start creates the administrator."""

from __future__ import annotations

from sqlalchemy import select

from app.domain.enums import Role
from app.domain.errors import NotFound, ValidationError
from app.services.context import Actor, read_session, unit_of_work
from db.models import Operator
from db.store import Store

DEFAULT_ADMIN = "admin"


def _actor(operator: Operator) -> Actor:
    return Actor(operator.id, operator.username, operator.display_name, operator.role)


def ensure_admin(store: Store) -> Actor:
    """The built-in administrator account, created on first use of a database."""
    session = store.write_session()
    try:
        with session.begin():
            operator = session.scalar(select(Operator).where(Operator.username == DEFAULT_ADMIN))
            if operator is None:
                operator = Operator(username=DEFAULT_ADMIN, display_name="管理员", role=Role.ADMIN)
                session.add(operator)
                session.flush()
            return _actor(operator)
    finally:
        session.close()


def actor_for(store: Store, username: str | None) -> Actor:
    """The operator named on the command line or at log-in (default: the administrator)."""
    if not username or username == DEFAULT_ADMIN:
        return ensure_admin(store)
    with read_session(store) as session:
        operator = session.scalar(select(Operator).where(Operator.username == username))
        if operator is None or not operator.active:
            raise NotFound(f"没有名为“{username}”的操作员账号。")
        return _actor(operator)


def add_operator(store: Store, actor: Actor, username: str, display_name: str, role: Role) -> Actor:
    actor.require(action="管理账号")
    username = username.strip()
    if not username.isascii() or not username.replace("_", "").isalnum():
        raise ValidationError("登录名只能用英文字母、数字和下划线。")
    if not display_name.strip():
        raise ValidationError("请填写操作员的姓名。")
    with unit_of_work(store, actor) as uow:
        if uow.session.scalar(select(Operator).where(Operator.username == username)):
            raise ValidationError(f"登录名“{username}”已经有人用了。")
        operator = Operator(username=username, display_name=display_name.strip(), role=role)
        uow.session.add(operator)
        uow.session.flush()
        uow.audit("create", "operator", operator.id, f"新建操作员 {display_name}（{role.label}）")
        return _actor(operator)
