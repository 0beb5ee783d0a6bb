"""Smoke tests of the FROZEN program (dist/dangyuan-jifen), not of the source.

Run by packaging/smoke.sh after packaging/freeze.py has built the folder; skipped unless
DYJF_FROZEN_DIR names that folder. Each test runs a copy of the folder from an empty
temporary place, with a HOME of its own, so the user data folder can be checked. The copy
is run headless (Qt's offscreen platform).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FROZEN = os.environ.get("DYJF_FROZEN_DIR")
FIXTURES = ROOT / "tests" / "fixtures"
NAME = "dangyuan-jifen"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not FROZEN, reason="needs the frozen build: bash packaging/smoke.sh"),
]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A copy of the frozen folder in an empty place, as a clerk would unpack it."""
    target = tmp_path_factory.mktemp("programs") / NAME
    shutil.copytree(Path(FROZEN), target, symlinks=True)
    return target


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


SMOKE_PASSWORD = "smoke test lanterns 2026"


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A clerk's environment: their own HOME, no test overrides, no Python of ours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DYJF_", "PYTHON", "VIRTUAL_ENV", "UV_", "XDG_")) and key != "DATABASE_URL"
    }
    env.pop("LD_LIBRARY_PATH", None)
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8", PATH="/usr/sbin:/usr/bin:/sbin:/bin")
    # The clerk logs in: `demo` gives its accounts this password, commands and the window log in with it.
    env.update(DYJF_OPERATOR="admin", DYJF_PASSWORD=SMOKE_PASSWORD)
    env.update(extra)
    return env


