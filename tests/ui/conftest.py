"""GUI fixtures: the Qt application with the bundled font, a demo branch copied per test, the window.

The demo branch takes seconds to generate, so it is made once per session and each test gets
its own copy of the file. Windows use the synchronous job runner, so a job's result is there
when `submit` returns. QSettings live in the test's own data folder (DYJF_DATA_DIR).
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from app.services import demo
from app.ui.app import make_application
from app.ui.jobs import JobRunner
from app.ui.main_window import MainWindow
from conftest import TODAY, keyed_admin
from db.store import Store


@pytest.fixture
def app(qapp):
    return make_application()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store.open_file(path) as store:
        demo.create_demo_branch(store, keyed_admin(store), today=TODAY)
    with sqlite3.connect(path) as connection:  # one stand-alone file, nothing left in -wal
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    return path


@pytest.fixture
def demo_store(demo_file, tmp_path):
    path = tmp_path / "demo-copy.db"
    shutil.copyfile(demo_file, path)
    with Store.open_file(path) as store:
        yield store


@pytest.fixture
def make_window(app, qtbot):
    def make(store, actor=None, shown=True) -> MainWindow:
        window = MainWindow(store, actor or keyed_admin(store), today=TODAY, jobs=JobRunner(synchronous=True))
        qtbot.addWidget(window)
        if shown:
            window.show()
            window.resize(1260, 800)
        return window

    return make


@pytest.fixture
def demo_window(demo_store, make_window):
    return make_window(demo_store)
