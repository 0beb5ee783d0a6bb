"""`cap_overruns`: what `check` finds when entries went past a cap behind the program's back.

Values by hand from the village_100 template: R01 is 2 a month (cap 2 a month), B01 is
1 a volunteer hour (cap 6 a year), bonus as a whole is capped at 10 a year; awards (B05) are
outside the cap.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.enums import Category
from app.domain.rules import CountedLine, cap_overruns

D = Decimal


def line(code, category, day, value, outside=False):
    return CountedLine(code, category, day, D(value), outside)


def test_exactly_at_a_cap_is_fine(village):
    lines = [("m", line("B01", Category.BONUS, date(2026, 3, 1), "6")), ("m", line("R01", Category.DUTY, date(2026, 3, 2), "2"))]
    assert cap_overruns(village, lines) == []


def test_an_item_cap_and_the_category_cap_are_both_reported_with_their_figures(village):
    lines = [
        ("m", line("B01", Category.BONUS, date(2026, 3, 1), "6")),
        ("m", line("B01", Category.BONUS, date(2026, 9, 1), "5")),  # B01 now 11 > 6, bonus 11 > 10
        ("n", line("B01", Category.BONUS, date(2026, 9, 1), "5")),  # another member: within both caps
    ]
    found = {(o.member_id, o.what, o.used, o.cap) for o in cap_overruns(village, lines)}
    assert found == {("m", "B01", D("11"), D("6")), ("m", "加分", D("11"), D("10"))}


def test_a_monthly_cap_counts_each_month_apart(village):
    lines = [
        ("m", line("R01", Category.DUTY, date(2026, 3, 1), "2")),
        ("m", line("R01", Category.DUTY, date(2026, 4, 1), "2")),
        ("m", line("R01", Category.DUTY, date(2026, 4, 20), "2")),  # April: 4 > 2
    ]
    [overrun] = cap_overruns(village, lines)
    assert (overrun.what, overrun.used, overrun.cap, overrun.period) == ("R01", D("4"), D("2"), "2026年4月")


def test_awards_outside_the_cap_do_not_count_towards_the_category(village):
    lines = [("m", line("B05", Category.BONUS, date(2026, 11, 1), "8", outside=True)),
             ("m", line("B01", Category.BONUS, date(2026, 3, 1), "6"))]
    assert cap_overruns(village, lines) == []
