"""Log-in, unlocking a locked window, and getting in with the recovery code.

A wrong password costs the account a failure; from the third failure in a row the account
waits before its next password is even checked (15 s, doubling, at most 15 minutes), kept in
the database so that restarting the program does not reset it. Every failure is audited, and
so is every log-in (who was at the keyboard). A log-in returns the Actor with the branch's data
key (keyring.unlock), so personal data opens for this person only.

Costs: one Argon2id verification (about 0.1 s) and one key unwrap (about 0.27 s) per log-in;
tests/benchmarks/bench_login.py measures them. Runs on the database worker, never the UI thread.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.domain.enums import Role
from app.domain.errors import DataKeyWrongSecret, LoginRefused, StoreError
from app.services.accounts import keyring
from app.services.accounts.operators import Account, _give_password, account_of, actor_from
from app.services.organisation import BRANCH_SETTING
from app.services.store_settings import TOWNSHIP_SETTING, read_settings
from app.services.accounts.passwords import check_new_password, hash_password, needs_rehash, password_matches
from app.services.context import Actor, read_session, unit_of_work
from db.models import Operator, OrgUnit
from db.store import Store

# Where a script (the command line, the smoke test) names the account and its password.
OPERATOR_ENV = "DYJF_OPERATOR"
PASSWORD_ENV = "DYJF_PASSWORD"
FREE_FAILURES = 2
FIRST_WAIT = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=15)


def wait_after(failures: int) -> timedelta:
    """How long an account waits after `failures` wrong passwords in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES - 1), LONGEST_WAIT)


@dataclass(frozen=True)
class LoggedIn:
    actor: Actor
    must_change_password: bool
    new_recovery_code: str | None = None  # after a recovery: the used code is void, this one replaces it


def _load(session, username: str) -> Operator:
    operator = session.scalar(select(Operator).where(Operator.username == (username or "").strip()))
    if operator is None or not operator.active:
        raise LoginRefused(f"没有名为“{(username or '').strip()}”的账号，或者它已经停用。")
    if operator.password_hash is None:
        raise LoginRefused(f"账号“{operator.username}”还没有设置密码，请管理员先为它设置密码。")
    return operator


def _still_blocked(operator: Operator, now: datetime) -> None:
    if operator.blocked_until is not None and operator.blocked_until > now:
        seconds = math.ceil((operator.blocked_until - now).total_seconds())
        raise LoginRefused(
            f"密码已连续输错 {operator.failed_logins} 次，为防止有人乱试，请 {_duration(seconds)}后再试。",
            wait_seconds=seconds,
        )


