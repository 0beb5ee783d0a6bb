"""After a restore the session ends and the restored file's log-in follows; a used recovery code
gives way to a new one, shown once with its sheet saved."""

from __future__ import annotations

import pytest

from app.domain.errors import LoginRefused
from app.domain.idcard import id_check_char
from app.services import organisation
from app.services.accounts import keyring, login, setup
from app.services.backup import archive as backup
from app.services.context import read_session
from app.services.roster import members
from app.ui.dialogs import login_dialogs
from app.ui.dialogs.login_dialogs import LoginDialog
from app.ui.jobs import JobRunner
from conftest import TEST_PASSWORD, add
from db.store import Store

pytestmark = pytest.mark.gui
DONGFENG_PASSWORD = "dongfeng wheat fields 48"
DONGFENG_ID = "330102197501012" + "31"  # 17 digits; the check character is added below
DONGFENG_ID += id_check_char(DONGFENG_ID)


@pytest.fixture
def dongfeng_backup(tmp_path):
    """A plain backup of another branch: its own administrator, password, data key and member."""
    with Store.open_file(tmp_path / "dongfeng.db") as other:
        first = setup.create_first_admin(other, "dongshuji", "董书记", DONGFENG_PASSWORD, DONGFENG_PASSWORD)
        organisation.setup_branch(other, first.actor, "城关镇党委", "东风村党支部", ["第一党小组"])
        member_id = add(other, first.actor, "董大明", id_number=DONGFENG_ID)
        (tmp_path / "备份").mkdir()
        made = backup.backup_to(other, tmp_path / "备份")
    return made.path, member_id


def test_after_a_restore_the_window_shows_the_restored_files_log_in(demo_window, qtbot, dongfeng_backup):
    window, (backup_file, member_id) = demo_window, dongfeng_backup
    old_actor, path = window.ctx.actor, window.ctx.store.path
    next(a for a in window.backup_actions if a.objectName() == "action_restore").trigger()
    dialog = window.backup_dialog
    dialog.set_backup_file(backup_file)
    dialog.confirm = lambda title, text: True
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: not window.isVisible())
    assert not dialog.isVisible() and dialog.last_error is None
    assert window.next_database == str(path)  # run_gui reopens the file and asks who is at the keyboard
    assert "原来的数据库已另存为" in window.log_in_notice and "重新登录" in window.log_in_notice

    with Store.open_file(path) as restored:
        screen = LoginDialog(restored, JobRunner(synchronous=True), preselect=old_actor.username, notice=window.log_in_notice)
        qtbot.addWidget(screen)
        assert screen.notice.isVisibleTo(screen) and "重新登录" in screen.notice.text()
        labels = [label.text() for label in screen.findChildren(type(screen.notice))]
        assert "东风村党支部" in labels and "红星村党支部" not in labels
        accounts = [screen.accounts.item(row).text() for row in range(screen.accounts.count())]
        assert len(accounts) == 1 and "（dongshuji）" in accounts[0]
        with pytest.raises(LoginRefused):  # the old session's account is not in the restored file
            login.log_in(restored, old_actor.username, TEST_PASSWORD)
        screen.password.setText(DONGFENG_PASSWORD)
        screen.login_button.click()
        assert screen.result() == screen.DialogCode.Accepted, screen.problem.text()
        actor = screen.logged_in.actor
        assert actor.username == "dongshuji" and actor.data_key != old_actor.data_key
        assert members.get_member(restored, member_id, actor=actor).id_number == DONGFENG_ID


def test_run_gui_asks_for_a_log_in_again_after_a_restore(tmp_path, monkeypatch, app):
    from app.ui import app as app_module

    path, notice, sessions, asked = tmp_path / "branch.db", "已从备份恢复，请重新登录。", [], []

    class RestoredWindow:  # the window of one session: the first ends with a restore
        def __init__(self, store, actor):
            sessions.append(actor)
            restored = len(sessions) == 1
            self.next_database, self.log_in_notice = (str(path), notice) if restored else (None, "")
            self.ctx = type("Ctx", (), {"jobs": type("Jobs", (), {"wait": staticmethod(lambda: True)})()})()

        def show(self):
            pass

    def sign_in(store, jobs, operator, notice=""):
        asked.append((store.path, notice))
        return f"actor {len(asked)}"

    monkeypatch.setattr(app_module, "MainWindow", RestoredWindow)
    monkeypatch.setattr(app_module, "sign_in", sign_in)
    monkeypatch.setattr(app_module, "install_error_hook", lambda window: None)
    monkeypatch.setattr(type(app), "exec", lambda self: 0)
    with Store.open_file(path) as store:  # a branch, so that no set-up wizard is asked for
        first = setup.create_first_admin(store, "dongshuji", "董书记", DONGFENG_PASSWORD, DONGFENG_PASSWORD)
        organisation.setup_branch(store, first.actor, "城关镇党委", "东风村党支部", ["第一党小组"])
    assert app_module.run_gui(str(path)) == 0
    assert asked == [(path, ""), (path, notice)]  # the restored file's log-in, saying why
    assert sessions == ["actor 1", "actor 2"]  # the second window holds the new log-in's actor, not the old one


def test_the_recovery_code_sets_a_new_password_and_gives_a_new_code(app, qtbot, store, tmp_path, monkeypatch):
    first = setup.create_first_admin(store, "wangshuji", "王书记", "qiaomen huangniu 37", "qiaomen huangniu 37")
    screen = LoginDialog(store, JobRunner(synchronous=True))
    qtbot.addWidget(screen)
    seen = {}

    def answer_recovery(dialog):
        seen["recovery"] = dialog
        dialog.code.setText(first.recovery_code)
        dialog.ok_button.click()  # no new password: refused, the code alone does not let him in
        seen["refusal"] = dialog.problem.text()
        dialog.code.setText(first.recovery_code)
        dialog.new_password.setText("fresh start river 51")
        dialog.repeated.setText("fresh start river 51")
        dialog.ok_button.click()
        return dialog.result()

    def save_new_sheet(dialog):
        seen["shown"] = dialog.recovery_code
        dialog.reject()  # Esc before the sheet is saved: the dialog stays
        seen["closable_unsaved"] = dialog.close_button.isEnabled()
        dialog.save_sheet(str(tmp_path / "新恢复单.pdf"))
        dialog.close_button.click()
        return dialog.result()

    monkeypatch.setattr(login_dialogs.RecoveryDialog, "exec", answer_recovery)
    monkeypatch.setattr(login_dialogs.NewRecoveryCodeDialog, "exec", save_new_sheet)
    screen.forgot_button.click()
    assert "密码" in seen["refusal"] and seen["recovery"].logged_in is not None
    assert screen.result() == screen.DialogCode.Accepted and screen.logged_in.actor.data_key == first.actor.data_key
    new_code = screen.logged_in.new_recovery_code
    assert seen["shown"] == new_code != first.recovery_code and not seen["closable_unsaved"]
    assert screen.code_dialog.result() == screen.code_dialog.DialogCode.Accepted
    assert (tmp_path / "新恢复单.pdf").read_bytes().startswith(b"%PDF")
    assert login.log_in(store, "wangshuji", "fresh start river 51").actor.id == first.actor.id
    with read_session(store) as session:
        assert keyring.unlock_with_recovery(session, new_code) == first.actor.data_key
    with pytest.raises(LoginRefused, match="恢复码不对"):  # the used code is void
        login.recover_with_code(store, "wangshuji", first.recovery_code, "another start river 62")
