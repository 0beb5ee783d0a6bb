"""Ranking, bands (grades and stars), the five-star quota and 'near a band edge'."""

from __future__ import annotations

import dataclasses
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.rules import Band
from app.domain.standing import (
    BandEdge,
    Demotion,
    QuotaCut,
    apply_five_star_quota,
    band_for,
    grade_for,
    near_band_edge,
    limit_five_stars,
    rank,
    ranked_places,
    stars_for,
)

D = Decimal


# ---- rank ----------------------------------------------------------------------------------


def test_competition_ranking_with_ties():
    ranked = rank([("甲", D("95")), ("乙", D("90")), ("丙", D("90")), ("丁", D("80"))])
    assert [(r.key, r.rank) for r in ranked] == [("甲", 1), ("乙", 2), ("丙", 2), ("丁", 4)]
    assert [r.value for r in ranked] == [D("95"), D("90"), D("90"), D("80")]


def test_ranking_sorts_unsorted_input_descending():
    ranked = rank([("a", D("60")), ("b", D("99.5")), ("c", D("75")), ("d", D("99.50"))])
    assert [(r.key, r.rank) for r in ranked] == [("b", 1), ("d", 1), ("c", 3), ("a", 4)]


def test_three_way_tie_at_the_top():
    ranked = rank([("a", D("90")), ("b", D("90")), ("c", D("90")), ("d", D("85"))])
    assert [r.rank for r in ranked] == [1, 1, 1, 4]


def test_tie_order_orders_ties_for_display_only():
    values = [("王", D("90")), ("李", D("95")), ("张", D("90"))]
    # without tie_order, ties keep the input order
    assert [r.key for r in rank(values)] == ["李", "王", "张"]
    order = {"张": 0, "王": 1, "李": 2}
    ranked = rank(values, tie_order=order.get)
    assert [(r.key, r.rank) for r in ranked] == [("李", 1), ("张", 2), ("王", 2)]


def test_negative_and_zero_values_rank_last():
    ranked = rank([("a", D("0")), ("b", D("-5")), ("c", D("10"))])
    assert [(r.key, r.rank) for r in ranked] == [("c", 1), ("a", 2), ("b", 3)]


def test_rank_empty():
    assert rank([]) == []
    assert ranked_places([], []) == []


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(0, 4)), max_size=40), st.booleans())
def test_ranked_places_are_the_plain_definition(pairs, with_ties):
    """Highest first; equal values by their tie keys, then as given; a rank is one more than the
    number of values above (1, 2, 2, 4); ties sorted run by run give the same as one whole sort."""
    values = [D(value) / 2 for value, _ in pairs]
    ties = [tie for _, tie in pairs] if with_ties else None
    expected = sorted(range(len(values)), key=lambda at: (-values[at], ties[at] if ties else 0, at))
    places = ranked_places(values, ties)
    assert [at for at, _ in places] == expected
    assert [place for _, place in places] == [1 + sum(other > values[at] for other in values) for at in expected]


# ---- bands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "total, grade, stars",
    [
        ("100", "优秀", 5),
        ("90", "优秀", 5),
        ("90.00", "优秀", 5),
        ("89.99", "合格", 4),
        ("80", "合格", 4),
        ("79.99", "基本合格", 3),
        ("70", "基本合格", 3),
        ("69.99", "基本合格", 2),
        ("60", "基本合格", 2),
        ("59.99", "不合格", 1),
        ("0", "不合格", 1),
    ],
)
def test_grade_and_stars_at_band_edges(village, total, grade, stars):
    assert grade_for(D(total), village) == grade
    assert stars_for(D(total), village) == stars


def test_below_every_band(village):
    assert band_for(D("-0.01"), village.grade_bands) is None
    assert grade_for(D("-0.01"), village) == ""
    assert stars_for(D("-0.01"), village) == 0


def test_vetoed_overrides_bands(village):
    assert grade_for(D("100"), village, vetoed=True) == "一票否决"
    assert stars_for(D("100"), village, vetoed=True) == 0


def test_band_for_picks_highest_reached_regardless_of_order():
    bands = [Band(D("60"), "及格", 2), Band(D("90"), "优", 5), Band(D("80"), "良", 4)]
    assert band_for(D("85"), bands).label == "良"
    assert band_for(D("95"), bands).stars == 5
    assert band_for(D("59"), bands) is None


# ---- five-star quota -----------------------------------------------------------------------


