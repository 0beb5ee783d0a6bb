"""price_entry and remaining_cap against the shipped templates (2026 rule sets)."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Category, MemberClass, MemberStatus
from app.domain.errors import CapExceeded, RuleViolation, ValidationError
from app.domain.rules import CountedLine, MemberFacts, price_entry, remaining_cap

TODAY = date(2026, 12, 31)
CHINESE = re.compile(r"[\u4e00-\u9fff]")

ZHANG = MemberFacts("张三", MemberClass.IN_SERVICE)
LI_NO_POST = MemberFacts("李四", MemberClass.NO_POST)
WANG_FRAIL = MemberFacts("王五", MemberClass.EXEMPT_FRAIL)


def price(rule_set, code, day, quantity="1", chosen=None, counted=(), member=ZHANG, today=TODAY):
    return price_entry(
        rule_set,
        rule_set.item(code),
        member,
        day,
        Decimal(quantity),
        None if chosen is None else Decimal(chosen),
        list(counted),
        today,
    )


def line(rule_set, code, day, pts):
    item = rule_set.item(code)
    return CountedLine(code, item.category, day, Decimal(pts), item.outside_cap)


def refused(exc_type, fn, *args, **kwargs):
    with pytest.raises(exc_type) as excinfo:
        fn(*args, **kwargs)
    assert CHINESE.search(excinfo.value.message), excinfo.value.message
    return excinfo.value


# ---- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, quantity, expected",
    [("J01", "1", "-2.00"), ("J01", "3", "-6.00"), ("J02", "2", "-1.00"), ("B02", "2", "2.00"), ("R01", "1", "2.00")],
)
def test_fixed_item_is_value_times_quantity(village, code, quantity, expected):
    result = price(village, code, date(2026, 3, 5), quantity)
    assert result == Decimal(expected)
    assert str(result) == expected  # two places, as stored


def test_fixed_item_accepts_chosen_points_equal_to_value(village):
    assert price(village, "J01", date(2026, 3, 5), "2", chosen="-4") == Decimal("-4.00")


def test_fixed_item_refuses_other_chosen_points(village):
    exc = refused(RuleViolation, price, village, "J01", date(2026, 3, 5), "1", chosen="-1")
    assert "固定分值 -2 分/次" in exc.message
    assert "-1 分" in exc.message


@pytest.mark.parametrize("chosen, expected", [("1", "1.00"), ("2.5", "2.50"), ("4", "4.00")])
def test_range_item_takes_chosen_points_inside_range(village, chosen, expected):
    assert price(village, "R02", date(2026, 3, 20), chosen=chosen) == Decimal(expected)


@pytest.mark.parametrize("chosen, shown", [("5", "5"), ("0.5", "0.5"), ("4.01", "4.01"), ("-1", "-1")])
def test_range_item_refuses_points_outside_range(village, chosen, shown):
    exc = refused(RuleViolation, price, village, "R02", date(2026, 3, 20), chosen=chosen)
    assert not isinstance(exc, CapExceeded)
    assert "1 至 4 分" in exc.message
    assert f"{shown} 分超出了范围" in exc.message


def test_range_item_without_chosen_points_is_refused(village):
    exc = refused(ValidationError, price, village, "R02", date(2026, 3, 20))
    assert "1 至 4 分" in exc.message


def test_range_item_with_quantity_two_is_refused(village):
    exc = refused(ValidationError, price, village, "R02", date(2026, 3, 20), "2", chosen="3")
    assert "只记一次" in exc.message


def test_negative_range_item(village):
    # K02 在群众中造成不良影响: −10 to −3
    assert price(village, "K02", date(2026, 4, 1), chosen="-5") == Decimal("-5.00")
    exc = refused(RuleViolation, price, village, "K02", date(2026, 4, 1), chosen="-11")
    assert "-10 至 -3 分" in exc.message


def test_per_unit_item_volunteer_hours(village):
    # B01 参加志愿服务: 1 point per hour
    result = price(village, "B01", date(2026, 5, 1), "2.5")
    assert result == Decimal("2.50")
    assert str(result) == "2.50"


def test_per_unit_item_refuses_hand_written_points(village):
    exc = refused(RuleViolation, price, village, "B01", date(2026, 5, 1), "2", chosen="3")
    assert "按小时计分" in exc.message


def test_per_unit_item_accepts_matching_chosen_points(village):
    assert price(village, "B01", date(2026, 5, 1), "2", chosen="2") == Decimal("2.00")


@pytest.mark.parametrize("code, chosen", [("J01", None), ("R02", "3"), ("B01", None)])
@pytest.mark.parametrize("quantity", ["0", "-1", "-0.5"])
def test_zero_or_negative_quantity_is_refused(village, code, chosen, quantity):
    exc = refused(ValidationError, price, village, code, date(2026, 5, 1), quantity, chosen=chosen)
    assert "数量必须大于 0" in exc.message


@pytest.mark.parametrize("code", ["J01", "B01"])
def test_a_count_past_what_one_entry_can_hold_is_refused(village, code):
    """9999 absences at −2 each were priced −19998 and saved; 100 times or hours is the most."""
    assert price(village, "J01", date(2026, 5, 1), "100") == Decimal(-200)
    for quantity in ("100.5", "9999"):
        exc = refused(ValidationError, price, village, code, date(2026, 5, 1), quantity)
        assert "最多 100" in exc.message and "不合理" in exc.message


@pytest.mark.parametrize("quantity", ["1.5", "0.5", "2.01"])
def test_fractional_quantity_for_fixed_item_is_refused(village, quantity):
    exc = refused(ValidationError, price, village, "J01", date(2026, 5, 1), quantity)
    assert "次数必须是整数" in exc.message


def test_whole_number_written_with_decimals_is_accepted_for_fixed_item(village):
    assert price(village, "B02", date(2026, 5, 1), "2.00") == Decimal("2.00")


# ---- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2025, 12, 31), date(2027, 1, 1)])
def test_date_in_another_year_is_refused(village, day):
    exc = refused(RuleViolation, price, village, "J01", day, today=date(2027, 6, 1))
    assert f"{day.year}年{day.month}月{day.day}日" in exc.message
    assert "2026 年细则" in exc.message


def test_future_date_is_refused(village):
    exc = refused(RuleViolation, price, village, "J01", date(2026, 6, 16), today=date(2026, 6, 15))
    assert "2026年6月16日" in exc.message
    assert "还没到" in exc.message


def test_today_is_allowed(village):
    assert price(village, "J01", date(2026, 6, 15), today=date(2026, 6, 15)) == Decimal("-2.00")


def test_entry_before_member_joined_branch_is_refused(village):
    member = MemberFacts("赵六", MemberClass.IN_SERVICE, in_branch_since=date(2026, 3, 1))
    exc = refused(RuleViolation, price, village, "J01", date(2026, 2, 28), member=member)
    assert "2026年3月1日" in exc.message
    assert price(village, "J01", date(2026, 3, 1), member=member) == Decimal("-2.00")


@pytest.mark.parametrize("status", [MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED])
def test_member_who_left_is_refused_after_leaving(village, status):
    member = MemberFacts("钱七", MemberClass.IN_SERVICE, status=status, left_on=date(2026, 6, 30))
    exc = refused(RuleViolation, price, village, "R01", date(2026, 7, 1), member=member)
    assert "钱七" in exc.message
    assert "已于2026年6月30日" in exc.message
    assert status.label.removeprefix("已") in exc.message and "已已" not in exc.message
    # before leaving the entry is fine
    assert price(village, "R01", date(2026, 6, 29), member=member) == Decimal("2.00")


def test_active_member_with_left_on_is_not_refused(village):
    member = MemberFacts("孙八", MemberClass.IN_SERVICE, status=MemberStatus.ACTIVE, left_on=date(2026, 6, 30))
    assert price(village, "R01", date(2026, 7, 1), member=member) == Decimal("2.00")


# ---- member classes and exemptions ---------------------------------------------------------


def test_item_restricted_to_class_is_refused_for_other_class(post_duty):
    exc = refused(RuleViolation, price, post_duty, "G01", date(2026, 3, 31), chosen="4", member=ZHANG)
    assert "只适用于无职党员" in exc.message
    assert "张三是在职党员" in exc.message


def test_item_restricted_to_class_is_allowed_for_that_class(post_duty):
    assert price(post_duty, "G01", date(2026, 3, 31), chosen="4.5", member=LI_NO_POST) == Decimal("4.50")


def test_item_for_two_classes_lists_both(post_duty):
    exc = refused(RuleViolation, price, post_duty, "G04", date(2026, 3, 31), chosen="2", member=ZHANG)
    assert "无职党员、离退休党员" in exc.message
    retired = MemberFacts("周九", MemberClass.RETIRED)
    assert price(post_duty, "G04", date(2026, 3, 31), chosen="2", member=retired) == Decimal("2.00")


@pytest.mark.parametrize("code", ["J01", "J02", "J03", "J04"])
def test_exempt_frail_member_is_refused_for_exempt_excused_items(village, code):
    exc = refused(RuleViolation, price, village, code, date(2026, 4, 10), member=WANG_FRAIL)
    assert "王五" in exc.message
    assert "免于" in exc.message


def test_exempt_frail_member_still_pays_dues_deduction(village):
    # J05 未按时缴纳党费 is not exempt_excused
    assert price(village, "J05", date(2026, 4, 10), member=WANG_FRAIL) == Decimal("-2.00")


def test_exempt_excused_item_applies_to_other_classes(village):
    assert price(village, "J01", date(2026, 4, 10), member=LI_NO_POST) == Decimal("-2.00")


def test_inactive_item_is_refused(village):
    stopped = dataclasses.replace(village.item("B02"), active=False)
    with pytest.raises(RuleViolation) as excinfo:
        price_entry(village, stopped, ZHANG, date(2026, 4, 1), Decimal("1"), None, [], TODAY)
    assert "已停用" in excinfo.value.message


# ---- item caps -----------------------------------------------------------------------------


def test_second_r01_in_same_month_is_refused_with_nothing_left(village):
    counted = [line(village, "R01", date(2026, 3, 5), "2")]
    exc = refused(CapExceeded, price, village, "R01", date(2026, 3, 28), counted=counted)
    assert exc.allowed == Decimal("0")
    assert "每月最多 2 分" in exc.message
    assert "2026年3月" in exc.message
    assert "已记 2 分" in exc.message
    assert "本次最多还能记 0 分" in exc.message


def test_r01_next_month_is_fine(village):
    counted = [line(village, "R01", date(2026, 3, 5), "2")]
    assert price(village, "R01", date(2026, 4, 1), counted=counted) == Decimal("2.00")


def test_r01_cap_ignores_lines_of_other_items_and_other_years(village):
    counted = [
        line(village, "R02", date(2026, 3, 5), "4"),
        CountedLine("R01", Category.DUTY, date(2025, 3, 5), Decimal("2")),
    ]
    assert price(village, "R01", date(2026, 3, 6), counted=counted) == Decimal("2.00")


def test_reversed_r01_frees_the_month_again(village):
    counted = [line(village, "R01", date(2026, 3, 5), "2"), line(village, "R01", date(2026, 3, 5), "-2")]
    assert price(village, "R01", date(2026, 3, 20), counted=counted) == Decimal("2.00")


def test_range_item_monthly_cap_leaves_remaining(village):
    counted = [line(village, "R02", date(2026, 3, 5), "3")]
    exc = refused(CapExceeded, price, village, "R02", date(2026, 3, 20), chosen="2", counted=counted)
    assert exc.allowed == Decimal("1")
    assert "本次最多还能记 1 分" in exc.message
    assert price(village, "R02", date(2026, 3, 20), chosen="1", counted=counted) == Decimal("1.00")


def test_volunteer_hours_yearly_cap(village):
    # B01: 1 point per hour, at most 6 a year; 5 hours already (in two months), 2 more asked
    counted = [line(village, "B01", date(2026, 3, 1), "3"), line(village, "B01", date(2026, 5, 1), "2")]
    exc = refused(CapExceeded, price, village, "B01", date(2026, 10, 1), "2", counted=counted)
    assert exc.allowed == Decimal("1")
    assert "每年最多 6 分" in exc.message
    assert "已记 5 分" in exc.message
    assert "本次最多还能记 1 分（1 小时）" in exc.message
    assert price(village, "B01", date(2026, 10, 1), "1", counted=counted) == Decimal("1.00")


def test_volunteer_hours_cap_with_half_hours(village):
    counted = [line(village, "B01", date(2026, 3, 1), "4.5")]
    exc = refused(CapExceeded, price, village, "B01", date(2026, 10, 1), "2", counted=counted)
    assert exc.allowed == Decimal("1.5")
    assert "本次最多还能记 1.5 分（1.5 小时）" in exc.message


# ---- category caps -------------------------------------------------------------------------


def test_bonus_category_cap_refuses_range_item(village):
    # bonus is capped at 10 a year; eight letters of thanks (B02, +1 each) already
    counted = [line(village, "B02", date(2026, m, 3), "1") for m in range(1, 9)]
    exc = refused(CapExceeded, price, village, "B04", date(2026, 9, 1), chosen="3", counted=counted)
    assert exc.allowed == Decimal("2")
    assert "加分每年最多 10 分" in exc.message
    assert "已记 8 分" in exc.message
    assert "本次最多还能记 2 分" in exc.message
    assert price(village, "B04", date(2026, 9, 1), chosen="2", counted=counted) == Decimal("2.00")


def test_bonus_category_full_refuses_fixed_item(village):
    counted = [line(village, "B02", date(2026, m, 3), "1") for m in range(1, 11)]
    exc = refused(CapExceeded, price, village, "B03", date(2026, 11, 1), counted=counted)
    assert exc.allowed == Decimal("0")


def test_outside_cap_award_allowed_when_bonus_full(village):
    counted = [line(village, "B02", date(2026, m, 3), "1") for m in range(1, 11)]
    assert price(village, "B05", date(2026, 11, 11), chosen="8", counted=counted) == Decimal("8.00")


def test_outside_cap_award_does_not_use_up_the_bonus_cap(village):
    counted = [line(village, "B05", date(2026, 2, 1), "10")] + [
        line(village, "B02", date(2026, m, 3), "1") for m in range(3, 8)
    ]
    # only the five B02 points count against the 10-point bonus cap
    assert price(village, "B04", date(2026, 9, 1), chosen="5", counted=counted) == Decimal("5.00")


def test_duty_category_cap_70_a_year(village):
    # 11 months of R01 2 + R02 4 = 66 duty points; December: R01 2 fits (68), R02 4 does not
    counted = []
    for month in range(1, 12):
        counted.append(line(village, "R01", date(2026, month, 10), "2"))
        counted.append(line(village, "R02", date(2026, month, 25), "4"))
    assert price(village, "R01", date(2026, 12, 10), counted=counted) == Decimal("2.00")
    counted.append(line(village, "R01", date(2026, 12, 10), "2"))
    exc = refused(CapExceeded, price, village, "R02", date(2026, 12, 25), chosen="4", counted=counted)
    assert exc.allowed == Decimal("2")
    assert "履职分每年最多 70 分" in exc.message
    assert "已记 68 分" in exc.message


def test_quarterly_bonus_cap_in_post_duty(post_duty):
    # Scheme B: bonus at most 20 per quarter
    counted = [line(post_duty, "B01", date(2026, 2, 1), "15")] + [
        line(post_duty, "B02", date(2026, 3, d), "1") for d in range(1, 6)
    ]
    exc = refused(CapExceeded, price, post_duty, "B02", date(2026, 3, 31), counted=counted, member=LI_NO_POST)
    assert exc.allowed == Decimal("0")
    assert "加分每季度最多 20 分" in exc.message
    assert "2026年第1季度" in exc.message
    assert price(post_duty, "B02", date(2026, 4, 1), counted=counted, member=LI_NO_POST) == Decimal("1.00")


def test_zero_value_range_entry_passes_full_cap(post_duty):
    # G01 0–4.5 with a month cap of 4.5: a 0 rating adds nothing, so the cap does not stop it
    counted = [line(post_duty, "G01", date(2026, 3, 1), "4.5")]
    assert price(post_duty, "G01", date(2026, 3, 31), chosen="0", counted=counted, member=LI_NO_POST) == Decimal("0")


# ---- remaining_cap -------------------------------------------------------------------------


def test_remaining_cap_fresh_member(village):
    day = date(2026, 3, 1)
    assert remaining_cap(village, village.item("R01"), day, []) == Decimal("2")
    assert remaining_cap(village, village.item("R02"), day, []) == Decimal("4")
    assert remaining_cap(village, village.item("B01"), day, []) == Decimal("6")
    assert remaining_cap(village, village.item("B04"), day, []) == Decimal("10")


def test_remaining_cap_none_without_any_cap(village):
    day = date(2026, 3, 1)
    assert remaining_cap(village, village.item("B05"), day, []) is None  # outside the bonus cap
    assert remaining_cap(village, village.item("J01"), day, []) is None
    assert remaining_cap(village, village.item("V01"), day, []) is None


def test_remaining_cap_per_month(village):
    counted = [line(village, "R01", date(2026, 3, 5), "2")]
    assert remaining_cap(village, village.item("R01"), date(2026, 3, 30), counted) == Decimal("0")
    assert remaining_cap(village, village.item("R01"), date(2026, 4, 1), counted) == Decimal("2")


def test_remaining_cap_is_smallest_of_item_and_category(village):
    counted = [line(village, "B02", date(2026, m, 3), "1") for m in range(1, 9)]
    assert remaining_cap(village, village.item("B01"), date(2026, 9, 1), counted) == Decimal("2")
    counted = [line(village, "B01", date(2026, 2, 1), "5")]
    assert remaining_cap(village, village.item("B01"), date(2026, 9, 1), counted) == Decimal("1")
    assert remaining_cap(village, village.item("B04"), date(2026, 9, 1), counted) == Decimal("5")


def test_remaining_cap_never_negative(village):
    counted = [line(village, "B02", date(2026, m, 3), "1") for m in range(1, 13)]  # 12 > 10 (imported)
    assert remaining_cap(village, village.item("B04"), date(2026, 12, 20), counted) == Decimal("0")


def test_remaining_cap_duty_in_december(village):
    counted = []
    for month in range(1, 12):
        counted.append(line(village, "R01", date(2026, month, 10), "2"))
        counted.append(line(village, "R02", date(2026, month, 25), "4"))
    counted.append(line(village, "R01", date(2026, 12, 10), "2"))
    assert remaining_cap(village, village.item("R02"), date(2026, 12, 25), counted) == Decimal("2")


def test_cap_exceeded_allowed_agrees_with_remaining_cap_when_both_caps_bind(village):
    # B01 (1 point/hour, 6 a year): 5 hours used; bonus (10 a year): 5 + five B02 = 10 used
    counted = [line(village, "B01", date(2026, 2, 1), "5")] + [
        line(village, "B02", date(2026, m, 3), "1") for m in range(3, 8)
    ]
    day = date(2026, 9, 1)
    assert remaining_cap(village, village.item("B01"), day, counted) == Decimal("0")
    with pytest.raises(CapExceeded) as excinfo:
        price(village, "B01", day, "2", counted=counted)
    assert excinfo.value.allowed == Decimal("0")


@pytest.mark.parametrize("quantity", ["1E+27", "Infinity"])
def test_absurd_quantity_is_a_validation_error(village, quantity):
    with pytest.raises(ValidationError):
        price(village, "B02", date(2026, 4, 1), quantity)
