"""`main.py import tally`: the counters' sheet saved as the year's 民主评议 tally on the demo branch,
the appraisal as the window would write it; a bad row or a missing option changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

import main as entry
from app.services.practice import appraisal
from db.store import Store
from tests.reports.report_support import demo_database


@pytest.fixture
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory)  # a private copy for each test


def run(capsys, *args):
    try:
        code = entry.main(["import", *args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _sheet(path, rows):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "优秀", "合格", "基本合格", "不合格"])
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return str(path)


def test_the_sheet_becomes_the_years_tally(tmp_path, capsys, demo_db):
    with Store.open_file(demo_db) as store:
        first, second = appraisal.ballot_paper(store, 2026).members[:2]
    sheet = _sheet(tmp_path / "计票.xlsx", [(first.name, 20, 5, 0, 0), (second.name, 2, 15, 6, 2)])
    code, out, err = run(capsys, "tally", sheet, "--db", str(demo_db), "--held", "2026-11-20", "--issued", "30", "--returned", "25",
                         "--counters", "刘秀英")
    assert code == 0, err
    assert "从“计票.xlsx”读入 2 名党员的得票。" in out and "已登记 2026 年民主评议计票（2 名党员）" in out
    with Store.open_file(demo_db) as store:
        # By hand: (2×100 + 15×80 + 6×60) ÷ 25 = 70.4, 合格; (20×100 + 5×80) ÷ 25 = 96, 20 > 25 ÷ 2 → 优秀.
        assert appraisal.appraisal_score(store, second.member_id, 2026) == (Decimal("70.40"), "合格")
        assert appraisal.appraisal_score(store, first.member_id, 2026) == (Decimal("96.00"), "优秀")
        assert appraisal.tally_result(store, 2026).held_on == date(2026, 11, 20)


@pytest.mark.parametrize("rows, options, sentence", [
    ([("查无此人", 1, 1, 1, 1)], ["--held", "2026-11-20", "--issued", "30", "--returned", "25"], "第 2 行的“查无此人”不在 2026 年本支部的党员名册上"),
    ([], ["--held", "2026-11-20"], "--issued、--returned 写明发出、收回的测评票张数"),
    ([], ["--held", "11/20", "--issued", "30", "--returned", "25"], "评议日期“11/20”应写成 2026-12-20 这样"),
])
def test_a_bad_sheet_or_option_changes_nothing(tmp_path, capsys, demo_db, rows, options, sentence):
    with Store.open_file(demo_db) as store:
        before = appraisal.tally_result(store, 2026)
    code, _out, err = run(capsys, "tally", _sheet(tmp_path / "计票.xlsx", rows), "--db", str(demo_db), *options)
    assert code != 0 and sentence in err
    with Store.open_file(demo_db) as store:
        assert appraisal.tally_result(store, 2026) == before


def test_tally_options_belong_to_tally(tmp_path, capsys, demo_db):
    code, _out, err = run(capsys, "points", str(tmp_path / "x.xlsx"), "--db", str(demo_db), "--issued", "3")
    assert code != 0 and "只用于导入民主评议计票" in err
