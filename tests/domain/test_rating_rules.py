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
    RoundAction,
    RoundStatus,
    award_eligibility,
    check_action,
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
    assert stars == {"a": 5, "b": 4, "c": 4, "d": 4, "e": 4, "f": 4, "g": 4, "h": 3, "i": 3, "j": 2}
    assert result["b"].reasons == result["c"].reasons == (
        "五星名额 2 名只剩 1 名，年度积分同为 95 分的 2 人同分同星，不能只评其中一部分，一起降为四星",
    )
    assert result["d"].quota_reason.startswith("五星名额 2 名只剩 1 名，积分更高的 2 人（同为 95 分）")
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


def _branch(*totals):
    """Facts for members a, b, c … with these totals, padded to ten rated members with totals under 90."""
    keys = "abcdefghij"
    padded = list(totals) + ["85", "82", "80", "75", "70", "65", "60", "55", "50", "45"][: 10 - len(totals)]
    return [facts(k, t) for k, t in zip(keys, padded)]


def test_a_change_needs_a_reason_and_respects_ceilings_and_quota():
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    member = facts("a", "85")
    # Nine others, one of them already five stars: quota floor(0.2 × 10) = 2, one place left.
    others = [(facts("x", "99"), 5)] + [(facts(f"n{i}", "70"), 3) for i in range(8)]
    with pytest.raises(ValidationError, match="理由"):
        check_star_change(scheme, member, 5, "  ", others)
    assert check_star_change(scheme, member, 5, " 表现突出 ", others) == "表现突出"
    full = [(facts("y", "98"), 5)] + others[:-1]
    with pytest.raises(ValidationError, match="名额为 2 名，已经评满"):
        check_star_change(scheme, member, 5, "表现突出", full)
    with pytest.raises(ValidationError, match="一票否决"):
        check_star_change(scheme, facts("v", "99", vetoed=True), 1, "复议", others)
    with pytest.raises(ValidationError, match="双报到"):
        check_star_change(scheme, facts("s", "99", MemberClass.IN_SERVICE, served=False), 4, "复议", others)


def test_quota_reasons_say_tied_at_the_edge_or_below_the_tied_group():
    # Quota floor(0.2 × 10) = 2. 95 keeps its place; the two 93s would make three, so both drop;
    # the 91 is not tied with anyone: he drops because the 93s above him did not fit.
    result = propose(RatingScheme(BANDS, five_star_quota=D("0.2")), _branch("95", "93", "93", "91"))
    assert [result[k].stars for k in "abcde"] == [5, 4, 4, 4, 4]
    assert result["a"].reasons == () and result["e"].reasons == ()
    tied = "五星名额 2 名只剩 1 名，年度积分同为 93 分的 2 人同分同星，不能只评其中一部分，一起降为四星"
    below = "五星名额 2 名只剩 1 名，积分更高的 2 人（同为 93 分）已因同分一起降为四星，积分较低者不能越过他们评五星，降为四星"
    assert result["b"].reasons == result["c"].reasons == (tied,)
    assert result["b"].quota_reason == tied
    assert result["d"].reasons == (below,)


def test_quota_reason_when_the_places_are_simply_taken():
    # 98 and 96 fill both places; 93 and 91 are below, with no tie involved.
    result = propose(RatingScheme(BANDS, five_star_quota=D("0.2")), _branch("98", "96", "93", "91"))
    assert [result[k].stars for k in "abcd"] == [5, 5, 4, 4]
    assert result["c"].reasons == result["d"].reasons == ("五星名额 2 名已由积分更高的党员占满，降为四星",)
    # Four rated members: floor(0.2 × 4) = 0 places.
    small = propose(RatingScheme(BANDS, five_star_quota=D("0.2")), [facts("a", "95"), facts("b", "80"), facts("c", "70"), facts("d", "60")])
    assert small["a"].stars == 4
    assert small["a"].reasons == ("按参评人数计算本支部五星名额为 0 名，降为四星",)


def test_the_committee_cannot_give_a_freed_place_to_one_of_a_tied_group():
    # Totals 95, 93, 93, 91 with two places: the proposal is 5, 4, 4, 4 (see above). One place
    # is free, but giving it to one 93 and not the other breaks "equal totals get equal stars".
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    members = _branch("95", "93", "93", "91")
    held = {"a": 5, "b": 4, "c": 4, "d": 4, "e": 4, "f": 4, "g": 4, "h": 3, "i": 3, "j": 2}
    others = [(m, held[m.key]) for m in members if m.key != "b"]
    with pytest.raises(ValidationError) as refused:
        check_star_change(scheme, members[1], 5, "支委会讨论通过", others)
    assert refused.value.message == (
        "党员b与党员c年度积分同为 93 分，五星名额只剩 1 名，不够同分的 2 人一起评五星，按同分同星不能只评其中一部分。"
    )
    # The 91 has nobody tied with him: the free place may go to him, with a reason.
    others_of_d = [(m, held[m.key]) for m in members if m.key != "d"]
    assert check_star_change(scheme, members[3], 5, "抗洪抢险表现突出", others_of_d) == "抗洪抢险表现突出"
    # Lowering one of the tied pair for his own reason is allowed.
    assert check_star_change(scheme, members[1], 3, "受到党内警告处分", others) == "受到党内警告处分"


def test_a_tied_group_that_fits_may_be_raised_one_by_one():
    # After the 95 is lowered, both places are free: the two 93s fit together, so the first
    # may be raised, and then the second.
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    members = _branch("95", "93", "93", "91")
    held = {"a": 3, "b": 4, "c": 4, "d": 4, "e": 4, "f": 4, "g": 4, "h": 3, "i": 3, "j": 2}
    first = [(m, held[m.key]) for m in members if m.key != "b"]
    assert check_star_change(scheme, members[1], 5, "复议", first)
    held["b"] = 5
    second = [(m, held[m.key]) for m in members if m.key != "c"]
    assert check_star_change(scheme, members[2], 5, "复议", second)


def test_a_tied_member_capped_by_his_ceiling_does_not_hold_the_others_back():
    # c ties with b at 93 but may hold at most three stars (在职, no 双报到): raising b is not a tie break.
    scheme = RatingScheme(BANDS, five_star_quota=D("0.2"))
    members = _branch("95", "93", "93", "91")
    members[2] = facts("c", "93", MemberClass.IN_SERVICE, served=False)
    held = {"a": 5, "b": 4, "c": 3, "d": 4, "e": 4, "f": 4, "g": 4, "h": 3, "i": 3, "j": 2}
    others = [(m, held[m.key]) for m in members if m.key != "b"]
    assert check_star_change(scheme, members[1], 5, "复议", others) == "复议"


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


def test_each_action_is_allowed_only_at_its_steps():
    check_action(RoundAction.OBJECT, RoundStatus.PUBLICISING)
    with pytest.raises(ConflictError) as refused:
        check_action(RoundAction.DUAL_REPORT, RoundStatus.PUBLICISING)
    assert refused.value.message == "登记双报到情况只能在“申报创星”或“审核评星”阶段进行，评定现在处于“公示亮星”阶段。"
    with pytest.raises(ConflictError):
        check_action(RoundAction.ADJUST, RoundStatus.REPORTED)
