"""Months, quarters, years; pinyin search; two-place points."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import CapPeriod
from app.domain.errors import ValidationError
from app.domain.names import name_matches, pinyin_keys
from app.domain.periods import Month, parse_year, period_bounds, period_label, quarter_months, quarter_of
from app.domain.points import ZERO, format_points, from_hundredths, points, to_hundredths

D = Decimal
CHINESE = re.compile(r"[\u4e00-\u9fff]")


# ---- Month ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, year, month",
    [
        ("2026-10", 2026, 10),
        ("2026/1", 2026, 1),
        ("2026年10月", 2026, 10),
        ("2026年3月", 2026, 3),
        ("2026.03", 2026, 3),
        (" 2026 - 12 ", 2026, 12),
        ("2026年1", 2026, 1),
    ],
)
def test_month_parse_accepts(text, year, month):
    assert Month.parse(text) == Month(year, month)


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "abc", "", "26-10", "2026-10-01", "2026年", "二〇二六年十月"])
def test_month_parse_rejects(text):
    with pytest.raises(ValidationError) as excinfo:
        Month.parse(text)
    assert CHINESE.search(excinfo.value.message)


def test_month_parse_rejects_none():
    with pytest.raises(ValidationError):
        Month.parse(None)


def test_month_13_message_names_it():
    with pytest.raises(ValidationError) as excinfo:
        Month.parse("2026-13")
    assert "2026年13月" in excinfo.value.message


def test_month_text_forms():
    month = Month(2026, 3)
    assert str(month) == "2026-03"
    assert month.label == "2026年3月"
    assert month.quarter == 1
    assert Month(2026, 10).quarter == 4


@pytest.mark.parametrize(
    "year, month, last",
    [(2026, 1, 31), (2026, 2, 28), (2024, 2, 29), (2026, 4, 30), (2026, 12, 31)],
)
def test_month_first_and_last_day(year, month, last):
    m = Month(year, month)
    assert m.first_day == date(year, month, 1)
    assert m.last_day == date(year, month, last)


def test_months_order():
    assert Month(2025, 12) < Month(2026, 1) < Month(2026, 2)
    assert Month.of(date(2026, 7, 31)) == Month(2026, 7)


# ---- quarters and bounds -------------------------------------------------------------------


@pytest.mark.parametrize("month, quarter", [(1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (9, 3), (10, 4), (12, 4)])
def test_quarter_of(month, quarter):
    assert quarter_of(date(2026, month, 15)) == quarter


def test_quarter_months():
    assert quarter_months(2026, 1) == [Month(2026, 1), Month(2026, 2), Month(2026, 3)]
    assert quarter_months(2026, 4) == [Month(2026, 10), Month(2026, 11), Month(2026, 12)]


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_quarter_months_rejects(quarter):
    with pytest.raises(ValidationError) as excinfo:
        quarter_months(2026, quarter)
    assert "季度应为 1 到 4" in excinfo.value.message


@pytest.mark.parametrize(
    "day, start, end",
    [
        (date(2026, 5, 15), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 9, 30), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarter_bounds(day, start, end):
    assert period_bounds(CapPeriod.QUARTER, day) == (start, end)


def test_month_and_year_bounds():
    assert period_bounds(CapPeriod.MONTH, date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_bounds(CapPeriod.MONTH, date(2026, 12, 10)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_bounds(CapPeriod.YEAR, date(2026, 6, 1)) == (date(2026, 1, 1), date(2026, 12, 31))


def test_period_labels():
    day = date(2026, 8, 8)
    assert period_label(CapPeriod.MONTH, day) == "2026年8月"
    assert period_label(CapPeriod.QUARTER, day) == "2026年第3季度"
    assert period_label(CapPeriod.YEAR, day) == "2026年"


@pytest.mark.parametrize("text, year", [("2026", 2026), (" 2026年 ", 2026), ("1900", 1900)])
def test_parse_year_accepts(text, year):
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["26", "abc", "", "1899", "3000", "2026-01"])
def test_parse_year_rejects(text):
    with pytest.raises(ValidationError) as excinfo:
        parse_year(text)
    assert "四位数的年份" in excinfo.value.message


# ---- names ---------------------------------------------------------------------------------


def test_pinyin_keys():
    assert pinyin_keys("张三") == ("zhangsan", "zs")
    assert pinyin_keys("李小龙") == ("lixiaolong", "lxl")


def test_pinyin_keys_keep_non_chinese_characters():
    full, initials = pinyin_keys("王A")
    assert full.startswith("wang")
    assert initials.startswith("w")


@pytest.mark.parametrize("query", ["zs", "ZS", "zhang", "zhangs", "san", "张", "三", "张三", " zs ", ""])
def test_name_matches(query):
    assert name_matches(query, "张三", *pinyin_keys("张三")) is True


@pytest.mark.parametrize("query", ["ls", "li", "李", "zsx", "三张", "zhangsi"])
def test_name_does_not_match(query):
    assert name_matches(query, "张三", *pinyin_keys("张三")) is False


# ---- points --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [("2", "2.00"), (3, "3.00"), ("-0.5", "-0.50"), ("2.345", "2.35"), ("-2.345", "-2.35"), (D("1.005"), "1.01")],
)
def test_points_two_places_half_up(value, expected):
    result = points(value)
    assert result == D(expected)
    assert str(result) == expected


def test_points_reads_floats_as_printed_and_refuses_junk():
    assert points(1.5) == D("1.50")  # floats are read through str(); see tests/domain/test_points_input.py
    with pytest.raises(ValueError):
        points("abc")
    with pytest.raises(ValueError):
        points("Infinity")


@pytest.mark.parametrize(
    "value, text",
    [(D("12.00"), "12"), (D("100"), "100"), (D("-0.50"), "-0.5"), (D("3.25"), "3.25"), (D("0"), "0"), (D("-0.00"), "0")],
)
def test_format_points(value, text):
    assert format_points(value) == text


def test_hundredths_round_trip():
    assert to_hundredths(D("-0.5")) == -50
    assert to_hundredths(D("99.99")) == 9999
    assert from_hundredths(-50) == D("-0.50")
    assert str(from_hundredths(9999)) == "99.99"
    assert from_hundredths(0) == ZERO
