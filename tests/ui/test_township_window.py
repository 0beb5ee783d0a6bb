"""Township mode: three demo villages gathered into a township database, the overview, and a star-rating report verified.

The villages are made once per module (each takes a few seconds); every test gets a fresh township
database, and a test that changes a village works on its own copy of the file.
"""

from __future__ import annotations

import copy
import shutil
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QWizard
from sqlalchemy import update

from app.domain.rating import RoundStatus
from app.services import demo, organisation
from app.services.backup import archive as backup
from app.services.township import gather
from app.services.rating import rounds as rating
from app.services.rating import exchange as rating_exchange
from app.services.totals import ranking as totals
from app.services.rating.queries import load_view
from app.services.roster import members
from app.ui.jobs import JobRunner
from app.ui.pages.township_window import TownshipWindow
from conftest import TODAY, keyed_admin
from db.models import OrgUnit, StoreSetting
from db.rating_models import TownshipVerification
from db.store import Store

pytestmark = pytest.mark.gui

VILLAGES = [("红星村党支部", 301), ("东风村党支部", 302), ("向阳村党支部", 303)]
LATER = date(2026, 12, 31)  # "today" for the rating round's steps after the publicity period
FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


@dataclass
class Village:
    name: str
    db: Path
    total: Decimal  # the village's own year ranking, summed in its own database
    members: int
    stars: dict[int, int]
    departed: int  # on the year's ranking, gone from the branch by the year's end


@pytest.fixture(scope="module")
def villages(tmp_path_factory):
    """Three demo villages, each backed up onto one stick; the first also reported its 2026 star rating."""
    root = tmp_path_factory.mktemp("villages")
    stick = root / "stick"
    stick.mkdir()
    made = []
    for index, (name, seed) in enumerate(VILLAGES):
        path = root / f"village{index}.db"
        with Store.open_file(path) as store:
            admin = keyed_admin(store)
            demo.create_demo_branch(store, admin, today=TODAY, seed=seed)
            with store.session() as session, session.begin():
                session.execute(update(OrgUnit).where(OrgUnit.id == organisation.current_branch_id(store)).values(name=name))
            ranking = totals.branch_ranking(store, 2026)
            stars = {n: sum(1 for row in ranking.rows if row.stars == n) for n in range(1, 6)}
            on_roll = {m.id for m in members.list_members(store)}
            departed = sum(1 for row in ranking.rows if row.member_id not in on_roll)
            made.append(Village(name, path, sum((row.year_to_date for row in ranking.rows), Decimal(0)), len(ranking.rows), stars, departed))
            backup.backup_to(store, stick)
    report = root / "红星村-2026.jfrating"
    with Store.open_file(made[0].db) as store:
        admin = keyed_admin(store)
        rating.start_round(store, admin, 2026, date(2026, 11, 24), today=LATER, five_star_quota=Decimal("0.2"))  # 五星不超过 20%
        rating.assess(store, admin, 2026, date(2026, 11, 25), today=LATER)
        rating.publicise(store, admin, 2026, date(2026, 11, 26), days=5, objection_contact="村党群服务中心", today=LATER)
        rating_exchange.report_to_township(store, admin, 2026, date(2026, 12, 2), report, today=LATER)
    return stick, made, report


@pytest.fixture
def township_store(tmp_path):
    with Store.open_file(tmp_path / "乡镇汇总.db") as store:
        gather.start_township_database(store, keyed_admin(store), "城关镇党委")
        yield store


@pytest.fixture
def township_window(app, qtbot, township_store):
    window = TownshipWindow(township_store, keyed_admin(township_store), today=TODAY, jobs=JobRunner(synchronous=True))
    qtbot.addWidget(window)
    window.show()
    window.resize(1260, 800)
    return window


def _gather_in_the_window(window, stick):
    dialog = window.open_backup("gather")
    assert dialog.tabs.currentIndex() == 2
    assert dialog.township_file == window.ctx.store.path and not dialog.township_button.isVisibleTo(dialog)
    dialog.add_gather_source(stick)
    dialog.start_gather()
    assert dialog.last_error is None, dialog.status_label.text()
    dialog.close()
    return dialog


