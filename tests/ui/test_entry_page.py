"""Recording points the way the clerk does: one entry with its value and cap shown first, a batch, a meeting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate

from app.domain.enums import Attendance, EntryStatus, MeetingKind, MemberClass
from app.services import organisation
from app.services.ledger.queries import EntryFilter, list_entries
from app.ui.models.attendance_model import STATUS_COLUMN
from conftest import add

pytestmark = pytest.mark.gui


@pytest.fixture
def people(store, admin, village_year):
    first, second = [g.id for g in organisation.get_branch(store).groups]
    return {
        "张三": add(store, admin, "张三", group_id=first),
        "李四": add(store, admin, "李四", group_id=first),
        "王五": add(store, admin, "王五", group_id=second),
        "赵老六": add(store, admin, "赵老六", MemberClass.EXEMPT_FRAIL, group_id=second),
    }


@pytest.fixture
def page(store, people, make_window):
    return make_window(store).show_page("entry")


def _entries(store, **filters):
    return list_entries(store, EntryFilter(**filters))


def test_one_entry_shows_its_value_and_the_cap_left_before_saving(page, store, people):
    tab = page.single
    tab.picker.search.setText("zs")
    assert tab.picker.list.count() == 1 and tab.picker.current_name() == "张三"
    tab.fields.date_edit.setDate(QDate(2026, 11, 20))
    assert tab.fields.item_box.select_code("B01")
    assert "每年最多 6 分" in tab.fields.item_hint.text()
    tab.fields.quantity_spin.setValue(2)
    assert "本次记 <b>2</b> 分" in tab.preview_label.text()
    assert "上限内还可记 6 分" in tab.preview_label.text()
    tab.fields.note_edit.setText("冬季清雪")
    tab.save_button.click()
    saved = _entries(store, member_id=people["张三"])
    assert [(e.item_code, e.points, e.status) for e in saved] == [("B01", Decimal("2.00"), EntryStatus.PENDING)]
    assert "还可记 4 分" in tab.preview_label.text()

    tab.fields.quantity_spin.setValue(5)
    assert "最多还能记 4 分" in tab.preview_label.text()
    assert not tab.save_button.isEnabled()


def test_a_range_item_takes_a_chosen_value_and_reviewers_may_approve_at_once(page, store, people):
    tab = page.single
    tab.picker.search.setText("ls")
    tab.fields.date_edit.setDate(QDate(2026, 10, 31))
    tab.fields.item_box.select_code("R02")
    assert tab.fields.points_spin.isEnabled() and not tab.fields.quantity_spin.isEnabled()
    tab.fields.points_spin.setValue(3.5)
    assert "本次记 <b>3.5</b> 分" in tab.preview_label.text()
    tab.fields.approve_check.setChecked(True)
    tab.save_button.click()
    [entry] = _entries(store, member_id=people["李四"])
    assert (entry.points, entry.status) == (Decimal("3.50"), EntryStatus.APPROVED)


def test_a_batch_is_all_or_nothing_and_names_each_problem(page, store, people):
    tab = page.batch
    tab.picker.check_all(True)
    assert tab.picker.count_label.text() == "已选 4 人"
    tab.fields.date_edit.setDate(QDate(2026, 11, 2))
    tab.fields.item_box.select_code("J05")  # dues unpaid: applies to everyone
    tab.save_button.click()
    assert [e.member_name for e in _entries(store, item_code="J05")] and not tab.problem.isVisible()
    assert len(_entries(store, item_code="J05")) == 4

    tab.picker.check_all(True)
    tab.fields.item_box.select_code("J03")  # the frail member is exempt: the whole batch is refused
    tab.save_button.click()
    assert "整批都没有保存" in tab.problem.text()
    assert "赵老六" in tab.problem_list.toPlainText()
    assert _entries(store, item_code="J03") == []


def test_a_meeting_with_mixed_attendance_makes_the_right_entries(page, store, people):
    tab = page.meeting
    page.tabs.setCurrentWidget(tab)
    tab.kind_box.set_current(MeetingKind.THEME_DAY)
    tab.date_edit.setDate(QDate(2026, 11, 5))
    assert tab.model.rowCount() == 4
    tab.model.set_status_of("李四", Attendance.EXCUSED)
    tab.model.set_status_of("王五", Attendance.ABSENT)
    tab.model.set_status_of("赵老六", Attendance.ABSENT)
    tab.table.selectRow([row.name for row in tab.model.rows()].index("张三"))
    tab.mark_selected(Attendance.LATE)  # by the button above the grid
    effects = {row.name: tab._effect(row) for row in tab.model.rows()}
    assert effects == {"张三": "-0.5 分（J02）", "李四": "不记分", "王五": "-2 分（J03）", "赵老六": "免考核，不记分"}
    assert tab.counts_label.text() == "出席 0 人，请假 1 人，缺席 2 人，迟到/早退 1 人"
    tab.save_button.click()
    assert not tab.problem.isVisible(), tab.problem.text()

    entries = {e.member_name: (e.item_code, e.points) for e in _entries(store, month=None, year=2026)}
    assert entries == {"张三": ("J02", Decimal("-0.50")), "王五": ("J03", Decimal("-2.00"))}
    status = page.ctx.parent().statusBar().currentMessage()
    assert "生成积分记录 2 条" in status and "赵老六 免考核" in status
    assert all(row.status is Attendance.PRESENT for row in tab.model.rows())


def test_a_group_meeting_lists_only_that_group(page, people):
    tab = page.meeting
    tab.kind_box.set_current(MeetingKind.GROUP_MEETING)
    tab.group_box.setCurrentIndex(2)
    assert [row.name for row in tab.model.rows()] == ["王五", "赵老六"]
    assert tab.title_edit.text().endswith("党小组会")


def test_the_grid_lists_the_roll_of_the_meetings_day_and_keeps_the_clerks_marks(page, store, admin, people):
    from datetime import date

    from app.services.roster import members

    came = members.add_member(
        store, admin, members.MemberInput(name="钱转来", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1)),
        today=date(2026, 11, 23), joined_on=date(2026, 9, 1),
    )
    members.transfer_out(store, admin, people["李四"], date(2026, 10, 1), "城关镇另一村党支部", today=date(2026, 11, 23))
    tab = page.meeting
    page.refresh()
    tab.kind_box.set_current(MeetingKind.THEME_DAY)
    tab.date_edit.setDate(QDate(2026, 8, 5))
    assert sorted(row.name for row in tab.model.rows()) == ["张三", "李四", "王五", "赵老六"]  # 钱转来 came in September
    tab.model.set_status_of("王五", Attendance.ABSENT)
    tab.date_edit.setDate(QDate(2026, 10, 8))
    assert sorted(row.name for row in tab.model.rows()) == ["张三", "王五", "赵老六", "钱转来"]  # 李四 left on 1 October
    assert {row.name: row.status for row in tab.model.rows()}["王五"] is Attendance.ABSENT
    tab.date_edit.setDate(QDate(2026, 8, 5))
    tab.save_button.click()
    assert not tab.problem.isVisible(), tab.problem.text()
    made = {e.member_name for e in _entries(store, month=None, year=2026)}
    assert "钱转来" not in made and {"李四", "王五"} <= made
    assert came


def test_a_committee_meeting_lists_the_committee_and_a_member_can_be_taken_off(page, store, admin, people):
    add(store, admin, "钱书记", MemberClass.CADRE)
    add(store, admin, "孙主任", MemberClass.CADRE)
    page.refresh()
    tab = page.meeting
    page.tabs.setCurrentWidget(tab)
    tab.date_edit.setDate(QDate(2026, 11, 5))
    assert tab.model.rowCount() == 6 and not tab.committee_hint.isVisible() and tab.group_box.currentText() == "全体党员"
    tab.kind_box.set_current(MeetingKind.COMMITTEE)
    assert sorted(row.name for row in tab.model.rows()) == ["孙主任", "钱书记"] and tab.committee_hint.isVisible()
    assert tab.group_box.currentText() == "支委会成员"
    assert tab.title_edit.text() == "11月支部委员会"
    tab.table.selectRow([row.name for row in tab.model.rows()].index("孙主任"))  # of the 村委, not the 支委
    tab.remove_button.click()
    assert [row.name for row in tab.model.rows()] == ["钱书记"]
    tab.save_button.click()
    assert not tab.problem.isVisible(), tab.problem.text()
    assert {e.member_name for e in _entries(store, month=None, year=2026)} == {"钱书记"}
    tab.kind_box.set_current(MeetingKind.THEME_DAY)
    assert tab.model.rowCount() == 6 and not tab.committee_hint.isVisible() and tab.group_box.currentText() == "全体党员"


def test_a_mark_and_a_removal_survive_a_date_that_drops_the_member_for_a_while(page, store, admin, people):
    """The clerk marks the newcomer absent and takes 李四 off, tries a date before the newcomer came,
    and comes back: the mark and the removal are still there (they were lost: he was saved present)."""
    from datetime import date

    from app.domain.periods import Month
    from app.services.ledger import meetings
    from app.services.roster import members

    members.add_member(
        store, admin, members.MemberInput(name="钱转来", member_class=MemberClass.NO_POST, join_date=date(1995, 7, 1)),
        today=date(2026, 11, 23), joined_on=date(2026, 9, 1),
    )
    tab = page.meeting
    page.refresh()
    tab.kind_box.set_current(MeetingKind.THEME_DAY)
    tab.date_edit.setDate(QDate(2026, 10, 8))
    tab.model.set_status_of("钱转来", Attendance.ABSENT)
    tab.table.selectRow([row.name for row in tab.model.rows()].index("李四"))
    tab.remove_button.click()
    tab.date_edit.setDate(QDate(2026, 8, 5))  # before 钱转来 came
    assert sorted(row.name for row in tab.model.rows()) == ["张三", "王五", "赵老六"]
    tab.date_edit.setDate(QDate(2026, 10, 8))
    shown = {row.name: row.status for row in tab.model.rows()}
    assert "李四" not in shown and shown["钱转来"] is Attendance.ABSENT
    tab.save_button.click()
    assert not tab.problem.isVisible(), tab.problem.text()
    [meeting] = meetings.list_meetings(store, Month(2026, 10))
    listed = {line.name: line.status for line in meetings.meeting_detail(store, meeting.id).lines}
    assert listed == {"张三": Attendance.PRESENT, "王五": Attendance.PRESENT, "赵老六": Attendance.PRESENT, "钱转来": Attendance.ABSENT}
    # the next meeting starts afresh: everyone on the list, present
    assert sorted(row.name for row in tab.model.rows()) == ["张三", "李四", "王五", "赵老六", "钱转来"]
    assert {row.status for row in tab.model.rows()} == {Attendance.PRESENT}
    tab.table.selectRow(0)
    tab.remove_button.click()
    tab.kind_box.set_current(MeetingKind.BRANCH_ASSEMBLY)  # another kind of meeting: its list afresh
    assert tab.model.rowCount() == 5


def test_the_signin_sheet_before_the_meeting_leaves_out_those_taken_off_the_list(page, store, admin, people, monkeypatch):
    """A 支部委员会 whose 村委 member is taken off the grid: the sheet printed from it lists the
    committee as the grid does (it listed him again, 应到 2 人)."""
    from app.ui.dialogs import print_preview
    from tests.reports.report_support import all_lines

    add(store, admin, "钱书记", MemberClass.CADRE)
    add(store, admin, "孙主任", MemberClass.CADRE)
    shown = []
    monkeypatch.setattr(print_preview, "open_print_preview", lambda parent, pdf, title, name: shown.append(pdf))
    page.refresh()
    tab = page.meeting
    tab.kind_box.set_current(MeetingKind.COMMITTEE)
    tab.date_edit.setDate(QDate(2026, 11, 5))
    tab.table.selectRow([row.name for row in tab.model.rows()].index("孙主任"))
    tab.remove_button.click()
    tab.signin_button.click()
    text = "\n".join(all_lines(shown[-1]))
    assert "钱书记" in text and "孙主任" not in text and "应到 1 人" in text


def test_a_future_meeting_is_refused_in_plain_words(page, people):
    tab = page.meeting
    tab.date_edit.setDate(QDate(2026, 12, 5))
    tab.save_button.click()
    assert "还没到" in tab.problem.text() and "2026年12月5日" in tab.problem.text()


def test_present_members_show_what_attending_earns(page, people):
    tab = page.meeting
    tab.kind_box.set_current(MeetingKind.THEME_DAY)
    tab.date_edit.setDate(QDate(2026, 11, 5))
    effects = {row.name: tab._effect(row) for row in tab.model.rows()}
    # village_100: attending earns R01 (2 a month); an exempt member earns nothing by attending.
    assert effects == {"张三": "2 分（R01）", "李四": "2 分（R01）", "王五": "2 分（R01）", "赵老六": "免考核，不记分"}


def _effects_shown(tab) -> dict[str, str]:
    """The 将记分 column as the grid shows it."""
    model = tab.model
    return {model.index(r, 0).data(): model.index(r, STATUS_COLUMN + 1).data() for r in range(model.rowCount())}


def test_the_grid_says_who_gets_nothing_because_this_months_cap_is_used(page, store, admin, people):
    """A committee met on the 5th; the branch meets on the 20th. Those whose R01 for November is
    used were shown "2 分/次（R01）" and the save made nothing for them, without saying why."""
    from app.services.ledger import entries as ledger

    ledger.record_meeting(
        store, admin, MeetingKind.COMMITTEE, "11月支委会", date(2026, 11, 5), {people["张三"]: Attendance.PRESENT, people["李四"]: Attendance.PRESENT},
        today=date(2026, 11, 23),
    )
    tab = page.meeting
    page.tabs.setCurrentWidget(tab)
    page.refresh()
    tab.kind_box.set_current(MeetingKind.BRANCH_ASSEMBLY)
    tab.date_edit.setDate(QDate(2026, 11, 20))
    assert _effects_shown(tab) == {
        "张三": "不记分（R01 11月上限 2 分已记满）", "李四": "不记分（R01 11月上限 2 分已记满）", "王五": "2 分（R01）", "赵老六": "免考核，不记分",
    }
    assert tab.counts_label.text().endswith("；其中 2 人记分已到上限，这次不记分")
    tab.model.set_status_of("李四", Attendance.ABSENT)  # a status changed: absent deducts, whatever R01 did
    assert _effects_shown(tab)["李四"] == "-2 分（J01）"
    assert tab.counts_label.text().endswith("；其中 1 人记分已到上限，这次不记分")
    tab.date_edit.setDate(QDate(2026, 10, 20))  # October's R01 is still to earn
    assert _effects_shown(tab)["张三"] == "2 分（R01）"
    tab.date_edit.setDate(QDate(2026, 11, 20))
    assert _effects_shown(tab)["张三"] == "不记分（R01 11月上限 2 分已记满）"
    tab.save_button.click()
    assert not tab.problem.isVisible(), tab.problem.text()

    made = {e.member_name: (e.item_code, e.points) for e in _entries(store, month=None, year=2026) if e.occurred_on == date(2026, 11, 20)}
    assert made == {"李四": ("J01", Decimal("-2.00")), "王五": ("R01", Decimal("2.00"))}
    status = page.ctx.parent().statusBar().currentMessage()
    assert "生成积分记录 2 条" in status and "1 人记分已到上限，这次未记分：张三" in status, status


def test_the_same_meeting_saved_twice_asks_first(page, store, people, monkeypatch):
    tab = page.meeting
    page.tabs.setCurrentWidget(tab)
    tab.kind_box.set_current(MeetingKind.THEME_DAY)
    tab.date_edit.setDate(QDate(2026, 11, 5))
    tab.model.set_status_of("王五", Attendance.ABSENT)
    tab.save_button.click()
    asked = []
    monkeypatch.setattr(type(page.ctx), "confirm", lambda self, parent, title, text: asked.append(text) or False)
    tab.date_edit.setDate(QDate(2026, 11, 5))
    tab.model.set_status_of("王五", Attendance.ABSENT)
    tab.save_button.click()
    assert asked and "确实是另一次会议" in asked[0]
    assert [e.points for e in _entries(store, month=None, year=2026, item_code="J03")] == [Decimal("-2.00")]
    monkeypatch.setattr(type(page.ctx), "confirm", lambda self, parent, title, text: True)
    tab.model.set_status_of("王五", Attendance.ABSENT)
    tab.save_button.click()
    assert len(_entries(store, month=None, year=2026, item_code="J03")) == 2


# -- entry forms that cannot mislead (issue 10)


def test_the_next_item_starts_from_its_own_quantity(page, store, people):
    tab = page.single
    tab.picker.search.setText("zs")
    tab.fields.date_edit.setDate(QDate(2026, 11, 20))
    tab.fields.item_box.select_code("B01")  # volunteer service, per hour
    tab.fields.quantity_spin.setValue(3)
    tab.fields.item_box.select_code("B02")  # a letter of thanks: once, 1 point
    assert tab.fields.quantity_spin.value() == 1
    assert "本次记 <b>1</b> 分" in tab.preview_label.text()
    tab.save_button.click()
    [entry] = _entries(store, member_id=people["张三"])
    assert (entry.item_code, entry.points) == ("B02", Decimal("1.00"))


def test_a_range_item_starts_empty_and_asks_for_a_value(page, store, people):
    tab = page.single
    tab.picker.search.setText("ls")
    tab.fields.date_edit.setDate(QDate(2026, 10, 31))
    tab.fields.item_box.select_code("K02")  # a range down to -10
    assert tab.fields.value_missing()
    assert tab.fields.points_spin.text() == "请选择分值"
    assert "请先选择分值" in tab.preview_label.text() and not tab.save_button.isEnabled()
    tab.save()  # Enter in the note field
    assert "请先选择分值" in tab.problem.text()
    assert _entries(store, member_id=people["李四"]) == []
    tab.fields.item_box.select_code("B04")
    assert tab.fields.value_missing()
    tab.fields.points_spin.setValue(3)
    assert "本次记 <b>3</b> 分" in tab.preview_label.text() and tab.save_button.isEnabled()


def test_the_sentence_beside_save_says_whether_it_waits_for_review(page, people):
    tab = page.single
    tab.picker.search.setText("zs")
    tab.fields.date_edit.setDate(QDate(2026, 11, 20))
    tab.fields.item_box.select_code("B02")
    text = tab.preview_label.text()
    assert text.startswith("张三：B02 收到群众感谢信或锦旗，本次记 <b>1</b> 分") and "保存后等待审核" in text
    tab.fields.approve_check.setChecked(True)
    assert "直接审核通过" in tab.preview_label.text()
    assert tab.preview_label.font().pointSizeF() >= 14 or "15pt" in tab.preview_label.styleSheet()
    assert tab.preview_label.parentWidget() is tab.save_button.parentWidget()


def test_after_saving_the_page_confirms_and_undo_takes_it_back(page, store, people):
    tab = page.single
    tab.picker.search.setText("zs")
    tab.fields.date_edit.setDate(QDate(2026, 11, 20))
    tab.fields.item_box.select_code("B02")
    assert not tab.saved_box.isVisible()
    tab.save_button.click()
    assert tab.saved_box.isVisible() and "已保存：张三" in tab.saved_label.text()
    tab.undo_button.click()
    [entry] = _entries(store, member_id=people["张三"])
    assert entry.status is EntryStatus.REJECTED
    assert "已撤销" in tab.saved_label.text()

    tab.fields.approve_check.setChecked(True)  # approved at once: undone by a reversing entry
    tab.save_button.click()
    tab.undo_button.click()
    approved = [e for e in _entries(store, member_id=people["张三"]) if e.status is EntryStatus.APPROVED]
    assert sorted(e.points for e in approved) == [Decimal("-1.00"), Decimal("1.00")]
    assert any("录入错误" in e.note for e in approved)


def test_the_meeting_scope_resets_and_the_title_follows_the_date(page, store, people):
    tab = page.meeting
    tab.kind_box.set_current(MeetingKind.GROUP_MEETING)
    tab.date_edit.setDate(QDate(2026, 10, 8))
    assert tab.title_edit.text() == "10月党小组会"
    tab.date_edit.setDate(QDate(2026, 11, 5))
    assert tab.title_edit.text() == "11月党小组会"
    tab.group_box.setCurrentIndex(2)
    assert [row.name for row in tab.model.rows()] == ["王五", "赵老六"]
    tab.save_button.click()
    assert not tab.problem.isVisible(), tab.problem.text()
    assert tab.group_box.currentIndex() == 0 and tab.model.rowCount() == 4
    tab.title_edit.setText("十一月专题党小组会")
    tab.date_edit.setDate(QDate(2026, 10, 9))
    assert tab.title_edit.text() == "十一月专题党小组会"  # the clerk's own title stays


def test_a_batch_with_a_range_item_and_no_value_is_refused(page, store, people):
    tab = page.batch
    tab.picker.check_all(True)
    tab.fields.date_edit.setDate(QDate(2026, 11, 2))
    tab.fields.item_box.select_code("B04")
    assert tab.fields.value_missing()
    tab.save_button.click()
    assert "选定分值" in tab.problem.text()
    assert _entries(store, item_code="B04") == []


def test_a_refused_save_does_not_stand_beside_a_green_已保存(page, store, people, monkeypatch):
    """The green box still read “已保存：张三…” beside the red refusal of the next member's entry."""
    from app.domain.errors import ValidationError
    from app.ui.pages import entry_single

    tab = page.single
    tab.picker.search.setText("zs")
    tab.fields.date_edit.setDate(QDate(2026, 11, 20))
    tab.fields.item_box.select_code("B02")
    tab.save_button.click()
    assert tab.saved_label.text().startswith("已保存：张三")

    def refused(*_args, **_kwargs):
        raise ValidationError("“参加志愿服务”每年最多 6 分，本次最多还能记 0 分。")

    monkeypatch.setattr(entry_single.ledger, "record_entry", refused)
    tab.picker.search.setText("ls")
    tab.fields.item_box.select_code("B02")
    assert tab.picker.current_name() == "李四" and tab.save_button.isEnabled(), tab.preview_label.text()
    tab.save_button.click()
    assert "每年最多 6 分" in tab.problem.text()
    assert tab.saved_label.text().startswith("上一条已保存：张三")


