"""打印 has every option the command line has, remembered per branch (issue 10)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pypdf
import pytest
from PySide6.QtCore import QDate

from app.ui import menu_actions
from conftest import keyed_admin
from app.ui.dialogs.print_dialog import PrintDialog

pytestmark = pytest.mark.gui


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(pdf)).pages)


def test_the_notice_prints_with_the_issuer_date_contact_phone_and_days_chosen(demo_window, monkeypatch):
    made = {}
    monkeypatch.setattr(PrintDialog, "build_and_preview", lambda self, build, label: made.update(pdf=build(_Control())[0]))
    dialog = menu_actions.open_print_dialog(demo_window)
    dialog.kind_list.setCurrentRow(1)
    dialog.month_box.setCurrentIndex(9)
    dialog.issuer_edit.setText("红旗村党支部委员会")
    dialog.date_edit.setDate(QDate(2026, 11, 3))
    dialog.days_spin.setValue(7)
    dialog.contact_edit.setText("村纪检委员")
    dialog.phone_edit.setText("0791-1234567")
    dialog.paper_box.setCurrentText("A3")
    dialog.make_preview()
    text = _text(made["pdf"])
    for expected in ("红旗村党支部委员会", "村纪检委员", "0791-1234567", "7"):
        assert expected in text, expected
    options = dialog.options()
    assert options.issue.issued_on == date(2026, 11, 3) and options.paper == "A3"
    dialog.close()

    again = menu_actions.open_print_dialog(demo_window)  # remembered for this branch, the date excepted
    assert again.issuer_edit.text() == "红旗村党支部委员会" and again.days_spin.value() == 7
    assert again.contact_edit.text() == "村纪检委员" and again.phone_edit.text() == "0791-1234567"
    assert again.paper_box.currentText() == "A3" and again.kind.key == "notice"
    again.close()


def test_two_scorecards_a_page_halve_the_pages(demo_window, monkeypatch):
    made = []
    monkeypatch.setattr(PrintDialog, "build_and_preview", lambda self, build, label: made.append(build(_Control())[0]))
    dialog = menu_actions.open_print_dialog(demo_window)
    dialog.kind_list.setCurrentRow(0)
    dialog.month_box.setCurrentIndex(9)
    assert dialog.per_page_box.isEnabled() and not dialog.days_spin.isEnabled()
    dialog.make_preview()
    dialog.per_page_box.setCurrentIndex(1)
    dialog.make_preview()
    one, two = (len(pypdf.PdfReader(BytesIO(pdf)).pages) for pdf in made)
    assert two == (one + 1) // 2
    dialog.close()


def test_the_board_is_among_the_notices_with_the_issue_chosen(demo_window, monkeypatch):
    from app.services.shop.board import period_board

    made = []
    monkeypatch.setattr(PrintDialog, "build_and_preview", lambda self, build, label: made.append((build(_Control()), label)))
    dialog = menu_actions.open_print_dialog(demo_window)
    dialog.kind_list.setCurrentRow(5)
    assert dialog.kind.key == "board" and dialog.paper_box.isEnabled() and dialog.quarter_check.isEnabled()
    assert dialog.days_spin.isEnabled() and not dialog.per_page_box.isEnabled()
    dialog.month_box.setCurrentIndex(9)
    dialog.contact_edit.setText("村纪检委员")
    dialog.paper_box.setCurrentText("A3")
    dialog.make_preview()
    dialog.quarter_check.setChecked(True)
    dialog.make_preview()
    (month_pdf, month_title), _ = made[0]
    (quarter_pdf, quarter_title), _ = made[1]
    assert (month_title, quarter_title) == ("2026年10月红黑榜", "2026年第4季度红黑榜")
    october = period_board(demo_window.ctx.store, 2026, month=10).board
    text = _text(month_pdf)
    assert "2026年10月" in text and "村纪检委员" in text
    assert october.red and all(line.name in text for line in (*october.red, *october.black))
    assert "2026年第4季度" in _text(quarter_pdf)
    page = pypdf.PdfReader(BytesIO(month_pdf)).pages[0]
    assert round(float(page.mediabox.height)) == 1191  # A3 portrait
    dialog.close()


class _Control:
    @staticmethod
    def progress(*_args) -> None:
        pass


def _octobers_scorecards(window, monkeypatch):
    """The print dialog on October's 积分卡, and the list each preview's (pdf, title) goes to."""
    made = []
    monkeypatch.setattr(PrintDialog, "build_and_preview", lambda self, build, label: made.append(build(_Control())))
    dialog = menu_actions.open_print_dialog(window)
    dialog.kind_list.setCurrentRow(0)
    dialog.month_box.setCurrentIndex(9)
    return dialog, made


def test_one_members_scorecard_is_printed_when_he_is_chosen(demo_window, monkeypatch):
    """The command line had `report scorecards --member`; the window printed everyone's or nothing."""
    dialog, made = _octobers_scorecards(demo_window, monkeypatch)
    box = dialog.member_box
    assert box.isEnabled() and box.itemText(0) == "全体党员（每人一张）" and box.count() == 36  # the 35 on the roster
    box.setCurrentIndex(box.findText("李䶮　第一党小组"))
    dialog.make_preview()
    pdf, title = made[-1]
    assert title == "李䶮2026年10月积分卡"
    assert len(pypdf.PdfReader(BytesIO(pdf)).pages) == 1 and "李䶮" in _text(pdf) and "曹卫" not in _text(pdf)
    box.setCurrentIndex(0)
    dialog.make_preview()
    assert made[-1][1] == "2026年10月积分卡" and len(pypdf.PdfReader(BytesIO(made[-1][0])).pages) == 35
    dialog.kind_list.setCurrentRow(1)
    assert not box.isEnabled() and dialog.options().member_id is None
    dialog.close()


