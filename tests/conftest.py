"""Shared fixtures: a real temporary SQLite file per test, an administrator, a set-up branch."""

from __future__ import annotations

import dataclasses
import os
import sys
from datetime import date

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.domain.enums import MemberClass, Membership
from app.services import organisation
from app.services.roster import members
from app.services.accounts import keyring, operators
from app.services.context import unit_of_work
from app.services.rules import rulesets
from app.services.accounts.passwords import hash_password
from db.models import Operator
from db.store import Store

TODAY = date(2026, 11, 23)


def pytest_sessionfinish(session, exitstatus):
    session.config.dyjf_exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """End the test process once pytest has reported, without the interpreter's final clean-up.

    PySide6 6.x can abort in garbage collection while Python shuts down ("bool_dealloc: deallocating
    True or False", seen after threaded job runners in several GUI tests of one run): the results
    are already printed, but the abort would turn a green run into exit status 134. The status
    pytest decided is kept.
    """
    status = getattr(config, "dyjf_exit_status", None)
    if status is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test may touch the real user data folder."""
    monkeypatch.setenv("DYJF_DATA_DIR", str(tmp_path / "userdata"))
    monkeypatch.delenv("DYJF_DB", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "branch.db"


@pytest.fixture
def store(db_path):
    with Store.open_file(db_path) as opened:
        yield opened


# Argon2id at test strength for the whole test process: wrapping the data key costs
# microseconds here, not 0.3 s a log-in (tests/services/test_keyring.py checks the stored ones).
keyring.KDF_PARAMETERS = {"name": "argon2id", "iterations": 1, "memory_kib": 64, "lanes": 1}
TEST_PASSWORD = "红星村 test 2026"


def with_data_key(store, actor):
    """`actor` holding the branch's data key (made now, wrapped for him, if the branch has none)."""
    with unit_of_work(store, actor) as uow:
        if keyring.exists(uow.session):
            data_key = keyring.unlock(uow.session, actor.id, TEST_PASSWORD)
        else:
            data_key = keyring.set_up(uow, actor.id, TEST_PASSWORD)
    return dataclasses.replace(actor, data_key=data_key)


TEST_PASSWORD_HASH = hash_password(TEST_PASSWORD)  # hashed once: 0.1 s a hash


def with_test_password(store, actor):
    """`actor`'s account gets TEST_PASSWORD if it has no password yet, so that the command line
    and the log-in screen can log in as him (env DYJF_OPERATOR / DYJF_PASSWORD in tests/cli)."""
    with unit_of_work(store, actor) as uow:
        operator = uow.session.get(Operator, actor.id)
        if operator.password_hash is None:
            operator.password_hash = TEST_PASSWORD_HASH
    return actor


def keyed_admin(store):
    """The built-in administrator as if logged in: he holds the branch's data key."""
    return with_data_key(store, with_test_password(store, operators.ensure_admin(store)))


@pytest.fixture
def admin(store):
    return keyed_admin(store)


@pytest.fixture
def branch(store, admin):
    return organisation.setup_branch(store, admin, "城关镇党委", "红星村党支部", ["第一党小组", "第二党小组"])


@pytest.fixture
def village_year(store, admin, branch):
    """The branch with the village 100-point rule set for 2026."""
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    return rulesets.get_rule_set(store, 2026)


def add(store, admin, name, member_class=MemberClass.NO_POST, membership=Membership.FULL, **extra):
    data = members.MemberInput(
        name=name, member_class=member_class, membership=membership, join_date=extra.pop("join_date", date(2000, 7, 1)), **extra
    )
    return members.add_member(store, admin, data, today=TODAY)


def query_plan(session, statement) -> str:
    """SQLite's plan for a statement, its steps joined by " | " (EXPLAIN QUERY PLAN)."""
    from sqlalchemy import text

    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return _plan_text(session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def _plan_text(rows) -> str:
    return " | ".join(row[3] for row in rows)


def _sent(store, work, wanted) -> list[tuple[str, object]]:
    """(statement, parameters) of each SQL statement `work()` sends for which wanted(statement) holds."""
    from sqlalchemy import event

    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if wanted(statement):
            seen.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        work()
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    return seen


def _a_select_reading(table: str | None):
    return lambda statement: table is None or (statement.lstrip().upper().startswith("SELECT") and table in statement)


def plans_of_reads(store, work, reading: str) -> list[str]:
    """SQLite's plan (as query_plan writes it) of each SELECT naming `reading` (a table) that
    `work()` sends, asked with the parameters it was sent with."""
    sent = _sent(store, work, _a_select_reading(reading))
    with store.engine.connect() as connection:
        return [_plan_text(connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)) for statement, parameters in sent]


def statements_sent(store, work, reading: str | None = None) -> list[str]:
    """The SQL statements `work()` sends; with `reading`, the SELECTs that name that text (a table)."""
    return [statement for statement, _ in _sent(store, work, _a_select_reading(reading))]


def behind_the_programs_back(path, *statements: str) -> None:
    """Change the file as someone with an SQLite tool would: the guarding triggers dropped,
    `statements` run, the triggers put back as they were."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(path)) as raw:
        triggers = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for name, _ in triggers:
            raw.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            raw.execute(statement)
        for _, sql in triggers:
            raw.execute(sql)
        raw.commit()
