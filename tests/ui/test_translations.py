"""Every UI string goes through Qt's translation mechanism, Chinese being the source language."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from app.ui.pages.members_page import MembersPage

pytestmark = pytest.mark.gui

UI = Path(__file__).resolve().parents[2] / "app" / "ui"
OTHER_ISSUES = {"print_preview.py"}
TRANSLATING = {"tr", "_tr", "translate", "QT_TRANSLATE_NOOP"}
CJK = re.compile(r"[\u4e00-\u9fff]")
# Not shown to the clerk: words looked for in a service's sentence, and the program's own name.
NOT_UI_TEXT = {
    ("app.py", "党员积分管理"),
    *(("member_dialog.py", w) for w in ("转入", "身份证", "电话", "出生", "转正", "入党", "姓名", "性别", "党小组")),
    *(("wizard.py", w) for w in ("支部", "党小组", "党委")),
    ("totals_page.py", "差"), ("totals_page.py", "分到"),
}
TOOLS = Path(sys.executable).parent


def _our_files() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p.name not in OTHER_ISSUES)


def _untranslated(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)):
            continue
        if isinstance(parents.get(node), ast.Expr) or (path.name, node.value) in NOT_UI_TEXT:
            continue  # a docstring, or not shown
        chain = parents.get(node)
        while chain is not None and not isinstance(chain, (ast.FunctionDef, ast.ClassDef, ast.Module)):
            if isinstance(chain, ast.Call):
                name = chain.func.attr if isinstance(chain.func, ast.Attribute) else getattr(chain.func, "id", "")
                if name in TRANSLATING:
                    break
            chain = parents.get(chain)
        else:
            found.append(f"{path.relative_to(UI)}:{node.lineno} {node.value!r}")
    return found


def test_no_chinese_ui_text_bypasses_tr():
    problems = [problem for path in _our_files() for problem in _untranslated(path)]
    assert problems == []


@pytest.mark.skipif(not (TOOLS / "pyside6-lupdate").exists(), reason="pyside6-lupdate not installed")
def test_lupdate_finds_the_strings_and_a_translation_replaces_them(app, tmp_path, store, admin, branch):
    ts = tmp_path / "ui_en.ts"
    subprocess.run([str(TOOLS / "pyside6-lupdate"), *map(str, _our_files()), "-ts", str(ts)], check=True, capture_output=True)
    root = ElementTree.parse(ts).getroot()
    sources = {(c.findtext("name"), m.findtext("source")) for c in root.iter("context") for m in c.iter("message")}
    assert len(sources) > 300
    for expected in [("MembersPage", "党员名册"), ("MembersPage", "在册党员"), ("RulesPage", "全体党员"),
                     ("LedgerPage", "冲正…"), ("PrintDialog", "积分公示表"), ("FirstRunWizard", "欢迎使用党员积分管理")]:
        assert expected in sources, expected

    for context in root.iter("context"):
        if context.findtext("name") == "MembersPage":
            for message in context.iter("message"):
                if message.findtext("source") == "党员名册":
                    translation = message.find("translation")
                    translation.text = "Party members"
                    translation.attrib.pop("type", None)
    ElementTree.ElementTree(root).write(ts, encoding="utf-8", xml_declaration=True)
    qm = tmp_path / "ui_en.qm"
    subprocess.run([str(TOOLS / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(qm))
    QCoreApplication.installTranslator(translator)
    try:
        from app.ui.context import UiContext
        from app.ui.jobs import JobRunner

        page = MembersPage(UiContext(store, admin, jobs=JobRunner(synchronous=True)))
        assert page.title == "Party members"
        page.deleteLater()
    finally:
        QCoreApplication.removeTranslator(translator)
