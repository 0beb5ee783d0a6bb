"""Who may restore a backup over a database, and the audit record that says who did.

A restore replaces everything, so over a database whose accounts have passwords only one of
its active administrators may do it (logged in: the Actor comes from that database). Over no
database, an empty file or one without passwords yet (a fresh laptop, a first start) anyone
may: there is nothing of the branch on this laptop to protect, and the restored file asks for
its own accounts' passwords at the next log-in.

The record is written into the restored database, which is the one that goes on. The person
who restored may have no account there (another laptop's file): he is then added as a
switched-off account with no password, a name for the audit trail and never a way in, like a
gathered village's accounts in a township's file.
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from pathlib import Path

from app.domain.enums import Role
from app.domain.errors import LoginRequired
from app.services.accounts.operators import name_visitor
from app.services.context import Actor, unit_of_work
from db.store import Store

UNATTENDED = Actor(uuid.UUID("00000000-0000-4000-8000-00000000fe57"), "restore_unattended", "（恢复时未登录）", Role.VIEWER)


def _current_accounts(target: Path) -> dict[str, tuple[bool, str]] | None:
    """{operator id hex: (active, roles)} of the accounts with a password, or None when the
    file is missing, empty, not readable as a database, or has no accounts table."""
    if not target.is_file() or target.stat().st_size == 0:
        return None
    try:
        uri = f"{target.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=2)) as connection:
            rows = connection.execute("SELECT id, active, roles FROM operators WHERE password_hash IS NOT NULL").fetchall()
    except sqlite3.Error:
        return None  # damaged or of an older schema (no roles column yet): no passwords to honour
    return {str(row[0]).replace("-", ""): (bool(row[1]), str(row[2])) for row in rows}


def has_accounts(target: Path | str) -> bool:
    """Whether the database file at `target` has accounts with passwords (so restoring over it
    needs one of its administrators)."""
    return bool(_current_accounts(Path(target)))


def check_restorer(target: Path | str, actor: Actor | None) -> None:
    """Refuse a restore over a database with accounts unless `actor` is one of its administrators."""
    accounts = _current_accounts(Path(target))
    if not accounts:
        return
    if actor is None:
        raise LoginRequired("恢复会替换本机这个数据库的全部数据，请先以管理员身份登录。")
    active, roles = accounts.get(actor.id.hex, (False, ""))
    if not active:
        raise LoginRequired(f"“{actor.display_name}”不是这个数据库的账号，请用它的管理员账号登录后再恢复。")
    if Role.ADMIN.value not in roles.split(","):  # the roles in the file are the ones that count
        raise LoginRequired(f"“{actor.display_name}”在这个数据库里不是管理员，不能恢复。")


def record_restore(target: Path | str, actor: Actor | None, summary: str, **details) -> None:
    """The audit record of a restore, in the restored database."""
    who = actor or UNATTENDED
    with Store.open_file(Path(target)) as store:
        with unit_of_work(store, who, actor_is_new=True) as uow:
            name_visitor(uow.session, who)
            uow.audit("restore", "database", None, summary, **details)
