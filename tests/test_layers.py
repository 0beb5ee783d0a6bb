"""The import arrows of ARCHITECTURE.md, checked by import-linter and by a plain scan."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BELOW_UI = ["app/domain", "app/services", "app/reports", "app/cli", "db"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_qt_below_the_ui():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in BELOW_UI
        for path in (ROOT / folder).rglob("*.py")
        if any(name.split(".")[0] == "PySide6" for name in _imports(path))
    ]
    assert offenders == []


def test_domain_is_plain_python():
    forbidden = {"sqlalchemy", "reportlab", "PySide6", "alembic", "db"}
    offenders = [
        (str(path.relative_to(ROOT)), name)
        for path in (ROOT / "app/domain").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in forbidden or name.startswith(("app.services", "app.ui", "app.reports"))
    ]
    assert offenders == []


def test_store_does_not_reach_up():
    offenders = [
        (str(path.relative_to(ROOT)), name)
        for path in (ROOT / "db").rglob("*.py")
        for name in _imports(path)
        if name.startswith(("app.services", "app.ui", "app.reports", "app.cli"))
    ]
    assert offenders == []


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
