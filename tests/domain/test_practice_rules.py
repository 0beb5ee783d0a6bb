"""The practice rules in plain Python, worked by hand: the ballot conversion at its edges, the
双报到 decision, the cadres' ten-point scale and bands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.appraisal_tally import Votes, check_ballots, check_votes, convert, folding_sentence
from app.domain.cadres import CadreScheme, TenPointBand, year_points
from app.domain.enums import Category, ValueKind
from app.domain.errors import ValidationError
from app.domain.rules import AppraisalRule, RuleItem
from app.domain.service_hours import check_service, check_threshold, decide_dual_report, quarter_bounds

D = Decimal


@pytest.mark.parametrize(
    "votes, returned, score, grade",
    [
        (Votes(5, 0, 0, 0), 9, "100.00", "优秀"),  # 5 × 2 = 10, more than half of 9
        (Votes(4, 0, 0, 0), 9, "100.00", "合格"),  # 4 × 2 = 8, not more than half of 9
        (Votes(0, 6, 3, 0), 9, "73.33", "合格"),  # 基本合格 3 × 3 = 9, not more than a third
        (Votes(0, 5, 4, 0), 9, "71.11", "基本合格"),  # 4 × 3 = 12 > 9
        (Votes(0, 5, 0, 4), 9, "44.44", "不合格"),  # 不合格 first
        (Votes(0, 0, 0, 0), 9, None, None),  # nobody marked him
    ],
)
def test_convert(votes, returned, score, grade):
    result = convert(votes, returned)
    assert (None if result.score is None else str(result.score), result.grade) == (score, grade)


def test_ballots_that_do_not_add_up():
    check_ballots(10, 10)
    with pytest.raises(ValidationError, match="比发出的（10 张）还多"):
        check_ballots(10, 11)
    with pytest.raises(ValidationError, match="应大于 0"):
        check_ballots(0, 0)
    with pytest.raises(ValidationError, match="得票合计 10 票"):
        check_votes("甲", Votes(5, 5, 0, 0), 9)


def test_folding_sentences():
    assert folding_sentence(AppraisalRule("share", D("0.2"))) == "本年度细则按比例折算：年度总分 = 积分 ×（1 − 20%）+ 评议得分 × 20%"
    assert folding_sentence(AppraisalRule()) == "本年度细则不计民主评议，评议结果只作记录，不进入年度总分"


def test_dual_report_decision():
    assert decide_dual_report(D(50), D(50)).served is True
    assert decide_dual_report(D("49.5"), D(50)).served is False
    assert decide_dual_report(D(10), None).served is None
    overridden = decide_dual_report(D(10), D(50), (True, "抗洪"))
    assert overridden.served and overridden.overridden and overridden.ground == "支部认定已落实：抗洪"
    with pytest.raises(ValidationError, match="应为数字"):
        check_threshold("五十")
    with pytest.raises(ValidationError, match="0 到 24 小时"):
        check_service(date(2026, 1, 1), "0", "清扫", date(2026, 2, 1))
    assert quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))


def test_ten_point_scale():
    item = RuleItem("Z01", "到岗到位", Category.DUTY, ValueKind.FIXED, D(1))
    bands = (TenPointBand(D(9), "优秀"), TenPointBand(D("7.5"), "称职"), TenPointBand(D(6), "基本称职"), TenPointBand(D(0), "不称职"))
    scheme = CadreScheme(2026, "驻村", (item,), D(60), D(80), bands)
    # full points 80: 72 → 9 (优秀 exactly at the line), 59.96 → 7.495 → 7.50 half up (称职), 100 → 10, −5 → floor 0
    assert (scheme.ten_point(D(72)), scheme.band(D(9))) == (D("9.00"), "优秀")
    assert (scheme.ten_point(D("59.96")), scheme.band(scheme.ten_point(D("59.96")))) == (D("7.50"), "称职")
    assert scheme.ten_point(D(100)) == D(10) and scheme.ten_point(D(-5)) == D(0)
    assert year_points(scheme, [D(-70)]) == D(0) and year_points(scheme, [D(3), D(-1)]) == D(62)
    with pytest.raises(ValidationError, match="折算满分"):
        CadreScheme(2026, "驻村", (item,), D(60), D(0), bands)
