"""Mainland resident ID numbers (GB 11643-1999): checksum, birth date, gender (masking: app/domain/personal.py)."""

from __future__ import annotations

import re
from datetime import date

from app.domain.enums import Gender
from app.domain.errors import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XXX")
ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def normalise_id_number(text: str) -> str:
    """Strip spaces; full-width digits typed with a Chinese input method become ASCII."""
    return (text or "").translate(_FULL_WIDTH).strip().replace(" ", "").replace("\u3000", "").upper()


_LEGACY_SHAPE = re.compile(r"[0-9]{15}")


def upgrade_legacy_id(text: str) -> str | None:
    """A 15-digit first-generation number as its 18-digit form (century 19 inserted, check
    character added), or None when `text` is not 15 digits. The birth date inside is checked
    later by `validate_id_number`."""
    number = normalise_id_number(text)
    if not _LEGACY_SHAPE.fullmatch(number):
        return None
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_char(first17)


def validate_id_number(text: str, today: date | None = None) -> str:
    """Return the normalised 18-character number or raise ValidationError saying what is wrong."""
    number = normalise_id_number(text)
    if len(number) != 18:
        raise ValidationError(f"身份证号应为 18 位，现在是 {len(number)} 位。")
    if not ID_SHAPE.fullmatch(number):
        raise ValidationError("身份证号前 17 位必须是数字，最后一位是数字或 X。")
    try:
        born = birth_date_from_id(number)
    except ValueError:
        raise ValidationError("身份证号中的出生日期不存在，请核对第 7 到 14 位。") from None
    if born > (today or date.today()) or born.year < 1900:
        raise ValidationError("身份证号中的出生日期不合理，请核对第 7 到 14 位。")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不对，可能有一位录错了，请逐位核对。")
    return number


def birth_date_from_id(number: str) -> date:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_from_id(number: str) -> Gender:
    return Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE


def validate_phone(text: str) -> str:
    """Mobile (11 digits starting 1) or a landline with area code; returns it stripped."""
    phone = (text or "").strip().replace(" ", "")
    if not phone:
        return ""
    digits = phone.replace("-", "")
    if digits.isdigit() and len(digits) == 11 and digits.startswith("1"):
        return digits
    if digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 12:
        return phone
    raise ValidationError(f"电话号码“{text}”不对：手机号应为 1 开头的 11 位数字，座机请带区号。")