def _duration(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 90 else f"{(seconds + 59) // 60} 分钟"


def _attempt(store: Store, username: str, password: str, now: datetime | None, action: str, open_key: bool,
             record: bool = True) -> LoggedIn:
    """Check the password (after any wait), count and audit the outcome, unwrap the data key."""
    now = now or datetime.now(timezone.utc)
    with read_session(store) as session:
        operator = _load(session, username)
        actor = actor_from(operator)
        if store.read_only and (found := _check_only(session, operator, password, now, open_key)) is not None:
            return found
    if store.read_only:
        return _count_beside(store, username, password, now, action, open_key, record)
    failure: LoginRefused | None = None
    with unit_of_work(store, actor) as uow:
        operator = uow.session.get(Operator, actor.id)
        _still_blocked(operator, now)
        if password_matches(operator.password_hash, password):
            data_key = _data_key(uow.session, operator.id, password) if open_key else None
            operator.failed_logins, operator.blocked_until = 0, None
            if needs_rehash(operator.password_hash):
                operator.password_hash = hash_password(password)
            if action == "login" and record:
                operator.last_login_at = now
                uow.audit("login", "operator", operator.id, f"{operator.display_name}（{operator.username}）登录")
            return LoggedIn(actor_from(operator, data_key), operator.must_change_password)
        operator.failed_logins += 1
        wait = wait_after(operator.failed_logins)
        operator.blocked_until = now + wait if wait else None
        uow.audit(f"{action}_failed", "operator", operator.id,
                  f"{operator.username} 密码错误（连续第 {operator.failed_logins} 次）", failures=operator.failed_logins)
        later = f"，请 {_duration(int(wait.total_seconds()))}后再试" if wait else ""
        failure = LoginRefused(f"密码不对（已连续输错 {operator.failed_logins} 次）{later}。", wait_seconds=int(wait.total_seconds()))
    raise failure


def _check_only(session, operator: Operator, password: str, now: datetime, open_key: bool) -> LoggedIn | None:
    """A database opened read-only (reading verbs, read-only media) is not written to by a
    log-in: the wait and the password are checked, and a right one is not recorded (None: wrong)."""
    _still_blocked(operator, now)
    if not password_matches(operator.password_hash, password):
        return None
    data_key = _data_key(session, operator.id, password) if open_key else None
    return LoggedIn(actor_from(operator, data_key), operator.must_change_password)


def _count_beside(store: Store, username: str, password: str, now: datetime, action: str, open_key: bool, record: bool) -> LoggedIn:
    """A wrong password on a file opened read-only, counted and audited through a writable
    connection of its own: otherwise a reading verb (totals, report, export) gave a script
    unlimited guesses, none of them in the 操作日志. A file that cannot be written (read-only
    media) gets the sentence alone."""
    try:
        writable = Store(store.url)
    except (OSError, SQLAlchemyError, StoreError):
        raise LoginRefused("密码不对。") from None
    with writable:
        try:
            return _attempt(writable, username, password, now, action, open_key, record)
        except (OSError, SQLAlchemyError, StoreError):
            raise LoginRefused("密码不对。") from None


def _data_key(session, operator_id: uuid.UUID, password: str) -> bytes | None:
    """The branch's data key for this account; None while the branch has none (before the first
    set-up, or in a township's gathering database)."""
    if not keyring.exists(session):
        return None
    try:
        return keyring.unlock(session, operator_id, password)
    except DataKeyWrongSecret:
        # The hash matched but the copy did not open: the copy is from an older password that
        # was changed without it. Only an administrator's reset gives a new copy.
        raise LoginRefused("这个账号的数据钥匙与密码不一致，请管理员为它重设密码。") from None


def log_in(store: Store, username: str, password: str, now: datetime | None = None, record: bool = True) -> LoggedIn:
    """The Actor for `username` if `password` is right (LoginRefused with the reason if not).

    `record`: audit the log-in itself (the window's log-in; a command's writes are audited
    on their own, so a command that only reads leaves the file as it was). Failures are
    always counted and audited."""
    return _attempt(store, username, password, now, "login", open_key=True, record=record)


def confirm_password(store: Store, actor: Actor, password: str, now: datetime | None = None) -> None:
    """Unlocking a locked window: the same person's password, counted like a log-in's."""
    _attempt(store, actor.username, password, now, "unlock", open_key=False)


def recover_with_code(
    store: Store, username: str, recovery_code: str, new_password: str, repeated: str | None = None,
    now: datetime | None = None,
) -> LoggedIn:
    """An administrator who forgot his password gets in with the recovery sheet's code and
    chooses a new password. A wrong code counts as a failure of that account.

    The used code is void at once and a new one is returned (to be shown once and printed): a
    code someone else saw while it was typed, or on a sheet left out, must not open the data."""
    now = now or datetime.now(timezone.utc)
    with read_session(store) as session:
        operator = _load(session, username)
        actor = actor_from(operator)
        if Role.ADMIN not in actor.roles:
            raise LoginRefused("恢复码只能用来找回管理员账号；其他账号请管理员重设密码。")
    check_new_password(new_password, repeated, (operator.username, operator.display_name))
    failure: LoginRefused | None = None
    with unit_of_work(store, actor) as uow:
        operator = uow.session.get(Operator, actor.id)
        _still_blocked(operator, now)
        try:
            data_key = keyring.unlock_with_recovery(uow.session, recovery_code)
        except DataKeyWrongSecret as wrong:
            operator.failed_logins += 1
            wait = wait_after(operator.failed_logins)
            operator.blocked_until = now + wait if wait else None
            uow.audit("recover_failed", "operator", operator.id, f"{operator.username} 恢复码错误", failures=operator.failed_logins)
            failure = LoginRefused(wrong.message, wait_seconds=int(wait.total_seconds()))
        else:
            holder = actor_from(operator, data_key)
            _give_password(uow, holder, operator, new_password)
            operator.must_change_password, operator.last_login_at = False, now
            fresh_code = keyring.new_recovery_code()
            keyring.set_recovery(uow, data_key, fresh_code)
            uow.audit("recover", "operator", operator.id,
                      f"{operator.display_name}（{operator.username}）用恢复码找回账号并设置了新密码；旧恢复码作废，已生成新恢复码")
            return LoggedIn(holder, False, fresh_code)
    raise failure


@dataclass(frozen=True)
class LoginScreen:
    """What the log-in screen shows before anyone is logged in: whose data this is and which
    accounts can log in (names only; nothing of the members)."""

    title: str
    accounts: list[Account]


def login_screen(store: Store) -> LoginScreen:
    with read_session(store) as session:
        settings = read_settings(session)
        title = ""
        for key in (BRANCH_SETTING, TOWNSHIP_SETTING):
            unit_id = settings.get(key)
            unit = session.get(OrgUnit, uuid.UUID(unit_id)) if unit_id else None
            if unit is not None:
                title = unit.name
                break
        operators_in_order = session.scalars(
            select(Operator).where(Operator.active.is_(True), Operator.password_hash.is_not(None)).order_by(Operator.created_at)
        )
        return LoginScreen(title or "党员积分管理", [account_of(operator) for operator in operators_in_order])