def test_the_same_entry_saved_twice_asks_first(page, store, people, monkeypatch):
    """After a save the form keeps member and item: a second click recorded the points again."""
    tab = page.single
    tab.picker.search.setText("zs")
    tab.fields.date_edit.setDate(QDate(2026, 11, 20))
    tab.fields.item_box.select_code("B02")
    tab.save_button.click()
    asked = []
    monkeypatch.setattr(type(page.ctx), "confirm", lambda self, parent, title, text: asked.append(text) or False)
    tab.save_button.click()
    assert asked and "张三在11月20日已经记过一条" in asked[0] and "确实是另一件事" in asked[0]
    assert len(_entries(store, member_id=people["张三"])) == 1
    monkeypatch.setattr(type(page.ctx), "confirm", lambda self, parent, title, text: True)
    tab.save_button.click()
    assert len(_entries(store, member_id=people["张三"])) == 2
    tab.fields.date_edit.setDate(QDate(2026, 11, 21))  # another day is another entry: nothing asked
    monkeypatch.setattr(type(page.ctx), "confirm", lambda self, parent, title, text: pytest.fail(text))
    tab.save_button.click()
    assert len(_entries(store, member_id=people["张三"])) == 3


def test_a_date_years_ahead_is_called_a_typo_not_a_year_to_prepare(page, people):
    """2030 typed for 2026 said “2030 年的积分细则还没有建立，请先从模板…建立”, inviting a 2030 rule set.
    Next year's may be prepared in December: it keeps that sentence."""
    page.single.picker.search.setText("zs")
    for tab in (page.single, page.batch):
        tab.fields.date_edit.setDate(QDate(2030, 3, 5))
        assert tab.problem.text() == "日期填的是 2030 年，多半输错了，请检查日期。"
        assert tab.fields.item_box.current_item() is None and not tab.save_button.isEnabled()
        tab.fields.date_edit.setDate(QDate(2027, 3, 5))
        assert "2027 年的积分细则还没有建立" in tab.problem.text()
        tab.fields.date_edit.setDate(QDate(2026, 3, 5))
        assert tab.problem.text() == "" and tab.fields.item_box.current_item() is not None
