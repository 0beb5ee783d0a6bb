"""Accounts on a shared laptop: who they are, which roles they hold, their passwords.

Only an administrator creates accounts, changes roles, switches accounts off and resets
passwords; every such act is audited with who, when and what. Each account with a password
holds its own copy of the branch's data key (keyring.py): an administrator who is logged in
(and so holds the data key) gives the copy when he sets the password.

`ensure_admin` returns the built-in administrator without asking for a password: it exists for
tests and for the first set-up of a database that has no password yet; the program itself never
uses it to let someone in (tests/services/test_access_enumeration.py looks).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import select

from app.domain.enums import ROLE_ORDER, Role
from app.domain.errors import ConflictError, LoginRequired, NotFound, ValidationError
from app.services.accounts import keyring
from app.services.accounts.passwords import check_new_password, hash_password, password_matches
from app.services.context import Actor, Change, read_session, unit_of_work
from db.models import Operator
from db.store import Store

DEFAULT_ADMIN = "admin"


@dataclass(frozen=True)
class Account:
    """One account as the log-in screen and the account dialog show it."""

    id: uuid.UUID
    username: str
    display_name: str
    roles: frozenset[Role]
    active: bool
    has_password: bool
    must_change_password: bool
    last_login_at: datetime | None

    @property
    def roles_label(self) -> str:
        return "、".join(role.label for role in sorted(self.roles, key=ROLE_ORDER.index))


def actor_from(operator: Operator, data_key: bytes | None = None) -> Actor:
    return Actor(operator.id, operator.username, operator.display_name, operator.roles, data_key)


def account_of(operator: Operator) -> Account:
    return Account(
        operator.id, operator.username, operator.display_name, frozenset(operator.roles), operator.active,
        operator.password_hash is not None, operator.must_change_password, operator.last_login_at,
    )


def ensure_admin(store: Store) -> Actor:
    """The built-in administrator account, created on first use of a database (tests, set-up)."""
    session = store.write_session()
    try:
        with session.begin():
            operator = session.scalar(select(Operator).where(Operator.username == DEFAULT_ADMIN))
            if operator is None:
                operator = Operator(username=DEFAULT_ADMIN, display_name="管理员", roles=frozenset({Role.ADMIN}))
                session.add(operator)
                session.flush()
            return actor_from(operator)
    finally:
        session.close()


def list_accounts(store: Store, active_only: bool = False) -> list[Account]:
    with read_session(store) as session:
        query = select(Operator).order_by(Operator.created_at, Operator.username)
        if active_only:
            query = query.where(Operator.active.is_(True))
        return [account_of(operator) for operator in session.scalars(query)]


def _roles(roles: Role | Iterable[Role]) -> frozenset[Role]:
    held = frozenset({roles}) if isinstance(roles, Role) else frozenset(Role(r) for r in roles)
    if not held:
        raise ValidationError("每个账号至少要有一个角色。")
    return held


def _check_username(username: str) -> str:
    username = username.strip()
    if not username or not username.isascii() or not username.replace("_", "").isalnum():
        raise ValidationError("登录名只能用英文字母、数字和下划线。")
    if len(username) > 30:
        raise ValidationError("登录名最长 30 个字符。")
    return username


def _give_password(uow, actor: Actor, operator: Operator, password: str) -> None:
    """Set the account's password hash and its copy of the data key (if the branch has one)."""
    operator.password_hash = hash_password(password)
    operator.failed_logins, operator.blocked_until = 0, None
    if keyring.exists(uow.session):
        keyring.grant(uow, actor.data_key, operator.id, password)


def add_operator(
    store: Store, actor: Actor, username: str, display_name: str, roles: Role | Iterable[Role],
    password: str | None = None, repeated: str | None = None,
) -> Actor:
    """A new account. Without a password it cannot log in until an administrator sets one."""
    actor.require(action="管理账号")
    username, held = _check_username(username), _roles(roles)
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError("请填写操作员的姓名。")
    if password is not None:
        check_new_password(password, repeated, (username, display_name))
    with unit_of_work(store, actor) as uow:
        if uow.session.scalar(select(Operator).where(Operator.username == username)):
            raise ValidationError(f"登录名“{username}”已经有人用了。")
        operator = Operator(username=username, display_name=display_name, roles=held)
        uow.session.add(operator)
        uow.session.flush()
        if password is not None:
            _give_password(uow, actor, operator, password)
        labels = "、".join(role.label for role in sorted(held, key=ROLE_ORDER.index))
        uow.audit("create", "operator", operator.id, f"新建账号 {username}（{display_name}，{labels}）", roles=sorted(held))
        return actor_from(operator)


def _operator(uow, operator_id: uuid.UUID) -> Operator:
    operator = uow.session.get(Operator, operator_id)
    if operator is None:
        raise NotFound("找不到这个账号。")
    return operator


def _other_admins(uow, operator_id: uuid.UUID) -> int:
    others = uow.session.scalars(select(Operator).where(Operator.active.is_(True), Operator.id != operator_id))
    return sum(1 for other in others if Role.ADMIN in other.roles and other.password_hash)