def with_quota(rule_set, share):
    return dataclasses.replace(rule_set, five_star_quota=None if share is None else D(share))


def branch(*totals_and_stars):
    return {f"m{i:02d}": (D(total), stars) for i, (total, stars) in enumerate(totals_and_stars, start=1)}


FILLER = [("85", 4), ("82", 4), ("75", 3), ("70", 3), ("65", 2), ("50", 1)]


def test_quota_limits_five_stars(village):
    # 10 members, quota 0.2 → at most 2 five-star members; the two best keep five stars
    scores = branch(("98", 5), ("96", 5), ("93", 5), ("91", 5), *FILLER)
    result = apply_five_star_quota(with_quota(village, "0.2"), scores)
    assert result.quota == 2
    assert [key for key, s in result.stars.items() if s == 5] == ["m01", "m02"]
    assert result.stars["m03"] == 4
    assert result.stars["m04"] == 4
    assert set(result.demoted) == {"m03", "m04"}
    # members who were not five-star are untouched
    assert [result.stars[f"m{i:02d}"] for i in range(5, 11)] == [4, 4, 3, 3, 2, 1]


def test_tie_group_straddling_the_quota_drops_entirely(village):
    # quota 2: m01 (98) fits; m02 and m03 tie at 95 and together would make 3 → both drop to 4;
    # m04 (92) is below a demoted group and drops too (nobody below a demoted group keeps 5)
    scores = branch(("98", 5), ("95", 5), ("95", 5), ("92", 5), *FILLER)
    result = apply_five_star_quota(with_quota(village, "0.2"), scores)
    assert result.quota == 2
    assert result.stars["m01"] == 5
    assert result.stars["m02"] == result.stars["m03"] == 4
    assert result.stars["m04"] == 4
    assert set(result.demoted) == {"m02", "m03", "m04"}
    assert sum(1 for s in result.stars.values() if s == 5) == 1


def test_tie_group_that_fits_exactly_is_kept(village):
    scores = branch(("95", 5), ("95", 5), ("91", 5), *FILLER, ("40", 1))
    result = apply_five_star_quota(with_quota(village, "0.2"), scores)
    assert result.quota == 2
    assert result.stars["m01"] == result.stars["m02"] == 5
    assert result.stars["m03"] == 4
    assert result.demoted == ("m03",)


def test_quota_says_why_each_member_was_moved_down():
    # 95, 93, 93, 91 and six below 90: quota floor(0.2 × 10) = 2. The 95 takes one place; the
    # 93s are tied and do not both fit in the one left; the 91 is tied with nobody, but the
    # place left cannot go to him over the two 93s.
    scores = branch(("95", 5), ("93", 5), ("93", 5), ("91", 5), *FILLER)
    result = limit_five_stars(D("0.2"), scores)
    assert result.demoted == ("m02", "m03", "m04")
    assert result.why == {
        "m02": Demotion("m02", QuotaCut.TIED_AT_EDGE, D("93"), 2, 1, D("93"), 2),
        "m03": Demotion("m03", QuotaCut.TIED_AT_EDGE, D("93"), 2, 1, D("93"), 2),
        "m04": Demotion("m04", QuotaCut.BELOW_TIED_GROUP, D("91"), 2, 1, D("93"), 2),
    }
    assert result.reason("m01") == ""
    assert result.reason("m04") == (
        "五星名额 2 名只剩 1 名，积分更高的 2 人（同为 93 分）已因同分一起降为四星，积分较低者不能越过他们评五星，降为四星"
    )


def test_quota_full_before_any_tie_is_not_called_a_tie():
    # 98 and 96 fill both places; the tie at 93 and the 91 below it are simply over the quota.
    scores = branch(("98", 5), ("96", 5), ("93", 5), ("93", 5), ("91", 5), *FILLER[:5])
    result = limit_five_stars(D("0.2"), scores)
    assert result.quota == 2
    assert {key: d.cut for key, d in result.why.items()} == {
        "m03": QuotaCut.QUOTA_FULL, "m04": QuotaCut.QUOTA_FULL, "m05": QuotaCut.QUOTA_FULL,
    }
    assert result.reason("m03") == "五星名额 2 名已由积分更高的党员占满，降为四星"


def test_quota_not_reached_changes_nothing(village):
    scores = branch(("95", 5), *FILLER, ("40", 1), ("30", 1), ("20", 1))
    result = apply_five_star_quota(with_quota(village, "0.2"), scores)
    assert result.quota == 2
    assert result.stars == {key: s for key, (_, s) in scores.items()}
    assert result.demoted == ()


