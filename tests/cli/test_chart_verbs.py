"""`main.py chart ...`: each kind writes its picture or PDF; each mistake is one Chinese line and no file."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

import main as entry
from app.cli.chart_verbs import KINDS
from conftest import keyed_admin
from app.services.backup import archive as backup
from app.services.township import gather
from db.store import Store
from tests.reports.report_support import assert_only_bundled_fonts, large_branch, page_texts


@pytest.fixture(scope="module")
def branch_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("chart-branch") / "branch.db"
    large_branch(path, 30)
    return path


def chart(capsys, *args):
    try:
        code = entry.main(["chart", *args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_kind(capsys):
    code, out, _ = chart(capsys, "--help")
    assert code == 0
    for kind in ("member", "branch", "stars", "groups", "deductions", "attendance", "township"):
        assert kind in out and kind in KINDS


def test_a_members_year_as_a_picture(capsys, branch_db, tmp_path):
    out_file = tmp_path / "李䶮.png"
    code, out, err = chart(capsys, "member", "--db", str(branch_db), "--year", "2026", "--month", "2026-11", "--member", "李䶮", "--out", str(out_file))
    assert code == 0, err
    assert "李䶮 2026年1—11月积分" in out and "2 张图" in out
    image = Image.open(BytesIO(out_file.read_bytes())).convert("L")
    assert image.size[0] > 1000 and sum(image.histogram()[:128]) > 2000


@pytest.mark.parametrize("kind, words", [
    ("branch", ["各党小组每月积分合计", "星级分布", "扣分项目", "会议出席率"]),
    ("groups", ["第一网格党支部", "第二网格党支部"]),
    ("stars", ["星级分布（本年与上年）"]),
])
def test_branch_charts_as_pdf(capsys, branch_db, tmp_path, kind, words):
    out_file = tmp_path / f"{kind}.pdf"
    code, out, err = chart(capsys, kind, "--db", str(branch_db), "--year", "2026", "--out", str(out_file))
    assert code == 0, err
    pdf = out_file.read_bytes()
    assert_only_bundled_fonts(pdf)
    text = "".join(page_texts(pdf))
    for word in words:
        assert word in text


@pytest.mark.parametrize("args, sentence", [
    (["member", "--year", "2026"], "--member 指明是谁"),
    (["stars", "--year", "2026", "--member", "李䶮"], "--member 只用于 member"),
    (["stars", "--year", "2026", "--branch", "某村"], "--branch 只用于 township"),
    (["stars", "--year", "2026", "--month", "2025-10"], "不在 2026 年里"),
    (["stars", "--year", "20x6"], "年份“20x6”看不懂"),
    (["township", "--year", "2026"], "乡镇的汇总数据库"),
])
def test_mistakes_are_one_sentence_and_no_file(capsys, branch_db, tmp_path, args, sentence):
    out_file = tmp_path / "图.png"
    code, out, err = chart(capsys, *args, "--db", str(branch_db), "--out", str(out_file))
    assert code != 0 and sentence in err
    assert not out_file.exists()


def test_the_wrong_file_kind_is_refused_first(capsys, branch_db, tmp_path):
    code, _, err = chart(capsys, "stars", "--db", str(branch_db), "--year", "2026", "--out", str(tmp_path / "图.jpg"))
    assert code != 0 and ".png（图片）或 .pdf" in err


def test_the_township_charts(capsys, branch_db, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    with Store.open_file(branch_db) as store:
        backup.backup_to(store, stick)
    township_db = tmp_path / "township.db"
    with Store.open_file(township_db) as township:
        gather.gather(township, keyed_admin(township), [stick], lambda path, manifest: None)
    out_file = tmp_path / "township.pdf"
    code, out, err = chart(capsys, "township", "--db", str(township_db), "--year", "2026", "--branch", "红旗社区党委",
                           "--out", str(out_file))
    assert code == 0, err
    text = "".join(page_texts(out_file.read_bytes()))
    for word in ("各支部人均积分", "各支部星级占比", "各支部会议出席率", "红旗社区党委逐月人均积分与全乡镇对比"):
        assert word in text
    code, _, err = chart(capsys, "stars", "--db", str(township_db), "--year", "2026", "--out", str(tmp_path / "x.pdf"))
    assert code != 0 and "只能画 township 图表" in err


def report(capsys, *args):
    try:
        code = entry.main(["report", *args])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_report_notice_and_annual_with_chart_pages(capsys, branch_db, tmp_path):
    plain, charted = tmp_path / "plain.pdf", tmp_path / "charted.pdf"
    assert report(capsys, "notice", "--db", str(branch_db), "--month", "2026-10", "--out", str(plain))[0] == 0
    code, _, err = report(capsys, "notice", "--db", str(branch_db), "--month", "2026-10", "--charts", "--out", str(charted))
    assert code == 0, err
    pages = page_texts(charted.read_bytes())
    assert len(pages) == len(page_texts(plain.read_bytes())) + 1 and "公示表附页" in pages[-1]
    assert_only_bundled_fonts(charted.read_bytes())
    annual = tmp_path / "annual.pdf"
    code, _, err = report(capsys, "annual", "--db", str(branch_db), "--year", "2026", "--member", "李䶮", "--charts", "--out", str(annual))
    assert code == 0, err
    pages = page_texts(annual.read_bytes())
    assert len(pages) == 2 and "李䶮" in pages[1] and "逐月积分与年度累计" in pages[1]


def test_report_refuses_chart_pages_where_there_are_none(capsys, branch_db, tmp_path):
    code, _, err = report(capsys, "stars", "--db", str(branch_db), "--year", "2026", "--charts", "--out", str(tmp_path / "s.pdf"))
    assert code != 0 and "--charts 只用于积分公示表、年度积分汇总" in err
    code, _, err = report(capsys, "township", "--db", str(branch_db), "--year", "2026", "--out", str(tmp_path / "t.pdf"))
    assert code != 0 and "乡镇的汇总数据库" in err
    code, _, err = report(capsys, "township", "--db", str(branch_db), "--month", "2026-10", "--out", str(tmp_path / "t.pdf"))
    assert code != 0 and "--year" in err
    assert not list(tmp_path.glob("*.pdf"))


def test_help_lists_the_township_report(capsys):
    try:
        entry.main(["report", "--help"])
    except SystemExit:
        pass
    out = "".join(capsys.readouterr().out.split())  # argparse wraps the description anywhere
    assert "township乡镇各支部积分图表" in out and "--charts" in out
