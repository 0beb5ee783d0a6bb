"""The star-rating engine: bands, ceilings, the quota and its tie rule, eligibility, steps."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from app.domain.enums import MemberClass, Membership
from app.domain.errors import ConflictError, ValidationError
from app.domain.rating import (
    CandidateFacts,
    RatingScheme,
    RoundStatus,
    award_eligibility,
    check_star_change,
    check_transition,
    propose,
)
from app.domain.rules import Band

D = Decimal
BANDS = (Band(D(90), "5星", 5), Band(D(80), "4星", 4), Band(D(70), "3星", 3), Band(D(60), "2星", 2), Band(D(0), "1星", 1))


def facts(key, total, member_class=MemberClass.NO_POST, vetoed=False, served=None, membership=Membership.FULL):
    return CandidateFacts(key, f"党员{key}", D(total), vetoed, member_class, membership, served)


def test_bands_veto_and_dual_report_ceiling():
    scheme = RatingScheme(BANDS)
    result = propose(scheme, [
        facts("a", "95"), facts("b", "89.99"), facts("c", "60"), facts("d", "59.5"),
        facts("e", "98", vetoed=True), facts("f", "92", MemberClass.IN_SERVICE, served=False),
        facts("g", "92", MemberClass.IN_SERVICE, served=True),
    ])
    assert {k: p.stars for k, p in result.items()} == {"a": 5, "b": 4, "c": 2, "d": 1, "e": 0, "f": 3, "g": 5}
    assert result["f"].band_stars == 5 and "双报到" in result["f"].reasons[0]
    assert result["e"].reasons == ("一票否决，不得评星",)


def test_quota_of_twenty_percent_with_a_tie_across_the_edge():
    # 10 rated members, quota 2. Totals: 98, 95, 95, 93 … the tie at 95 would make three.
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    candidates = [facts(k, t) for k, t in zip("abcdefghij", ["98", "95", "95", "93", "91", "85", "80", "75", "70", "65"])]
    result = propose(scheme, candidates)
    stars = {k: p.stars for k, p in result.items()}
    assert stars["a"] == 5
    assert (stars["b"], stars["c"], stars["d"], stars["e"]) == (4, 4, 4, 4)
    assert any("五星名额已满" in r for r in result["b"].reasons)
    # Identical every run and whatever the input order.
    for seed in range(20):
        shuffled = candidates[:]
        random.Random(seed).shuffle(shuffled)
        assert {k: p.stars for k, p in propose(scheme, shuffled).items()} == stars


def test_vetoed_members_do_not_count_towards_the_quota_base():
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    candidates = [facts("a", "99"), facts("b", "95")] + [facts(f"v{i}", "0", vetoed=True) for i in range(5)]
    candidates += [facts(f"n{i}", "70") for i in range(8)]
    # 10 rated members (the 5 vetoed are not rated) → quota 2: both keep five stars.
    assert [propose(scheme, candidates)[k].stars for k in ("a", "b")] == [5, 5]


def test_ceiling_is_applied_before_the_quota():
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    candidates = [facts("capped", "99", MemberClass.IN_SERVICE, served=False), facts("next", "95")]
    candidates += [facts(f"n{i}", "70") for i in range(3)]
    result = propose(scheme, candidates)
    assert (result["capped"].stars, result["next"].stars) == (3, 5)


def test_a_change_needs_a_reason_and_respects_ceilings_and_quota():
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    member = facts("a", "85")
    with pytest.raises(ValidationError, match="理由"):
        check_star_change(scheme, member, 5, "  ", five_star_holders=0, rated_count=10)
    assert check_star_change(scheme, member, 5, " 表现突出 ", five_star_holders=1, rated_count=10) == "表现突出"
    with pytest.raises(ValidationError, match="名额"):
        check_star_change(scheme, member, 5, "表现突出", five_star_holders=2, rated_count=10)
    with pytest.raises(ValidationError, match="一票否决"):
        check_star_change(scheme, facts("v", "99", vetoed=True), 1, "复议", 0, 10)
    with pytest.raises(ValidationError, match="双报到"):
        check_star_change(scheme, facts("s", "99", MemberClass.IN_SERVICE, served=False), 4, "复议", 0, 10)


def test_award_eligibility_gives_every_reason():
    scheme = RatingScheme(BANDS, award_min_stars=4, probation_flag_below=D(85))
    assert award_eligibility(scheme, facts("a", "92"), 5).eligible
    result = award_eligibility(scheme, facts("b", "80", MemberClass.IN_SERVICE, served=False, membership=Membership.PROBATIONARY), 3)
    assert not result.eligible
    assert result.reasons == ("在职党员未落实双报到", "星级低于4星", "预备党员年度积分低于85分")
    assert award_eligibility(scheme, facts("c", "0", vetoed=True), 0).reasons[0] == "一票否决"


def test_steps_follow_the_procedure():
    check_transition(RoundStatus.APPLYING, RoundStatus.ASSESSING)
    check_transition(RoundStatus.REPORTED, RoundStatus.RETURNED)
    with pytest.raises(ConflictError, match="公示亮星"):
        check_transition(RoundStatus.APPLYING, RoundStatus.PUBLICISING)
    with pytest.raises(ConflictError):
        check_transition(RoundStatus.VERIFIED, RoundStatus.ASSESSING)


def test_scheme_round_trips_and_validates():
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"), dual_report_max_stars=2, publicity_days=7)
    assert RatingScheme.from_dict(scheme.to_dict()) == scheme
    with pytest.raises(ValidationError):
        RatingScheme(BANDS, five_star_quota=D("1.5"))
    with pytest.raises(ValidationError):
        RatingScheme(())
