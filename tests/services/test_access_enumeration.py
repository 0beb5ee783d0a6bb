"""Every write of every service goes through a unit of work on behalf of an actor that the caller
passed in (who logged in), and a unit of work refuses an actor that is not an active account of
its database. Enumerated over the source, so a new service cannot slip through."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.domain.enums import Role
from app.domain.errors import LoginRequired
from app.services.accounts import operators, setup
from app.services.context import unit_of_work

ROOT = Path(__file__).resolve().parents[2]
# Units of work whose actor is not a parameter of the function, and why that is right.
OWN_ACTOR = {
    "accounts/login.py:_attempt": "the actor is the account whose password is being checked",
    "accounts/login.py:recover_with_code": "the administrator's account whose recovery code is being checked",
    "accounts/setup.py:create_first_admin": "the first account, made in this very unit of work",
    "accounts/restore_audit.py:record_restore": "the restorer (or the unattended placeholder) named in the restored file",
}


def _units_of_work(function: ast.FunctionDef):
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "unit_of_work":
            yield node


def _parameters(function: ast.FunctionDef) -> set[str]:
    arguments = function.args
    return {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}


def test_every_unit_of_work_acts_for_an_actor_the_caller_passed_in():
    strays, seen = [], 0
    for path in sorted((ROOT / "app" / "services").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in _units_of_work(function):
                seen += 1
                key = f"{path.relative_to(ROOT / 'app' / 'services')}:{function.name}"
                who = call.args[1] if len(call.args) > 1 else None
                passed_in = isinstance(who, ast.Name) and who.id in _parameters(function)
                if not passed_in and key not in OWN_ACTOR:
                    strays.append(key)
    assert seen > 40 and strays == []


def test_nothing_in_the_services_writes_around_a_unit_of_work():
    """Only the unit of work itself (and ensure_admin, for tests and set-up) opens a write session."""
    writers = []
    for path in sorted((ROOT / "app" / "services").rglob("*.py")):
        if "write_session(" in path.read_text(encoding="utf-8"):
            writers.append(str(path.relative_to(ROOT)))
    assert writers == ["app/services/accounts/operators.py", "app/services/context.py"]


def test_a_switched_off_account_writes_nothing(store):
    admin = setup.create_first_admin(store, "wangshuji", "王书记", "qiaomen huangniu 37").actor
    clerk = operators.add_operator(store, admin, "xiaoli", "小李", Role.CLERK, "tiexin lanterns 92")
    operators.set_active(store, admin, clerk.id, False)
    with pytest.raises(LoginRequired, match="已停用"):
        with unit_of_work(store, clerk):
            pass


def test_an_actor_from_another_database_writes_nothing(store, tmp_path):
    from db.store import Store

    with Store.open_file(tmp_path / "other.db") as other:
        stranger = setup.create_first_admin(other, "zhang", "张", "qiaomen huangniu 37").actor
    with pytest.raises(LoginRequired, match="不属于这个数据库"):
        with unit_of_work(store, stranger):
            pass
