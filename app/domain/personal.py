"""Members' personal data as the clerk may see it without asking: masked.

An ID number shows its first 6 (the county where it was issued) and last 4 characters; a phone
its first 3 and last 4; a birth date only its year. The full values are shown, printed or
exported only when an account with the right asks, and that is audited
(app/services/roster/personal.py). Audit rows only ever hold these masked forms.
"""

from __future__ import annotations

from datetime import date


def mask_id_number(number: str | None) -> str:
    """110105********002X for an 18-character number (6 + 4 shown, 15-character ones alike)."""
    if not number:
        return ""
    if len(number) >= 15:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) >= 7:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    return "*" * len(digits)


def mask_birth_date(born: date | None) -> str:
    return f"{born.year}年" if born else ""


def masked_change(field: str, before, after) -> list[str]:
    """An audit row's [before, after] of a personal field, masked (never the full values)."""
    mask = {"id_number": mask_id_number, "phone": mask_phone, "birth_date": mask_birth_date}[field]
    return [mask(before or None), mask(after or None)]


PERSONAL_FIELDS = ("id_number", "phone", "birth_date")