def test_the_overview_shows_every_village_as_it_counts_itself(villages, township_window):
    stick, made, _ = villages
    page = township_window.pages["overview"]
    assert township_window.current_page() is page
    assert page.body.currentWidget() is page.empty_page and "还没有汇总的村" in page.summary_label.text()

    _gather_in_the_window(township_window, stick)  # the overview refreshes by itself
    assert "汇总 3 个" in township_window.statusBar().currentMessage()
    assert page.body.currentWidget() is not page.empty_page
    assert [line.summary.name for line in page.branch_model.rows()] == sorted(v.name for v in made)
    for village in made:
        line = page.line_named(village.name)
        assert line.summary.total == village.total, village.name
        assert line.summary.rated == village.members
        assert {n: line.summary.stars.get(n, 0) for n in range(1, 6)} == village.stars
        assert line.entries > 0 and line.gathered.file_name.endswith(".jfbak")
        assert line.summary.departed == village.departed
        assert ("含年内转出、去世 {0} 人（不评星）".format(village.departed) in line.note) == bool(village.departed)
    row = page.branch_model.rows().index(page.line_named(made[1].name))
    assert Decimal(page.branch_model.data(page.branch_model.index(row, 3))) == made[1].total  # 年度总分 as shown
    everyone = sum(v.members for v in made)
    assert page.ranking_model.rowCount() == everyone and page.ranking_model.row_at(0).rank == 1
    assert "城关镇党委 2026 年：3 个支部" in page.summary_label.text()
    assert "城关镇党委" in township_window.branch_label.text()

    page.show_branch(made[2].name)
    shown = page.ranking_model.rows()
    assert len(shown) == made[2].members and {r.branch_name for r in shown} == {made[2].name}
    ranks = [r.rank for r in shown]
    assert ranks == sorted(ranks) and max(ranks) <= everyone  # township-wide ranks, not the village's
    page.show_branch(None)
    assert page.ranking_model.rowCount() == everyone

    page.year_spin.setValue(2025)  # a year nobody kept: every village is listed, without scores
    assert all(line.summary.rated == 0 and "没有2025年的积分细则" in line.note for line in page.branch_model.rows())
    assert page.ranking_model.rowCount() == 0
    for model in (page.branch_model, page.ranking_model):
        QAbstractItemModelTester(model, FATAL)


def test_the_gather_dialog_shows_the_villages_it_gathered(villages, township_window):
    """At its opening size the dialog's comparison had room for one row: three villages gathered
    read as one, the others hidden below a scroll bar."""
    stick, made, _ = villages
    dialog = township_window.open_backup("gather")
    dialog.add_gather_source(stick)
    dialog.start_gather()
    table = dialog.gather_tab.overview_table
    last = table.model().rowCount() - 1
    assert last == len(made) - 1
    assert table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()
    dialog.close()


@pytest.mark.parametrize("laptop", ["1366x768", "1920x1080"])
def test_the_comparison_of_villages_fits_the_page_without_scrolling_sideways(villages, township_window, laptop):
    """At 1366×768 各村对比 was wider than the page: 提示 cut short, 备份时间 and 备份文件 behind a scroll bar.
    Now every column is in view, 提示 last with the width left, wide enough for its usual note; the
    backup file's name is the 备份时间 cell's tooltip."""
    from PySide6.QtCore import Qt

    from tests.ui.screen_check import LAPTOPS, settle, usable

    stick, made, _ = villages
    township_window.resize(usable(LAPTOPS[laptop]))
    _gather_in_the_window(township_window, stick)
    page = township_window.show_page("overview")
    settle()
    table, model = page.branch_table, page.branch_model
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headers[-2:] == ["备份时间", "提示"] and "备份文件" not in headers
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width() and table.horizontalScrollBar().maximum() == 0
    for column in range(model.columnCount()):  # every header's text in view
        needed = header.fontMetrics().horizontalAdvance(headers[column])
        assert header.sectionSize(column) >= needed + 8, headers[column]
    note_width = header.sectionSize(model.columnCount() - 1)
    for row, line in enumerate(model.rows()):
        assert table.fontMetrics().horizontalAdvance(line.note) + 12 <= note_width, line.note
        tip = model.data(model.index(row, len(headers) - 2), Qt.ItemDataRole.ToolTipRole)
        assert tip == f"备份文件：{line.gathered.file_name}"


