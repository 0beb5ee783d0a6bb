"""Where a total stands: grade and star bands, competition ranking, the five-star quota, band edges.

Plain functions over numbers; the scorer (app.domain.scoring) and the rating (app.domain.rating)
both use them, so a band or the quota is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from app.domain.points import points
from app.domain.rules import Band, RuleSet


def band_for(total: Decimal, bands: Iterable[Band]) -> Band | None:
    """The highest band whose lower bound the total reaches."""
    reached = [band for band in bands if total >= band.min_points]
    return max(reached, key=lambda band: band.min_points) if reached else None


def stars_for(total: Decimal, rule_set: RuleSet, vetoed: bool = False) -> int:
    if vetoed:
        return 0
    band = band_for(total, rule_set.star_bands)
    return band.stars if band else 0


def grade_for(total: Decimal, rule_set: RuleSet, vetoed: bool = False) -> str:
    if vetoed:
        return "一票否决"
    band = band_for(total, rule_set.grade_bands)
    return band.label if band else ""


@dataclass(frozen=True)
class Ranked:
    key: object
    value: Decimal
    rank: int


def rank(values: Iterable[tuple[object, Decimal]], tie_order=None) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4): equal values share a rank; `tie_order` orders ties for display."""
    items = list(values)
    items.sort(key=lambda kv: (-kv[1], tie_order(kv[0]) if tie_order else 0))
    ranked: list[Ranked] = []
    for position, (key, value) in enumerate(items, start=1):
        if ranked and ranked[-1].value == value:
            ranked.append(Ranked(key, value, ranked[-1].rank))
        else:
            ranked.append(Ranked(key, value, position))
    return ranked


@dataclass(frozen=True)
class QuotaResult:
    stars: dict[object, int]
    quota: int | None
    demoted: tuple[object, ...] = field(default_factory=tuple)


def apply_five_star_quota(rule_set: RuleSet, scores: dict[object, tuple[Decimal, int]]) -> QuotaResult:
    """The rule set's five-star quota applied to {member: (final total, stars before the quota)}."""
    return limit_five_stars(rule_set.five_star_quota, scores)


def limit_five_stars(share: Decimal | None, scores: dict[object, tuple[Decimal, int]]) -> QuotaResult:
    """Limit five-star members to `share` of the rated members.

    `scores` maps a member to (final total, stars before the quota). The quota is
    floor(share × rated members). Tie rule: members are taken in order of total; when a
    group with the same total would cross the quota, the whole group drops to four stars,
    and so does everyone below it, so the quota is never exceeded, equal totals always get
    equal stars, and nobody keeps five stars over someone with a higher total.
    """
    stars = {key: value[1] for key, value in scores.items()}
    if share is None:
        return QuotaResult(stars, None)
    quota = int(share * len(scores))
    candidates = sorted(
        ((key, total) for key, (total, star) in scores.items() if star == 5), key=lambda kv: -kv[1]
    )
    kept = 0
    demoted: list[object] = []
    index = 0
    while index < len(candidates):
        total = candidates[index][1]
        group = [key for key, value in candidates[index:] if value == total]
        if not demoted and kept + len(group) <= quota:
            kept += len(group)
        else:
            demoted.extend(group)
        index += len(group)
    for key in demoted:
        stars[key] = 4
    return QuotaResult(stars, quota, tuple(demoted))


@dataclass(frozen=True)
class BandEdge:
    next_label: str
    gap: Decimal


def near_band_edge(total: Decimal, bands: Iterable[Band], margin: Decimal) -> BandEdge | None:
    """The next higher band when the total is within `margin` points below it."""
    above = sorted((band for band in bands if band.min_points > total), key=lambda band: band.min_points)
    if not above:
        return None
    gap = points(above[0].min_points - total)
    if gap <= margin:
        label = above[0].label or f"{above[0].stars}星"
        return BandEdge(label, gap)
    return None
