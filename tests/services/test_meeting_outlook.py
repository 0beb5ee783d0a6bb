"""What the 会议考勤 grid says each member's attendance will record is what saving records, caps
included (village_100: present R01 +2, capped at 2 a month; theme-day absent J03 −2; late J02 −0.5).

A committee member already given his R01 this month was shown "2 分/次（R01）" and the save made
no entry for him."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Attendance, CapPeriod, MeetingKind, MemberClass
from app.domain.errors import BatchRejected
from app.domain.rules import CapHit
from app.services.ledger import entries as ledger
from app.services.ledger.entries import AttendanceOutlook
from app.services.ledger.meeting_outlook import attendance_outlook
from app.services.ledger.queries import EntryFilter, list_entries
from app.services.rules import rulesets
from conftest import TODAY, add, statements_sent

D = Decimal
P, E, A, L = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.LATE
FIRST, SECOND = date(2026, 10, 5), date(2026, 10, 20)


@pytest.fixture
def people(store, admin, village_year):
    return {
        "张三": add(store, admin, "张三", MemberClass.CADRE),
        "李四": add(store, admin, "李四", MemberClass.CADRE),
        "王五": add(store, admin, "王五", MemberClass.EXEMPT_FRAIL),
        "赵六": add(store, admin, "赵六"),
    }


def _meet(store, admin, people, statuses, kind=MeetingKind.THEME_DAY, on=SECOND):
    attendance = {people[name]: status for name, status in statuses.items()}
    return ledger.record_meeting(store, admin, kind, f"{on.month}月{kind.label}", on, attendance, approve=True, today=TODAY)


def _outlook(store, people, kind=MeetingKind.THEME_DAY, on=SECOND):
    found = attendance_outlook(store, kind, on, list(people.values()), today=TODAY)
    return {name: found[member_id] for name, member_id in people.items()}


def _recorded_on(store, on):
    return {e.member_name: (e.item_code, e.points) for e in list_entries(store, EntryFilter(year=2026, month=None)) if e.occurred_on == on}


def test_the_grid_says_no_entry_where_this_months_cap_is_used_and_the_save_agrees(store, admin, people):
    _meet(store, admin, people, {"张三": P}, kind=MeetingKind.COMMITTEE, on=FIRST)  # 张三 has October's R01
    seen = _outlook(store, people)
    assert seen["张三"][P] == AttendanceOutlook("R01", capped=CapHit("R01", "10月", D(2), D(2), D(0), 1))
    assert seen["李四"][P] == AttendanceOutlook("R01", D(2))
    assert seen["王五"][P] == AttendanceOutlook(exempt=True)
    # absent and late deduct whatever R01 did: every status is priced at once
    assert (seen["张三"][A], seen["张三"][L], seen["张三"][E]) == (AttendanceOutlook("J03", D(-2)), AttendanceOutlook("J02", D("-0.5")), AttendanceOutlook())

    result = _meet(store, admin, people, {"张三": P, "李四": P, "王五": P, "赵六": A})
    assert _recorded_on(store, SECOND) == {"李四": ("R01", D(2)), "赵六": ("J03", D(-2))}
    assert result.capped == ["张三"] and result.excused == ["王五"]
    assert "生成积分记录 2 条" in result.summary
    # priced again after the save: now 李四's R01 is used as well
    assert _outlook(store, people)["李四"][P].capped == CapHit("R01", "10月", D(2), D(2), D(0), 1)


def test_a_cap_with_less_left_than_one_attendance_records_nothing_and_says_what_is_left(store, admin, people):
    r01 = village_year_item(store, "R01")
    rulesets.save_rule_item(store, admin, 2026, dataclasses.replace(r01, cap=D(3)))
    _meet(store, admin, people, {"张三": P}, on=FIRST)
    assert _outlook(store, people)["张三"][P] == AttendanceOutlook("R01", capped=CapHit("R01", "10月", D(3), D(2), D(1), 1))
    result = _meet(store, admin, people, {"张三": P, "赵六": P})
    assert _recorded_on(store, SECOND) == {"赵六": ("R01", D(2))}  # a fixed item is never cut to what is left
    assert result.capped == ["张三"]


def test_a_deduction_past_its_cap_is_shown_as_a_refusal_as_the_save_refuses_it(store, admin, people):
    j03 = village_year_item(store, "J03")
    rulesets.save_rule_item(store, admin, 2026, dataclasses.replace(j03, cap=D(2), cap_period=CapPeriod.MONTH))
    _meet(store, admin, people, {"赵六": A}, on=FIRST)
    seen = _outlook(store, people)["赵六"]
    assert seen[A].capped == CapHit("J03", "10月", D(2), D(2), D(0), -1) and "最多还能记 0 分" in seen[A].refused
    assert seen[P] == AttendanceOutlook("R01", D(2))
    with pytest.raises(BatchRejected) as caught:
        _meet(store, admin, people, {"赵六": A, "张三": P})
    assert [line.member_name for line in caught.value.errors] == ["赵六"]


def test_a_branch_is_priced_in_a_few_queries_not_one_a_member(store, admin, people):
    many = {f"党员{n:02d}": add(store, admin, f"党员{n:02d}") for n in range(30)}
    _meet(store, admin, many, {name: P for name in list(many)[:10]}, on=FIRST)
    found = {}
    sent = statements_sent(
        store, lambda: found.update(attendance_outlook(store, MeetingKind.THEME_DAY, SECOND, list(many.values()), today=TODAY))
    )
    assert len([s for s in sent if "FROM points_entries" in s]) == 1 and len([s for s in sent if "FROM members" in s]) == 1
    assert len(sent) < 10
    capped = sorted(name for name, member_id in many.items() if found[member_id][P].capped is not None)
    assert capped == list(many)[:10]


def village_year_item(store, code):
    return rulesets.get_rule_set(store, 2026).rule_set.item(code)
