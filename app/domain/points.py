"""Points are exact decimals with two places; storage keeps them as whole hundredths."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.domain.errors import ValidationError

ZERO = Decimal("0.00")
_HUNDREDTH = Decimal("0.01")
# No points value, quantity or cap a clerk types comes near this; beyond it is a typing slip.
# The limit is for typed input only (`points`): sums the program computes — a township's
# or a county's total — go through `exact_points`, which has no such limit.
LARGEST = Decimal("1000000")


class InvalidNumber(ValidationError, ValueError):
    """Not a usable number of points or units (also a ValueError for plain parsers)."""


def points(value) -> Decimal:
    """Coerce an int, str, Decimal or float to a two-place Decimal (half up).

    A float is read through `str()`, i.e. as the shortest decimal that prints as that float:
    0.5 from a spin box is 0.5, and 0.1 + 0.2 is read as 0.30000000000000004, then rounded
    to 0.30 like any typed value with more than two places. A float is never converted
    bit by bit (Decimal(0.1) would be 0.1000000000000000055…). Anything that is not a finite
    number (text, None, True/False, NaN, infinity) raises InvalidNumber with the clerk's sentence.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidNumber("没有填写数字。")
    if isinstance(value, bool):
        raise InvalidNumber(f"“{'是' if value else '否'}”不是数字，请填写分值或数量。")
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidNumber(f"“{value}”不是有效的数字。") from None
    if not result.is_finite():
        raise InvalidNumber(f"“{value}”不是有效的数字。")
    if abs(result) >= LARGEST:
        raise InvalidNumber(f"数字“{value}”不合理，请检查是否多输了位数。")
    return exact_points(result)


def exact_points(value: Decimal) -> Decimal:
    """A computed figure (a sum, a share, a factor applied) to two places, half up, of any size."""
    return Decimal(value).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def to_hundredths(value: Decimal) -> int:
    return int(points(value) * 100)


def from_hundredths(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(_HUNDREDTH)


def format_points(value: Decimal) -> str:
    """'12', '-0.5', '3.25': what the clerk expects to read, without trailing zeros."""
    text = format(exact_points(value).normalize(), "f")
    return "0" if text in ("-0", "0") else text
