"""Closing the window on a village's database makes the day's automatic backup; a failure never stops the close."""

from __future__ import annotations

import pytest

from app.services.backup import automatic as auto_backup
from app.services.backup import archive as backup
from app.services.township import gather
from app.services.paths import data_dir
from app.ui.jobs import JobRunner
from app.ui.pages.township_window import TownshipWindow
from conftest import TODAY, keyed_admin

pytestmark = pytest.mark.gui


def _auto_backups() -> list:
    folder = data_dir() / "backups"  # tests/conftest.py points the data folder at the test's own
    return sorted(p.relative_to(folder).as_posix() for p in folder.glob("*/auto-*.jfbak")) if folder.exists() else []


def test_closing_makes_one_backup_a_day(demo_store, make_window):
    window = make_window(demo_store)
    assert window.close()
    [made] = _auto_backups()
    assert backup.inspect_backup(data_dir() / "backups" / made).branch_name == "红星村党支部"
    again = make_window(demo_store)
    assert again.close() and _auto_backups() == [made]  # the same day: not again


def test_a_failed_backup_is_shown_and_the_window_closes_anyway(demo_store, make_window, qtbot, monkeypatch):
    def full_disk(store, *args, **kwargs):
        raise backup.BackupWriteFailed("磁盘已满，自动备份没有完成。")

    monkeypatch.setattr(auto_backup, "auto_backup_if_due", full_disk)
    window = make_window(demo_store)
    assert window.close() and not window.isVisible()
    problem = window.auto_backup_problem
    qtbot.addWidget(problem)
    assert problem.isVisible() and problem.parent() is None  # it outlives the window until read
    assert problem.windowTitle() == "自动备份没有完成" and "磁盘已满" in problem.message_label.text()
    assert _auto_backups() == []


def test_even_an_unexpected_error_does_not_stop_the_close(demo_store, make_window, qtbot, monkeypatch):
    monkeypatch.setattr(auto_backup, "auto_backup_if_due", lambda store, *a, **k: 1 / 0)
    window = make_window(demo_store)
    assert window.close()
    qtbot.addWidget(window.auto_backup_problem)
    assert "意外的问题" in window.auto_backup_problem.message_label.text()


def test_no_backup_of_an_empty_database_or_a_township_database(store, admin, make_window, app, qtbot):
    window = make_window(store)  # no branch yet
    assert window.close() and _auto_backups() == []
    gather.start_township_database(store, admin, "城关镇党委")
    township = TownshipWindow(store, keyed_admin(store), today=TODAY, jobs=JobRunner(synchronous=True))
    qtbot.addWidget(township)
    township.show()
    assert township.close() and _auto_backups() == []
