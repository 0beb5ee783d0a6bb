"""Portable mode, the data folder, the crash log and the about facts (source level, no Qt)."""

from __future__ import annotations

import sys

from app import locations
from app.services import paths, startup


def test_portable_marker_moves_the_data_beside_the_program(tmp_path, monkeypatch):
    monkeypatch.delenv("DYJF_DATA_DIR")
    monkeypatch.setenv("DYJF_PROGRAM_DIR", str(tmp_path))
    assert paths.data_dir() == paths.user_data_dir() and startup.portable_title() is None
    (tmp_path / "便携版.txt").write_text("", encoding="utf-8")
    assert paths.data_dir() == tmp_path / "data"
    assert paths.default_database_path() == tmp_path / "data" / "jifen.db"
    assert startup.portable_title() == f"便携版，数据在 {tmp_path / 'data'}"


def test_resources_come_from_the_bundle_when_frozen(tmp_path, monkeypatch):
    monkeypatch.setattr(locations, "FROZEN", True)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "dangyuan-jifen"))
    monkeypatch.delenv("DYJF_PROGRAM_DIR", raising=False)
    assert locations.bundle_dir() == tmp_path / "_internal"
    assert locations.program_dir() == tmp_path


def test_crash_log_is_written_in_the_data_folder(tmp_path):
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        log = startup.write_crash_log(*sys.exc_info())
    assert log.parent == tmp_path / "userdata" / "logs"
    assert "ZeroDivisionError: boom" in log.read_text(encoding="utf-8")
    assert str(log) in startup.crash_sentence(log) and "Traceback" not in startup.crash_sentence(log)


def test_about_names_version_data_folder_database_and_font_licence(tmp_path):
    text = "\n".join(startup.about_lines(tmp_path / "branch.db"))
    assert locations.VERSION in text and str(tmp_path / "userdata") in text
    assert str(tmp_path / "branch.db") in text and "OFL" in text


def test_platform_sentence_names_the_missing_packages():
    assert "libxcb-cursor0" in startup.platform_plugin_sentence(["libxcb-cursor0"])
    assert "libxkbcommon-x11-0" in startup.platform_plugin_sentence([])


def test_a_display_is_looked_for_only_where_qt_would_use_x11(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert startup.display_problem() is None  # the tests' own platform: no display wanted
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert "找不到可用的显示器" in startup.display_problem()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert startup.display_problem() is None  # Qt takes the Wayland plugin
    monkeypatch.delenv("WAYLAND_DISPLAY")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(startup, "_x_display_answers", lambda display: True)
    assert startup.display_problem() is None
    monkeypatch.setattr(startup, "_x_display_answers", lambda display: False)
    assert "连接不上显示器“:0”" in startup.display_problem()
    monkeypatch.setattr(sys, "platform", "win32")
    assert startup.display_problem() is None
