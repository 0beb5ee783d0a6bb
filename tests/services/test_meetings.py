"""Meetings as records: the month's list, one meeting's detail, the same meeting twice, and
attendance mapped to the rule set both ways (village_100: present R01 +2 once a month,
absent J01 −2 / theme day J03 −2, late J02 −0.5, excused and exempt members nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.enums import Attendance, EntryStatus, MeetingKind, MemberClass
from app.domain.periods import Month
from app.services.ledger import entries as ledger
from app.services.ledger import meetings
from app.services.ledger.meetings import SameMeetingExists
from app.services.totals import ranking as totals
from conftest import TODAY, add, plans_of_reads
from db.models import Meeting, PointsEntry

D = Decimal
P, E, A, L = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.LATE


@pytest.fixture
def people(store, admin, village_year, branch):
    first, second = branch.groups
    return {
        "张三": add(store, admin, "张三", group_id=first.id),
        "李四": add(store, admin, "李四", group_id=first.id),
        "王五": add(store, admin, "王五", group_id=second.id, member_class=MemberClass.EXEMPT_FRAIL),
        "赵六": add(store, admin, "赵六", group_id=second.id),
    }


def _meet(store, admin, people, statuses, kind=MeetingKind.THEME_DAY, on=date(2026, 10, 5), title="10月主题党日", **options):
    attendance = {people[name]: status for name, status in statuses.items()}
    return ledger.record_meeting(store, admin, kind, title, on, attendance, approve=True, today=TODAY, **options)


def _month_points(store, month=10):
    return {r.name: r.period_points for r in totals.branch_ranking(store, 2026, month=month).rows}


def test_present_earns_absent_and_late_deduct_excused_and_exempt_nothing(store, admin, people):
    result = _meet(store, admin, people, {"张三": P, "李四": A, "王五": P, "赵六": L})
    # 张三 +2 (R01), 李四 −2 (J03, theme day), 王五 exempt: nothing, 赵六 −0.5 (J02)
    assert result.excused == ["王五"]
    assert _month_points(store) == {"张三": D(2), "李四": D(-2), "王五": 0, "赵六": D("-0.5")}
    # a second meeting in the month: R01 is capped at 2 a month, so attending again earns nothing
    # and is not an error; 李四 present now earns his 2 for the month
    _meet(store, admin, people, {"张三": P, "李四": P}, kind=MeetingKind.GROUP_MEETING, on=date(2026, 10, 20), title="10月党小组会")
    assert _month_points(store) == {"张三": D(2), "李四": D(0), "王五": 0, "赵六": D("-0.5")}


def test_the_same_meeting_saved_twice_is_refused_and_deducts_once(store, admin, people):
    statuses = {"张三": P, "李四": A, "赵六": E}
    _meet(store, admin, people, statuses)
    with pytest.raises(SameMeetingExists) as caught:
        _meet(store, admin, people, statuses)
    message = caught.value.message
    assert message.count("。") == 1 and message.endswith("。")
    assert "2026年10月5日" in message and "主题党日“10月主题党日”" in message and "出席 1 人，请假 1 人，缺席 1 人" in message
    assert caught.value.existing.id is not None
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Meeting)) == 1
    assert _month_points(store)["李四"] == D(-2)  # once, not −4
    # the clerk confirms it really was another meeting: then it is saved
    _meet(store, admin, people, statuses, allow_duplicate=True)
    assert _month_points(store)["李四"] == D(-4)


def test_meetings_that_do_not_overlap_are_not_the_same(store, admin, people):
    kind, on = MeetingKind.GROUP_MEETING, date(2026, 10, 20)
    _meet(store, admin, people, {"张三": P, "李四": A}, kind=kind, on=on, title="第一党小组会")
    _meet(store, admin, people, {"王五": E, "赵六": A}, kind=kind, on=on, title="第二党小组会")  # other group
    _meet(store, admin, people, {"张三": P, "李四": A}, kind=MeetingKind.PARTY_LECTURE, on=on, title="党课")  # other kind
    _meet(store, admin, people, {"张三": P, "李四": A}, kind=kind, on=date(2026, 10, 21), title="补开")  # other day
    assert len(meetings.list_meetings(store, Month(2026, 10))) == 4


def test_the_months_list_counts_statuses_and_names_the_scope(store, admin, people):
    _meet(store, admin, people, {"张三": P, "李四": A, "王五": E, "赵六": L})
    _meet(store, admin, people, {"王五": P, "赵六": A}, kind=MeetingKind.GROUP_MEETING, on=date(2026, 10, 19), title="第二党小组会")
    _meet(store, admin, people, {"张三": P}, kind=MeetingKind.STUDY, on=date(2026, 11, 2), title="11月集中学习")
    rows = meetings.list_meetings(store, Month(2026, 10))
    assert [(r.held_on.day, r.kind, r.title, r.scope, r.present, r.excused, r.absent, r.late) for r in rows] == [
        (5, MeetingKind.THEME_DAY, "10月主题党日", "全体党员", 1, 1, 1, 1),
        (19, MeetingKind.GROUP_MEETING, "第二党小组会", "第二党小组", 1, 0, 1, 0),
    ]
    assert rows[0].counts_text == "出席 1 人，请假 1 人，缺席 1 人，迟到/早退 1 人"
    assert [r.title for r in meetings.list_meetings(store, Month(2026, 11))] == ["11月集中学习"]
    assert meetings.list_meetings(store, Month(2026, 9)) == []


def test_a_committee_meeting_expects_the_committee_and_says_so(store, admin, people, branch):
    nobody_yet = meetings.members_in_scope(store, date(2026, 10, 5), kind=MeetingKind.COMMITTEE)
    assert nobody_yet[0] == "全体党员" and len(nobody_yet[1]) == 4  # no one of the class: everyone, called so
    secretary = add(store, admin, "钱书记", member_class=MemberClass.CADRE, group_id=branch.groups[1].id)
    deputy = add(store, admin, "孙委员", member_class=MemberClass.CADRE, group_id=branch.groups[0].id)
    scope, expected = meetings.members_in_scope(store, date(2026, 10, 5), kind=MeetingKind.COMMITTEE)
    assert (scope, [m.name for m in expected]) == ("支委会成员", ["孙委员", "钱书记"])
    assert meetings.members_in_scope(store, date(2026, 10, 5), kind=MeetingKind.THEME_DAY)[0] == "全体党员"
    ledger.record_meeting(store, admin, MeetingKind.COMMITTEE, "10月支委会", date(2026, 10, 8), {secretary: P, deputy: A},
                          approve=True, today=TODAY)
    [row] = [r for r in meetings.list_meetings(store, Month(2026, 10)) if r.kind is MeetingKind.COMMITTEE]
    assert (row.scope, row.present, row.absent) == ("支委会成员", 1, 1)
    # a 支部委员会 held for one group lists that group as its sign-in sheet did, not 支委会成员
    first = branch.groups[0].id
    group_scope, group_list = meetings.members_in_scope(store, date(2026, 10, 12), first, MeetingKind.COMMITTEE)
    ledger.record_meeting(store, admin, MeetingKind.COMMITTEE, "第一党小组支委会", date(2026, 10, 12),
                          {m.id: P for m in group_list}, approve=True, today=TODAY)
    [held] = [r for r in meetings.list_meetings(store, Month(2026, 10)) if r.title == "第一党小组支委会"]
    assert held.scope == group_scope == "第一党小组"


def test_one_meeting_shows_each_members_attendance_and_entries(store, admin, people):
    result = _meet(store, admin, people, {"张三": P, "李四": A, "王五": A, "赵六": L}, title="10月主题党日")
    detail = meetings.meeting_detail(store, result.meeting_id)
    assert (detail.branch, detail.township, detail.recorded_by) == ("红星村党支部", "城关镇党委", "管理员")
    # group by group (第一: 李四 张三 by pinyin; 第二: 王五 赵六)
    assert [(l.name, l.group_name, l.status, l.points) for l in detail.lines] == [
        ("李四", "第一党小组", A, D(-2)),
        ("张三", "第一党小组", P, D(2)),
        ("王五", "第二党小组", A, D(0)),
        ("赵六", "第二党小组", L, D("-0.5")),
    ]
    zhang = detail.lines[1]
    [entry] = zhang.entries
    assert (entry.item_code, entry.item_name, entry.points, entry.status) == ("R01", "按时参加当月组织生活", D(2), EntryStatus.APPROVED)
    assert detail.points_total == D("-0.5")  # 2 − 2 − 0.5
    assert [l.name for l in detail.with_status(A)] == ["李四", "王五"]
    assert detail.changes == ()


def test_one_meetings_entries_are_read_from_the_meetings_index(store, admin, people):
    """Not every entry of the ledger (a county's 5 million took 1.1 s a query): only a meeting's
    entries carry its id, and the detail finds them through that partial index, on a file without
    planner statistics as the program leaves it."""
    from app.services.ledger.attendance import correct_attendance

    result = _meet(store, admin, people, {"张三": P, "李四": A})
    correct_attendance(store, admin, result.meeting_id, people["李四"], E, "实际已请假", today=TODAY)
    plans = plans_of_reads(store, lambda: meetings.meeting_detail(store, result.meeting_id), "points_entries")
    reading_by_meeting = [plan for plan in plans if "ix_points_entries_meeting" in plan]
    assert len(reading_by_meeting) == 2, plans
    assert not any(plan.startswith("SCAN points_entries") for plan in plans), plans


# ---- correcting attendance later: reversing entries with a reason, never an edit


def _entries(store):
    with store.session() as session:
        return [(e.points, e.status, e.reverses_id is not None, e.review_note) for e in
                session.scalars(select(PointsEntry).order_by(PointsEntry.created_at, PointsEntry.reverses_id.is_not(None)))]


def test_absent_corrected_to_excused_reverses_the_deduction(store, admin, people):
    from app.services import check
    from app.services.ledger.attendance import correct_attendance

    result = _meet(store, admin, people, {"张三": P, "李四": A})
    assert _month_points(store)["李四"] == D(-2)
    change = correct_attendance(store, admin, result.meeting_id, people["李四"], E, "实际已请假，考勤登记错误", today=TODAY)
    assert change.summary == "已将李四在“10月主题党日”的考勤由缺席改为请假，冲正原记的 -2 分，新状态不记分。"
    assert _month_points(store)["李四"] == D(0)  # −2 + 2
    detail = meetings.meeting_detail(store, result.meeting_id)
    li = next(line for line in detail.lines if line.name == "李四")
    assert li.status is E and li.points == D(0)
    assert [(e.item_code, e.points, e.reversed_later, e.reverses_id is not None) for e in li.entries] == [
        ("J03", D(-2), True, False), ("J03", D(2), False, True),
    ]
    [(line, change_kept)] = detail.changes
    assert (line.name, change_kept.from_status, change_kept.to_status, change_kept.reason, change_kept.by) == (
        "李四", A, E, "实际已请假，考勤登记错误", "管理员")
    assert detail.meeting.excused == 1 and detail.meeting.absent == 0 and detail.meeting.corrections == 1
    assert check.check_store(store).ok


def test_absent_corrected_to_present_reverses_and_earns(store, admin, people):
    from app.services.ledger.attendance import correct_attendance

    result = _meet(store, admin, people, {"张三": P, "李四": A})
    change = correct_attendance(store, admin, result.meeting_id, people["李四"], P, "签到表漏记", today=TODAY)
    assert change.summary == "已将李四在“10月主题党日”的考勤由缺席改为出席，冲正原记的 -2 分，新记 +2 分。"
    assert _month_points(store)["李四"] == D(2)  # −2 + 2 + 2
    # and back again: the R01 is reversed, the absence deducted anew
    correct_attendance(store, admin, result.meeting_id, people["李四"], A, "核实后确未参加", today=TODAY)
    assert _month_points(store)["李四"] == D(-2)  # −2 + 2 + 2 − 2 − 2
    detail = meetings.meeting_detail(store, result.meeting_id)
    li = next(line for line in detail.lines if line.name == "李四")
    assert [(c.from_status, c.to_status) for c in li.changes] == [(A, P), (P, A)]
    assert [e.points for e in li.entries] == [D(-2), D(2), D(2), D(-2), D(-2)]
    assert li.points == D(-2)


def test_a_pending_entry_is_rejected_not_reversed(store, admin, people):
    from app.services.ledger.attendance import correct_attendance

    attendance = {people["李四"]: A, people["赵六"]: L}
    result = ledger.record_meeting(store, admin, MeetingKind.THEME_DAY, "", date(2026, 11, 5), attendance, today=TODAY)
    change = correct_attendance(store, admin, result.meeting_id, people["赵六"], P, "实际准时到会", today=TODAY)
    assert "驳回待审核的 -0.5 分，新记 +2 分" in change.summary
    rows = _entries(store)
    assert (D("-0.50"), EntryStatus.REJECTED, False, "实际准时到会") in rows
    assert not any(reversal for _, _, reversal, _ in rows)


def test_a_correction_needs_a_reviewer_a_reason_and_a_change(store, admin, people):
    from app.domain.enums import Role
    from app.domain.errors import NotFound, PermissionDenied, ValidationError
    from app.services.accounts import operators
    from app.services.ledger.attendance import correct_attendance

    result = _meet(store, admin, people, {"张三": P, "李四": A})
    clerk = operators.add_operator(store, admin, "lu", "录入员小陆", Role.CLERK)
    before = _entries(store)
    with pytest.raises(PermissionDenied):
        correct_attendance(store, clerk, result.meeting_id, people["李四"], E, "请假", today=TODAY)
    with pytest.raises(ValidationError, match="原因"):
        correct_attendance(store, admin, result.meeting_id, people["李四"], E, "  ", today=TODAY)
    with pytest.raises(ValidationError, match="已经是缺席"):
        correct_attendance(store, admin, result.meeting_id, people["李四"], A, "重复", today=TODAY)
    with pytest.raises(NotFound, match="赵六不在"):
        correct_attendance(store, admin, result.meeting_id, people["赵六"], P, "补登", today=TODAY)
    assert _entries(store) == before


# ---- adding a member left off the list (补登): as if he had been listed when it was saved


def test_a_member_left_off_is_added_and_scored_as_the_meeting_would_have(store, admin, people):
    from app.services import check
    from app.services.ledger.attendance import add_to_meeting

    result = _meet(store, admin, people, {"张三": P, "王五": P})
    assert [m.name for m in meetings.members_to_add(store, result.meeting_id)] == ["李四", "赵六"]
    change = add_to_meeting(store, admin, result.meeting_id, people["李四"], A, "签到表漏登，实际未到会", today=TODAY)
    assert change.summary == "已把李四补登到“10月主题党日”的考勤名单（缺席），记 -2 分。"
    assert _month_points(store)["李四"] == D(-2)  # J03, as the saved meeting deducts an absence
    detail = meetings.meeting_detail(store, result.meeting_id)
    li = next(line for line in detail.lines if line.name == "李四")
    assert (li.status, li.points, [(e.item_code, e.status) for e in li.entries]) == (A, D(-2), [("J03", EntryStatus.APPROVED)])
    [(line, kept)] = detail.changes
    assert (line.name, kept.added, kept.from_status, kept.to_status, kept.reason, kept.by, kept.what) == (
        "李四", True, None, A, "签到表漏登，实际未到会", "管理员", "补登为缺席")
    row = detail.meeting
    assert (row.listed, row.present, row.absent, row.corrections) == (3, 2, 1, 1)
    assert [m.name for m in meetings.members_to_add(store, result.meeting_id)] == ["赵六"]
    from app.services.accounts import audit_trail

    [kept_row] = [r for r in audit_trail.audit_rows(store, admin, audit_trail.AuditFilter(group="审核与冲正")) if r.entity == "attendance"]
    assert (kept_row.action, kept_row.summary) == ("补登考勤", "补登李四到2026-10-05“10月主题党日”的考勤名单：缺席")
    # corrected afterwards like anyone listed from the start
    from app.services.ledger.attendance import correct_attendance

    correct_attendance(store, admin, result.meeting_id, people["李四"], E, "补交请假条", today=TODAY)
    assert _month_points(store)["李四"] == D(0)
    assert check.check_store(store).ok


def test_an_addition_follows_the_caps_and_the_exempt_members(store, admin, people):
    from app.services.ledger.attendance import add_to_meeting

    first = _meet(store, admin, people, {"张三": P, "李四": P})
    later = _meet(store, admin, people, {"张三": P}, kind=MeetingKind.GROUP_MEETING, on=date(2026, 10, 20), title="10月党小组会")
    # R01 earns once a month: 李四 already has it, so attending again earns nothing, no error
    change = add_to_meeting(store, admin, later.meeting_id, people["李四"], P, "漏登", today=TODAY)
    assert change.summary.endswith("（出席），按细则不记分。") and change.new_entry_id is None
    assert _month_points(store)["李四"] == D(2)
    change = add_to_meeting(store, admin, first.meeting_id, people["王五"], A, "漏登", today=TODAY)
    assert change.summary.endswith("（缺席），免考核，不记分。")
    assert _month_points(store)["王五"] == 0


def test_an_addition_waits_for_review_when_entering_and_approving_are_apart(store, admin, people):
    from app.services.accounts import security_settings
    from app.services.ledger.attendance import add_to_meeting

    result = _meet(store, admin, people, {"张三": P})
    security_settings.set_security_settings(store, admin, 10, True)
    change = add_to_meeting(store, admin, result.meeting_id, people["赵六"], L, "漏登", today=TODAY)
    assert change.summary == "已把赵六补登到“10月主题党日”的考勤名单（迟到/早退），记 -0.5 分，等待审核，审核通过后才计入积分。"
    line = next(line for line in meetings.meeting_detail(store, result.meeting_id).lines if line.name == "赵六")
    assert line.pending and line.points == D("-0.5")


def _rows_and_audit(store):
    from db.models import AttendanceRecord, AuditRecord

    with store.session() as session:
        return (session.scalar(select(func.count()).select_from(AttendanceRecord)),
                session.scalar(select(func.count()).select_from(PointsEntry)),
                session.scalar(select(func.count()).select_from(AuditRecord)))


def test_an_addition_is_refused_in_one_sentence_and_changes_nothing(store, admin, people, branch):
    import uuid

    from app.domain.enums import Role
    from app.domain.errors import AppError, PermissionDenied
    from app.services.accounts import operators
    from app.services.ledger.attendance import add_to_meeting
    from app.services.roster import members

    result = _meet(store, admin, people, {"张三": P, "李四": A})
    _meet(store, admin, people, {"王五": P}, kind=MeetingKind.THEME_DAY, title="第二党小组主题党日", allow_duplicate=True)
    members.transfer_out(store, admin, people["赵六"], date(2026, 10, 1), "外县", today=TODAY)
    newcomer = add(store, admin, "孙新", join_date=date(2026, 10, 10), group_id=branch.groups[0].id)
    clerk = operators.add_operator(store, admin, "lu", "录入员小陆", Role.CLERK)
    before = _rows_and_audit(store), _entries(store)
    meeting_id = result.meeting_id
    refusals = {
        "原因": (admin, meeting_id, people["王五"], "  "),
        "已经在“10月主题党日”的考勤名单上（缺席）": (admin, meeting_id, people["李四"], "漏登"),
        "赵六2026年10月5日不在本支部的党员名册上": (admin, meeting_id, people["赵六"], "漏登"),
        "孙新2026年10月5日不在本支部的党员名册上": (admin, meeting_id, newcomer, "漏登"),
        "另一次主题党日“第二党小组主题党日”": (admin, meeting_id, people["王五"], "漏登"),
        "找不到这次会议": (admin, uuid.uuid4(), people["王五"], "漏登"),
        "找不到这名党员": (admin, meeting_id, uuid.uuid4(), "漏登"),
    }
    for words, (actor, meeting, member, reason) in refusals.items():
        with pytest.raises(AppError) as caught:
            add_to_meeting(store, actor, meeting, member, P, reason, today=TODAY)
        message = caught.value.message
        assert words in message and message.count("。") == 1 and message.endswith("。"), message
    with pytest.raises(PermissionDenied):
        add_to_meeting(store, clerk, meeting_id, people["王五"], P, "漏登", today=TODAY)
    assert (_rows_and_audit(store), _entries(store)) == before
    # 赵六 gone, 孙新 not yet here, 王五 at the other 主题党日 that day: nobody to offer
    assert meetings.members_to_add(store, meeting_id) == []


def test_an_addition_is_refused_in_a_reported_year(store, admin, people, branch):
    from app.domain.errors import RuleViolation
    from app.domain.rating import RoundStatus
    from app.services.ledger.attendance import add_to_meeting
    from db.rating_models import RatingRound

    result = _meet(store, admin, people, {"张三": P})
    with store.session() as session, session.begin():
        session.add(RatingRound(branch_id=branch.id, year=2026, status=RoundStatus.REPORTED, scheme={}, created_by=admin.id))
    before = _rows_and_audit(store)
    with pytest.raises(RuleViolation) as caught:
        add_to_meeting(store, admin, result.meeting_id, people["李四"], A, "漏登", today=TODAY)
    assert caught.value.message.count("。") == 1
    assert _rows_and_audit(store) == before


def test_a_meeting_of_another_branch_cannot_be_added_to(store, admin, people, branch):
    from app.domain.errors import NotFound
    from app.services.ledger.attendance import add_to_meeting
    from db.models import Meeting, OrgUnit

    result = _meet(store, admin, people, {"张三": P})
    with store.session() as session, session.begin():  # a meeting not of this branch (here: the township's)
        session.get(Meeting, result.meeting_id).branch_id = session.get(OrgUnit, branch.id).parent_id
    with pytest.raises(NotFound, match="找不到这次会议"):
        add_to_meeting(store, admin, result.meeting_id, people["李四"], A, "漏登", today=TODAY)
    with pytest.raises(NotFound, match="找不到这次会议"):
        meetings.members_to_add(store, result.meeting_id)
