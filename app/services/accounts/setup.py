"""The first administrator, and the recovery code printed for him.

A database needs its first account when no active account has a password: a new file, or one
made before accounts had passwords (its built-in 管理员 is then given the password, so the audit
trail keeps naming the same account). Setting it up makes the branch's data key, wraps it for
this password and for a fresh recovery code; the code is returned once, to be printed on the
recovery sheet (app/reports/recovery_sheet.py), and never stored in the clear.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.domain.enums import Role
from app.domain.errors import ConflictError
from app.services.accounts import keyring
from app.services import organisation
from app.services.accounts import operators
from app.services.accounts.operators import DEFAULT_ADMIN, Account, _check_username, actor_from
from app.services.accounts.passwords import check_new_password, hash_password
from app.services.context import Actor, read_session, unit_of_work
from app.services.roster import sealing
from db.models import Operator
from db.store import Store


@dataclass(frozen=True)
class FirstAdmin:
    actor: Actor
    recovery_code: str


def needs_first_account(store: Store) -> bool:
    with read_session(store) as session:
        holder = select(Operator.id).where(Operator.active.is_(True), Operator.password_hash.is_not(None)).limit(1)
        return session.scalar(holder) is None


def _claim_or_create(store: Store, username: str, display_name: str) -> Actor:
    """The passwordless built-in administrator if there is one, else a new account (not yet saved)."""
    with read_session(store) as session:
        built_in = session.scalar(select(Operator).where(Operator.username == DEFAULT_ADMIN, Operator.password_hash.is_(None)))
        if built_in is not None:
            return actor_from(built_in)
    return Actor(uuid.uuid4(), username, display_name, Role.ADMIN)


def create_first_admin(store: Store, username: str, display_name: str, password: str, repeated: str | None = None) -> FirstAdmin:
    """Give the database its first administrator with a password, its data key and recovery code."""
    if not needs_first_account(store):
        raise ConflictError("这个数据库已经有设置了密码的账号，请用它登录；忘记密码请用恢复单。")
    username, display_name = _check_username(username), display_name.strip() or "管理员"
    check_new_password(password, repeated, (username, display_name))
    actor = _claim_or_create(store, username, display_name)
    with unit_of_work(store, actor, actor_is_new=True) as uow:
        operator = uow.session.get(Operator, actor.id)
        if operator is None:
            operator = Operator(id=actor.id, username=username, display_name=display_name, roles=frozenset({Role.ADMIN}))
            uow.session.add(operator)
        clash = uow.session.scalar(select(Operator.id).where(Operator.username == username, Operator.id != actor.id))
        if clash is not None:
            raise ConflictError(f"登录名“{username}”已经有人用了，请换一个。")
        operator.username, operator.display_name, operator.active = username, display_name, True
        operator.roles = frozenset(operator.roles) | {Role.ADMIN}
        operator.password_hash = hash_password(password)
        operator.failed_logins, operator.blocked_until, operator.must_change_password = 0, None, False
        uow.session.flush()
        data_key = keyring.set_up(uow, operator.id, password)
        recovery_code = keyring.new_recovery_code()
        keyring.set_recovery(uow, data_key, recovery_code)
        sealed = sealing.seal_existing(uow, data_key)  # an older file's plain personal data, if any
        uow.audit("setup", "operator", operator.id, f"设置第一个管理员账号 {username}（{display_name}）并打印恢复单")
        first = FirstAdmin(actor_from(operator, data_key), recovery_code)
    if sealed:
        sealing.forget_plain_copies(store)  # no plain copy left in free pages, the WAL or a safety copy
    return first


def new_recovery_code(store: Store, actor: Actor) -> str:
    """A new recovery code replacing the old one (the sheet was lost or the code was used)."""
    actor.require(action="重新生成恢复码")
    with unit_of_work(store, actor) as uow:
        recovery_code = keyring.new_recovery_code()
        keyring.set_recovery(uow, actor.data_key, recovery_code)
        uow.audit("recovery_code", "operator", actor.id, f"{actor.display_name}重新生成了恢复码（旧恢复单作废）")
        return recovery_code


# The demo branch's accounts: an administrator, the branch secretary (reviews, and may enter),
# and a clerk. They share the password given to `demo`.
DEMO_HELPERS = (("shuji", "王书记", (Role.REVIEWER, Role.CLERK)), ("luru", "李文书", (Role.CLERK,)))


def refuse_demo_over_a_branch(store: Store) -> None:
    """The demo goes only into a database without a branch (checked before anyone logs in)."""
    if organisation.current_branch_id(store) is not None:
        raise ConflictError("这个数据库里已经有支部数据了，演示数据只能生成在新的数据库里。")
    if organisation.is_township_database(store):
        raise ConflictError(organisation.TOWNSHIP_DATABASE)


def create_demo_administrator(store: Store, password: str) -> Actor:
    """The demo's `admin`, on a database with neither accounts nor a branch."""
    refuse_demo_over_a_branch(store)
    return create_first_admin(store, DEFAULT_ADMIN, "管理员", password).actor


def create_demo_helpers(store: Store, admin: Actor, password: str) -> list[Account]:
    """The secretary and the clerk, made after the demo's ledger (so that while it is written one
    account works alone, as a branch does before its second account exists)."""
    for username, display_name, roles in DEMO_HELPERS:
        operators.add_operator(store, admin, username, display_name, roles, password)
    return operators.list_accounts(store, active_only=True)


def recovery_sheet_pdf(store: Store, actor: Actor, recovery_code: str, made_on: date | None = None) -> bytes:
    """The recovery sheet for `actor` (an administrator) and this code, as PDF bytes."""
    from app.reports.recovery_sheet import recovery_sheet_data, render_recovery_sheet

    title = login_screen_title(store)
    data = recovery_sheet_data(title, actor.username, actor.display_name, recovery_code, made_on or date.today())
    return render_recovery_sheet(data)


def login_screen_title(store: Store) -> str:
    from app.services.accounts.login import login_screen

    return login_screen(store).title
