"""backup, verify, restore and gather on the command line: exit statuses, one plain line, no passphrase argument."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import main as entry
from app.cli import backup_verbs, progress
from app.services import organisation
from app.services.accounts import setup
from conftest import add, keyed_admin
from db.store import Store
from services.backup_child import content_digest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def village(tmp_path, store, admin, village_year):
    for name in ("张三", "李四"):
        add(store, admin, name)
    store.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    return store.path, stick


def cli(capsys, *args) -> tuple[int, str, str]:
    code = entry.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_verify_restore(capsys, village, tmp_path):
    db, stick = village
    code, out, err = cli(capsys, "backup", "--to", stick, "--db", db)
    assert code == 0 and out.startswith("已备份到") and err == ""
    [made] = list(stick.glob("*.jfbak"))
    code, out, _ = cli(capsys, "verify", made)
    assert code == 0 and out.startswith("备份完好，可以恢复：红星村党支部")
    fresh = tmp_path / "new" / "jifen.db"
    code, out, _ = cli(capsys, "restore", made, "--db", fresh)
    assert code == 0 and out.startswith("已从备份恢复")
    assert content_digest(fresh, ignoring_restore_records=True) == content_digest(db)


def _progress_lines(err: str) -> list[str]:
    lines = err.splitlines()
    assert lines and all(line.startswith("进度 ") and line.endswith(" 秒）") for line in lines), err
    return lines


def test_on_a_slow_run_the_verbs_tell_how_far_they_are_on_stderr_and_answer_on_stdout(capsys, village, tmp_path, monkeypatch):
    """A county's file takes minutes: past the quiet seconds (none here) each step is a line on
    stderr; stdout keeps the answer alone."""
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0)
    db, stick = village
    code, out, err = cli(capsys, "backup", "--to", stick, "--db", db)
    assert code == 0 and out.startswith("已备份到")
    assert "：正在写入备份文件……（" in err and _progress_lines(err)[-1].startswith("进度 100%：备份完成。")
    [made] = list(stick.glob("*.jfbak"))
    code, out, err = cli(capsys, "verify", made)
    assert code == 0 and out.startswith("备份完好") and "：正在检查备份里的数据库……（" in _progress_lines(err)[2]
    code, out, err = cli(capsys, "restore", made, "--db", tmp_path / "new.db")
    assert code == 0 and out.startswith("已从备份恢复") and _progress_lines(err)[-1].startswith("进度 100%：恢复完成。")
    code, out, err = cli(capsys, "gather", stick, "--db", tmp_path / "乡镇.db", "--year", "2026")
    assert code == 0 and "汇总 1 个" in out and "：正在汇总 红星村党支部（" in _progress_lines(err)[0]


def test_encrypt_without_a_passphrase_source_writes_nothing(capsys, village, monkeypatch):
    db, stick = village
    monkeypatch.delenv(backup_verbs.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(backup_verbs, "_interactive", lambda: False)
    code, out, err = cli(capsys, "backup", "--to", stick, "--db", db, "--encrypt")
    assert code == 1 and err.strip() == "错误：需要备份口令：请在终端中运行并输入口令，或设置环境变量 DYJF_BACKUP_PASSPHRASE。"
    assert list(stick.iterdir()) == []


def test_passphrase_from_the_environment_and_from_the_prompt(capsys, village, monkeypatch):
    db, stick = village
    monkeypatch.setenv(backup_verbs.PASSPHRASE_ENV, "环境变量里的备份口令 hx-2026")
    assert cli(capsys, "backup", "--to", stick, "--db", db, "--encrypt")[0] == 0
    [made] = list(stick.glob("*.jfbak"))
    assert cli(capsys, "verify", made)[0] == 0
    monkeypatch.setenv(backup_verbs.PASSPHRASE_ENV, "别的口令别的口令")
    code, _, err = cli(capsys, "verify", made)
    assert code == 1 and "口令不对" in err
    monkeypatch.delenv(backup_verbs.PASSPHRASE_ENV)
    monkeypatch.setattr(backup_verbs, "_interactive", lambda: True)
    answers = iter(["环境变量里的备份口令 hx-2026"])
    monkeypatch.setattr(backup_verbs.getpass, "getpass", lambda prompt="": next(answers))
    assert cli(capsys, "verify", made)[0] == 0
    typed = iter(["第一次的口令", "第二次不一样"])
    monkeypatch.setattr(backup_verbs.getpass, "getpass", lambda prompt="": next(typed))
    code, _, err = cli(capsys, "backup", "--to", stick, "--db", db, "--encrypt")
    assert code == 1 and "两次输入的口令不一样" in err and len(list(stick.glob("*.jfbak"))) == 1


def test_a_passphrase_is_never_an_argument(capsys, village):
    db, stick = village
    with pytest.raises(SystemExit) as caught:
        entry.main(["backup", "--to", str(stick), "--db", str(db), "--passphrase", "secret"])
    assert caught.value.code == 2
    assert "不认识的参数" in capsys.readouterr().err


def test_verify_fails_for_anything_it_would_not_restore(capsys, village, tmp_path):
    db, stick = village
    cli(capsys, "backup", "--to", stick, "--db", db)
    [made] = list(stick.glob("*.jfbak"))
    cut = tmp_path / "cut.jfbak"
    cut.write_bytes(made.read_bytes()[:-100])
    for target, words in ((cut, "不完整"), (db, "不是备份文件"), (tmp_path / "missing.jfbak", "找不到备份文件")):
        code, out, err = cli(capsys, "verify", target)
        assert code == 1 and words in err and len(err.strip().splitlines()) == 1 and out == ""


def test_restore_over_newer_data_asks_and_needs_yes(capsys, village, monkeypatch):
    db, stick = village
    cli(capsys, "backup", "--to", stick, "--db", db)
    [made] = list(stick.glob("*.jfbak"))
    with Store.open_file(db) as store:
        add(store, keyed_admin(store), "王五")
    before = content_digest(db)
    monkeypatch.setattr(backup_verbs, "_interactive", lambda: False)
    code, _, err = cli(capsys, "restore", made, "--db", db)
    assert code == 1 and "注意：当前数据库里有" in err and "没有恢复，当前数据库没有改动" in err
    assert content_digest(db) == before and not list(db.parent.glob("*before-restore*"))
    monkeypatch.setattr(backup_verbs, "_interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt="": "否")
    assert cli(capsys, "restore", made, "--db", db)[0] == 1 and content_digest(db) == before
    code, out, _ = cli(capsys, "restore", made, "--db", db, "--yes")
    assert code == 0 and "原来的数据库已另存为" in out
    [safety] = list(db.parent.glob("*before-restore*"))
    assert content_digest(safety) == before


def test_gather_needs_a_township_database_and_prints_the_comparison(capsys, village, tmp_path, monkeypatch):
    db, stick = village
    cli(capsys, "backup", "--to", stick, "--db", db)
    other = tmp_path / "other.db"
    with Store.open_file(other) as store:
        admin = keyed_admin(store)
        organisation.setup_branch(store, admin, "城关镇党委", "东风村党支部", [])
        from app.services.rules import rulesets

        rulesets.create_rule_set(store, admin, 2026, template="village_100")
        add(store, admin, "赵六")
    second = tmp_path / "stick2"
    second.mkdir()
    cli(capsys, "backup", "--to", second, "--db", other)
    code, _, err = cli(capsys, "gather", stick)
    assert code == 1 and "请用 --db 指定乡镇汇总数据库" in err
    township = tmp_path / "乡镇.db"
    code, out, err = cli(capsys, "gather", stick, second, "--db", township, "--year", "2026")
    assert code == 0, err
    assert "共 2 个备份文件：汇总 2 个，无变化 0 个。" in out
    assert "红星村党支部\t2\t" in out and "东风村党支部\t1\t" in out and "全乡镇前十名" in out
    code, out, _ = cli(capsys, "gather", stick, second, "--db", township, "--year", "2026")
    assert code == 0 and "汇总 0 个，无变化 2 个" in out
    code, _, err = cli(capsys, "gather", stick, "--db", db)
    assert code == 1 and "村支部自己的数据库" in err


def test_a_gather_that_gathers_nothing_leaves_no_township_database(capsys, village, tmp_path):
    db, stick = village
    cli(capsys, "backup", "--to", stick, "--db", db)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    data = bytearray(next(stick.iterdir()).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (damaged / "village.jfbak").write_bytes(bytes(data))
    township = tmp_path / "乡镇.db"
    code, out, err = cli(capsys, "gather", damaged, "--db", township)
    assert code == 1 and "[失败]" in out and f"乡镇汇总库“{township}”没有建立" in out
    assert "已建立管理员账号" not in out
    code, _, err = cli(capsys, "gather", tmp_path / "no-such-stick", "--db", township)
    assert code == 1 and "找不到" in err
    assert not any(path.name.startswith("乡镇.db") for path in tmp_path.iterdir())
    code, out, _ = cli(capsys, "gather", damaged, stick, "--db", township)
    assert code == 1 and "汇总 1 个" in out and "已建立管理员账号“admin”" in out and township.exists()


def test_the_verbs_run_as_a_real_process(village):
    db, stick = village
    env = {**os.environ, backup_verbs.PASSPHRASE_ENV: "进程里的备份口令 jc-4410"}
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True, env=env, cwd=ROOT,
        stdin=subprocess.DEVNULL, timeout=120,
    )
    made = run("backup", "--to", stick, "--db", db, "--encrypt")
    assert made.returncode == 0 and "已加密" in made.stdout, made.stderr
    [path] = list(stick.glob("*.jfbak"))
    path.write_bytes(path.read_bytes()[:-1])
    checked = run("verify", path)
    assert checked.returncode == 1 and checked.stderr.strip().startswith("错误：备份文件不完整")
    helped = run("gather", "--help")
    assert helped.returncode == 0 and "--db" in helped.stdout and "--passphrase" not in helped.stdout


def test_on_a_stick_the_backup_is_encrypted_unless_a_plain_one_is_asked_for(capsys, village, monkeypatch):
    db, stick = village
    monkeypatch.setattr(backup_verbs, "is_removable_path", lambda folder: True)
    monkeypatch.delenv(backup_verbs.PASSPHRASE_ENV, raising=False)
    code, _, err = cli(capsys, "backup", "--to", stick, "--db", db)
    assert code == 1 and "默认加密" in err and list(stick.iterdir()) == []
    monkeypatch.setenv(backup_verbs.PASSPHRASE_ENV, "村委会 12345")
    code, _, err = cli(capsys, "backup", "--to", stick, "--db", db)
    assert code == 1 and "备份口令不够安全" in err and list(stick.iterdir()) == []
    monkeypatch.setenv(backup_verbs.PASSPHRASE_ENV, "环境变量里的备份口令 hx-2026")
    assert cli(capsys, "backup", "--to", stick, "--db", db)[0] == 0
    [made] = list(stick.glob("*.jfbak"))
    assert backup_verbs.backup.inspect_backup(made).encrypted
    assert cli(capsys, "backup", "--to", stick, "--db", db, "--no-encrypt")[0] == 0
    assert sum(not backup_verbs.backup.inspect_backup(p).encrypted for p in stick.glob("*.jfbak")) == 1


def test_an_empty_folder_or_a_short_year_is_refused_and_writes_nothing(capsys, village, tmp_path, monkeypatch):
    """`backup --to ""` wrote the backup into the current folder; `gather --year 26` compared year 26."""
    db, _ = village
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "backup", "--to", "", "--db", db)
    assert code == 1 and "请用 --to 写明备份放在哪个文件夹" in err and not list(tmp_path.glob("*.jfbak"))
    township = tmp_path / "乡镇汇总.db"
    code, _, err = cli(capsys, "gather", "--year", "26", "--db", township, tmp_path)
    assert code == 1 and "年份“26”看不懂" in err and not township.exists()


def test_a_file_given_for_the_backup_folder_is_called_a_file(capsys, village):
    """`backup --to <an old backup file>` said the folder was missing and the stick perhaps not plugged in."""
    db, stick = village
    old = stick / "旧备份.jfbak"
    old.write_bytes(b"old")
    code, out, err = cli(capsys, "backup", "--to", old, "--db", db)
    assert code == 1 and out == ""
    assert err.strip() == f"错误：“{old}”是一个文件，不是文件夹，请用 --to 选一个文件夹（例如 U 盘）。"
    assert list(stick.iterdir()) == [old] and old.read_bytes() == b"old"


@pytest.mark.parametrize("empty", ["a database without accounts", "an empty file"])
def test_a_gather_that_gathers_nothing_leaves_an_existing_township_file_as_it_was(capsys, village, tmp_path, empty):
    """Into an existing file without accounts, a gather whose backups all failed made an
    administrator (and said so) all the same."""
    db, stick = village
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "village.jfbak").write_bytes(b"not a backup" * 100)
    township = tmp_path / "乡镇.db"
    if empty == "an empty file":
        township.write_bytes(b"")
    else:
        Store.open_file(township).close()
    before = township.read_bytes()
    code, out, _ = cli(capsys, "gather", damaged, "--db", township)
    assert code == 1 and "[失败]" in out and f"乡镇汇总库“{township}”没有改动" in out
    assert "已建立管理员账号" not in out
    assert township.read_bytes() == before and _township_files(tmp_path) == ["乡镇.db"]
    cli(capsys, "backup", "--to", stick, "--db", db)
    code, out, _ = cli(capsys, "gather", damaged, stick, "--db", township)
    assert code == 1 and "汇总 1 个" in out and "已建立管理员账号“admin”" in out
    with Store.open_file(township) as store:
        assert not setup.needs_first_account(store)
    assert _township_files(tmp_path) == ["乡镇.db"]


def _township_files(folder: Path) -> list[str]:
    """The township database and anything beside it (side files, a copy put aside)."""
    return sorted(p.name for p in folder.iterdir() if "乡镇" in p.name)