def run(program: Path, *args: str, env: dict[str, str], cwd: Path, ok: bool = True, timeout: int = 240):
    exe = program / (f"{NAME}-cli.exe" if sys.platform == "win32" else NAME)
    result = subprocess.run([str(exe), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if ok:
        assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def user_data_folder(home: Path) -> Path:
    return home / ".local" / "share" / NAME


def test_version(installed, home, tmp_path):
    from app import __version__

    result = run(installed, "--version", env=clean_env(home), cwd=tmp_path)
    assert result.stdout.strip() == f"党员积分管理 {__version__}"


def test_bundle_carries_its_own_files(installed):
    internal = installed / "_internal"
    for part in ("resources/fonts/LXGWWenKai-Regular.ttf", "resources/fonts/OFL.txt",
                 "resources/rule_templates/village_100.toml", "resources/icons/dangyuan-jifen.png",
                 "resources/help/month.html", "resources/help/township.html", "resources/help/images/township-verify.png",
                 "db/migrations/env.py", "PySide6/Qt/translations/qtbase_zh_CN.qm",
                 "PySide6/Qt/plugins/imageformats", "PySide6/Qt/plugins/platforms"):
        assert (internal / part).exists(), part
    assert list(internal.rglob("_rl_accel*")), "reportlab's C helpers travel (without them every PDF takes twice as long)"
    assert not list(internal.rglob("libQt6Network*")), "Qt modules the program does not use stay out"
    assert not [path for path in internal.rglob("*") if path.is_symlink() and not path.exists()]


def test_demo_check_report_backup_verify(installed, home, tmp_path):
    env = clean_env(home, DYJF_DATA_DIR=str(tmp_path / "data"))
    db = tmp_path / "branch.db"
    run(installed, "demo", "--db", str(db), "--until", "2026-11-23", "--seed", "7", env=env, cwd=tmp_path)
    run(installed, "check", "--db", str(db), env=env, cwd=tmp_path)
    pdf = tmp_path / "积分卡.pdf"
    run(installed, "report", "scorecards", "--month", "2026-10", "--out", str(pdf), "--db", str(db), env=env, cwd=tmp_path)
    assert pdf.stat().st_size > 10_000
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts, "the PDF names its fonts"
    assert all(line.split()[-5] == "yes" for line in fonts), "every font is embedded:\n" + "\n".join(fonts)
    assert any("LXGWWenKai" in line for line in fonts)
    sheet = tmp_path / "积分台账.xlsx"  # written by XlsxWriter, which the bundle must carry
    run(installed, "export", "ledger", "--year", "2026", "--out", str(sheet), "--db", str(db), env=env, cwd=tmp_path)
    with zipfile.ZipFile(sheet) as workbook:
        assert "积分台账" in workbook.read("xl/worksheets/sheet1.xml").decode("utf-8")
    stick = tmp_path / "U盘"
    stick.mkdir()
    run(installed, "backup", "--to", str(stick), "--db", str(db), env=env, cwd=tmp_path)
    backups = list(stick.glob("*.jfbak"))
    assert len(backups) == 1
    run(installed, "verify", str(backups[0]), env=env, cwd=tmp_path)
    assert not user_data_folder(home).exists()


def test_window_opens_offscreen_and_closes(installed, home, tmp_path):
    data = tmp_path / "data"
    env = clean_env(home, DYJF_DATA_DIR=str(data))
    db = tmp_path / "branch.db"
    run(installed, "demo", "--db", str(db), "--until", "2026-11-23", env=env, cwd=tmp_path)
    result = run(installed, "--db", str(db), env={**env, "DYJF_QUIT_AFTER_MS": "2500"}, cwd=tmp_path)
    assert "window-title: 党员积分管理" in result.stdout
    assert (data / "window-state.ini").is_file(), "closing saved the window's geometry"
    assert list((data / "backups").rglob("auto-*.jfbak")), "closing made the day's automatic backup"


def test_platform_plugin_failure_is_one_plain_sentence(installed, home, tmp_path):
    env = clean_env(home, DYJF_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="xcb", DISPLAY=":97")
    result = run(installed, "--db", str(tmp_path / "x.db"), env=env, cwd=tmp_path, ok=False, timeout=60)
    assert result.returncode == 3, result.stderr
    # with libxcb on the machine the program finds first that nothing answers on :97 (startup.
    # display_problem); without it Qt's plugin fails and the sentence names the packages to install
    assert "无法打开窗口" in result.stderr and ("连接不上显示器“:97”" in result.stderr or "apt install" in result.stderr)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("marker", ["便携版.txt", "portable.txt"])
def test_portable_mode_keeps_everything_beside_the_program(installed, home, tmp_path, marker):
    stick = tmp_path / "U盘" / NAME
    shutil.copytree(installed, stick, symlinks=True)
    (stick / marker).write_text("有这个文件，程序就把数据放在旁边的 data 文件夹里。\n", encoding="utf-8")
    env = clean_env(home)
    run(stick, "demo", "--until", "2026-11-23", env=env, cwd=tmp_path)
    data = stick / "data"
    assert (data / "jifen.db").is_file()
    result = run(stick, env={**env, "DYJF_QUIT_AFTER_MS": "2500"}, cwd=tmp_path)
    assert "便携版" in result.stdout and str(data) in result.stdout
    assert (data / "window-state.ini").is_file()
    assert list((data / "backups").rglob("auto-*.jfbak"))
    assert not user_data_folder(home).exists()
    stray = [path for path in home.rglob("*") if NAME in str(path) or "党员积分" in str(path) or path.suffix in (".db", ".jfbak", ".ini")]
    assert stray == [], "nothing of the program's lands in the user's home"


@pytest.mark.parametrize("fixture", ["schema-0001.db", "schema-0002.db"])
def test_newer_build_upgrades_an_older_database_with_a_safety_copy(installed, home, tmp_path, fixture):
    env = clean_env(home, DYJF_DATA_DIR=str(tmp_path / "data"))
    db = tmp_path / "branch.db"
    shutil.copy(FIXTURES / fixture, db)
    before = db.read_bytes()
    refused = run(installed, "check", "--db", str(db), env=env, cwd=tmp_path, ok=False)
    assert refused.returncode == 1 and "升级" in refused.stderr  # a reading verb never migrates
    run(installed, "--db", str(db), env={**env, "DYJF_QUIT_AFTER_MS": "2000"}, cwd=tmp_path)
    copies = list(tmp_path.glob("branch.before-upgrade-*.db"))
    assert len(copies) == 1
    assert contents(copies[0]) == contents_of_bytes(before, tmp_path), "the safety copy is the old file's content"
    assert contents(db) != contents(copies[0])
    # The upgraded file is accepted; an older file has no passwords, so the command line waits
    # for its first administrator (made in the window; here through the same service).
    waiting = run(installed, "check", "--db", str(db), env=env, cwd=tmp_path, ok=False)
    assert waiting.returncode == 1 and "还没有设置密码" in waiting.stderr
    from app.services.accounts import setup
    from db.store import Store

    with Store.open_file(db) as store:
        setup.create_first_admin(store, "admin", "管理员", SMOKE_PASSWORD)
    run(installed, "check", "--db", str(db), env=env, cwd=tmp_path)


def test_older_build_refuses_a_newer_database_with_the_version_numbers(installed, home, tmp_path):
    from app import __version__

    env = clean_env(home, DYJF_DATA_DIR=str(tmp_path / "data"))
    db = tmp_path / "newer.db"
    shutil.copy(sorted(FIXTURES.glob("schema-*.db"))[-1], db)  # the newest schema this build knows
    raw = sqlite3.connect(db)
    known = raw.execute("PRAGMA user_version").fetchone()[0]
    raw.execute("UPDATE alembic_version SET version_num = 'f00d_from_the_future'")
    raw.execute(f"PRAGMA user_version = {known + 1}")
    raw.commit()
    raw.close()
    before = db.read_bytes()
    for verb in (["check"], ["backup", "--to", str(tmp_path)]):
        result = run(installed, *verb, "--db", str(db), env=env, cwd=tmp_path, ok=False)
        assert result.returncode == 1, result.stderr
        assert f"第 {known + 1} 版" in result.stderr and f"第 {known} 版" in result.stderr, result.stderr
        assert __version__ in result.stderr and "Traceback" not in result.stderr
        if verb == ["check"]:
            assert db.read_bytes() == before, "a reading verb leaves the file byte for byte"
    # A writing verb's connection switches the journal to WAL before it reads the version (the
    # header's bytes 18-19); the content is untouched.
    assert contents(db) == contents_of_bytes(before, tmp_path)
    assert not list(tmp_path.glob("*.jfbak"))


def contents(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def contents_of_bytes(data: bytes, folder: Path) -> list[str]:
    path = folder / "compare-before.db"
    path.write_bytes(data)
    try:
        return contents(path)
    finally:
        path.unlink()


def test_reads_nothing_from_the_source_tree(installed, home, tmp_path):
    """From an empty folder, with the source tree (and the venv inside it) and the build's Python
    hidden under empty mounts, the program still runs; where strace exists, no path under the
    source tree is even looked at."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        pytest.skip("needs Linux mount namespaces")
    empty = tmp_path / "empty"
    empty.mkdir()
    db = tmp_path / "branch.db"
    exe = installed / NAME
    env = clean_env(home, DYJF_DATA_DIR=str(tmp_path / "data"))
    hide = [str(ROOT), str(Path(sys.base_prefix).resolve())]
    script = " && ".join(
        [*(f"mount -t tmpfs none '{folder}'" for folder in hide),
         f"test ! -e '{ROOT / 'main.py'}'",
         f"'{exe}' --version",
         f"'{exe}' demo --db '{db}' --until 2026-11-23",
         f"'{exe}' check --db '{db}'",
         f"'{exe}' report notice --month 2026-10 --out '{tmp_path / 'notice.pdf'}' --db '{db}'",
         f"DYJF_QUIT_AFTER_MS=1500 '{exe}' --db '{db}'"]
    )
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot make a mount namespace here (not root)")
    command = ["unshare", "-m", "--propagation", "private", "sh", "-c", script]
    strace = shutil.which("strace")
    log = tmp_path / "strace.log"
    if strace:
        command = [strace, "-f", "-qq", "-e", "trace=%file", "-o", str(log), *command]
    result = subprocess.run(command, env=env, cwd=empty, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "notice.pdf").is_file()
    if strace:
        # Only the source tree: the build's libpython keeps the build machine's Python folder as its
        # RUNPATH, so the loader looks there for libm first (in vain on a clerk's machine) and moves on.
        probe_line = str(ROOT / "main.py")
        touched = sorted({
            line.split('"')[1] for line in log.read_text(errors="replace").splitlines()
            if '"' in line and line.split('"')[1].startswith(str(ROOT) + "/")
            and "mount(" not in line and line.split('"')[1] != probe_line
        })
        assert touched == [], f"the frozen program looked at the source tree: {touched[:20]}"