def test_the_member_list_is_the_chosen_months_so_a_leavers_card_can_be_printed(demo_window, monkeypatch):
    """The 党员 list was today's roster: a member who left in November could not be chosen for
    his October card, though October's cards print him."""
    from app.services.roster import members

    store = demo_window.ctx.store
    leaver = members.find_member_by_name(store, "李䶮")
    members.transfer_out(store, keyed_admin(store), leaver.id, date(2026, 11, 2), "城关镇党委", today=date(2026, 11, 23))
    dialog, made = _octobers_scorecards(demo_window, monkeypatch)
    box = dialog.member_box
    assert box.count() == 36 and box.findText("李䶮　第一党小组") > 0
    box.setCurrentIndex(box.findText("李䶮　第一党小组"))
    dialog.make_preview()
    pdf, title = made[-1]
    assert title == "李䶮2026年10月积分卡" and "李䶮" in _text(pdf)
    dialog.year_spin.setValue(2027)  # no rule set for 2027: nobody on the list; he stays chosen, said to be missing
    assert box.count() == 2 and dialog.options().member_id == leaver.id and dialog.members.note.isVisibleTo(dialog)
    dialog.close()


def test_a_chosen_member_stays_chosen_and_is_said_missing_in_a_month_without_him(demo_window, monkeypatch):
    """Another month while one member was chosen fell back to 全体党员 without a word: the clerk
    printed the whole branch's cards for one member's. He stays chosen in a month that has him;
    in one that has not, a sentence beside the choice says so, and nobody's cards are made."""
    from app.domain.errors import NotFound
    from app.services.roster import members

    store = demo_window.ctx.store
    leaver = members.find_member_by_name(store, "李䶮")
    members.transfer_out(store, keyed_admin(store), leaver.id, date(2026, 11, 2), "城关镇党委", today=date(2026, 11, 23))
    dialog, made = _octobers_scorecards(demo_window, monkeypatch)
    box = dialog.member_box
    box.setCurrentIndex(box.findText("李䶮　第一党小组"))
    dialog.month_box.setCurrentIndex(8)  # September has him
    assert box.currentText() == "李䶮　第一党小组" and dialog.options().member_id == leaver.id
    assert len([i for i in range(box.count()) if box.itemText(i).startswith("李䶮")]) == 1  # listed once
    dialog.month_box.setCurrentIndex(11)  # December has not: he left in November
    assert box.currentText() == "李䶮　第一党小组" and dialog.options().member_id == leaver.id
    note = dialog.members.note
    assert note.isVisibleTo(dialog) and note.text() == "2026年12月的积分排名里没有李䶮，\n打印前请另选党员或“全体党员”。"
    with pytest.raises(NotFound, match="李䶮"):
        dialog.make_preview()
    assert made == []
    box.setCurrentIndex(0)
    assert not note.isVisibleTo(dialog) and dialog.options().member_id is None
    box.setCurrentIndex(box.findText("李䶮　第一党小组"))
    dialog.kind_list.setCurrentRow(1)  # the notice: no member to choose, nothing to say
    assert not note.isVisibleTo(dialog) and dialog.options().member_id is None
    dialog.close()


def test_the_months_ranking_is_read_only_while_a_member_can_be_chosen(demo_window, monkeypatch):
    """The dialog read the month's ranking for its 党员 list on opening and at each change of month,
    whatever was to be printed: seconds on a bigger branch, for the notice or the board too."""
    from app.services.totals import ranking

    asked, real = [], ranking.branch_ranking
    monkeypatch.setattr(ranking, "branch_ranking", lambda *args, **kwargs: asked.append(kwargs.get("month")) or real(*args, **kwargs))
    dialog = menu_actions.open_print_dialog(demo_window)
    dialog.kind_list.setCurrentRow(1)
    for index in (7, 8, 9):
        dialog.month_box.setCurrentIndex(index)
    dialog.kind_list.setCurrentRow(5)
    dialog.year_spin.setValue(2025)
    dialog.year_spin.setValue(2026)
    assert asked == []
    dialog.kind_list.setCurrentRow(0)
    assert asked == [10] and dialog.member_box.count() == 36
    dialog.kind_list.setCurrentRow(1)
    dialog.kind_list.setCurrentRow(0)  # the same month: the list is still right
    dialog.month_box.setCurrentIndex(8)
    assert asked == [10, 9]
    dialog.close()


def test_no_option_is_cut_off_at_the_dialogs_own_size(demo_window, qtbot):
    """The 图表 option's whole sentence was wider than its column and ended mid-word on screen."""
    from PySide6.QtWidgets import QCheckBox

    dialog = menu_actions.open_print_dialog(demo_window)
    qtbot.waitExposed(dialog)
    for check in dialog.findChildren(QCheckBox):
        assert check.width() >= check.sizeHint().width(), check.text()
