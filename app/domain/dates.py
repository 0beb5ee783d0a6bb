"""A day as sentences to the clerk and papers write it: 2026年6月30日 (not 2026-06-30)."""

from __future__ import annotations

from datetime import date


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


__all__ = ["day_text"]
