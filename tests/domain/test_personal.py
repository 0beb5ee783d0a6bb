"""Masking of members' personal data (app/domain/personal.py)."""

from datetime import date

import pytest

from app.domain.personal import mask_birth_date, mask_id_number, mask_phone, masked_change


def test_an_id_number_shows_its_first_six_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("110105491231002") == "110105*****1002"


@pytest.mark.parametrize("value, expected", [(None, ""), ("", ""), ("1234567", "*******"), ("123", "***"), ("12345678", "123*5678")])
def test_short_and_empty_id_numbers_show_no_more_than_before(value, expected):
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("13800138000", "138****8000"),
        (" 13800138000 ", "138****8000"),
        ("010-12345678", "010****5678"),
        ("12345678", "12****78"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, expected):
    assert mask_phone(value) == expected


def test_mask_phone_seven_digits_hides_something():
    masked = mask_phone("1234567")
    assert len([ch for ch in masked if ch != "*"]) < 7, masked


def test_a_birth_date_shows_its_year_and_an_audit_change_is_masked():
    assert mask_birth_date(date(1968, 3, 9)) == "1968年" and mask_birth_date(None) == ""
    assert masked_change("id_number", "", "11010519491231002X") == ["", "110105********002X"]
    assert masked_change("phone", "13800138000", "13900139000") == ["138****8000", "139****9000"]
