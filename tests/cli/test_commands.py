"""The command line as a clerk or a script runs it: real processes, real files, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args, env_extra=None, cwd=ROOT):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    result = run("demo", "--db", str(path), "--until", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "已生成演示支部" in result.stdout
    return path


def test_totals_month_prints_the_ranking(demo_db):
    result = run("totals", "--month", "2026-10", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2026年10月积分排名")
    # 36 members, one of whom transferred out in June
    assert "名次" in lines[1] and lines[-1] == "共 35 人。"
    assert lines[2].split()[0] == "1"


def test_totals_year_and_quarter(demo_db):
    assert run("totals", "--year", "2026", "--db", str(demo_db)).returncode == 0
    quarter = run("totals", "--quarter", "2026-3", "--db", str(demo_db))
    assert quarter.returncode == 0 and "第3季度" in quarter.stdout


def test_check_passes_on_the_demo(demo_db):
    result = run("check", "--db", str(demo_db))
    assert result.returncode == 0 and result.stdout.startswith("检查通过")


@pytest.mark.parametrize(
    "args, words, code",
    [
        (["totals", "--month", "2026-13"], "月份不正确", 1),
        (["totals", "--month", "十月"], "看不懂", 1),
        (["totals", "--month", ""], "月份“”看不懂", 1),  # was taken for the year: 年份“None”看不懂
        (["totals", "--year", "2025"], "2025 年的积分细则还没有建立", 1),
        (["totals"], "必须选一个", 2),
        (["totals", "--year", "2026", "--month", "2026-01"], "不能和", 2),
        (["frobnicate"], "不可用", 2),
        (["demo"], "已经有支部", 1),
        (["demo", "--until", "2026-02-30"], "看不懂", 1),
        (["demo", "--until", "2999-01-01"], "未来", 1),
        (["demo", "--seed", "abc"], "参数 --seed 要填整数，“abc”不是整数", 2),
        (["report", "notice", "--month", "2026-10", "--out", "x.pdf", "--offset-right", "abc"], "要填数字，“abc”不是数字", 2),
        (["report", "notice", "--month", "2026-10", "--o", "x.pdf"], "参数 --o 不完整", 2),
    ],
)
def test_bad_arguments_get_one_plain_line_and_a_nonzero_exit(demo_db, args, words, code):
    before = demo_db.read_bytes()
    result = run(*args, "--db", str(demo_db))
    assert result.returncode == code
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and "invalid" not in result.stderr and "ambiguous" not in result.stderr
    assert demo_db.read_bytes() == before


def test_check_names_wrong_sums_and_rebuild_sums_puts_them_right(demo_db, tmp_path):
    import shutil
    import sqlite3
    from contextlib import closing

    copy = tmp_path / "sums.db"
    shutil.copy(demo_db, copy)
    with closing(sqlite3.connect(copy)) as raw:
        raw.execute("UPDATE member_year_sums SET points = points + 100 WHERE category = 'base'")
        raw.commit()
    found = run("check", "--db", str(copy))
    assert found.returncode == 1 and "积分年汇总与月汇总不符" in found.stdout and "rebuild-sums" in found.stdout
    rebuilt = run("rebuild-sums", "--db", str(copy))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith("已从台账重新计算积分汇总：更正了月汇总 0 处、年汇总 ")
    assert run("check", "--db", str(copy)).returncode == 0
    again = run("rebuild-sums", "--db", str(copy))
    assert again.returncode == 0 and "不需要重算" in again.stdout


def test_a_damaged_file_is_refused(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 500)
    result = run("check", "--db", str(bad))
    assert result.returncode == 1 and "损坏" in result.stderr


def test_every_verb_has_chinese_help():
    for verb in ([], ["demo"], ["totals"], ["check"], ["rebuild-sums"], ["report"]):
        result = run(*verb, "--help")
        assert result.returncode == 0 and "--db" in result.stdout and "positional arguments" not in result.stdout


def test_default_database_lives_in_the_user_data_folder(tmp_path):
    data_dir = tmp_path / "data"
    result = run("demo", env_extra={"DYJF_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert (data_dir / "jifen.db").exists()


def test_a_demo_that_fails_leaves_no_database_behind(tmp_path):
    """Opening the new file writes its schema at once; a refused password must not leave it there."""
    target = tmp_path / "new folder" / "demo.db"
    result = run("demo", "--db", str(target), env_extra={"DYJF_PASSWORD": "short"})
    assert result.returncode == 1 and "密码至少要 8 个字符" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_empty_database_says_to_set_up_first(tmp_path):
    result = run("totals", "--year", "2026", "--db", str(tmp_path / "new.db"))
    assert result.returncode == 1 and "初始设置" in result.stderr


def test_reading_verbs_do_not_create_a_missing_database(tmp_path):
    missing = tmp_path / "typo.db"
    for args in (["totals", "--year", "2026"], ["check"]):
        result = run(*args, "--db", str(missing))
        assert result.returncode == 1 and "找不到数据库文件" in result.stderr
    assert not missing.exists()


def test_db_and_operator_before_the_verb_are_the_ones_used(demo_db, tmp_path):
    # main.py --help lists --db and --operator before the command; a verb's own options
    # must not put its defaults over them (the default database would be the one checked)
    result = run("--db", str(demo_db), "totals", "--year", "2026")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("2026年度积分排名")
    missing = tmp_path / "typo.db"
    result = run("--db", str(missing), "check")
    assert result.returncode == 1 and f"找不到数据库文件“{missing}”" in result.stderr
    result = run("--operator", "nobody", "--db", str(demo_db), "totals", "--year", "2026")
    assert result.returncode == 1 and "nobody" in result.stderr
    # given after the verb too, the verb's own is the one used
    assert run("--db", str(missing), "totals", "--year", "2026", "--db", str(demo_db)).returncode == 0


def test_a_folder_given_as_the_database_is_called_a_folder(tmp_path):
    """It used to read as "找不到数据库文件", which sends the clerk looking for a file that is not missing."""
    folder = tmp_path / "数据"
    folder.mkdir()
    for args in (["totals", "--year", "2026"], ["check"], ["backup", "--to", str(tmp_path), "--no-encrypt"]):
        result = run(*args, "--db", str(folder))
        assert result.returncode == 1, args
        assert result.stderr.strip() == f"错误：“{folder}”是一个文件夹，请指定数据库文件（例如 jifen.db）。", args
    assert list(folder.iterdir()) == []


def _libxcb_loads() -> bool:
    import ctypes

    try:
        ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 displays are Linux's")
@pytest.mark.parametrize("display, words", [
    (None, "找不到可用的显示器（没有图形桌面，DISPLAY 没有设置）"),
    (":77", "连接不上显示器“:77”（图形桌面可能已经关闭，或 DISPLAY 设错了）"),
])
def test_the_window_without_a_display_says_so_in_one_chinese_sentence(tmp_path, display, words):
    """Qt aborted (exit 134, a core dump) with English lines when there was no display, and printed
    English lines first when the display did not answer."""
    if display and not _libxcb_loads():
        pytest.skip("asking an X server needs libxcb")
    env = {key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if display:
        env["DISPLAY"] = display
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "jifen.db")],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 3
    assert result.stderr == f"党员积分管理无法打开窗口：{words}。请在图形桌面里启动本程序；命令行功能（--help）不受影响。\n"
    assert result.stdout == "" and list(tmp_path.iterdir()) == []
