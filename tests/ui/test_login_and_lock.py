"""The log-in screen, the first administrator, the lock, and what a 录入员 may not do, in the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.domain.enums import Role
from app.domain.errors import LoginRefused
from app.services.accounts import login, operators, security_settings
from app.services.backup import archive as backup
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.roster import members
from app.ui.changes import Kind
from app.ui.dialogs.backup.dialog import BackupDialog
from app.ui.entry_fields import EntryFields
from app.ui.dialogs.login_dialogs import FirstAdminDialog, LoginDialog
from app.ui.jobs import JobRunner
from app.ui.lock import LockScreen
from conftest import TEST_PASSWORD, TODAY, keyed_admin

pytestmark = pytest.mark.gui
CLERK_PASSWORD = "tiexin lanterns 92"


def test_the_log_in_screen_names_the_branch_and_lists_the_accounts(app, qtbot, demo_store):
    dialog = LoginDialog(demo_store, JobRunner(synchronous=True), preselect="admin")
    qtbot.addWidget(dialog)
    assert any(label.text() == "红星村党支部" for label in dialog.findChildren(type(dialog.problem)))
    assert dialog.chosen_username() == "admin"
    dialog.password.setText("wrong words here")
    dialog.login_button.click()
    assert dialog.problem.isVisibleTo(dialog) and "密码不对" in dialog.problem.text()
    assert dialog.password.text() == "" and dialog.logged_in is None
    dialog.password.setText(TEST_PASSWORD)
    dialog.login_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.logged_in.actor.username == "admin" and len(dialog.logged_in.actor.data_key) == 32


def test_the_first_administrator_is_made_and_the_recovery_sheet_saved(app, qtbot, store, tmp_path):
    dialog = FirstAdminDialog(store, JobRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.password.setText("abc")
    dialog.repeated.setText("abc")
    assert "至少要 8 个字符" in dialog.strength.text()
    dialog.create_button.click()
    assert "至少要 8 个字符" in dialog.problem.text() and dialog.created is None
    # the refusal empties the boxes: the line under the password says nothing of the empty box
    assert dialog.password.text() == "" and dialog.strength.text() == ""
    dialog.password.setText("qiaomen huangniu 37")
    dialog.repeated.setText("qiaomen huangniu 38")
    dialog.create_button.click()
    assert "两次输入的密码不一样" in dialog.problem.text() and dialog.strength.text() == ""
    dialog.username.setText("wangshuji")
    dialog.display_name.setText("王书记")
    dialog.password.setText("qiaomen huangniu 37")
    dialog.repeated.setText("qiaomen huangniu 37")
    dialog.create_button.click()
    assert dialog.created is not None and dialog.code_label.text() == dialog.created.recovery_code
    assert not dialog.done_button.isEnabled() and not dialog.cancel_button.isEnabled()
    sheet = tmp_path / "恢复单.pdf"
    dialog.save_sheet(str(sheet))
    assert sheet.read_bytes().startswith(b"%PDF")
    dialog.sheet_kept.setChecked(True)
    assert dialog.done_button.isEnabled()
    assert login.log_in(store, "wangshuji", "qiaomen huangniu 37").actor.id == dialog.created.actor.id


def visible_tables(window) -> list[QTableView]:
    return [view for view in window.findChildren(QTableView) if view.isVisible()]


def test_locking_hides_everything_until_the_password(demo_window, qtbot):
    window = demo_window
    assert visible_tables(window) or window.centralWidget().isVisible()
    window.lock.lock()
    assert isinstance(window.centralWidget(), LockScreen)
    assert visible_tables(window) == [] and not window.menuBar().isVisible() and not window.statusBar().isVisible()
    screen = window.centralWidget()
    screen.password.setText("not my password")
    screen.unlock_button.click()
    assert window.lock.locked and "密码不对" in screen.problem.text() and screen.password.text() == ""
    screen.password.setText(TEST_PASSWORD)
    screen.unlock_button.click()
    assert not window.lock.locked and not isinstance(window.centralWidget(), LockScreen)
    assert window.menuBar().isVisible() and window.stack.isVisible()


def test_the_window_locks_after_the_idle_minutes_and_on_ctrl_l(demo_window, qtbot):
    window = demo_window
    assert window.lock.timer.interval() == 10 * 60_000  # the default, read from the database
    window.lock.timer.setInterval(30)
    window.lock.timer.start()
    qtbot.waitUntil(lambda: window.lock.locked, timeout=3000)
    window.lock.unlock()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.lock.locked


def test_an_open_dialog_is_hidden_while_locked(demo_window, qtbot):
    window = demo_window
    window.account_actions["audit"].trigger()
    assert window.audit_dialog.isVisible()
    window.lock.lock()
    assert not window.audit_dialog.isVisible()
    window.lock.try_unlock(TEST_PASSWORD)
    assert window.audit_dialog.isVisible()


def test_a_clerk_cannot_approve_restore_or_manage_accounts(app, qtbot, demo_store, make_window, tmp_path):
    admin = keyed_admin(demo_store)
    clerk = operators.add_operator(demo_store, admin, "xiaoli", "小李", Role.CLERK, CLERK_PASSWORD)
    clerk = login.log_in(demo_store, "xiaoli", CLERK_PASSWORD).actor
    window = make_window(demo_store, clerk)
    assert not window.account_actions["accounts"].isEnabled() and not window.account_actions["security"].isEnabled()
    assert not window.ctx.can_review
    made = backup.backup_to(demo_store, tmp_path)
    dialog = BackupDialog(demo_store, clerk, runner=JobRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.set_backup_file(made.path)
    assert not dialog.restore_button.isEnabled() and "只有管理员" in dialog.restore_button.toolTip()
    dialog.confirm = lambda title, text: True
    dialog.start_restore()  # even so, the service refuses
    assert "不是管理员" in dialog.status_label.text()


def test_the_administrator_adds_an_account_in_the_dialog(demo_window, qtbot):
    window = demo_window
    window.account_actions["accounts"].trigger()
    dialog = window.accounts_dialog
    assert [a.username for a in dialog.accounts] == ["admin"]

    def fill(form) -> bool:
        form.username.setText("luru")
        form.display_name.setText("李文书")
        form.password.setText(CLERK_PASSWORD)
        form.repeated.setText(CLERK_PASSWORD)
        return True

    dialog.ask = fill
    dialog.add_account()
    assert [a.username for a in dialog.accounts] == ["admin", "luru"]
    assert dialog.table.item(1, 2).text() == "录入员"
    assert security_settings.security_settings(window.ctx.store).four_eyes  # two accounts now


def test_four_eyes_refuses_approving_ones_own_entry_in_the_window(app, qtbot, demo_store, make_window):
    admin = keyed_admin(demo_store)
    operators.add_operator(demo_store, admin, "shuji", "王书记", [Role.REVIEWER, Role.CLERK], CLERK_PASSWORD)
    secretary = login.log_in(demo_store, "shuji", CLERK_PASSWORD).actor
    window = make_window(demo_store, secretary)
    assert security_settings.security_settings(demo_store).four_eyes
    member = members.list_members(demo_store)[0].id
    mine = ledger.record_entry(demo_store, secretary, EntryRequest(member, "B02", TODAY.replace(day=2)), today=TODAY).created[0]
    problems = []
    window.ctx.write(lambda _c: ledger.review_entries(demo_store, secretary, [mine], approve=True), Kind.LEDGER, on_problem=problems.append)
    assert problems and "是你录入的" in problems[0].message


def test_the_administrator_makes_a_new_recovery_code(demo_window, qtbot, tmp_path, monkeypatch):
    window = demo_window
    window.account_actions["accounts"].trigger()
    dialog = window.accounts_dialog
    monkeypatch.setattr(window.ctx, "confirm", lambda *args: True)
    dialog.buttons["recovery"].click()
    code = dialog.code_dialog.recovery_code
    sheet = tmp_path / "新恢复单.pdf"
    dialog.code_dialog.save_sheet(str(sheet))
    assert sheet.read_bytes().startswith(b"%PDF")
    recovered = login.recover_with_code(window.ctx.store, "admin", code, "fresh start river 51")
    assert recovered.actor.data_key == window.ctx.actor.data_key


def test_the_audit_log_filters_and_exports(demo_window, qtbot, tmp_path):
    window = demo_window
    with pytest.raises(LoginRefused):
        login.log_in(window.ctx.store, "admin", "wrong words here")
    window.account_actions["audit"].trigger()
    dialog = window.audit_dialog
    dialog.since.setDate(dialog.since.date().addYears(-5))
    dialog.until.setDate(dialog.until.date().addYears(5))
    dialog.group.setCurrentIndex(dialog.group.findData("登录与锁定"))
    dialog.refresh()
    assert [row.action for row in dialog.rows] == ["登录失败"] and dialog.table.rowCount() == 1
    assert "共 1 条" in dialog.count_label.text()
    out = tmp_path / "日志.xlsx"
    dialog.export(str(out))
    assert out.exists()


def test_the_audit_log_says_when_older_records_are_left_off(demo_window, monkeypatch):
    """The dialog lists the newest page; with more records than that it said 共 2000 条 (a
    gathered township's month holds thousands) as if that were all of them."""
    from app.services.accounts import audit_trail

    monkeypatch.setattr(audit_trail, "DEFAULT_LIMIT", 3)
    window = demo_window
    window.account_actions["audit"].trigger()
    dialog = window.audit_dialog
    dialog.since.setDate(dialog.since.date().addYears(-5))
    dialog.until.setDate(dialog.until.date().addYears(5))
    dialog.refresh()
    assert dialog.table.rowCount() == 3 and len(dialog.rows) == 3
    assert dialog.count_label.text() == "只列出了最新的 3 条，更早的没有列出；请缩小日期范围，或导出Excel看全部。"


def test_with_four_eyes_the_entry_screen_does_not_offer_approving_at_once(app, qtbot, demo_store, make_window):
    admin = keyed_admin(demo_store)
    security_settings.set_security_settings(demo_store, admin, 10, True)
    window = make_window(demo_store, admin)
    fields = window.findChildren(EntryFields)
    assert fields and all(not f.approve_check.isVisibleTo(f) for f in fields)
    security_settings.set_security_settings(demo_store, admin, 10, False)
    other = make_window(demo_store, admin)
    assert all(f.approve_check.isVisibleTo(f) for f in other.findChildren(EntryFields))
