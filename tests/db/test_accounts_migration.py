"""Migration 0005 on a released file: each account's one role becomes its set of roles, the
log-in state starts clean, and the passwordless built-in 管理员 is then the one the first
set-up gives a password (keeping the audit trail's name for him)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from app.domain.enums import Role
from app.services.accounts import login, operators, setup
from db.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_an_older_file_keeps_its_accounts_with_their_roles(tmp_path):
    copy = tmp_path / "schema-0004.db"
    shutil.copy(FIXTURES / "schema-0004.db", copy)
    with closing(sqlite3.connect(copy)) as raw:
        before = dict(raw.execute("SELECT username, role FROM operators").fetchall())
    assert before
    with Store.open_file(copy) as store:
        accounts = {a.username: a for a in operators.list_accounts(store)}
        assert {name: {r.value for r in a.roles} for name, a in accounts.items()} == {n: {r} for n, r in before.items()}
        assert not any(a.has_password or a.must_change_password or a.last_login_at for a in accounts.values())
        assert setup.needs_first_account(store)
        built_in = accounts["admin"]
        first = setup.create_first_admin(store, "admin", "管理员", "qiaomen huangniu 37")
        assert first.actor.id == built_in.id and Role.ADMIN in first.actor.roles
        assert login.log_in(store, "admin", "qiaomen huangniu 37").actor.data_key == first.actor.data_key
