"""What `points()` makes of a value from a widget or a file: floats, blanks and junk.

Floats are read through str() (the shortest decimal that prints as the float), so a clerk's
0.5 from a spin box is exactly 0.5; anything that is not a finite number is refused with a
sentence for the clerk (InvalidNumber, a ValidationError), never a bare TypeError.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.errors import ValidationError
from app.domain.points import LARGEST, InvalidNumber, exact_points, format_points, points

D = Decimal


@pytest.mark.parametrize(
    "value, expected",
    [
        (0.5, "0.50"),
        (-0.5, "-0.50"),
        (2.0, "2.00"),
        (0.1, "0.10"),  # not 0.1000000000000000055…
        (0.1 + 0.2, "0.30"),  # 0.30000000000000004, rounded like any typed value
        (1.005, "1.01"),  # str(1.005) is '1.005': half up as typed, not 1.00 as the binary value
        (99.99, "99.99"),
    ],
)
def test_a_float_is_read_as_it_prints(value, expected):
    result = points(value)
    assert result == D(expected) and str(result) == expected


@pytest.mark.parametrize(
    "value, sentence",
    [
        (float("nan"), "“nan”不是有效的数字。"),
        (float("inf"), "“inf”不是有效的数字。"),
        (1e20, "数字“1e+20”不合理，请检查是否多输了位数。"),
        (None, "没有填写数字。"),
        ("  ", "没有填写数字。"),
        (True, "“是”不是数字，请填写分值或数量。"),
        ("三分", "“三分”不是有效的数字。"),
        ([1], "“[1]”不是有效的数字。"),
    ],
)
def test_junk_gets_the_clerks_sentence(value, sentence):
    with pytest.raises(InvalidNumber) as raised:
        points(value)
    assert raised.value.message == sentence
    assert isinstance(raised.value, ValidationError)


def test_the_typing_limit_is_for_typed_input_only():
    with pytest.raises(InvalidNumber):
        points("1000000")
    # A county's total is a sum the program made: printed and rounded, never refused.
    assert format_points(Decimal("12345678.5")) == "12345678.5"
    assert exact_points(LARGEST * 3 + Decimal("0.005")) == Decimal("3000000.01")
