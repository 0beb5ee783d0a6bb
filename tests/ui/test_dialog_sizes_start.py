"""What the clerk meets before the window, and on a new database, fits the laptop (1366×768, 1280×720).

The same look as test_dialog_sizes.py: the first administrator (before and after the account is made),
the log-in screen after a restore (it says why, naming the kept copy of the old file), 忘记密码, the forced
change of password, each page of the first-run wizard, the sentence of an error with its details, and the
box that says a database cannot be opened (a damaged file at start).
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QMessageBox, QWizard

from app.ui import app as app_module
from app.ui.dialogs.login_dialogs import ChangePasswordDialog, FirstAdminDialog, LoginDialog, RecoveryDialog
from app.ui.errors import ErrorDialog, describe
from app.ui.jobs import JobRunner
from tests.ui.dialog_check import laptop, look, look_and_close, shots  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.gui

# what menu_actions tells the log-in screen after a restore: the service's summary, then why to log in again
RESTORED = ("已从备份恢复红星村党支部的数据（备份于 2026-11-30 17:42）；原来的数据库已另存为“党员积分-恢复前-20261202-093015.db”\n"
            "恢复后的数据库有它自己的账号和密码，请用其中的账号重新登录。")
STRONG_PASSWORD = "红星村积分台账2026备份"


def test_the_first_administrator_and_the_log_in_dialogs_fit(app, laptop, shots, store, tmp_path, qtbot):
    jobs = JobRunner(synchronous=True)
    first = FirstAdminDialog(store, jobs)
    qtbot.addWidget(first)  # shown before any window, none of these has a parent: qtbot deletes them in order
    first.show()
    problems = look("first-admin", first, shots)
    first.password.setText("12345678")
    first.create()  # refused: the reason in one sentence under the fields
    problems += look("first-admin-refused", first, shots)
    first.password.setText(STRONG_PASSWORD)
    first.repeated.setText(STRONG_PASSWORD)
    first.create()
    assert first.created is not None, first.problem.text()
    problems += look("first-admin-sheet", first, shots)  # the recovery code and its sheet
    first.save_sheet(str(tmp_path / "账号恢复单.pdf"))  # the button says where it went
    problems += look("first-admin-sheet-saved", first, shots)
    first.sheet_kept.setChecked(True)
    first.accept()
    actor = first.created.actor
    dialogs = {
        "log-in-after-restore": LoginDialog(store, jobs, preselect="admin", notice=RESTORED),
        "forgot-password": RecoveryDialog(store, jobs, "admin"),
        "change-password-forced": ChangePasswordDialog(store, jobs, actor, forced=True),
    }
    for name, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        dialog.show()
        problems += look(name, dialog, shots)
    log_in = dialogs["log-in-after-restore"]
    log_in.password.setText("wrong-password")
    log_in.try_login()
    problems += look("log-in-refused", log_in, shots)
    for dialog in dialogs.values():
        dialog.close()
    assert not problems, "\n".join(problems)


def test_the_first_run_wizard_fits(laptop, shots, store, admin, make_window):
    window = make_window(store)
    window.resize(laptop)
    wizard = window.start_first_run()
    wizard.township_radio.setChecked(True)  # its name field is the widest line of the first page
    problems = look("wizard-1-welcome", wizard, shots)
    wizard.own_branch_radio.setChecked(True)
    for page in ("2-branch", "3-rules"):
        wizard.next()
        problems += look(f"wizard-{page}", wizard, shots)
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    wizard.reject()
    assert not problems, "\n".join(problems)


def test_an_error_and_its_details_fit(app, laptop, shots, qtbot):
    try:
        raise OSError(28, "No space left on device", "/media/U盘/党员积分备份/红星村党支部-2026-12-02.jfbak")
    except OSError as exc:
        message, details = describe(exc)
    error = ErrorDialog(None, "没有完成", message, details)
    qtbot.addWidget(error)
    error.show()
    problems = look("error", error, shots)
    error.details_button.setChecked(True)
    problems += look_and_close("error-details", error, shots)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("laptop", ["1280x720"], indirect=True)  # the box is as wide on either: see below
def test_a_database_that_cannot_be_opened_is_said_in_a_box_that_fits(app, laptop, shots, tmp_path, monkeypatch, qtbot):
    """Qt sizes a message box itself, from the width of the screen it is on: the tests' display is narrower
    than the laptop's, so the box is looked at as it wraps its text there, never wider."""
    damaged = tmp_path / "党员积分.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x01" * 4096)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_gui installs its crash hook
    shown = []

    class ShownBox(QMessageBox):
        def exec(self) -> int:  # in place of exec(): open it to look at, and go no further
            qtbot.addWidget(self)  # deleted in order after the test, not by Python's collector inside Qt's loops
            self.show()
            shown.append(self)
            return 0

    monkeypatch.setattr(app_module, "QMessageBox", ShownBox)
    assert app_module.run_gui(str(damaged)) == 1
    assert [box.text() for box in shown] == ["这个文件不是本程序的数据库，或者已经损坏，无法打开。"]
    problems = look_and_close("cannot-open", shown[0], shots)
    assert not problems, "\n".join(problems)
