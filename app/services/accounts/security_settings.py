"""The branch's security settings, kept in the database (store_settings), set by an administrator.

- `idle_lock_minutes`: the window locks after so many minutes without a key or mouse press
  (default 10; 1 to 120).
- `four_eyes`: an entry is never approved by the account that entered it. Unset, it is on as
  soon as the branch has two accounts that can log in (one person alone must be able to work);
  an administrator may switch it on or off explicitly.
Every change is audited with the old and new value.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.domain.errors import ValidationError
from app.services.context import Actor, Change, read_session, unit_of_work
from app.services.store_settings import put_setting, read_settings
from db.models import Operator, StoreSetting
from db.store import Store

IDLE_LOCK_KEY = "idle_lock_minutes"
FOUR_EYES_KEY = "four_eyes"
DEFAULT_IDLE_LOCK_MINUTES = 10
IDLE_LOCK_RANGE = (1, 120)


@dataclass(frozen=True)
class SecuritySettings:
    idle_lock_minutes: int
    four_eyes_choice: bool | None  # None: not chosen, follows the number of accounts
    four_eyes: bool  # in force now


def _accounts_that_log_in(session) -> int:
    return session.scalar(
        select(func.count()).select_from(Operator).where(Operator.active.is_(True), Operator.password_hash.is_not(None))
    )


def _choice(settings: dict[str, str]) -> bool | None:
    value = settings.get(FOUR_EYES_KEY)
    return None if value is None else value == "on"


def four_eyes_in_force(session) -> bool:
    """Whether an entry must be approved by someone other than who entered it (callers' session)."""
    choice = _choice(read_settings(session))
    return _accounts_that_log_in(session) >= 2 if choice is None else choice


def _minutes(settings: dict[str, str]) -> int:
    try:
        minutes = int(settings.get(IDLE_LOCK_KEY, DEFAULT_IDLE_LOCK_MINUTES))
    except ValueError:
        return DEFAULT_IDLE_LOCK_MINUTES
    low, high = IDLE_LOCK_RANGE
    return min(max(minutes, low), high)


def security_settings(store: Store) -> SecuritySettings:
    with read_session(store) as session:
        settings = read_settings(session)
        return SecuritySettings(_minutes(settings), _choice(settings), four_eyes_in_force(session))


def set_security_settings(store: Store, actor: Actor, idle_lock_minutes: int, four_eyes: bool | None) -> Change:
    actor.require(action="修改安全设置")
    low, high = IDLE_LOCK_RANGE
    if not low <= int(idle_lock_minutes) <= high:
        raise ValidationError(f"自动锁定的时间要在 {low} 到 {high} 分钟之间。")
    with unit_of_work(store, actor) as uow:
        before = read_settings(uow.session)
        old_minutes, old_choice = _minutes(before), _choice(before)
        put_setting(uow.session, IDLE_LOCK_KEY, str(int(idle_lock_minutes)))
        if four_eyes is None:
            kept = uow.session.scalar(select(StoreSetting).where(StoreSetting.key == FOUR_EYES_KEY))
            if kept is not None:
                uow.session.delete(kept)
        else:
            put_setting(uow.session, FOUR_EYES_KEY, "on" if four_eyes else "off")
        words = {None: "按账号数自动", True: "开", False: "关"}
        uow.audit(
            "settings", "store_settings", None,
            f"安全设置：自动锁定 {old_minutes}→{int(idle_lock_minutes)} 分钟，录入与审核分开 {words[old_choice]}→{words[four_eyes]}",
            idle_lock_minutes=[old_minutes, int(idle_lock_minutes)], four_eyes=[old_choice, four_eyes],
        )
        return Change("安全设置已保存。")
