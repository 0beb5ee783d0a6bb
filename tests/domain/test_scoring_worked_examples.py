"""Worked examples, one per scheme, computed by hand in the comments and checked against
score_member_year. The ledgers are built through price_entry so every example is also a
ledger the rules would have accepted."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Category, MemberClass
from app.domain.errors import CapExceeded
from app.domain.periods import Month
from app.domain.rules import CountedLine, MemberFacts, price_entry, remaining_cap
from app.domain.scoring import Appraisal, LedgerLine, carried_base, score_member_year

TODAY = date(2026, 12, 31)
D = Decimal


def record(rule_set, requests, member=None, member_id="m1", counted=None):
    """Price each (code, day, quantity, chosen) request and return the approved ledger lines."""
    member = member or MemberFacts("张三", MemberClass.IN_SERVICE)
    counted = [] if counted is None else counted
    lines = []
    for code, day, quantity, chosen in requests:
        item = rule_set.item(code)
        value = price_entry(
            rule_set, item, member, day, D(quantity), None if chosen is None else D(chosen), counted, TODAY
        )
        counted.append(CountedLine(code, item.category, day, value, item.outside_cap))
        lines.append(LedgerLine(member_id, code, item.category, day, value))
    return lines


def reversal(line):
    return LedgerLine(line.member_id, line.item_code, line.category, line.occurred_on, -line.points, sign=-1)


# ---- Scheme A: village_100 -----------------------------------------------------------------
#
# base 20 (deduct only), duty capped at 70 a year, bonus capped at 10 a year, awards outside.
#
#   duty:  Jan–Nov  R01 2 + R02 4 = 6 a month   → 11 × 6 = 66
#          Dec      R01 2 + R02 2               →          4     duty 70 (exactly the cap)
#   base:  J01 −2 on 03-05, J01 −2 on 09-05     → 20 − 4 = 16
#   bonus: B01 3 hours on 05-01 (3), B03 on 07-20 (2)  → 5 (inside the 10 cap)
#   award: B05 8 on 11-11, outside the cap      → 8
#   total  16 + 70 + 5 + 8 = 99  → 优秀, ★★★★★
#
#   months: Jan 6, Feb 6, Mar 6−2=4, Apr 6, May 6+3=9, Jun 6, Jul 6+2=8, Aug 6, Sep 6−2=4,
#           Oct 6, Nov 6+8=14, Dec 4                      (sum 79 = 99 − the base 20)
#   quarters: Q1 16, Q2 21, Q3 18, Q4 24


def scheme_a_requests():
    requests = []
    for month in range(1, 12):
        requests.append(("R01", date(2026, month, 10), "1", None))
        requests.append(("R02", date(2026, month, 25), "1", "4"))
    requests += [
        ("R01", date(2026, 12, 10), "1", None),
        ("R02", date(2026, 12, 25), "1", "2"),
        ("J01", date(2026, 3, 5), "1", None),
        ("J01", date(2026, 9, 5), "1", None),
        ("B01", date(2026, 5, 1), "3", None),
        ("B03", date(2026, 7, 20), "1", None),
        ("B05", date(2026, 11, 11), "1", "8"),
    ]
    return requests


@pytest.fixture
def scheme_a_lines(village):
    return record(village, scheme_a_requests())


def test_scheme_a_year(village, scheme_a_lines):
    score = score_member_year(village, "m1", scheme_a_lines)
    assert score.year == 2026
    assert score.base_start == D("20")
    assert score.by_category[Category.BASE] == D("-4")
    assert score.by_category[Category.DUTY] == D("70")
    assert score.by_category[Category.BONUS] == D("13")
    assert score.base_component == D("16")
    assert score.points_total == D("99")
    assert score.final_total == D("99")
    assert str(score.final_total) == "99.00"
    assert score.vetoed is False
    assert score.appraisal_missing is False
    assert score.grade == "优秀"
    assert score.stars == 5


def test_scheme_a_months_and_quarters(village, scheme_a_lines):
    score = score_member_year(village, "m1", scheme_a_lines)
    expected = {1: "6", 2: "6", 3: "4", 4: "6", 5: "9", 6: "6", 7: "8", 8: "6", 9: "4", 10: "6", 11: "14", 12: "4"}
    for month, value in expected.items():
        assert score.month_total(month) == D(value), month
    assert [score.quarter_total(q) for q in (1, 2, 3, 4)] == [D("16"), D("21"), D("18"), D("24")]
    assert sum(score.by_month.values()) == D("79")


def test_scheme_a_one_more_duty_point_is_refused(village):
    # duty is already at 70 at the end of December: R02 has 2 left in its month cap (4 − 2),
    # but the duty category has nothing left
    counted: list[CountedLine] = []
    record(village, scheme_a_requests(), counted=counted)
    with pytest.raises(CapExceeded) as excinfo:
        record(village, [("R02", date(2026, 12, 28), "1", "1")], counted=counted)
    assert excinfo.value.allowed == D("0")
    assert "履职分每年最多 70 分" in excinfo.value.message
    assert "已记 70 分" in excinfo.value.message
    assert remaining_cap(village, village.item("R02"), date(2026, 12, 28), counted) == D("0")


def test_scheme_a_year_to_date_excludes_later_months(village, scheme_a_lines):
    # up to June: duty 6 × 6 = 36; base 20 − 2 (March) = 18; bonus B01 3 (May) → 57
    score = score_member_year(village, "m1", scheme_a_lines, up_to=Month(2026, 6))
    assert score.by_category[Category.DUTY] == D("36")
    assert score.base_component == D("18")
    assert score.points_total == D("57")
    assert score.final_total == D("57")
    assert score.month_total(6) == D("6")
    assert score.month_total(7) == D("0")
    assert score.quarter_total(3) == D("0")
    assert score.grade == "不合格"
    assert score.stars == 1


def test_scheme_a_year_to_date_december_is_the_whole_year(village, scheme_a_lines):
    assert score_member_year(village, "m1", scheme_a_lines, up_to=Month(2026, 12)).points_total == D("99")


def test_other_members_and_other_years_are_ignored(village, scheme_a_lines):
    noise = [
        LedgerLine("m2", "J06", Category.BASE, date(2026, 4, 1), D("-10")),
        LedgerLine("m1", "J06", Category.BASE, date(2025, 12, 31), D("-10")),
        LedgerLine("m1", "V01", Category.VETO, date(2027, 1, 1), D("0")),
    ]
    score = score_member_year(village, "m1", scheme_a_lines + noise)
    assert score.points_total == D("99")
    assert score.vetoed is False


def test_member_without_entries_has_the_base(village):
    score = score_member_year(village, "m1", [])
    assert score.base_component == D("20")
    assert score.points_total == D("20")
    assert score.month_total(1) == D("0")
    assert score.grade == "不合格"
    assert score.stars == 1


# ---- base stops at zero (扣完为止) ------------------------------------------------------------


def test_base_deductions_stop_at_zero(village):
    # base 20; J06 −10 twice and J04 −3 twice = −26 → base component 0, not −6
    # plus R01 2 in January → total 2
    lines = record(
        village,
        [
            ("J06", date(2026, 2, 1), "1", None),
            ("J06", date(2026, 4, 1), "1", None),
            ("J04", date(2026, 5, 1), "2", None),
            ("R01", date(2026, 1, 10), "1", None),
        ],
    )
    score = score_member_year(village, "m1", lines)
    assert score.by_category[Category.BASE] == D("-26")
    assert score.base_component == D("0")
    assert score.points_total == D("2")
    assert score.month_total(5) == D("-6")


def test_deductions_outside_the_base_are_not_limited_by_it(village):
    # base 20 − 2 (J01) = 18; K02 −10 is a deduction, not base → 18 − 10 = 8
    lines = record(village, [("J01", date(2026, 3, 5), "1", None), ("K02", date(2026, 6, 1), "1", "-10")])
    score = score_member_year(village, "m1", lines)
    assert score.base_component == D("18")
    assert score.points_total == D("8")


def test_total_floored_at_zero_or_not(village):
    # base 20 − 20 (J06 twice) = 0; K02 −10 → −10, floored to 0 unless the scheme says otherwise
    lines = record(
        village,
        [("J06", date(2026, 2, 1), "2", None), ("K02", date(2026, 6, 1), "1", "-10")],
    )
    assert score_member_year(village, "m1", lines).points_total == D("0")
    unfloored = dataclasses.replace(village, floor_total_at_zero=False)
    score = score_member_year(unfloored, "m1", lines)
    assert score.base_component == D("0")
    assert score.points_total == D("-10")
    assert score.grade == ""  # below every band
    assert score.stars == 0


# ---- veto ----------------------------------------------------------------------------------


def test_veto_zeroes_the_year(village, scheme_a_lines):
    veto = record(village, [("V01", date(2026, 8, 1), "1", None)])
    assert veto[0].points == D("0")
    score = score_member_year(village, "m1", scheme_a_lines + veto)
    assert score.vetoed is True
    assert score.points_total == D("0")
    assert score.final_total == D("0")
    assert score.grade == "一票否决"
    assert score.stars == 0
    # months still show what happened
    assert score.month_total(11) == D("14")


def test_reversed_veto_restores_the_score(village, scheme_a_lines):
    veto = record(village, [("V01", date(2026, 8, 1), "1", None)])[0]
    score = score_member_year(village, "m1", scheme_a_lines + [veto, reversal(veto)])
    assert score.vetoed is False
    assert score.points_total == D("99")
    assert score.final_total == D("99")
    assert score.grade == "优秀"
    assert score.stars == 5


def test_two_vetoes_one_reversed_stays_vetoed(village, scheme_a_lines):
    v1, v2 = record(village, [("V01", date(2026, 8, 1), "1", None), ("V04", date(2026, 9, 1), "1", None)])
    score = score_member_year(village, "m1", scheme_a_lines + [v1, v2, reversal(v1)])
    assert score.vetoed is True
    assert score.final_total == D("0")
    assert score.stars == 0


def test_veto_wins_over_appraisal(post_duty):
    lines = [LedgerLine("m1", "V02", Category.VETO, date(2026, 5, 1), D("0"))]
    score = score_member_year(post_duty, "m1", lines, appraisal=Appraisal(score=D("100")))
    assert score.final_total == D("0")
    assert score.grade == "一票否决"
    assert score.stars == 0


# ---- Scheme B: post_duty, appraisal share 0.2 ----------------------------------------------
#
# no-post member 李四; base 50, duty capped at 50 a year, bonus at 20 a quarter.
#   duty:  G01 4 each month Jan–Oct             → 40
#   base:  J02 −0.5 on 04-08 and 10-08          → 50 − 1 = 49
#   bonus: B01 3 hours on 05-20                 → 3
#   points total 49 + 40 + 3 = 92
#   appraisal 70:  92 × 0.8 + 70 × 0.2 = 73.6 + 14 = 87.6 → 合格, ★★★★
#   appraisal 100: 73.6 + 20 = 93.6                        → 优秀, ★★★★★
#   no appraisal:  final = 92, flagged missing             → 优秀, ★★★★★


@pytest.fixture
def scheme_b_lines(post_duty):
    requests = [("G01", date(2026, m, 28), "1", "4") for m in range(1, 11)]
    requests += [
        ("J02", date(2026, 4, 8), "1", None),
        ("J02", date(2026, 10, 8), "1", None),
        ("B01", date(2026, 5, 20), "3", None),
    ]
    return record(post_duty, requests, member=MemberFacts("李四", MemberClass.NO_POST))


def test_scheme_b_with_appraisal_share(post_duty, scheme_b_lines):
    score = score_member_year(post_duty, "m1", scheme_b_lines, appraisal=Appraisal(score=D("70")))
    assert score.base_component == D("49")
    assert score.points_total == D("92")
    assert score.final_total == D("87.6")
    assert str(score.final_total) == "87.60"
    assert score.appraisal_missing is False
    assert score.grade == "合格"
    assert score.stars == 4


def test_scheme_b_full_appraisal(post_duty, scheme_b_lines):
    score = score_member_year(post_duty, "m1", scheme_b_lines, appraisal=Appraisal(score=D("100")))
    assert score.final_total == D("93.6")
    assert score.grade == "优秀"
    assert score.stars == 5


@pytest.mark.parametrize("appraisal", [None, Appraisal(), Appraisal(grade="优秀")])
def test_scheme_b_missing_appraisal(post_duty, scheme_b_lines, appraisal):
    score = score_member_year(post_duty, "m1", scheme_b_lines, appraisal=appraisal)
    assert score.appraisal_missing is True
    assert score.final_total == score.points_total == D("92")
    assert score.stars == 5


def test_scheme_b_year_to_date_ignores_appraisal(post_duty, scheme_b_lines):
    # up to March: base 50, duty 3 × 4 = 12 → 62, appraisal not folded in before the year ends
    score = score_member_year(
        post_duty, "m1", scheme_b_lines, appraisal=Appraisal(score=D("0")), up_to=Month(2026, 3)
    )
    assert score.final_total == D("62")
    assert score.appraisal_missing is False


# ---- Scheme C: rural_deduction, appraisal factor -------------------------------------------
#
# base 100 (deduct only), bonus capped at 20 a year; appraisal grade multiplies the total.
#   base:  C01 −2 on 03-10, 06-10, 09-10; C13 −3 on 04-15 → 100 − 9 = 91
#   bonus: A02 volunteer 5 hours on 07-01                 → 5
#   points total 96
#   quarters: Q1 −2, Q2 −2 −3 = −5, Q3 −2 +5 = 3, Q4 0
#   合格 (0.95):   96 × 0.95 = 91.2 → 优秀, ★★★★★
#   基本合格 (0.85): 96 × 0.85 = 81.6 → 合格, ★★★★


@pytest.fixture
def scheme_c_lines(rural):
    return record(
        rural,
        [
            ("C01", date(2026, 3, 10), "1", None),
            ("C01", date(2026, 6, 10), "1", None),
            ("C01", date(2026, 9, 10), "1", None),
            ("C13", date(2026, 4, 15), "1", None),
            ("A02", date(2026, 7, 1), "5", None),
        ],
    )


def test_scheme_c_factor_heguo(rural, scheme_c_lines):
    score = score_member_year(rural, "m1", scheme_c_lines, appraisal=Appraisal(grade="合格"))
    assert score.base_component == D("91")
    assert score.points_total == D("96")
    assert score.final_total == D("91.2")
    assert score.appraisal_missing is False
    assert score.grade == "优秀"
    assert score.stars == 5


def test_scheme_c_factor_jiben_heguo(rural, scheme_c_lines):
    score = score_member_year(rural, "m1", scheme_c_lines, appraisal=Appraisal(grade="基本合格"))
    assert score.final_total == D("81.6")
    assert score.grade == "合格"
    assert score.stars == 4


@pytest.mark.parametrize("appraisal", [None, Appraisal(score=D("95")), Appraisal(grade="良好")])
def test_scheme_c_missing_or_unknown_grade(rural, scheme_c_lines, appraisal):
    score = score_member_year(rural, "m1", scheme_c_lines, appraisal=appraisal)
    assert score.appraisal_missing is True
    assert score.final_total == D("96")


def test_scheme_c_quarters(rural, scheme_c_lines):
    score = score_member_year(rural, "m1", scheme_c_lines)
    assert [score.quarter_total(q) for q in (1, 2, 3, 4)] == [D("-2"), D("-5"), D("3"), D("0")]


def test_scheme_c_illegal_building(rural):
    # C08 违法建房未拆除 −40: 100 − 40 = 60 → 基本合格, ★★
    lines = record(rural, [("C08", date(2026, 5, 1), "1", None)])
    score = score_member_year(rural, "m1", lines, appraisal=Appraisal(grade="优秀"))
    assert score.final_total == D("60")
    assert score.grade == "基本合格"
    assert score.stars == 2


# ---- carried base (Scheme A: next year's base is 20 % of this year's total) ----------------


def test_carried_base_is_a_share_of_last_year(village):
    rules_2027 = dataclasses.replace(village, year=2027)
    assert carried_base(rules_2027, D("99")) == D("19.8")
    assert str(carried_base(rules_2027, D("99"))) == "19.80"
    assert carried_base(rules_2027, D("87.35")) == D("17.47")
    assert carried_base(rules_2027, D("0")) == D("0")


def test_carried_base_without_last_year_is_the_scheme_base(village):
    assert carried_base(village, None) == D("20")


def test_carried_base_not_used_by_schemes_without_share(post_duty):
    assert carried_base(post_duty, D("99")) == D("50")


def test_scoring_with_carried_base(village):
    # 2027: base 19.80 carried from 99; J01 −2 → 17.80; R01 2 → 19.80
    rules_2027 = dataclasses.replace(village, year=2027)
    base = carried_base(rules_2027, D("99"))
    lines = [
        LedgerLine("m1", "J01", Category.BASE, date(2027, 3, 5), D("-2")),
        LedgerLine("m1", "R01", Category.DUTY, date(2027, 3, 10), D("2")),
    ]
    score = score_member_year(rules_2027, "m1", lines, base_start=base)
    assert score.base_start == D("19.8")
    assert score.base_component == D("17.8")
    assert score.points_total == D("19.8")
