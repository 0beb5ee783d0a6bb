"""星级评定 page: a whole round driven the way a clerk would, on a ten-member branch and a township file.

The branch is tests/services/test_rating_round.py's: ten members whose year totals are set by
approved B05 award entries, 丁 the one in-service member. "Today" is 2026-12-31 so every step
of November and December may be dated as in the service test.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate
from PySide6.QtTest import QAbstractItemModelTester

from app.domain.enums import MemberClass, Role
from app.domain.errors import RuleViolation
from app.domain.rating import RoundStatus, StarStage
from app.services.ledger import entries as ledger
from app.services.accounts import operators
from app.services.rating import rounds as rating
from app.services.rating import exchange as rating_exchange
from app.services.ledger.entries import EntryRequest
from app.services.rating.queries import load_view
from app.ui.controllers.rating_state import CURRENT, DONE, PROBLEM, UPCOMING
from app.ui.jobs import JobRunner
from app.ui.main_window import MainWindow
from conftest import add, keyed_admin
from db.store import Store
from tests.reports.report_support import page_texts
from tests.services.test_rating_round import LATER, TOTALS, _give

pytestmark = pytest.mark.gui

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal
STARS = 7  # the 当前星级 column


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


@pytest.fixture
def ids(store, admin, village_year):
    ids = {}
    for name, total in TOTALS.items():
        member_class = MemberClass.IN_SERVICE if name == "丁" else MemberClass.NO_POST
        ids[name] = add(store, admin, f"党员{name}", member_class=member_class)
        _give(store, admin, ids[name], total)
    return ids


class Clerk:
    """What the tests put in place of the file dialogs and message boxes."""

    def __init__(self) -> None:
        self.save_to = ""
        self.open_from = ""
        self.told: list[str] = []
        self.previews: list[tuple[bytes, str]] = []


@pytest.fixture
def window(app, qtbot, store, ids, monkeypatch):
    """Make the main window on the ten-member branch; file dialogs, message boxes and the preview replaced."""
    from app.ui.dialogs import print_preview

    clerk = Clerk()
    monkeypatch.setattr(print_preview, "open_print_preview", lambda _parent, pdf, title, _name: clerk.previews.append((pdf, title)))

    def make(actor=None) -> MainWindow:
        made = MainWindow(store, actor or keyed_admin(store), today=LATER, jobs=JobRunner(synchronous=True))
        qtbot.addWidget(made)
        made.show()
        made.resize(1260, 800)
        made.clerk = clerk
        monkeypatch.setattr(made.ctx, "ask_save_path", lambda *_args: clerk.save_to)
        monkeypatch.setattr(made.ctx, "ask_open_path", lambda *_args: clerk.open_from)
        monkeypatch.setattr(made.ctx, "inform", lambda _parent, _title, text: clerk.told.append(text))
        return made

    return make


def _ok(dialog) -> None:
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.problem.text()


def _stars_of(page, name: str) -> str:
    return page.model.data(page.model.index(page.model.row_of(page.model.line_named(name).member_id), STARS))


def _township_answers(tmp_path, report, verified: bool, comments: str, on: date):
    with Store.open_file(tmp_path / "township.db") as township:
        township_admin = keyed_admin(township)
        rating_exchange.import_for_verification(township, township_admin, report)
        latest = rating_exchange.township_verifications(township)[0]
        answer = tmp_path / f"{'通过' if verified else '退回'}-{on:%m%d}.jfverify"
        rating_exchange.decide_verification(township, township_admin, latest.id, verified, comments, on, answer, today=LATER)
    return answer


def test_a_whole_round_through_the_page(tmp_path, store, ids, window):
    win = window()
    page = win.show_page("rating")
    clerk = win.clerk
    _testers = [  # fatal on any broken model signal while they live
        QAbstractItemModelTester(m, FATAL)
        for m in (page.model, page.tabs.history_model, page.tabs.objection_model, page.tabs.award_model)
    ]

    # Before the round: the scheme from the rule set, defaults editable, then 开始评定.
    assert page.stack.currentIndex() == 0 and not page.buttons["declare"].isEnabled()
    panel = page.start_panel
    assert "90 分及以上　★★★★★" in panel.bands_label.text()
    assert (panel.dual_spin.value(), panel.award_spin.value(), panel.days_spin.value()) == (3, 4, 5)
    panel.quota_check.setChecked(True)
    panel.quota_spin.setValue(20)
    panel.date_edit.setDate(qdate(date(2026, 11, 20)))
    panel.start_button.click()
    assert page.view.status is RoundStatus.APPLYING and page.stack.currentIndex() == 1
    assert page.view.scheme.five_star_quota == Decimal("0.2")
    assert page.model.rowCount() == 10 and page.strip.states() == [CURRENT, UPCOMING, UPCOMING, UPCOMING, UPCOMING]
    assert "已开始 2026 年星级评定" in win.statusBar().currentMessage()

    # 1 申报创星
    page.select_member_named("党员乙")
    dialog = page.declare()
    assert dialog.member_box.current().name == "党员乙"
    dialog.stars_box.setCurrentIndex(dialog.stars_box.findData(5))
    dialog.statement_edit.setPlainText("全年积极参加组织生活，带头参加志愿服务")
    dialog.date_edit.setDate(qdate(date(2026, 11, 20)))
    _ok(dialog)
    row = page.model.row_of(ids["乙"])
    assert page.model.data(page.model.index(row, 5)) == "5星"
    assert "申报5星：全年积极参加组织生活" in page.tabs.member_label.text()
    assert not page.buttons["override"].isEnabled() and "审核评星" in page.buttons["override"].toolTip()

    # 2 审核评星: stars proposed; 丁 (in service, no 双报到) capped at three stars
    dialog = page.assess()
    dialog.date_edit.setDate(qdate(date(2026, 11, 21)))
    _ok(dialog)
    assert page.strip.states() == [DONE, CURRENT, UPCOMING, UPCOMING, UPCOMING]
    assert "11-20" in page.strip.details()[0]
    assert _stars_of(page, "党员丁") == "★★★☆☆"
    assert "未落实双报到" in page.model.line_named("党员丁").hints[0]
    assert _stars_of(page, "党员己") == "★★★★☆"

    # An override without a reason is refused and changes nothing.
    page.select_member_named("党员己")
    dialog = page.override()
    dialog.stars_box.setCurrentIndex(dialog.stars_box.findData(5))
    dialog.date_edit.setDate(qdate(date(2026, 11, 21)))
    dialog.ok_button.click()
    assert dialog.isVisible() and "理由" in dialog.problem.text()
    assert load_view(store, 2026).candidate(ids["己"]).stars == 4 and _stars_of(page, "党员己") == "★★★★☆"
    dialog.reason_edit.setText("抗洪抢险中表现突出，支委会讨论通过")
    _ok(dialog)
    assert _stars_of(page, "党员己") == "★★★★★"
    assert any("已调整" in hint for hint in page.model.line_named("党员己").hints)

    # 3 公示亮星, the notice printed, an objection upheld
    dialog = page.publicise()
    dialog.start_edit.setDate(qdate(date(2026, 11, 22)))
    assert "2026-11-26" in dialog.end_label.text()
    dialog.contact_edit.setText("村党群服务中心 王书记")
    _ok(dialog)
    assert "公示 11-22 至 11-26" in page.strip.details()[2]
    printing = page.print_notice()
    printing.paper_box.setCurrentText("A3")
    printing.make_preview()
    assert not printing.isVisible()
    pdf, title = clerk.previews[-1]
    assert title == "2026年度星级评定公示" and "党员己" in "".join(page_texts(pdf))

    page.select_member_named("党员己")
    dialog = page.objection()
    dialog.raised_by_edit.setText("群众李某")
    dialog.date_edit.setDate(qdate(date(2026, 11, 23)))
    dialog.content_edit.setPlainText("抗洪期间曾请假外出")
    _ok(dialog)
    assert not page.buttons["report"].isEnabled() and "异议没有答复" in page.buttons["report"].toolTip()
    assert page.tabs.objection_model.rowCount() == 1
    page.tabs.objection_table.selectRow(0)
    dialog = page.answer()
    dialog.answer_edit.setPlainText("经核实情况属实，维持测评结果四星")
    dialog.upheld_radio.setChecked(True)
    dialog.change_check.setChecked(True)
    dialog.stars_box.setCurrentIndex(dialog.stars_box.findData(4))
    dialog.date_edit.setDate(qdate(date(2026, 11, 24)))
    _ok(dialog)
    assert _stars_of(page, "党员己") == "★★★★☆"
    assert page.tabs.objection_model.data(page.tabs.objection_model.index(0, 4)) == "成立"

    # 4 上报验星: the file is written, the year is locked
    assert page.buttons["report"].isEnabled()
    clerk.save_to = str(tmp_path / "红星村-2026")
    dialog = page.report()
    dialog.date_edit.setDate(qdate(date(2026, 11, 27)))
    _ok(dialog)
    report = tmp_path / "红星村-2026.jfrating"
    assert report.exists() and "交给乡镇党委" in clerk.told[-1]
    assert page.view.status is RoundStatus.REPORTED and page.strip.states()[3] == CURRENT
    with pytest.raises(RuleViolation, match="锁定"):
        ledger.record_entry(store, keyed_admin(store), EntryRequest(ids["癸"], "B02", date(2026, 11, 1)), today=LATER)
    clerk.save_to = str(tmp_path / "again.jfrating")
    page.export_again()
    assert (tmp_path / "again.jfrating").read_bytes() == report.read_bytes()

    # The township returns it; the village reopens, fixes 双报到, and reports again.
    clerk.open_from = str(_township_answers(tmp_path, report, False, "请补充双报到证明", date(2026, 11, 28)))
    page.apply_verification()
    assert page.view.status is RoundStatus.RETURNED and page.strip.states()[3] == PROBLEM
    # greyed now, saying why: the answer is recorded (not "report to the township first", which he did)
    registered = page.buttons["apply_verification"]
    assert not registered.isEnabled() and registered.toolTip() == "乡镇的验星结果已经登记过了（乡镇退回）。"
    assert "请补充双报到证明" in page.banner.text() and page.banner.isVisible()
    dialog = page.reopen()
    dialog.date_edit.setDate(qdate(date(2026, 11, 29)))
    dialog.ok_button.click()
    assert dialog.isVisible() and "原因" in dialog.problem.text()
    dialog.reason_edit.setText("按乡镇意见补充双报到证明")
    _ok(dialog)
    assert page.view.status is RoundStatus.ASSESSING and "按乡镇意见补充双报到证明" in page.banner.text()
    # After reopening, corrections to the ledger can be re-assessed straight away.
    assert page.buttons["assess"].isEnabled()
    dialog = page.dual_report()
    dialog.check_for("党员丁").setChecked(True)
    _ok(dialog)
    assert page.model.data(page.model.index(page.model.row_of(ids["丁"]), 8)) == "已落实"
    page.select_member_named("党员丁")
    dialog = page.override()
    dialog.stars_box.setCurrentIndex(dialog.stars_box.findData(4))
    dialog.reason_edit.setText("已补充双报到证明，五星名额已满，评为四星")
    dialog.date_edit.setDate(qdate(date(2026, 11, 29)))
    _ok(dialog)
    dialog = page.publicise()
    dialog.start_edit.setDate(qdate(date(2026, 11, 30)))
    dialog.days_spin.setValue(1)
    _ok(dialog)
    clerk.save_to = str(tmp_path / "红星村-2026-补充.jfrating")
    dialog = page.report()
    dialog.date_edit.setDate(qdate(date(2026, 12, 1)))
    _ok(dialog)
    clerk.open_from = str(_township_answers(tmp_path, tmp_path / "红星村-2026-补充.jfrating", True, "", date(2026, 12, 2)))
    page.apply_verification()
    assert page.view.status is RoundStatus.VERIFIED
    assert page.buttons["apply_verification"].toolTip() == "乡镇的验星结果已经登记过了（乡镇已验星）。"
    assert page.strip.states() == [DONE, DONE, DONE, DONE, CURRENT]
    assert "验星通过" in page.strip.details()[3]

    # 5 动态调星, in the member's history underneath
    page.select_member_named("党员甲")
    dialog = page.adjust()
    dialog.stars_box.setCurrentIndex(dialog.stars_box.findData(3))
    dialog.reason_edit.setText("受到党内警告处分，降为三星")
    dialog.date_edit.setDate(qdate(date(2026, 12, 20)))
    _ok(dialog)
    history = [page.tabs.history_model.row_at(r)[1] for r in range(page.tabs.history_model.rowCount())]
    assert [(h.stage, h.to_stars) for h in history] == [(StarStage.PROPOSAL, 5), (StarStage.ADJUSTMENT, 3)]
    assert page.tabs.history_model.data(page.tabs.history_model.index(1, 2)) == "5星 → 3星"
    assert "已调星 1 次" in page.strip.details()[4]

    # 评先评优: who may be nominated, and why the others may not
    awards = {row.name: row for row in page.tabs.award_model.rows()}
    assert awards["党员乙"].eligible and not awards["党员甲"].eligible
    row = page.tabs.award_model.rows().index(awards["党员甲"])
    assert page.tabs.award_model.data(page.tabs.award_model.index(row, 3)) == "星级低于4星"
    assert "可以推荐" in page.tabs.award_label.text()

    printing = page.certificates()
    printing.stars_box.setCurrentIndex(printing.stars_box.findData(4))  # nobody has five stars now
    printing.make_preview()
    assert not printing.isVisible(), printing.problem.text()
    pdf, title = clerk.previews[-1]
    assert title == "2026年度荣誉证书" and "党员乙" in "".join(page_texts(pdf)) and "党员甲" not in "".join(page_texts(pdf))


def test_a_clerk_registers_declarations_but_the_reviewer_decides(store, ids, window):
    admin = keyed_admin(store)
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    clerk = operators.add_operator(store, admin, "clerk1", "王会计", Role.CLERK)
    page = window(clerk).show_page("rating")
    assert page.buttons["declare"].isEnabled() and page.buttons["dual_report"].isEnabled()
    assert not page.buttons["assess"].isEnabled() and "审核人" in page.buttons["assess"].toolTip()
    assert page.model.data(page.model.index(0, 4)) == "98"  # live total before the assessment, in grey
    assert page.model.line_named("党员甲").frozen is False


def test_nothing_is_possible_without_a_rule_set(app, qtbot, store, admin, branch):
    made = MainWindow(store, admin, today=LATER, jobs=JobRunner(synchronous=True))
    qtbot.addWidget(made)
    made.show()
    page = made.show_page("rating")
    assert page.stack.currentIndex() == 0
    assert "细则" in page.start_panel.problem.text() and not page.start_panel.start_button.isEnabled()


def test_file_problems_are_told_in_plain_words(tmp_path, store, ids, window):
    from app.ui.errors import ErrorDialog

    admin = keyed_admin(store)
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.assess(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.publicise(store, admin, 2026, date(2026, 11, 20), days=1, today=LATER)
    win = window()
    page = win.show_page("rating")
    assert page.buttons["report"].isEnabled()
    win.clerk.save_to = str(tmp_path / "拔出的U盘" / "r.jfrating")
    dialog = page.report()
    dialog.date_edit.setDate(qdate(date(2026, 11, 21)))
    dialog.ok_button.click()
    assert dialog.isVisible() and "拔出" in dialog.problem.text()
    assert load_view(store, 2026).status is RoundStatus.PUBLICISING
    win.clerk.save_to = str(tmp_path / "r.jfrating")
    _ok(dialog)
    assert page.view.status is RoundStatus.REPORTED

    bad = tmp_path / "别的文件.jfverify"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    win.clerk.open_from = str(bad)
    page.apply_verification()
    [box] = [b for b in win.findChildren(ErrorDialog) if b.isVisible()]
    assert "不是验星结果文件" in box.message_label.text()
    box.close()
    assert page.view.status is RoundStatus.REPORTED


def test_the_candidates_model_passes_the_model_tester_on_the_demo_branch(demo_store, make_window):
    window = make_window(demo_store)
    page = window.show_page("rating")
    _tester = QAbstractItemModelTester(page.model, FATAL)
    # 36 members, 薛华秀 transferred out on 2026-06-30: the year's papers keep him, the round does not
    assert "35 名在册党员" in page.start_panel.intro.text()
    page.start_panel.start_button.click()
    assert page.model.rowCount() == 35
    assert "薛华秀" not in {page.model.row_at(row).name for row in range(page.model.rowCount())}
    page.select_member(page.model.row_at(3).member_id)
    page.year_spin.setValue(2025)  # no round, no rule set: the start panel says why
    assert page.model.rowCount() == 0 and page.stack.currentIndex() == 0
    assert not page.start_panel.start_button.isEnabled()
    page.year_spin.setValue(2026)
    assert page.model.rowCount() == 35


def test_a_step_runs_on_the_worker_thread_and_the_page_follows(app, qtbot, store, ids):
    """The real, threaded job runner: the dialog waits for the result, then the page reloads."""
    admin = keyed_admin(store)
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    made = MainWindow(store, admin, today=LATER, jobs=JobRunner())
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: made.has_branch, timeout=10000)  # the branch, too, is read on the worker
    page = made.show_page("rating")
    qtbot.waitUntil(lambda: page.view is not None, timeout=10000)
    page.select_member_named("党员甲")
    dialog = page.default_action()  # double-click in 申报创星: the declaration
    assert dialog.member_box.current().name == "党员甲"
    dialog.statement_edit.setPlainText("争创五星")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: page.model.line_named("党员甲").candidate.declared_stars == 5, timeout=10000)
    assert page.selected_member_id() == ids["甲"]  # kept across the reload that came after the write
    assert load_view(store, 2026).candidate(ids["甲"]).declaration == "争创五星"


def test_before_the_assessment_the_live_places_are_among_the_rated(store, admin, ids, window):
    """The live 名次 before the freeze was the year ranking's, whose leaver (96, second) left a gap."""
    from app.services.roster import members

    gone = add(store, admin, "党员子")
    _give(store, admin, gone, 96)
    members.transfer_out(store, admin, gone, date(2026, 6, 30), "镇机关党支部", today=LATER)
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    page = window().show_page("rating")
    assert [page.model.line_named(f"党员{name}").rank for name in "甲乙丙丁戊己"] == [1, 2, 2, 4, 5, 6]
