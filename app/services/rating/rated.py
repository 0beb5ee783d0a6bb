"""Who the year's star rating rates: the members on the branch's roster at the year's end.

The year's ranking (and every year paper) lists anyone on the roster at some time in the year:
a member transferred out in June keeps his half-year of points there. Stars are the branch's
judgement of its own members, though, and one who has left is rated (if at all) where he went:
the round, its count before it starts and the check before it is reported all take this list.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.rating import CandidateFacts, RatingScheme, propose
from app.domain.rules import RuleSet
from app.domain.standing import five_star_places, ranked_places
from app.services.totals import ranking as totals
from db.store import Store


def rated_rows(store: Store, year: int, ranking: totals.Ranking | None = None) -> tuple[totals.RankingRow, ...]:
    """The rows of the year's ranking (given, or read) whose member is on the roster on 31 December
    by the ranking's own rule (a member whose leaving has no date stays, as he does there): the
    ranking marks them (`rated`), as its five-star quota counts only them."""
    ranking = ranking or totals.branch_ranking(store, year)
    return tuple(row for row in ranking.rows if row.rated)


def rated_places(rows: tuple[totals.RankingRow, ...]) -> dict[uuid.UUID, int]:
    """Each rated member's 名次 among the rated (rated_rows), ties sharing a place as the ranking
    ranks them (1, 2, 2, 4): one who left during the year leaves no gap where he stood."""
    places = ranked_places([row.period_points for row in rows])  # rows in ranking order: ties keep its order
    return {rows[at].member_id: place for at, place in places}


@dataclass(frozen=True)
class Estimate:
    """The stars a round would propose now, before one has assessed them (the 星级预评名单 and
    certificates signed after the year without a round): the rated members, their stars from the
    round's own engine over those members alone, and the five-star places among them."""

    rows: tuple[totals.RankingRow, ...]  # rated_rows: on the roster at the year's end, vetoed ones too
    stars: dict[uuid.UUID, int]
    five_star_places: int | None

    def stars_of(self, row: totals.RankingRow) -> int:
        return self.stars.get(row.member_id, 0)


def estimate(store: Store, year: int, rule_set: RuleSet, ranking: totals.Ranking | None = None) -> Estimate:
    """As `assess` would propose today, except that 双报到 is not known yet (no ceiling, as in the
    ranking): the quota counts the members rated, not those who left during the year. `ranking`:
    the year's, when the caller has read it already."""
    rows = rated_rows(store, year, ranking)
    facts = [CandidateFacts(r.member_id, r.name, r.period_points, r.vetoed, r.member_class, r.membership, True) for r in rows]
    proposals = propose(RatingScheme.from_rule_set(rule_set), facts)
    places = five_star_places(rule_set.five_star_quota, sum(1 for r in rows if not r.vetoed))
    return Estimate(rows, {key: p.stars for key, p in proposals.items()}, places)
