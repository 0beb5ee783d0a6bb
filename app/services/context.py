"""The unit of work every write goes through: one session, one transaction, one audit trail.

Failures of the store (a locked or read-only file, a full disk) become StoreError with a
sentence the clerk understands; the transaction is rolled back so nothing is half-written.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.enums import ROLE_ORDER, Role
from app.domain.errors import AppError, ConflictError, LoginRequired, PermissionDenied, StoreError
from db.engine import BUSY_TIMEOUT_MS
from db.models import AuditRecord, Operator
from db.store import Store


@dataclass(frozen=True)
class Actor:
    """The operator on whose behalf a service runs, as established at log-in.

    `roles` is every role the account holds (a single Role is accepted and wrapped, so older
    callers that pass one role keep working). `data_key` is the branch's 32-byte data key
    unwrapped with the operator's password at log-in (None before log-in or in a township's
    gathering database); it is kept out of repr and comparisons so it is never printed or logged.
    """

    id: uuid.UUID
    username: str
    display_name: str
    roles: frozenset[Role]
    data_key: bytes | None = field(default=None, repr=False, compare=False)

    def __init__(
        self,
        id: uuid.UUID,
        username: str,
        display_name: str,
        roles: Role | Iterable[Role] | None = None,
        data_key: bytes | None = None,
        *,
        role: Role | None = None,
    ) -> None:
        if roles is None and role is None:
            raise TypeError("Actor needs roles= (or role=)")
        held = set(_as_roles(roles)) | set(_as_roles(role))
        if not held:
            raise ValueError("an Actor holds at least one role")
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "display_name", display_name)
        object.__setattr__(self, "roles", frozenset(held))
        object.__setattr__(self, "data_key", data_key)

    @property
    def role(self) -> Role:
        """The most privileged role held (for a one-word label; checks use `roles`)."""
        return min(self.roles, key=ROLE_ORDER.index)

    @property
    def roles_label(self) -> str:
        return "、".join(role.label for role in sorted(self.roles, key=ROLE_ORDER.index))

    def holds(self, *roles: Role) -> bool:
        """True if the actor holds any of `roles`, or is an administrator."""
        return Role.ADMIN in self.roles or not self.roles.isdisjoint(roles)

    def require(self, *roles: Role, action: str) -> None:
        if not self.holds(*roles):
            raise PermissionDenied(f"“{self.display_name}”是{self.roles_label}，没有{action}的权限。")

    def with_data_key(self, data_key: bytes | None) -> "Actor":
        return Actor(self.id, self.username, self.display_name, self.roles, data_key)


def _as_roles(value: Role | Iterable[Role] | None) -> Iterable[Role]:
    if value is None:
        return ()
    if isinstance(value, Role):
        return (value,)
    return tuple(Role(v) for v in value)


@dataclass
class Change:
    """What a service changed: a sentence for the status bar and the ids of touched records."""

    summary: str
    created: list[uuid.UUID] = field(default_factory=list)
    updated: list[uuid.UUID] = field(default_factory=list)


class UnitOfWork:
    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor

    def audit(self, action: str, entity: str, entity_id, summary: str, **details) -> None:
        self.session.add(
            AuditRecord(
                operator_id=self.actor.id,
                action=action,
                entity=entity,
                entity_id=entity_id,
                summary=summary,
                details={key: _plain(value) for key, value in details.items()},
            )
        )


def _check_account(session: Session, actor: Actor) -> None:
    active = session.scalar(select(Operator.active).where(Operator.id == actor.id))
    if not active:
        raise LoginRequired(f"账号“{actor.username}”已停用或不属于这个数据库，请重新登录。")


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def store_error_from(exc: SQLAlchemyError) -> AppError:
    text = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, IntegrityError):
        return ConflictError("这条记录与已有记录冲突（例如重复的身份证号或编号），没有保存。", details=str(exc))
    if "locked" in text or "busy" in text:
        return StoreError(
            f"数据库被另一个窗口或程序占用，等了 {BUSY_TIMEOUT_MS // 1000} 秒仍未释放，刚才的修改没有保存，请关闭另一个窗口后再试。",
            details=str(exc),
        )
    if "readonly" in text or "read-only" in text:
        return StoreError("数据库文件是只读的，无法保存。请检查文件权限或是否在光盘/受保护的文件夹中。", details=str(exc))
    if "disk" in text and ("full" in text or "i/o" in text):
        return StoreError("磁盘已满或无法写入，刚才的修改没有保存。", details=str(exc))
    return StoreError("数据库出错，刚才的修改没有保存。", details=str(exc))


@contextmanager
def unit_of_work(store: Store, actor: Actor, actor_is_new: bool = False) -> Iterator[UnitOfWork]:
    """One transaction on behalf of `actor`, which must be an active account of this database
    (an account switched off, or one from another database, writes nothing). `actor_is_new`:
    the transaction creates the actor's own account (only the first set-up)."""
    session = store.write_session()
    try:
        with session.begin():
            if not actor_is_new:
                _check_account(session, actor)
            yield UnitOfWork(session, actor)
    except AppError:
        raise
    except (OperationalError, IntegrityError, SQLAlchemyError) as exc:
        raise store_error_from(exc) from exc
    finally:
        session.close()


@contextmanager
def read_session(store: Store) -> Iterator[Session]:
    session = store.session()
    try:
        with session.begin():
            yield session
    except AppError:
        raise
    except SQLAlchemyError as exc:
        raise store_error_from(exc) from exc
    finally:
        session.close()