def test_a_warning_comes_first_in_the_note():
    """In a narrow 提示 the red warning must be what shows, the plain count of leavers after it."""
    from datetime import datetime, timezone

    from app.ui.models.township_models import BranchLine

    made_at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    summary = gather.BranchSummary(
        branch_id=uuid.uuid4(), name="红星村党支部", rated=30, total=Decimal(0), average=Decimal(0), stars={}, vetoed=0,
        has_rule_set=True, departed=2, backup_created_at=made_at)
    gathered_branch = gather.GatheredBranch(summary.branch_id, "红星村党支部", made_at, "红星村党支部-20261201.jfbak", {}, 3)
    line = BranchLine(2026, summary, gathered_branch)
    assert line.troubled and line.note == "汇总时发现 3 处不一致；含年内转出、去世 2 人（不评星）"


def test_the_committee_is_named_when_the_window_opens_on_another_page(app, qtbot, township_store, tmp_path):
    """Reopened on 验星 (the page last used), the left side said only 乡镇汇总 until 汇总总览 was visited."""
    from app.ui.window_state import WindowState

    state = WindowState(tmp_path / "state.ini")
    state.set_value(TownshipWindow.PAGE_STATE_KEY, "verify")
    window = TownshipWindow(township_store, keyed_admin(township_store), today=TODAY, jobs=JobRunner(synchronous=True), window_state=state)
    qtbot.addWidget(window)
    assert window.current_page() is window.pages["verify"]
    assert window.branch_label.text() == "城关镇党委\n乡镇汇总"


def test_a_village_report_is_returned_and_the_answer_applies_in_the_village(villages, township_window, tmp_path, monkeypatch):
    _, made, report = villages
    village_db = tmp_path / "village.db"
    shutil.copyfile(made[0].db, village_db)
    page = township_window.show_page("verify")
    assert page.body.currentWidget() is page.empty_page
    assert not page.verify_button.isEnabled() and not page.return_button.isEnabled() and not page.export_again_button.isEnabled()

    monkeypatch.setattr(township_window.ctx, "ask_open_path", lambda *args: str(report))
    township_window.import_action.trigger()
    assert "已导入 红星村党支部 2026 年星级评定上报材料" in township_window.statusBar().currentMessage()
    assert page.model.rowCount() == 1 and page.selected_row().decision is None
    with Store.open_file(village_db) as village:
        sent = load_view(village, 2026)
    assert [c.name for c in page.candidate_model.rows()] == [c.name for c in sent.candidates]
    assert [c.stars for c in page.candidate_model.rows()] == [c.stars for c in sent.candidates]
    assert [s.action for s in page.step_model.rows()] == ["start", "assess", "publicise", "report"]
    assert "公示期 2026-11-26 至 2026-11-30" in page.detail_info.text()
    for model in (page.model, page.candidate_model, page.step_model, page.objection_model):
        QAbstractItemModelTester(model, FATAL)
    page.import_report()  # the same file twice changes nothing
    assert "已经导入过了" in township_window.statusBar().currentMessage() and page.model.rowCount() == 1

    dialog = page.decide(False)
    assert dialog is page.active_dialog and dialog.isVisible()
    asked = []
    answer = tmp_path / "stick" / "红星村-2026-退回.jfverify"
    answer.parent.mkdir()
    monkeypatch.setattr(township_window.ctx, "ask_save_path", lambda *args: asked.append(args[2]) or str(answer))
    dialog.ok_button.click()  # no comments: refused before any file is asked for
    assert dialog.isVisible() and "写明意见" in dialog.problem.text() and asked == []
    dialog.comments_edit.setPlainText("请补充在职党员双报到证明")
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.problem.text()
    assert asked == ["红星村党支部-2026年-退回.jfverify"] and answer.exists()
    row = page.selected_row()
    assert (row.decision, row.comments) == ("returned", "请补充在职党员双报到证明")
    assert page.model.data(page.model.index(0, 4)) == "已退回"
    assert not page.verify_button.isEnabled() and not page.return_button.isEnabled()
    assert "已退回" in page.detail_title.text() and "请补充在职党员双报到证明" in page.detail_info.text()

    # the stick that took the answer to the village is lost: the same answer is written again
    assert page.export_again_button.isEnabled()
    again = tmp_path / "另一个U盘" / "再导出.jfverify"
    again.parent.mkdir()
    asked.clear()
    monkeypatch.setattr(township_window.ctx, "ask_save_path", lambda *args: asked.append(args[2]) or str(again))
    monkeypatch.setattr(township_window.ctx, "inform", lambda *args: None)
    page.export_again_button.click()
    assert asked == ["红星村党支部-2026年-退回.jfverify"] and again.read_bytes() == answer.read_bytes()
    assert "已重新导出验星结果文件“再导出.jfverify”" in township_window.statusBar().currentMessage()

    with Store.open_file(village_db) as village:
        rating_exchange.apply_verification(village, keyed_admin(village), again, today=LATER)
        view = load_view(village, 2026)
        assert "已经登记过了" in rating_exchange.apply_verification(village, keyed_admin(village), answer, today=LATER).summary
    assert (view.status, view.township_comments) == (RoundStatus.RETURNED, "请补充在职党员双报到证明")


