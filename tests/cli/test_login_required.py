"""Every verb that reads the branch's data or writes anything is refused without a valid log-in:
no account named, no password, or a wrong one. The verbs are enumerated from the parser, so a
new verb without an entry here fails the test instead of slipping through."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import main as entry
from app.cli.commands import LOGIN_FREE, build_parser
from app.cli.login import OPERATOR_ENV, PASSWORD_ENV
from app.services.accounts import setup
from app.services.backup import archive as backup
from app.services.township import gather
from conftest import TEST_PASSWORD, keyed_admin
from db.store import Store
from tests.reports.report_support import demo_database

ROOT = Path(__file__).resolve().parents[2]
# How each verb is called here: (its arguments, the database it is run on).
VERB_CALLS = {
    "demo": (["--until", "2026-11-23"], "set_up"),
    "totals": (["--year", "2026"], "branch"),
    "check": ([], "branch"),
    "rebuild-sums": ([], "branch"),
    "backup": (["--to", "{out}"], "branch"),
    "restore": (["{backup}", "--yes"], "branch"),
    "gather": (["{out}"], "township"),
    "import": (["roster", "{out}/名册.xlsx"], "branch"),
    "export": (["roster", "--full", "--out", "{out}/名册.xlsx"], "branch"),
    "report": (["notice", "--month", "2026-10", "--out", "{out}/公示.pdf"], "branch"),
    "chart": (["branch", "--year", "2026", "--out", "{out}/图.png"], "branch"),
}
NEEDS_NO_DATABASE = {"verify"}  # it reads a backup file only


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """A demo branch, a township's gathering database and a set-up database without a branch,
    each with the administrator `admin` and the test password, and a backup of the branch."""
    branch = demo_database(tmp_path_factory)
    folder = tmp_path_factory.mktemp("login-required")
    with Store.open_file(branch) as store:
        made = backup.backup_to(store, folder / "made").path if (folder / "made").mkdir() is None else None
    township = folder / "township.db"
    with Store.open_file(township) as store:
        gather.gather(store, keyed_admin(store), [made])
    set_up = folder / "set_up.db"
    with Store.open_file(set_up) as store:
        setup.create_first_admin(store, "admin", "管理员", TEST_PASSWORD)
    return {"branch": branch, "township": township, "set_up": set_up, "backup": made}


def test_every_verb_is_enumerated_here():
    _, handlers = build_parser()
    assert set(handlers) == set(VERB_CALLS) | NEEDS_NO_DATABASE
    assert set(LOGIN_FREE) <= set(handlers)


def run_verb(capsys, places, out: Path, verb: str) -> tuple[int, str]:
    arguments, where = VERB_CALLS[verb]
    filled = [a.format(out=out, backup=places["backup"]) for a in arguments]
    try:
        code = entry.main([verb, *filled, "--db", str(places[where])])
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("verb", sorted(VERB_CALLS))
def test_without_an_account_every_verb_is_refused(verb, places, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(OPERATOR_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    before = {name: path.read_bytes() for name, path in places.items()}
    code, err = run_verb(capsys, places, tmp_path, verb)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "登录" in err, err
    assert files_in(tmp_path) == []
    assert {name: path.read_bytes() for name, path in places.items()} == before


@pytest.mark.parametrize("verb", sorted(VERB_CALLS))
def test_without_the_password_every_verb_is_refused(verb, places, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(OPERATOR_ENV, "admin")
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    code, err = run_verb(capsys, places, tmp_path, verb)
    assert code == 1 and "需要密码" in err, err
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("verb", sorted(VERB_CALLS))
def test_with_a_wrong_password_every_verb_is_refused(verb, places, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(OPERATOR_ENV, "admin")
    monkeypatch.setenv(PASSWORD_ENV, "not the password at all")
    code, err = run_verb(capsys, places, tmp_path, verb)
    assert code == 1 and ("密码不对" in err or "后再试" in err), err
    assert files_in(tmp_path) == []


# The places in app/cli that open a database and do not log in right there, and why.
OPENS_WITHOUT_LOG_IN = {
    "run_gather": "_gatherer logs in, or makes a new township database's first administrator",
    "open_store": "the demo's own helper; run_demo logs in or makes the demo's accounts",
    "_without_accounts": "asks only whether a township file has accounts yet, before run_gather keeps a copy of one that has none",
}
OPENERS = {"open_existing_store", "Store", "open_file", "open_store"}


def _opens_a_store(node: ast.With) -> bool:
    for item in node.items:
        call = item.context_expr
        if isinstance(call, ast.Call):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name in OPENERS:
                return True
    return False


def _logs_in(body: list[ast.stmt]) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "logged_in" for stmt in body for n in ast.walk(stmt))


def test_every_database_a_command_opens_is_opened_by_someone_logged_in():
    unguarded = []
    for path in sorted((ROOT / "app" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef) or function.name in OPENS_WITHOUT_LOG_IN:
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.With) and _opens_a_store(node) and not _logs_in(node.body):
                    unguarded.append(f"{path.name}:{node.lineno} {function.name}")
    assert unguarded == []


def test_the_program_never_lets_anyone_in_without_a_password():
    """ensure_admin (the built-in administrator, no password) is for tests and set-up only."""
    users = []
    for path in [ROOT / "main.py", *sorted((ROOT / "app").rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        if "ensure_admin(" in text and path.name != "operators.py":
            users.append(str(path.relative_to(ROOT)))
    assert users == []
