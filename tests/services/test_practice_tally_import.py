"""The 民主评议 tally read from the counters' Excel sheet, worked by hand: a sheet with a title,
decorated headers, a blank row and a 合计 line gives every member's votes, which the tally then
converts as typed votes are; each kind of bad row refuses the whole sheet with one sentence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from app.domain.appraisal_tally import Votes
from app.domain.errors import ValidationError
from app.services.practice import appraisal
from app.services.practice.tally_import import read_tally_sheet
from conftest import add

D = Decimal
LATER = date(2026, 12, 31)


@pytest.fixture
def people(store, admin, village_year):
    return {name: add(store, admin, name) for name in ("王一", "李二", "张三")}


def _sheet(path, rows, header=("序号", "姓名", "优秀票数", "合格（票）", "基本合格", "不合格")):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["红星村党支部2026年度民主评议计票表"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_a_sheet_of_votes_becomes_the_years_tally(store, admin, people, tmp_path):
    path = _sheet(tmp_path / "计票.xlsx", [
        (1, "王一", 8, 2, 0, 0), (2, "李二 ", 1, 5, 3, 1), (), (3, "张三", None, 10, "", 0), ("合计", "", 9, 17, 3, 1),
    ])
    found = read_tally_sheet(store, path, 2026)
    assert found.votes == {people["王一"]: Votes(8, 2, 0, 0), people["李二"]: Votes(1, 5, 3, 1), people["张三"]: Votes(0, 10, 0, 0)}
    appraisal.record_tally(store, admin, 2026, date(2026, 12, 20), 10, 10, found.votes, today=LATER)
    # By hand, 10 ballots returned: 王一 (8×100 + 2×80) ÷ 10 = 96, 8 > 5 → 优秀;
    # 李二 (100 + 400 + 180 + 0) ÷ 10 = 68, 3 + 1 = 4 > 10/3 → 基本合格; 张三 80, 合格.
    assert appraisal.appraisal_score(store, people["王一"], 2026) == (D(96), "优秀")
    assert appraisal.appraisal_score(store, people["李二"], 2026) == (D(68), "基本合格")
    assert appraisal.appraisal_score(store, people["张三"], 2026) == (D(80), "合格")


@pytest.mark.parametrize("rows, sentence", [
    ([(1, "王一", 8, 2, 0, 0), (2, "赵四", 1, 1, 0, 0)], "第 4 行的“赵四”不在 2026 年本支部的党员名册上"),
    ([(1, "王一", 8, 2, 0, 0), (2, "王一", 1, 1, 0, 0)], "第 4 行的王一在第 3 行已经有了"),
    ([(1, "王一", "八", 2, 0, 0)], "第 3 行王一的“优秀”票数写成了“八”，不是票数"),
    ([(1, "王一", 8, -2, 0, 0)], "第 3 行王一的“合格”票数写成了“-2”"),
    ([(1, "王一", 8.5, 2, 0, 0)], "第 3 行王一的“优秀”票数写成了“8.5”"),
])
def test_a_bad_row_refuses_the_sheet_in_one_sentence(store, admin, people, tmp_path, rows, sentence):
    path = _sheet(tmp_path / "计票.xlsx", rows)
    with pytest.raises(ValidationError, match=sentence):
        read_tally_sheet(store, path, 2026)
    assert not appraisal.has_tally(store, 2026)


def test_a_sheet_without_the_columns_or_votes(store, admin, people, tmp_path):
    with pytest.raises(ValidationError, match="找不到计票表的表头"):
        read_tally_sheet(store, _sheet(tmp_path / "a.xlsx", [(1, "王一", 8)], header=("序号", "姓名", "优秀", "合格")), 2026)
    with pytest.raises(ValidationError, match="没有党员的得票"):
        read_tally_sheet(store, _sheet(tmp_path / "b.xlsx", [("合计", "", 0, 0, 0, 0)]), 2026)
    same = add(store, admin, "王一")  # a second 王一 on the roster: which one is meant cannot be told
    assert same
    with pytest.raises(ValidationError, match="名册上有 2 人同名"):
        read_tally_sheet(store, _sheet(tmp_path / "c.xlsx", [(1, "王一", 8, 2, 0, 0)]), 2026)