def test_the_reported_totals_are_set_beside_the_gathered_ledger(villages, township_window, monkeypatch):
    stick, made, report = villages
    page = township_window.show_page("verify")
    monkeypatch.setattr(township_window.ctx, "ask_open_path", lambda *args: str(report))
    page.import_report()
    assert page.check_label.text() == "这个村的备份还没有汇总进来，上报的积分没法和台账核对；请先汇总这个村的备份。"
    _gather_in_the_window(township_window, stick)
    page = township_window.show_page("verify")
    assert page.selected_row() is not None
    assert page.check_label.text().startswith(f"上报的 {made[0].members - made[0].departed} 人的年度积分与汇总来的台账（")
    assert page.check_label.text().endswith("的备份）一致。")


def test_the_five_star_quota_is_set_beside_the_five_stars_given(villages, township_window, monkeypatch):
    """验星 showed how many got five stars but not the village's quota: whether 五星 was over it had to be
    worked out from memory. The report carries the round's rule (a share of the members rated)."""
    _, made, report = villages
    page = township_window.show_page("verify")
    monkeypatch.setattr(township_window.ctx, "ask_open_path", lambda *args: str(report))
    page.import_report()
    with Store.open_file(made[0].db) as village:
        sent = load_view(village, 2026)
    share = sent.scheme.five_star_quota
    assert share == Decimal("0.2")
    rated = sum(1 for c in sent.candidates if c.final_total is not None and not c.vetoed)
    places = int(share * rated)
    fives = sum(1 for c in sent.candidates if c.stars == 5)
    assert places < len(sent.candidates) and fives <= places
    percent = f"{(share * 100).normalize():f}"
    assert f"五星名额 {places} 人（参评 {rated} 人的 {percent}%），已评 {fives} 人。" in page.detail_info.text()
    assert "color" not in page.detail_info.text()

    record_id = page.selected_row().id
    store = township_window.ctx.store

    def reported(change) -> None:  # the stored report, changed as a village's file could have said
        with store.session() as session, session.begin():
            record = session.get(TownshipVerification, record_id)
            payload = copy.deepcopy(record.payload)
            change(payload)
            record.payload = payload
        page.reload()

    def too_many_stars(payload) -> None:
        for candidate in [c for c in payload["candidates"] if c["final_total"] is not None and not c["vetoed"]][: places + 2]:
            candidate["stars"] = 5

    reported(too_many_stars)
    over = f"五星名额 {places} 人（参评 {rated} 人的 {percent}%），已评 {places + 2} 人，超过名额 2 人。"
    assert f'<span style="color: #C00000;">{over}</span>' in page.detail_info.text()
    reported(lambda payload: payload["scheme"].update(five_star_quota=None))
    assert f"五星不限名额，已评 {places + 2} 人。" in page.detail_info.text()
    reported(lambda payload: payload["scheme"].pop("five_star_quota"))  # a report that does not say: nothing said
    assert "名额" not in page.detail_info.text() and "候选人" in page.detail_info.text()


