"""`main.py report` kinds of the practice papers: each writes its PDF on the demo branch, with the
figures the services give; options that do not belong are refused and no file is written."""

from __future__ import annotations

from pathlib import Path

import pytest

import main as entry
from app.domain.periods import Month
from app.domain.points import format_points
from app.services.practice import cadres, dual_report
from db.store import Store
from tests.reports.report_support import assert_only_bundled_fonts, demo_database, page_texts


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory)


def report(capsys, *args):
    try:
        code = entry.main(["report", *args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "args, words",
    [
        (["feedback", "--year", "2026", "--quarter", "3", "--date", "2026-10-08"], "2026年第3季度双报到反馈单 6 份"),
        (["ballot", "--year", "2026"], "2026年度民主评议党员测评表（35 名党员）"),
        (["tally", "--year", "2026"], "2026年度民主评议结果（35 名党员）"),
        (["cadre-cards", "--month", "2026-10"], "2026年10月驻村干部积分卡 2 张"),
        (["cadre-sheets", "--year", "2026", "--cadre", "周振华"], "2026年度驻村干部考核表 1 份"),
    ],
)
def test_each_kind_writes_its_paper(tmp_path, capsys, demo_db, args, words):
    out = tmp_path / "paper.pdf"
    code, printed, err = report(capsys, *args, "--db", str(demo_db), "--out", str(out))
    assert (code, err) == (0, "")
    assert words in printed
    pdf = out.read_bytes()
    assert_only_bundled_fonts(pdf)
    assert page_texts(pdf)


def test_the_figures_on_paper_are_the_services(tmp_path, capsys, demo_db):
    with Store.open_file(demo_db) as store:
        rows = dual_report.year_rows(store, 2026)
        resident = next(y for y in cadres.branch_cadre_years(store, 2026, up_to=Month(2026, 10)) if y.cadre.name == "周振华")
    out = tmp_path / "cards.pdf"
    report(capsys, "cadre-cards", "--month", "2026-10", "--cadre", "周振华", "--db", str(demo_db), "--out", str(out))
    text = "".join(page_texts(out.read_bytes())).replace(" ", "")
    assert f"{format_points(resident.total)}分" in text and f"{format_points(resident.ten_point)}分" in text and resident.band in text
    out = tmp_path / "letters.pdf"
    report(capsys, "feedback", "--year", "2026", "--quarter", "4", "--member", rows[0].name, "--db", str(demo_db), "--out", str(out))
    text = "".join(page_texts(out.read_bytes())).replace(" ", "")
    assert rows[0].employer in text and f"全年累计{format_points(rows[0].hours)}小时" in text


@pytest.mark.parametrize(
    "args, sentence",
    [
        (["feedback", "--year", "2026"], "请用 --quarter 指定季度"),
        (["ballot", "--year", "2026", "--quarter", "2"], "--quarter 不能用于民主评议测评表"),
        (["cadre-cards", "--year", "2026"], "驻村干部积分卡按月打印"),
        (["scorecards", "--month", "2026-10", "--cadre", "周振华"], "--cadre 只用于驻村干部积分卡、驻村干部年度考核表"),
        (["cadre-sheets", "--year", "2026", "--cadre", "无此人"], "本村没有名为“无此人”的驻村干部"),
    ],
)
def test_wrong_options_are_refused_without_a_file(tmp_path, capsys, demo_db, args, sentence):
    out = tmp_path / "x.pdf"
    code, _, err = report(capsys, *args, "--db", str(demo_db), "--out", str(out))
    assert code != 0 and sentence in err
    assert not out.exists()


def test_help_lists_the_kinds(capsys):
    report(capsys, "--help")
    code, out, _ = report(capsys, "--help")
    assert all(kind in out for kind in ("feedback", "ballot", "tally", "cadre-cards", "cadre-sheets"))
