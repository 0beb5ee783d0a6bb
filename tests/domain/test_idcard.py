"""ID numbers (GB 11643-1999), phone numbers and their masking."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.domain.enums import Gender
from app.domain.errors import ValidationError
from app.domain.idcard import (
    birth_date_from_id,
    gender_from_id,
    id_check_char,
    validate_id_number,
    validate_phone,
)

TODAY = date(2026, 6, 15)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def gb11643_check(first17: str) -> str:
    """The check character, derived independently of the app's table.

    Weight of position i (1-based from the left) is 2^(18-i) mod 11; the check value is
    (12 - S mod 11) mod 11, written X when it is 10.
    """
    total = sum(int(digit) * (2 ** (17 - index) % 11) for index, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_id(first17: str) -> str:
    return first17 + gb11643_check(first17)


def assert_chinese_error(excinfo, fragment: str) -> None:
    message = excinfo.value.message
    assert CHINESE.search(message), message
    assert fragment in message, message
    assert str(excinfo.value) == message


# ---- the check character -------------------------------------------------------------------


def test_independent_check_char_matches_the_published_sample():
    # The sample number printed in GB 11643 itself is 11010519491231002X.
    assert gb11643_check("11010519491231002") == "X"
    assert gb11643_check("11010519900307123") == "9"
    assert gb11643_check("44030419850615234") == "4"


@pytest.mark.parametrize(
    "first17", ["11010519491231002", "11010519900307123", "44030419850615234", "51010020000229001"]
)
def test_app_check_char_agrees_with_independent_computation(first17):
    assert id_check_char(first17) == gb11643_check(first17)


# ---- validate_id_number accepts ------------------------------------------------------------


def test_accepts_valid_number():
    number = make_id("11010519491231002")
    assert number == "11010519491231002X"
    assert validate_id_number(number, today=TODAY) == "11010519491231002X"


def test_accepts_valid_number_with_digit_check_char():
    assert validate_id_number("110105199003071239", today=TODAY) == "110105199003071239"


def test_lower_case_x_is_normalised_to_upper_case():
    assert validate_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"


def test_spaces_around_and_inside_are_removed():
    assert validate_id_number(" 110105 19491231 002x ", today=TODAY) == "11010519491231002X"


def test_leap_day_birth_date_is_valid():
    number = make_id("51010020000229001")
    assert validate_id_number(number, today=TODAY) == number
    assert birth_date_from_id(number) == date(2000, 2, 29)


def test_birth_today_is_accepted():
    number = make_id("11010520260615001")
    assert validate_id_number(number, today=TODAY) == number


# ---- validate_id_number rejects ------------------------------------------------------------


@pytest.mark.parametrize(
    "text, length",
    [("1101051949123100", 16), ("11010519491231002", 17), ("11010519491231002X1", 19), ("", 0)],
)
def test_rejects_wrong_length(text, length):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(text, today=TODAY)
    assert_chinese_error(excinfo, f"现在是 {length} 位")
    assert "18 位" in excinfo.value.message


def test_rejects_none_as_empty():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(None, today=TODAY)
    assert_chinese_error(excinfo, "现在是 0 位")


@pytest.mark.parametrize(
    "text",
    [
        "1101051949123100AX",  # a letter among the first 17
        "A1010519491231002X",
        "11010519491231002Y",  # last character neither digit nor X
        "110105-9491231002X",
    ],
)
def test_rejects_letters_and_symbols(text):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(text, today=TODAY)
    assert_chinese_error(excinfo, "前 17 位必须是数字")


@pytest.mark.parametrize(
    "first17",
    [
        "11010519491331002",  # month 13
        "11010519490001002",  # month 0
        "11010519490230002",  # 30 February
        "11010520250229002",  # 29 February in a common year
        "11010519491232002",  # day 32
    ],
)
def test_rejects_impossible_birth_date(first17):
    # the check character is right, so only the date is wrong
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(make_id(first17), today=TODAY)
    assert_chinese_error(excinfo, "出生日期不存在")


@pytest.mark.parametrize(
    "first17",
    [
        "11010520300101002",  # born in 2030
        "11010520260616002",  # born tomorrow
        "11010518991231002",  # before 1900
    ],
)
def test_rejects_unreasonable_birth_date(first17):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(make_id(first17), today=TODAY)
    assert_chinese_error(excinfo, "出生日期不合理")


@pytest.mark.parametrize("position", [0, 1, 2, 3, 4, 5, 14, 15, 16])
def test_rejects_one_digit_changed(position):
    good = make_id("11010519491231002")
    digit = good[position]
    changed = str((int(digit) + 1) % 10)
    bad = good[:position] + changed + good[position + 1 :]
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(bad, today=TODAY)
    assert_chinese_error(excinfo, "校验位不对")


def test_rejects_wrong_check_char():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number("110105194912310020", today=TODAY)
    assert_chinese_error(excinfo, "校验位不对")


def test_rejects_two_adjacent_digits_swapped():
    good = make_id("11010519900307123")  # ...123 9
    swapped = good[:14] + good[15] + good[14] + good[16:]  # 132 instead of 123
    assert swapped != good
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(swapped, today=TODAY)
    assert_chinese_error(excinfo, "校验位不对")


def test_non_ascii_digit_character_gives_validation_error_not_value_error():
    good = make_id("11010519491231002")
    odd = "²" + good[1:]  # superscript two: '²'.isdigit() is True but int('²') fails
    with pytest.raises(ValidationError):
        validate_id_number(odd, today=TODAY)


# ---- gender and birth date -----------------------------------------------------------------


def test_gender_from_id_even_17th_digit_is_female():
    assert gender_from_id("11010519491231002X") is Gender.FEMALE


def test_gender_from_id_odd_17th_digit_is_male():
    assert gender_from_id("110105199003071239") is Gender.MALE
    assert gender_from_id(make_id("11010519900307129")) is Gender.MALE


def test_birth_date_from_id():
    assert birth_date_from_id("11010519491231002X") == date(1949, 12, 31)


# ---- validate_phone ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("13800138000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("0755-12345678", "0755-12345678"),
        ("01012345678", "01012345678"),
        ("0351-1234567", "0351-1234567"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_validate_phone_accepts(text, expected):
    assert validate_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "23800138000",  # mobile must start with 1
        "12345",
        "abc",
        "1380013800O",  # letter O instead of zero
        "075512345",  # landline too short
    ],
)
def test_validate_phone_rejects(text):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(text)
    assert_chinese_error(excinfo, "11 位数字")
    assert text in excinfo.value.message