def test_verifying_needs_no_comments(villages, township_window, tmp_path, monkeypatch):
    _, _, report = villages
    page = township_window.show_page("verify")
    monkeypatch.setattr(township_window.ctx, "ask_open_path", lambda *args: str(report))
    page.import_report()
    dialog = page.decide(True)
    monkeypatch.setattr(township_window.ctx, "ask_save_path", lambda *args: str(tmp_path / "通过"))
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.problem.text()
    assert (tmp_path / "通过.jfverify").exists()  # the extension is added
    assert page.selected_row().decision == "verified" and page.model.data(page.model.index(0, 4)) == "验星通过"


def test_a_file_that_is_not_a_report_is_explained(township_window, tmp_path, monkeypatch):
    wrong = tmp_path / "notes.jfrating"
    wrong.write_text("这不是上报文件", encoding="utf-8")
    page = township_window.show_page("verify")
    monkeypatch.setattr(township_window.ctx, "ask_open_path", lambda *args: str(wrong))
    shown = []
    monkeypatch.setattr("app.ui.pages.township_verify.show_error", lambda parent, exc, title=None: shown.append(exc.message))
    page.import_report()
    assert shown and "不是上报文件" in shown[0]
    assert page.model.rowCount() == 0


def test_run_gui_opens_a_township_database_in_the_township_window(township_store, tmp_path, monkeypatch, app):
    from app.ui import app as app_module

    path = township_store.path
    township_store.close()
    opened = []

    def fake(kind):
        class FakeWindow:
            def __init__(self, store, actor):
                opened.append(kind)
                self.next_database, self.reopen_same = None, False
                self.ctx = type("Ctx", (), {"jobs": type("Jobs", (), {"wait": staticmethod(lambda: True)})()})()

            def show(self):
                pass

            def start_first_run(self):
                opened.append("wizard")

        return FakeWindow

    monkeypatch.setattr(app_module, "MainWindow", fake("village"))
    monkeypatch.setattr(app_module, "TownshipWindow", fake("township"))
    monkeypatch.setattr(app_module, "sign_in", lambda store, jobs, operator: object())  # tested on its own
    monkeypatch.setattr(app_module, "install_error_hook", lambda window: None)
    monkeypatch.setattr(type(app), "exec", lambda self: 0)
    assert app_module.run_gui(str(path)) == 0
    assert opened == ["township"]
    assert app_module.run_gui(str(tmp_path / "空白.db")) == 0
    assert opened == ["township", "village", "wizard"]


def test_the_village_window_never_runs_the_village_wizard_on_a_township_database(township_store, make_window):
    window = make_window(township_store)
    assert window.start_first_run() is None and window.wizard is None
    assert window.reopen_same and not window.isVisible()  # run_gui reopens it in the township window


def test_the_first_run_wizard_can_make_a_township_database(store, admin, make_window):
    window = make_window(store)
    wizard = window.start_first_run()
    wizard.township_radio.setChecked(True)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert wizard.currentPage().isFinalPage() and not wizard.currentPage().isComplete()
    assert finish.isVisible() and not finish.isEnabled()
    wizard.township_name_edit.setText("城关镇党委")
    assert wizard.currentPage().isComplete() and finish.isEnabled()
    finish.click()
    assert gather.is_township_database(store)
    assert gather.township_overview(store, 2026).township == "城关镇党委"
    assert window.reopen_same and not window.isVisible()


def test_the_wizard_offers_finish_for_the_demo_and_the_township_and_next_for_our_own_branch(store, admin, make_window):
    wizard = make_window(store).start_first_run()
    finish, next_button = wizard.button(QWizard.WizardButton.FinishButton), wizard.button(QWizard.WizardButton.NextButton)
    for radio, final in ((wizard.demo_radio, True), (wizard.township_radio, True), (wizard.own_branch_radio, False)):
        radio.setChecked(True)
        assert (finish.isVisible(), next_button.isVisible()) == (final, not final), radio.text()
    wizard.reject()


def test_restoring_a_village_backup_into_the_township_database_reopens_as_a_village(township_window, township_store):
    with township_store.session() as session, session.begin():  # as if a village's backup had been restored here
        session.add(StoreSetting(key="branch_id", value=str(uuid.uuid4())))
    township_window.update_branch()
    assert township_window.reopen_same and not township_window.isVisible()
