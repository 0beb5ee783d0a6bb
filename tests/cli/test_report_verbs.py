"""`main.py report ...`: every kind writes its PDF; every mistake is one Chinese line and no file."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path

import pytest

import main as entry
from app.domain.periods import Month
from app.domain.points import format_points
from app.services.printing import report_data
from app.services.totals import ranking as totals
from db.store import Store
from tests.reports.report_support import all_lines, assert_only_bundled_fonts, demo_database, page_texts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory)


def report(capsys, *args):
    try:
        code = entry.main(["report", *args])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "args, pages, words",
    [
        (["scorecards", "--month", "2026-10"], 35, "2026年10月积分卡 35 张"),
        (["scorecards", "--month", "2026-10", "--per-page", "2"], 18, "积分卡 35 张"),
        (["scorecards", "--month", "2026-10", "--member", "李䶮", "--member", "𠮷祥云"], 2, "积分卡 2 张"),
        (["notice", "--month", "2026-10"], 1, "积分公示表（35 人）"),
        (["notice", "--month", "2026-10", "--paper", "A3", "--notice-days", "7", "--contact", "镇党委组织办"], 1, "积分公示表"),
        (["stars", "--year", "2026"], 1, "星级预评名单（星级评定尚未进行，按目前积分测算，34 人）"),
        (["certificates", "--year", "2026", "--stars", "3"], None, "荣誉证书"),
        (["certificates", "--year", "2026", "--member", "李䶮", "--offset-right", "3", "--offset-down", "-2", "--variable-only"], 1, "荣誉证书 1 张"),
        (["annual", "--year", "2026", "--member", "李䶮"], 1, "年度积分汇总 1 份"),
        (["annual", "--year", "2026"], 36, "年度积分汇总 36 份"),
    ],
)
def test_each_kind_writes_a_pdf(capsys, demo_db, tmp_path, args, pages, words):
    out = tmp_path / "报表.pdf"
    # the demo has no rating round, so its certificates print from the ranking once the year is over
    signed = "2027-01-05" if args[0] == "certificates" else "2026-11-23"
    code, stdout, stderr = report(capsys, *args, "--out", str(out), "--db", str(demo_db), "--date", signed)
    assert code == 0, stderr
    assert words in stdout and str(out) in stdout
    texts = page_texts(out.read_bytes())
    if pages is not None:
        assert len(texts) == pages
    assert f"共 {len(texts)} 页" in stdout
    assert_only_bundled_fonts(out.read_bytes())
    assert [p.name for p in tmp_path.iterdir()] == ["报表.pdf"], "no temporary file is left behind"


def test_the_notice_carries_the_ranking_and_the_settings(capsys, demo_db, tmp_path):
    out = tmp_path / "公示.pdf"
    code, _, stderr = report(
        capsys, "notice", "--month", "2026-10", "--out", str(out), "--db", str(demo_db), "--date", "2026-11-23",
        "--issuer", "中共红星村支部委员会", "--notice-days", "7", "--contact", "镇党委组织办", "--phone", "0371-6288 1234",
    )
    assert code == 0, stderr
    lines = all_lines(out.read_bytes())
    flat = "".join(lines)
    assert "公示时间：2026年11月23日至2026年11月29日（共7天）" in flat
    assert "请向镇党委组织办反映（联系电话：0371-6288 1234）" in flat
    assert "中共红星村支部委员会" in lines
    with Store.open_file(demo_db) as store:
        ranking = totals.branch_ranking(store, 2026, month=10)
    for row in ranking.rows:
        at = lines.index(row.name)
        assert lines[at - 1] == str(row.rank)
        assert lines[at + 2:at + 4] == [format_points(row.period_points), format_points(row.year_to_date)]


@pytest.mark.parametrize(
    "args, words, code",
    [
        (["scorecards", "--year", "2026"], "积分卡按月打印，请用 --month", 1),
        (["stars", "--month", "2026-10"], "星级评定公示按年度打印，请用 --year", 1),
        (["certificates", "--month", "2026-10"], "按年度打印", 1),
        (["notice", "--month", "2026-13"], "月份不正确", 1),
        (["notice", "--month", "十月"], "看不懂", 1),
        (["annual", "--year", "26"], "年份", 1),
        (["notice", "--month", "2026-10", "--member", "李䶮"], "不能用 --member", 1),
        (["notice", "--month", "2026-10", "--per-page", "2"], "--per-page 只用于积分卡", 1),
        (["scorecards", "--month", "2026-10", "--paper", "A3"], "--paper 只用于积分公示表、星级评定公示", 1),
        (["stars", "--year", "2026", "--variable-only"], "--variable-only 只用于荣誉证书", 1),
        (["certificates", "--year", "2026", "--offset-right", "80"], "打印偏移最多 50 毫米", 1),
        (["certificates", "--year", "2026", "--date", "2026-12-20"], "2026 年的星级还没有评定，这一年也还没有过完", 1),
        (["certificates", "--year", "2026", "--date", "2027-01-05"], "没有五星党员", 1),
        (["certificates", "--year", "2026", "--date", "2027-01-05", "--member", "邹兵"], "一票否决", 1),
        (["scorecards", "--month", "2026-10", "--member", "不存在"], "没有名为“不存在”的党员", 1),
        (["notice", "--month", "2025-10"], "2025 年的积分细则还没有建立", 1),
        (["notice", "--month", "2026-10", "--date", "2026-02-30"], "看不懂", 1),
        (["notice", "--month", "2026-10", "--notice-days", "0"], "公示天数", 1),
        (["scorecards"], "必须选一个", 2),
        (["scorecards", "--month", "2026-10", "--year", "2026"], "不能和", 2),
        (["posters", "--month", "2026-10"], "不可用", 2),
    ],
)
def test_mistakes_are_one_chinese_line_and_write_nothing(capsys, demo_db, tmp_path, args, words, code):
    out = tmp_path / "报表.pdf"
    got, stdout, stderr = report(capsys, *args, "--out", str(out), "--db", str(demo_db))
    assert got == code
    assert words in stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_output_paths_are_refused_before_any_work(capsys, demo_db, tmp_path):
    for out, words in [
        (tmp_path / "报表.txt", "应以 .pdf 结尾"),
        (tmp_path / "没有这个文件夹" / "报表.pdf", "不存在"),
        (tmp_path, "是一个文件夹"),
    ]:
        code, _, stderr = report(capsys, "notice", "--month", "2026-10", "--out", str(out), "--db", str(demo_db))
        assert code == 1 and words in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_missing_database_is_not_created(capsys, tmp_path):
    missing = tmp_path / "没有.db"
    code, _, stderr = report(capsys, "notice", "--month", "2026-10", "--out", str(tmp_path / "x.pdf"), "--db", str(missing))
    assert code == 1 and "找不到数据库文件" in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_leaves_an_existing_file_alone(capsys, demo_db, tmp_path):
    out = tmp_path / "报表.pdf"
    out.write_bytes(b"%PDF-1.4 the clerk's earlier notice")
    code, _, _ = report(capsys, "notice", "--month", "2025-10", "--out", str(out), "--db", str(demo_db))
    assert code == 1 and out.read_bytes() == b"%PDF-1.4 the clerk's earlier notice"


@pytest.mark.parametrize(
    "error, words",
    [
        (PermissionError(errno.EACCES, "Permission denied"), "没有权限，或者这个文件正被 PDF 阅读器打开"),
        (OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
    ],
)
def test_disk_errors_are_plain_sentences_and_leave_nothing(capsys, demo_db, tmp_path, monkeypatch, error, words):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("app.services.files.os.replace", fail)
    code, _, stderr = report(capsys, "notice", "--month", "2026-10", "--out", str(tmp_path / "x.pdf"), "--db", str(demo_db))
    assert code == 1 and words in stderr and len(stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_a_real_process_prints_the_report(demo_db, tmp_path):
    out = tmp_path / "积分卡.pdf"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "report", "scorecards", "--month", "2026-10", "--member", "李䶮",
         "--out", str(out), "--db", str(demo_db)],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with Store.open_file(demo_db) as store:
        card = report_data.scorecards(store, Month(2026, 10), report_data.member_ids_by_name(store, ["李䶮"])).cards[0]
    lines = all_lines(out.read_bytes())
    assert any(line.startswith("姓名 李䶮 类别") for line in lines)
    values = lines[lines.index("基础分 履职分 加分 扣分 本月合计 本月排名 累计积分 累计排名") + 1].split()
    assert values[6] == format_points(card.year_to_date)
