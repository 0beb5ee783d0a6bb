"""The annual star rating (星级党员评定): the scheme, the engine's proposal, eligibility, the steps.

A round moves through five steps — 申报创星 apply, 审核评星 assess, 公示亮星 publicise,
上报验星 report to the township, 动态调星 adjust — and every change of a member's stars
after the engine's proposal needs a written reason. This module holds the rules; the
services keep the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from app.domain.enums import LabelledEnum, MemberClass, Membership
from app.domain.errors import ConflictError, ValidationError
from app.domain.points import format_points, points
from app.domain.rules import Band, RuleSet
from app.domain.standing import band_for, five_star_places, limit_five_stars


class RoundStatus(LabelledEnum):
    APPLYING = "applying", "申报创星"
    ASSESSING = "assessing", "审核评星"
    PUBLICISING = "publicising", "公示亮星"
    REPORTED = "reported", "已上报，待乡镇验星"
    RETURNED = "returned", "乡镇退回"
    VERIFIED = "verified", "乡镇已验星"


class StarStage(LabelledEnum):
    PROPOSAL = "proposal", "系统测评"
    OVERRIDE = "override", "支委会审核调整"
    OBJECTION = "objection", "公示异议处理"
    ADJUSTMENT = "adjustment", "动态调星"


# Which step may follow which; reopening a locked round is its own, recorded, action.
# Assessing again while assessing re-freezes the totals (e.g. after corrections in a reopened
# round); a returned round goes back to assessing only through `reopen`, with its reason.
NEXT_STATUS = {
    RoundStatus.APPLYING: {RoundStatus.ASSESSING},
    RoundStatus.ASSESSING: {RoundStatus.ASSESSING, RoundStatus.PUBLICISING},
    RoundStatus.PUBLICISING: {RoundStatus.REPORTED, RoundStatus.ASSESSING},
    RoundStatus.REPORTED: {RoundStatus.VERIFIED, RoundStatus.RETURNED},
    RoundStatus.RETURNED: set(),
    RoundStatus.VERIFIED: set(),
}
LOCKED = {RoundStatus.REPORTED, RoundStatus.VERIFIED}
REOPENABLE = {RoundStatus.REPORTED, RoundStatus.VERIFIED, RoundStatus.RETURNED}


class RoundAction(LabelledEnum):
    """What a person does inside a round; each is allowed only at some steps (ALLOWED_AT)."""

    DECLARE = "declare", "登记创星申报"
    DUAL_REPORT = "dual_report", "登记双报到情况"
    OVERRIDE = "override", "调整测评结果"
    OBJECT = "object", "登记异议"
    ANSWER = "answer", "答复异议"
    ADJUST = "adjust", "动态调星"


# The one table of when each action is allowed; services refuse and the window greys out from it.
ALLOWED_AT = {
    RoundAction.DECLARE: frozenset({RoundStatus.APPLYING}),
    RoundAction.DUAL_REPORT: frozenset({RoundStatus.APPLYING, RoundStatus.ASSESSING}),
    RoundAction.OVERRIDE: frozenset({RoundStatus.ASSESSING}),
    RoundAction.OBJECT: frozenset({RoundStatus.PUBLICISING}),
    RoundAction.ANSWER: frozenset({RoundStatus.PUBLICISING}),
    RoundAction.ADJUST: frozenset({RoundStatus.VERIFIED}),
}


def check_action(action: RoundAction, current: RoundStatus) -> None:
    """Refuse `action` outside the steps it belongs to, naming those steps and the current one."""
    allowed = ALLOWED_AT[action]
    if current not in allowed:
        steps = "或".join(f"“{status.label}”" for status in RoundStatus if status in allowed)
        raise ConflictError(f"{action.label}只能在{steps}阶段进行，评定现在处于“{current.label}”阶段。")


def check_transition(current: RoundStatus, target: RoundStatus) -> None:
    if target not in NEXT_STATUS[current]:
        raise ConflictError(f"评定目前处于“{current.label}”阶段，不能直接进入“{target.label}”。")


def check_publicity_days(days: int) -> None:
    if not 1 <= days <= 30:
        raise ValidationError("公示期应为 1 到 30 天。")


@dataclass(frozen=True)
class RatingScheme:
    """How a year's points become stars, frozen with the round when it starts."""

    star_bands: tuple[Band, ...]
    five_star_quota: Decimal | None = None
    dual_report_max_stars: int = 3
    award_min_stars: int = 4
    probation_flag_below: Decimal | None = None
    publicity_days: int = 5

    def __post_init__(self) -> None:
        if not self.star_bands:
            raise ValidationError("星级评定需要星级分数线，请先在积分细则中设置。")
        if self.five_star_quota is not None and not Decimal("0") < self.five_star_quota <= Decimal("1"):
            raise ValidationError("五星名额比例应在 0 到 1 之间，例如 0.2 表示不超过 20%。")
        if not 0 <= self.dual_report_max_stars <= 5 or not 1 <= self.award_min_stars <= 5:
            raise ValidationError("星级上限应在 0 到 5 星之间。")
        check_publicity_days(self.publicity_days)

    @classmethod
    def from_rule_set(cls, rule_set: RuleSet, **overrides) -> "RatingScheme":
        values = dict(
            star_bands=rule_set.star_bands,
            five_star_quota=rule_set.five_star_quota,
            probation_flag_below=rule_set.probation_flag_below,
        )
        values.update(overrides)
        return cls(**values)

    def to_dict(self) -> dict:
        return {
            "star_bands": [{"min": str(b.min_points), "stars": b.stars} for b in self.star_bands],
            "five_star_quota": None if self.five_star_quota is None else str(self.five_star_quota),
            "dual_report_max_stars": self.dual_report_max_stars,
            "award_min_stars": self.award_min_stars,
            "probation_flag_below": None if self.probation_flag_below is None else str(self.probation_flag_below),
            "publicity_days": self.publicity_days,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "RatingScheme":
        def optional(key):
            return None if data.get(key) in (None, "") else points(data[key])

        return cls(
            star_bands=tuple(Band(points(b["min"]), f"{int(b['stars'])}星", int(b["stars"])) for b in data["star_bands"]),
            five_star_quota=optional("five_star_quota"),
            dual_report_max_stars=int(data.get("dual_report_max_stars", 3)),
            award_min_stars=int(data.get("award_min_stars", 4)),
            probation_flag_below=optional("probation_flag_below"),
            publicity_days=int(data.get("publicity_days", 5)),
        )

    def band_stars(self, total: Decimal) -> int:
        band = band_for(total, self.star_bands)
        return band.stars if band else 0


@dataclass(frozen=True)
class CandidateFacts:
    """What the engine knows of a member when it proposes stars."""

    key: object
    name: str
    final_total: Decimal
    vetoed: bool
    member_class: MemberClass
    membership: Membership
    dual_report_served: bool | None = None


def dual_report_applies(member_class: MemberClass) -> bool:
    """In-service members (and cadres who hold a job elsewhere are not meant here) report to their home community."""
    return member_class is MemberClass.IN_SERVICE


@dataclass(frozen=True)
class Proposal:
    key: object
    band_stars: int
    stars: int
    reasons: tuple[str, ...] = field(default_factory=tuple)
    quota_reason: str = ""  # why the five-star quota moved him down to four stars ('' if it did not)


def star_ceiling(scheme: RatingScheme, facts: CandidateFacts) -> tuple[int, str]:
    """The most stars this member may hold, and why (empty reason: no limit)."""
    if facts.vetoed:
        return 0, "一票否决，不得评星"
    if dual_report_applies(facts.member_class) and not facts.dual_report_served:
        return scheme.dual_report_max_stars, f"在职党员未落实双报到，最高评{scheme.dual_report_max_stars}星"
    return 5, ""


def propose(scheme: RatingScheme, candidates: Iterable[CandidateFacts]) -> dict[object, Proposal]:
    """Stars from the band table, then eligibility ceilings, then the five-star quota.

    A member the quota moves down gets the quota's own reason: tied at the edge, below a
    tied group that did not fit, or the places already taken (app.domain.standing).
    """
    facts = {c.key: c for c in candidates}
    capped: dict[object, tuple[int, int, list[str]]] = {}
    for key, fact in facts.items():
        band = 0 if fact.vetoed else scheme.band_stars(fact.final_total)
        ceiling, why = star_ceiling(scheme, fact)
        reasons = [why] if why and band > ceiling else []
        if fact.vetoed:
            reasons = ["一票否决，不得评星"]
        capped[key] = (band, min(band, ceiling), reasons)
    rated = {key: (facts[key].final_total, stars) for key, (_, stars, _) in capped.items() if not facts[key].vetoed}
    quota = limit_five_stars(scheme.five_star_quota, rated)
    proposals = {}
    for key, (band, stars, reasons) in capped.items():
        final = quota.stars.get(key, stars)
        quota_reason = quota.reason(key)
        if quota_reason:
            reasons = reasons + [quota_reason]
        proposals[key] = Proposal(key, band, final, tuple(reasons), quota_reason)
    return proposals


@dataclass(frozen=True)
class QuotaMove:
    """A member the five-star quota keeps at four stars, for the notice."""

    key: object
    name: str
    final_total: Decimal
    reason: str


def quota_moves(scheme: RatingScheme, members: Iterable[tuple[CandidateFacts, int]]) -> tuple[QuotaMove, ...]:
    """Who the quota moved down and still holds the four stars it left him, highest total first.

    `members` pairs each member's facts with the stars he holds now; one whom the committee
    has since moved elsewhere (for his own reason) is not the quota's doing and is left out.
    """
    members = list(members)
    proposals = propose(scheme, [fact for fact, _ in members])
    moves = [
        QuotaMove(fact.key, fact.name, fact.final_total, proposals[fact.key].quota_reason)
        for fact, stars in members
        if proposals[fact.key].quota_reason and stars == proposals[fact.key].stars
    ]
    return tuple(sorted(moves, key=lambda move: -move.final_total))  # ties keep the caller's order


def check_star_change(
    scheme: RatingScheme,
    facts: CandidateFacts,
    new_stars: int,
    reason: str,
    others: Iterable[tuple[CandidateFacts, int]],
) -> str:
    """Validate a change of a member's stars by a person; returns the cleaned reason.

    `others` pairs every other member of the round with the stars he holds now. Besides a
    reason and the ceilings, a change to five stars must keep the quota and its tie rule
    (equal totals get equal stars): five-star places go to a whole group of equal totals or
    to none of it. A change that would give five stars to some of a tied group and not to the
    others is refused, whatever the reason; two members with equal totals can only be told
    apart through their points (an entry, then a new assessment). Lowering one member of a
    tied group for his own reason (e.g. a later disciplinary decision) stays allowed.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("调整星级必须写明理由。")
    if not 0 <= new_stars <= 5:
        raise ValidationError("星级应在 0 到 5 星之间（0 表示不评星）。")
    ceiling, why = star_ceiling(scheme, facts)
    if new_stars > ceiling:
        raise ValidationError(f"{facts.name}{why}，不能评为{new_stars}星。")
    if new_stars == 5 and scheme.five_star_quota is not None:
        _check_five_star_place(scheme, facts, list(others))
    return reason


def _check_five_star_place(scheme: RatingScheme, facts: CandidateFacts, others: list[tuple[CandidateFacts, int]]) -> None:
    """A five-star place for this member: within the quota, and for his whole tied group or none of it."""
    rated = sum(1 for other, _ in others if not other.vetoed) + (0 if facts.vetoed else 1)
    quota = five_star_places(scheme.five_star_quota, rated)
    holders = sum(1 for _, stars in others if stars == 5)
    if holders + 1 > quota:
        raise ValidationError(f"五星党员名额为 {quota} 名，已经评满，不能再评五星。")
    # Tied members who could hold five stars but do not: they would have to come along.
    left_out = [
        other for other, stars in others
        if not other.vetoed and other.final_total == facts.final_total and stars < 5
        and star_ceiling(scheme, other)[0] == 5
    ]
    if left_out and holders + 1 + len(left_out) > quota:
        names = "、".join(other.name for other in left_out)
        raise ValidationError(
            f"{facts.name}与{names}年度积分同为 {format_points(facts.final_total)} 分，五星名额只剩 {quota - holders} 名，"
            f"不够同分的 {len(left_out) + 1} 人一起评五星，按同分同星不能只评其中一部分。"
        )


@dataclass(frozen=True)
class AwardEligibility:
    eligible: bool
    reasons: tuple[str, ...]


def award_eligibility(scheme: RatingScheme, facts: CandidateFacts, stars: int) -> AwardEligibility:
    """Whether a member may be nominated for 评先评优, and every reason he may not."""
    reasons = []
    if facts.vetoed:
        reasons.append("一票否决")
    if dual_report_applies(facts.member_class) and not facts.dual_report_served:
        reasons.append("在职党员未落实双报到")
    if stars < scheme.award_min_stars:
        reasons.append(f"星级低于{scheme.award_min_stars}星")
    if (
        scheme.probation_flag_below is not None
        and facts.membership is Membership.PROBATIONARY
        and facts.final_total < scheme.probation_flag_below
    ):
        reasons.append(f"预备党员年度积分低于{format_points(scheme.probation_flag_below)}分")
    return AwardEligibility(not reasons, tuple(reasons))