def set_roles(store: Store, actor: Actor, operator_id: uuid.UUID, roles: Iterable[Role]) -> Change:
    actor.require(action="修改账号的角色")
    held = _roles(roles)
    with unit_of_work(store, actor) as uow:
        operator = _operator(uow, operator_id)
        before = frozenset(operator.roles)
        if Role.ADMIN in before and Role.ADMIN not in held and not _other_admins(uow, operator_id):
            raise ConflictError("这是唯一的管理员账号，不能去掉它的管理员角色（否则没有人能管理账号和恢复备份）。")
        operator.roles = held
        label = "、".join(role.label for role in sorted(held, key=ROLE_ORDER.index))
        uow.audit("roles", "operator", operator.id, f"{operator.display_name}（{operator.username}）的角色改为 {label}",
                  before=sorted(before), after=sorted(held))
        return Change(f"已把{operator.display_name}的角色改为{label}。", updated=[operator.id])


def set_active(store: Store, actor: Actor, operator_id: uuid.UUID, active: bool) -> Change:
    """Switch an account off (it can no longer log in; its copy of the data key is removed) or on."""
    actor.require(action="停用或启用账号")
    with unit_of_work(store, actor) as uow:
        operator = _operator(uow, operator_id)
        if not active and operator.id == actor.id:
            raise ConflictError("不能停用自己正在使用的账号。")
        if not active and Role.ADMIN in operator.roles and not _other_admins(uow, operator_id):
            raise ConflictError("这是唯一的管理员账号，不能停用。")
        operator.active = active
        if not active:
            keyring.revoke(uow, operator.id)
            operator.password_hash = None
        verb = "启用" if active else "停用"
        note = "，请为它重新设置密码" if active and operator.password_hash is None else ""
        uow.audit("activate" if active else "deactivate", "operator", operator.id, f"{verb}账号 {operator.username}（{operator.display_name}）")
        return Change(f"已{verb}账号{operator.display_name}{note}。", updated=[operator.id])


def reset_password(store: Store, actor: Actor, operator_id: uuid.UUID, password: str, repeated: str | None = None) -> Change:
    """An administrator sets another account's password (it forgot it); the owner must choose a
    new one at the next log-in."""
    actor.require(action="重设别人的密码")
    with unit_of_work(store, actor) as uow:
        operator = _operator(uow, operator_id)
        if not operator.active:
            raise ConflictError("这个账号已停用，请先启用。")
        check_new_password(password, repeated, (operator.username, operator.display_name))
        _give_password(uow, actor, operator, password)
        operator.must_change_password = operator.id != actor.id
        uow.audit("reset_password", "operator", operator.id, f"重设 {operator.username}（{operator.display_name}）的密码")
        return Change(f"已重设{operator.display_name}的密码，下次登录时请本人改成自己的密码。", updated=[operator.id])


def change_own_password(store: Store, actor: Actor, old_password: str, new_password: str, repeated: str | None = None) -> Change:
    """The logged-in person chooses a new password (knowing the old one)."""
    with unit_of_work(store, actor) as uow:
        operator = _operator(uow, actor.id)
        if not password_matches(operator.password_hash, old_password):
            raise ValidationError("原密码不对，密码没有修改。")
        if old_password == new_password:
            raise ValidationError("新密码不能和原密码一样。")
        check_new_password(new_password, repeated, (operator.username, operator.display_name))
        _give_password(uow, actor, operator, new_password)
        operator.must_change_password = False
        uow.audit("change_password", "operator", operator.id, f"{operator.username}（{operator.display_name}）修改了自己的密码")
        return Change("密码已修改，下次登录请用新密码。", updated=[operator.id])


def name_visitor(session, actor: Actor) -> None:
    """Make sure this file has an account row for `actor`, who comes from another file (a restore,
    a gathering into another township file): a switched-off account without a password, a name
    for the audit trail and never a way in."""
    if session.get(Operator, actor.id) is not None:
        return
    username, number = f"{actor.username[:36]}@restore", 1
    while session.scalar(select(Operator.id).where(Operator.username == username)) is not None:
        number += 1
        username = f"{actor.username[:34]}@restore{number}"
    session.add(Operator(id=actor.id, username=username, display_name=actor.display_name, roles=actor.roles, active=False))
    session.flush()


def visitor_for(store: Store, actor: Actor) -> Actor:
    """Who writes into `store`, another database than the one `actor` logged in on (the window
    gathering into a separate township file): refused when `store` has accounts with passwords of
    its own (only they may write there); a file without any is written by its built-in
    administrator, there being no password to ask for."""
    with read_session(store) as session:
        if session.scalar(select(Operator.id).where(Operator.password_hash.is_not(None)).limit(1)) is not None:
            raise LoginRequired("这个汇总库有自己的账号：请用“打开数据库”打开它，以它的账号登录后再汇总。")
    return ensure_admin(store)