def test_quota_is_floored(village):
    # 14 members × 0.2 = 2.8 → 2; 4 members × 0.2 = 0.8 → 0 (nobody keeps five stars)
    scores = branch(("99", 5), ("97", 5), ("95", 5), *FILLER, *FILLER[:5])
    assert len(scores) == 14
    assert apply_five_star_quota(with_quota(village, "0.2"), scores).quota == 2
    small = branch(("99", 5), ("97", 5), ("85", 4), ("50", 1))
    result = apply_five_star_quota(with_quota(village, "0.2"), small)
    assert result.quota == 0
    assert result.stars == {"m01": 4, "m02": 4, "m03": 4, "m04": 1}


def test_vetoed_members_stay_at_zero(village):
    scores = branch(("99", 5), ("97", 5), ("95", 5), ("0", 0), *FILLER)
    result = apply_five_star_quota(with_quota(village, "0.2"), scores)
    assert result.stars["m04"] == 0
    assert result.stars["m03"] == 4


def test_no_quota_leaves_stars_unchanged(village):
    scores = branch(("98", 5), ("96", 5), ("93", 5), ("91", 5), *FILLER)
    assert village.five_star_quota is None
    result = apply_five_star_quota(village, scores)
    assert result.quota is None
    assert result.demoted == ()
    assert result.stars == {key: s for key, (_, s) in scores.items()}


def test_quota_never_exceeded_and_equal_totals_get_equal_stars(village):
    rng = random.Random(20260101)
    rules = with_quota(village, "0.3")
    for _ in range(200):
        size = rng.randint(1, 15)
        scores = {}
        for i in range(size):
            total = D(rng.choice(["99", "96", "96", "93", "90", "90", "88", "70"]))
            scores[f"m{i}"] = (total, 5 if total >= 90 else 4)
        result = apply_five_star_quota(rules, scores)
        five = [key for key, s in result.stars.items() if s == 5]
        assert len(five) <= int(D("0.3") * size)
        by_total = {}
        for key, (total, _) in scores.items():
            by_total.setdefault(total, set()).add(result.stars[key])
        assert all(len(stars) == 1 for stars in by_total.values())
        # a kept five-star member always scores above every demoted one
        if five and result.demoted:
            assert min(scores[k][0] for k in five) > max(scores[k][0] for k in result.demoted)


def test_quota_deterministic_over_runs_and_input_order(village):
    rules = with_quota(village, "0.2")
    items = list(branch(("98", 5), ("95", 5), ("95", 5), ("92", 5), ("92", 5), *FILLER).items())
    first = apply_five_star_quota(rules, dict(items))
    assert apply_five_star_quota(rules, dict(items)) == first
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(items)
        again = apply_five_star_quota(rules, dict(items))
        assert again.stars == first.stars
        assert again.quota == first.quota
        assert set(again.demoted) == set(first.demoted)


# ---- near a band edge ----------------------------------------------------------------------


def test_near_band_edge_within_margin(village):
    assert near_band_edge(D("88.5"), village.grade_bands, D("2")) == BandEdge("优秀", D("1.5"))
    assert near_band_edge(D("79"), village.grade_bands, D("2")) == BandEdge("合格", D("1"))


def test_near_band_edge_gap_equal_to_margin_counts(village):
    assert near_band_edge(D("88"), village.grade_bands, D("2")) == BandEdge("优秀", D("2"))


def test_near_band_edge_too_far(village):
    assert near_band_edge(D("87.99"), village.grade_bands, D("2")) is None


def test_near_band_edge_on_the_edge_looks_to_the_next_band(village):
    # exactly 90 is already 优秀: nothing above
    assert near_band_edge(D("90"), village.grade_bands, D("5")) is None
    # exactly 80 looks at 90, 10 away
    assert near_band_edge(D("80"), village.grade_bands, D("5")) is None
    assert near_band_edge(D("80"), village.grade_bands, D("10")) == BandEdge("优秀", D("10"))


def test_near_band_edge_star_bands_use_star_label(village):
    edge = near_band_edge(D("69.5"), village.star_bands, D("1"))
    assert edge == BandEdge("3星", D("0.5"))


def test_near_band_edge_unlabelled_band_falls_back_to_stars():
    bands = [Band(D("90"), "", 5), Band(D("80"), "", 4)]
    assert near_band_edge(D("89"), bands, D("1")) == BandEdge("5星", D("1"))
