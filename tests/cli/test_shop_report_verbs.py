"""`main.py report` kinds of the honour shop and the board, on the shop year worked by hand
(tests/services/shop_year.py); options that do not belong are refused and no file is written."""

from __future__ import annotations

import pytest

import main as entry
from tests.reports.report_support import assert_only_bundled_fonts, page_texts
from conftest import add
from tests.services.shop_year import worked_year


@pytest.fixture
def shop_db(store, admin, branch, db_path):
    worked_year(store, admin)
    return db_path


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
        (["slips", "--month", "2026-05"], "2026年5月积分兑换凭证 1 张，共 1 页"),
        (["slips", "--month", "2026-06", "--member", "张三"], "2026年6月积分兑换凭证 1 张"),
        (["passbook", "--year", "2026"], "2026年积分存折 1 份，共 1 页"),
        (["shop-month", "--month", "2026-06"], "积分超市2026年6月库存及兑换情况表（兑换 1 笔）"),
        (["board", "--year", "2026", "--quarter", "2", "--paper", "A3", "--date", "2026-07-03"], "2026年第2季度红黑榜（红榜 1 名，黑榜 0 名）"),
        (["board", "--month", "2026-04"], "2026年4月红黑榜"),
    ],
)
def test_each_kind_writes_its_paper(tmp_path, capsys, shop_db, args, words):
    out = tmp_path / "paper.pdf"
    code, printed, err = report(capsys, *args, "--db", str(shop_db), "--out", str(out))
    assert (code, err) == (0, "")
    assert words in printed
    pdf = out.read_bytes()
    assert_only_bundled_fonts(pdf)
    assert page_texts(pdf)


@pytest.mark.parametrize(
    "args, words",
    [
        (["slips", "--year", "2026"], "按月打印"),
        (["passbook", "--month", "2026-06"], "按年度打印"),
        (["board", "--year", "2026"], "按月或按季度"),
        (["shop-month", "--month", "2026-06", "--paper", "A3"], "--paper 不能用于积分超市月报"),
        (["passbook", "--year", "2026", "--quarter", "2"], "--quarter 不能用于积分存折"),
    ],
)
def test_options_that_do_not_belong_are_refused(tmp_path, capsys, shop_db, args, words):
    out = tmp_path / "paper.pdf"
    code, printed, err = report(capsys, *args, "--db", str(shop_db), "--out", str(out))
    assert code != 0 and words in err
    assert not out.exists()


@pytest.mark.parametrize("args", [["--month", "2026-03"], ["--month", "2026-05", "--member", "李四"]])
def test_slips_of_a_month_without_redemptions_are_refused(tmp_path, capsys, store, admin, shop_db, args):
    """An almost blank page came out for a month nobody (or no one asked for) redeemed anything in."""
    add(store, admin, "李四")
    out = tmp_path / "paper.pdf"
    code, printed, err = report(capsys, "slips", *args, "--db", str(shop_db), "--out", str(out))
    assert code != 0 and "没有积分兑换记录" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_kinds_are_listed_in_help(capsys):
    with pytest.raises(SystemExit):
        entry.main(["report", "--help"])
    text = capsys.readouterr().out
    for kind in ("slips", "passbook", "shop-month", "board", "积分存折", "红黑榜"):
        assert kind in text
