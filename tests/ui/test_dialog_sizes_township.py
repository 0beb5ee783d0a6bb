"""The township's window fits the laptop (1366×768, 1280×720): its pages, and its dialogs as
test_dialog_sizes.py looks at the village's.

Three demo villages are gathered in the window's own 汇总各村备份 (the backup dialog, every tab, and what
it says after gathering), then 汇总总览, 验星 and 驻村干部 are shown, and a village's star-rating report is
verified and returned with the township's comments.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from app.ui import account_menu
from app.ui.dialogs.accounts_dialog import AccountsDialog
from app.ui.pages.township_window import TOWNSHIP_PAGE_KEYS
from tests.ui.screen_check import cut_off, settle, shoot
from tests.ui.dialog_check import clipped_labels, laptop, look, look_and_close, shots  # noqa: F401  (the fixtures)
from tests.ui.test_township_window import township_store, township_window, villages  # noqa: F401  (the fixtures)

pytestmark = pytest.mark.gui

COMMENTS = ("第二党小组王某某全年只参加了三次组织生活，评为五星党员不符合细则第五条，请支部委员会重新核实出勤记录，"
            "补充在职党员双报到证明后重新公示，公示期满再上报。")


def test_the_township_window_and_its_dialogs_fit(laptop, shots, villages, township_window, monkeypatch):
    stick, _made, report = villages
    township_window.resize(laptop)
    settle()
    backup = township_window.open_backup("gather")
    problems = []
    for index in range(backup.tabs.count()):
        backup.tabs.setCurrentIndex(index)
        problems += look(f"township-backup-{index + 1}", backup, shots)
    backup.add_gather_source(stick)
    backup.start_gather()
    assert backup.last_error is None, backup.status_label.text()
    problems += look("township-gathered", backup, shots)  # the log, what was gathered
    backup.tabs.setCurrentIndex(1)
    backup.set_backup_file(sorted(stick.glob("*.jfbak"))[0])  # a village's backup, described before restoring
    problems += look_and_close("township-restore-chosen", backup, shots)

    monkeypatch.setattr(township_window.ctx, "ask_open_path", lambda *_args: str(report))
    township_window.show_page("verify").import_report()
    for key in TOWNSHIP_PAGE_KEYS:
        township_window.show_page(key)
        settle()
        shoot(township_window, shots / f"township-page-{key}.png")
        problems += [f"township-page-{key}: {problem}" for problem in cut_off(township_window) + clipped_labels(township_window)]

    page = township_window.show_page("verify")
    problems += look_and_close("township-verify", page.decide(True), shots)
    returning = page.decide(False)
    returning.comments_edit.setPlainText(COMMENTS)
    problems += look("township-return", returning, shots)
    returning.ok_button.setEnabled(True)
    returning.comments_edit.clear()
    returning.ok_button.click()  # refused: the comments are needed, said under them
    problems += look_and_close("township-return-refused", returning, shots)
    problems += look_and_close("township-help", township_window.open_help(), shots)
    township_window._about()  # the data folder, the database, the font's licence
    problems += look_and_close("township-about", township_window.findChildren(QMessageBox)[-1], shots)
    forms = []
    monkeypatch.setattr(AccountsDialog, "ask", lambda _accounts, form: forms.append(form) or form.open() or False)
    accounts = account_menu.open_accounts(township_window)
    accounts.add_account()  # the township's roles: 验星, 汇总, 管理员
    problems += look_and_close("township-account-new", forms[-1], shots)
    assert "验星：" in accounts.roles_hint.text() and "录入员" not in accounts.roles_hint.text()  # it told the village's roles
    problems += look_and_close("township-accounts", accounts, shots)
    township_window.lock.lock()
    township_window.lock.try_unlock("not-the-password")  # refused, said under the field
    settle()
    shoot(township_window, shots / "township-locked.png")
    problems += [f"township-locked: {problem}" for problem in cut_off(township_window) + clipped_labels(township_window)]
    assert not problems, "\n".join(problems)
