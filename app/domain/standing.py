"""Where a total stands: grade and star bands, competition ranking, the five-star quota, band edges.

Plain functions over numbers; the scorer (app.domain.scoring) and the rating (app.domain.rating)
both use them, so a band or the quota is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from itertools import groupby, repeat
from typing import Iterable, NamedTuple, Sequence

from app.domain.points import exact_points, format_points
from app.domain.rules import Band, RuleSet

# the flags a ranking of any period gives a member; a year's ranking adds those about the year's result
VETO_FLAG, EXEMPT_FLAG = "一票否决", "老弱病残，部分项目免考"
# a year's ranking lists a member who left during the year for the points he had here; the star
# rating rates only those on the roster at the year's end, so he has no stars here
NOT_RATED_FLAG = "年底不在本支部名册上，不参加本支部评星"
FLAGS_OF_ANY_PERIOD = (VETO_FLAG, EXEMPT_FLAG)


def band_for(total: Decimal, bands: Iterable[Band]) -> Band | None:
    """The highest band whose lower bound the total reaches (the first of equal bounds)."""
    found = None
    for band in bands:  # a plain loop: this runs twice for every member of a ranking
        if total >= band.min_points and (found is None or band.min_points > found.min_points):
            found = band
    return found


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


class Ranked(NamedTuple):
    key: object
    value: Decimal
    rank: int


def rank(values: Iterable[tuple[object, Decimal]], tie_order=None) -> list[Ranked]:
    """Competition ranking (1, 2, 2, 4): equal values share a rank; `tie_order` orders ties for display."""
    items = list(values)
    ties = [tie_order(key) for key, _ in items] if tie_order else None
    return [Ranked(items[at][0], items[at][1], place) for at, place in ranked_places([value for _, value in items], ties)]


def ranked_places(values: Sequence[Decimal], ties: Sequence | None = None) -> list[tuple[int, int]]:
    """(index into `values`, rank) in ranking order: the highest value first, equal values share a
    rank (1, 2, 2, 4) and are listed in the order of their `ties` (sort keys, one a value)."""
    order = sorted(range(len(values)), key=values.__getitem__, reverse=True)  # stable, reverse too
    places: list[tuple[int, int]] = []
    for _, run in groupby(order, key=values.__getitem__):
        tied = list(run)
        if ties is not None and len(tied) > 1:  # each run of equal values alone: fewer, shorter comparisons
            tied.sort(key=ties.__getitem__)
        places += zip(tied, repeat(len(places) + 1))
    return places


class QuotaCut(Enum):
    """Why the five-star quota moved a member down to four stars."""

    TIED_AT_EDGE = "tied_at_edge"  # places were left, but not enough for everyone with his total
    BELOW_TIED_GROUP = "below_tied_group"  # places were left, but a tied group above him did not fit
    QUOTA_FULL = "quota_full"  # members with higher totals had taken every place


@dataclass(frozen=True)
class Demotion:
    """One member the quota moved down, and the facts that explain it.

    `edge_total`/`edge_count` describe the tied group that did not fit (his own group when
    TIED_AT_EDGE, a group above him when BELOW_TIED_GROUP; None/0 when QUOTA_FULL);
    `places_left` is how many five-star places were still free when that group was reached.
    """

    key: object
    cut: QuotaCut
    total: Decimal
    quota: int
    places_left: int = 0
    edge_total: Decimal | None = None
    edge_count: int = 0

    @property
    def reason(self) -> str:
        """One sentence for the proposal, the history and the notice."""
        if self.cut is QuotaCut.TIED_AT_EDGE:
            return (
                f"五星名额 {self.quota} 名只剩 {self.places_left} 名，年度积分同为 {format_points(self.edge_total)} 分的"
                f" {self.edge_count} 人同分同星，不能只评其中一部分，一起降为四星"
            )
        if self.cut is QuotaCut.BELOW_TIED_GROUP:
            return (
                f"五星名额 {self.quota} 名只剩 {self.places_left} 名，积分更高的 {self.edge_count} 人"
                f"（同为 {format_points(self.edge_total)} 分）已因同分一起降为四星，积分较低者不能越过他们评五星，降为四星"
            )
        if self.quota == 0:
            return "按参评人数计算本支部五星名额为 0 名，降为四星"
        return f"五星名额 {self.quota} 名已由积分更高的党员占满，降为四星"


@dataclass(frozen=True)
class QuotaResult:
    stars: dict[object, int]
    quota: int | None
    demoted: tuple[object, ...] = field(default_factory=tuple)
    why: dict[object, Demotion] = field(default_factory=dict)

    def reason(self, key: object) -> str:
        """Why the quota moved this member down ('' when it did not)."""
        demotion = self.why.get(key)
        return demotion.reason if demotion else ""


def five_star_places(share: Decimal | None, rated_count: int) -> int | None:
    """The number of five-star places: floor(share × rated members); None without a quota."""
    return None if share is None else int(share * rated_count)


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

    Every demoted member gets a `Demotion` saying why: his own tied group did not fit in the
    places left (TIED_AT_EDGE), a tied group above him did not fit, so the places left cannot
    go to him (BELOW_TIED_GROUP), or higher totals had taken every place (QUOTA_FULL).
    """
    stars = {key: value[1] for key, value in scores.items()}
    quota = five_star_places(share, len(scores))
    if quota is None:
        return QuotaResult(stars, None)
    why: dict[object, Demotion] = {}
    kept = 0
    edge: tuple[Decimal, int] | None = None  # (total, size) of the tied group that crossed the quota
    for total, group in _five_star_groups(scores):
        if not why and kept + len(group) <= quota:
            kept += len(group)
            continue
        if not why and kept < quota:
            edge = (total, len(group))
        why.update((key, _demotion(key, total, quota, kept, edge, own=edge[0] == total if edge else False)) for key in group)
    for key in why:
        stars[key] = 4
    return QuotaResult(stars, quota, tuple(why), why)


def _five_star_groups(scores: dict[object, tuple[Decimal, int]]) -> list[tuple[Decimal, list[object]]]:
    """Members with five stars before the quota, grouped by equal total, highest total first."""
    groups: dict[Decimal, list[object]] = {}
    for key, (total, star) in scores.items():
        if star == 5:
            groups.setdefault(total, []).append(key)
    return sorted(groups.items(), key=lambda item: -item[0])


def _demotion(key: object, total: Decimal, quota: int, kept: int, edge: tuple[Decimal, int] | None, own: bool) -> Demotion:
    """Why `key` (total `total`) lost five stars, given the tied group at the edge, if one crossed the quota."""
    if edge is None:
        return Demotion(key, QuotaCut.QUOTA_FULL, total, quota)
    cut = QuotaCut.TIED_AT_EDGE if own else QuotaCut.BELOW_TIED_GROUP
    return Demotion(key, cut, total, quota, quota - kept, edge[0], edge[1])


@dataclass(frozen=True)
class BandEdge:
    next_label: str
    gap: Decimal


def near_band_edge(total: Decimal, bands: Iterable[Band], margin: Decimal) -> BandEdge | None:
    """The next higher band when the total is within `margin` points below it."""
    above = min((band for band in bands if band.min_points > total), key=lambda band: band.min_points, default=None)
    if above is None:
        return None
    gap = exact_points(above.min_points - total)
    if gap <= margin:
        return BandEdge(above.label or f"{above.stars}星", gap)
    return None
