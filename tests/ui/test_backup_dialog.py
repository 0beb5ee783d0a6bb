"""The backup dialog offscreen: back up to a USB stick, restore with a warning, gather villages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester

from app.domain.errors import ValidationError
from app.services import organisation
from app.services.backup import archive as backup
from app.services.backup import drives
from app.services.roster import members
from app.services.accounts import operators
from app.services.rules import rulesets
from app.ui.app import make_application
from app.ui.dialogs.backup.dialog import BackupDialog
from app.ui.jobs import JobRunner
from conftest import add
from db.store import Store
from services.backup_child import content_digest

pytestmark = pytest.mark.gui
FAST_KDF = {"name": "argon2id", "iterations": 1, "memory_kib": 1024, "lanes": 1}


@pytest.fixture
def app(qapp):
    return make_application()


@pytest.fixture
def village(store, admin, village_year):
    for name in ("张三", "李四", "王五"):
        add(store, admin, name)
    return store


@pytest.fixture
def stick(tmp_path, monkeypatch):
    folder = tmp_path / "KINGSTON"
    folder.mkdir()
    monkeypatch.setattr(drives, "list_removable_drives", lambda: [drives.Drive(folder, "KINGSTON", 3 * 1024**3, 8 * 1024**3)])
    return folder


def make_dialog(qtbot, store, admin, runner=None) -> BackupDialog:
    dialog = BackupDialog(store, admin, runner=runner or JobRunner(synchronous=True))
    qtbot.addWidget(dialog)
    return dialog


def test_backup_to_a_usb_stick_offers_encryption(app, qtbot, village, admin, stick):
    dialog = make_dialog(qtbot, village, admin)
    assert dialog.drive_list.count() == 1 and "KINGSTON" in dialog.drive_list.item(0).text()
    dialog.drive_list.setCurrentRow(0)
    assert dialog.target_folder == stick and dialog.encrypt_box.isChecked()
    dialog.passphrase_edit.setText("村委会的备份口令 cw-5820")
    dialog.passphrase_again.setText("村委会的备份口令 cw-5820？")
    dialog.start_backup()
    assert isinstance(dialog.last_error, ValidationError) and "两次输入的口令不一样" in dialog.status_label.text()
    assert list(stick.iterdir()) == []
    dialog.passphrase_edit.setText("12345678")
    dialog.passphrase_again.setText("12345678")
    dialog.start_backup()
    assert "备份口令不够安全" in dialog.status_label.text() and list(stick.iterdir()) == []
    dialog.passphrase_edit.setText("村委会的备份口令 cw-5820")
    dialog.passphrase_again.setText("村委会的备份口令 cw-5820")
    dialog.start_backup()
    [made] = list(stick.glob("*.jfbak"))
    assert backup.inspect_backup(made).encrypted and "已加密" in dialog.status_label.text()
    assert dialog.passphrase_edit.text() == ""
    assert backup.verify_backup(made, "村委会的备份口令 cw-5820").manifest.counts["members"] == 3


def test_another_folder_is_not_encrypted_unless_asked(app, qtbot, village, admin, tmp_path, monkeypatch):
    monkeypatch.setattr(drives, "list_removable_drives", lambda: [])
    dialog = make_dialog(qtbot, village, admin)
    assert "没有找到 U 盘" in dialog.drive_list.item(0).text()
    folder = tmp_path / "备份"
    folder.mkdir()
    monkeypatch.setattr(dialog, "ask_folder", lambda: str(folder))
    dialog.folder_button.click()
    assert dialog.target_folder == folder and not dialog.encrypt_box.isChecked()
    assert not dialog.passphrase_edit.isEnabled()
    dialog.backup_button.click()
    [made] = list(folder.glob("*.jfbak"))
    assert not backup.inspect_backup(made).encrypted


def test_restore_warns_then_replaces_and_the_window_is_told(app, qtbot, village, admin, tmp_path):
    made = backup.backup_to(village, tmp_path, "恢复用的口令", kdf=FAST_KDF)
    add(village, admin, "赵六")
    before = content_digest(village.path)
    dialog = make_dialog(qtbot, village, admin)
    dialog.set_backup_file(made.path)
    assert "红星村党支部" in dialog.backup_info.text() and dialog.restore_passphrase.isEnabled()
    questions = []
    dialog.confirm = lambda title, text: questions.append(text) or False
    dialog.restore_passphrase.setText("恢复用的口令")
    dialog.restore_button.click()
    assert "恢复后这些修改会丢失" in questions[0]
    assert dialog.status_label.text() == "没有恢复，当前数据库没有改动。"
    assert content_digest(village.path) == before and not list(village.path.parent.glob(".*restoring*"))

    dialog.confirm = lambda title, text: True
    with qtbot.waitSignal(dialog.database_replaced) as replaced:
        dialog.restore_button.click()
    assert replaced.args == [village.path]
    assert "原来的数据库已另存为" in dialog.status_label.text()
    # The window's store reconnects to the restored file.
    assert sorted(m.name for m in members.list_members(village)) == ["张三", "李四", "王五"]


def test_a_wrong_passphrase_is_shown_and_changes_nothing(app, qtbot, village, admin, tmp_path):
    made = backup.backup_to(village, tmp_path, "正确的备份口令", kdf=FAST_KDF)
    before = content_digest(village.path)
    dialog = make_dialog(qtbot, village, admin)
    dialog.set_backup_file(made.path)
    dialog.restore_passphrase.setText("错误的口令")
    dialog.confirm = lambda title, text: pytest.fail("must not ask before the backup is verified")
    dialog.start_restore()
    assert dialog.status_label.text() == "口令不对（备份文件本身是完整的），请核对后再输入一次。"
    assert content_digest(village.path) == before
    bad = tmp_path / "bad.jfbak"
    bad.write_bytes(b"nonsense")
    dialog.set_backup_file(bad)
    assert dialog.backup_info.text() == "这个文件不是本程序的备份文件。" and not dialog.restore_button.isEnabled()


def test_restore_runs_off_the_ui_thread(app, qtbot, village, admin, tmp_path):
    made = backup.backup_to(village, tmp_path)
    dialog = BackupDialog(village, admin)  # a threaded JobRunner of its own
    qtbot.addWidget(dialog)
    dialog.set_backup_file(made.path)
    dialog.confirm = lambda title, text: True
    with qtbot.waitSignal(dialog.database_replaced, timeout=30000):
        dialog.start_restore()
        assert dialog.busy and not dialog.restore_button.isEnabled()
    dialog.runner.wait()
    assert not dialog.busy and dialog.restore_button.isEnabled()


def test_gathering_shows_the_branches_side_by_side(app, qtbot, village, admin, tmp_path):
    sticks = tmp_path / "各村备份"
    sticks.mkdir()
    backup.backup_to(village, sticks)
    cut_off = backup.backup_to(village, tmp_path).path.read_bytes()[:300]
    (sticks / "拔出的U盘.jfbak").write_bytes(cut_off)  # a copy cut short: failed, its details shown
    with Store.open_file(tmp_path / "dongfeng.db") as other:
        other_admin = operators.ensure_admin(other)
        organisation.setup_branch(other, other_admin, "城关镇党委", "东风村党支部", [])
        rulesets.create_rule_set(other, other_admin, 2026, template="village_100")
        add(other, other_admin, "钱七")
        backup.backup_to(other, sticks)
    dialog = make_dialog(qtbot, village, admin)
    dialog.add_gather_source(sticks)
    dialog.add_gather_source(sticks)
    assert dialog.source_list.count() == 1
    dialog.set_township_file(tmp_path / "乡镇汇总.db")
    dialog.overview_year = 2026
    with qtbot.waitSignal(dialog.gathered) as gathered:
        dialog.gather_button.click()
    [cut] = gathered.args[0].failed
    assert "不完整" in cut.message and cut.details
    assert f"拔出的U盘.jfbak：{cut.message}\n    详细信息：{cut.details}" in dialog.gather_log.toPlainText()
    QAbstractItemModelTester(dialog.overview_model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    names = [dialog.overview_model.row_at(row).name for row in range(dialog.overview_model.rowCount())]
    assert names == ["东风村党支部", "红星村党支部"]
    assert "已汇总" in dialog.gather_log.toPlainText() and "汇总 2 个" in dialog.status_label.text()
    assert "失败 1 个" in dialog.status_label.text()
    dialog.set_township_file(Path(village.path))
    dialog.start_gather()
    assert "村支部自己的数据库" in dialog.status_label.text()


def _encrypted_villages(village, sticks: Path, tmp_path: Path) -> dict[str, str]:
    """红星 (the fixture's), 东风 and 向阳 on one stick, each encrypted with its own passphrase."""
    secrets = {"红星村党支部": "红星村的备份口令2026", "东风村党支部": "东风村的备份口令2026", "向阳村党支部": "向阳村的备份口令2026"}
    backup.backup_to(village, sticks, secrets["红星村党支部"], kdf=FAST_KDF)
    for index, name in enumerate(("东风村党支部", "向阳村党支部")):
        with Store.open_file(tmp_path / f"other{index}.db") as other:
            other_admin = operators.ensure_admin(other)
            organisation.setup_branch(other, other_admin, "城关镇党委", name, [])
            rulesets.create_rule_set(other, other_admin, 2026, template="village_100")
            add(other, other_admin, f"党员{index}")
            backup.backup_to(other, sticks, secrets[name], kdf=FAST_KDF)
    return secrets


def test_villages_with_different_passphrases_are_gathered_in_one_run(app, qtbot, village, admin, tmp_path):
    """One 加密备份的口令 field: villages with other passphrases had to be gathered in separate runs.
    Now the clerk is asked for each backup the typed passphrase does not open, by village and file;
    a wrong answer is asked again, 取消 skips that village with a line saying so, the others go in."""
    sticks = tmp_path / "各村备份"
    sticks.mkdir()
    secrets = _encrypted_villages(village, sticks, tmp_path)
    dialog = make_dialog(qtbot, village, admin)
    dialog.add_gather_source(sticks)
    dialog.set_township_file(tmp_path / "乡镇汇总.db")
    dialog.overview_year = 2026
    dialog.gather_tab.gather_passphrase.setText(secrets["红星村党支部"])
    answers = {"东风村党支部": ["东风村的错口令", secrets["东风村党支部"]], "向阳村党支部": [None]}
    asked = []

    def ask_passphrase(branch_name, file_name, wrong):
        asked.append((branch_name, file_name.split("-")[0], wrong))
        return answers[branch_name].pop(0)

    dialog.ask_passphrase = ask_passphrase
    with qtbot.waitSignal(dialog.gathered) as gathered:
        dialog.gather_button.click()
    report = gathered.args[0]
    assert asked == [("东风村党支部", "东风村党支部", False), ("东风村党支部", "东风村党支部", True), ("向阳村党支部", "向阳村党支部", False)]
    assert {item.branch_name: item.status for item in report.files} == {
        "红星村党支部": "gathered", "东风村党支部": "gathered", "向阳村党支部": "skipped"}
    names = [dialog.overview_model.row_at(row).name for row in range(dialog.overview_model.rowCount())]
    assert names == ["东风村党支部", "红星村党支部"]  # nothing of the skipped village
    [skipped] = report.skipped
    assert f"{skipped.path.name}：向阳村党支部 这个备份是加密的，没有输入能打开它的口令，已跳过，没有汇总。" in dialog.gather_log.toPlainText()
    assert "汇总 2 个" in dialog.status_label.text() and "跳过 1 个" in dialog.status_label.text()
    assert dialog.last_error is None


def test_the_passphrase_is_asked_on_the_ui_thread_while_gathering_runs_on_the_worker(app, qtbot, village, admin, tmp_path):
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    sticks = tmp_path / "各村备份"
    sticks.mkdir()
    secrets = _encrypted_villages(village, sticks, tmp_path)
    dialog = make_dialog(qtbot, village, admin, runner=JobRunner())
    dialog.add_gather_source(sticks)
    dialog.set_township_file(tmp_path / "乡镇汇总.db")
    on_ui_thread = []

    def ask_passphrase(branch_name, file_name, wrong):
        on_ui_thread.append(QThread.currentThread() is QApplication.instance().thread())
        return secrets[branch_name]

    dialog.ask_passphrase = ask_passphrase
    with qtbot.waitSignal(dialog.gathered, timeout=30000) as gathered:
        dialog.gather_button.click()
    assert on_ui_thread == [True, True, True]  # nothing typed above: each village asked once
    assert {item.status for item in gathered.args[0].files} == {"gathered"}
    dialog.runner.wait()


def test_buttons_that_open_a_chooser_end_in_one_ellipsis_as_elsewhere(app, qtbot, village, admin):
    """“选择其他文件夹……” read as a placeholder left in; the window's other buttons say “导出Excel…”."""
    from PySide6.QtWidgets import QPushButton

    dialog = make_dialog(qtbot, store=village, admin=admin)
    texts = [button.text() for button in dialog.findChildren(QPushButton)]
    assert not [text for text in texts if "……" in text]
    assert {"选择其他文件夹…", "选择备份文件…", "添加文件夹…", "添加备份文件…", "选择汇总数据库…"} <= set(texts)
