"""Attendance maps to the rule set's items both ways (village_100: present R01 +2, absent J01/J03/J04,
late J02, excused nothing; exempt members nothing; an earning item outside the member's classes nothing)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.enums import Attendance, MemberClass
from app.domain.rules import AttendanceEffect
from app.domain.ruleset_format import rule_set_from_dict, rule_set_to_dict

P, E, A, L = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.LATE
NO_POST, FRAIL = MemberClass.NO_POST, MemberClass.EXEMPT_FRAIL


@pytest.mark.parametrize(
    "kind, status, member_class, effect",
    [
        ("branch_assembly", P, NO_POST, AttendanceEffect("R01")),
        ("theme_day", P, NO_POST, AttendanceEffect("R01")),
        ("branch_assembly", A, NO_POST, AttendanceEffect("J01")),
        ("theme_day", A, NO_POST, AttendanceEffect("J03")),
        ("study", A, NO_POST, AttendanceEffect("J04")),
        ("study", L, NO_POST, AttendanceEffect("J02")),
        ("study", E, NO_POST, AttendanceEffect()),
        ("theme_day", P, FRAIL, AttendanceEffect(exempt=True)),  # exempt: earns nothing
        ("theme_day", A, FRAIL, AttendanceEffect(exempt=True)),  # J03 is exempt_excused
        ("theme_day", E, FRAIL, AttendanceEffect()),
    ],
)
def test_village_attendance_both_ways(village, kind, status, member_class, effect):
    assert village.attendance_effect(kind, status, member_class) == effect
    assert village.item("R01").value == 2 and village.item("R01").cap == 2  # +2, once a month


def test_an_earning_item_outside_the_members_classes_records_nothing(village):
    only_cadres = replace(village.item("R01"), classes=frozenset({MemberClass.CADRE}))
    rules = replace(village, items=tuple(only_cadres if i.code == "R01" else i for i in village.items))
    assert rules.attendance_effect("theme_day", P, NO_POST) == AttendanceEffect()
    assert rules.attendance_effect("theme_day", P, MemberClass.CADRE) == AttendanceEffect("R01")


def test_the_present_item_survives_a_round_trip_through_the_readable_format(village):
    again = rule_set_from_dict(rule_set_to_dict(village), 2026)
    assert again.attendance_item("committee", P) == "R01"
    assert {r.attendance for r in again.attendance_rules if r.item_code} == {P, A, L}
