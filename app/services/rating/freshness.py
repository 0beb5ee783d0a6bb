"""Whether the totals frozen at 审核评星 are still the ledger's, checked before the round is reported.

Points stay open for the year until the round is reported (objections during publicity are
answered by corrections, a reopened round takes new entries), and a reopened round may be
publicised again without assessing again. The report file and the star notice carry the frozen
totals, so a round whose ledger moved since the freeze must be assessed (and publicised) again
before it goes to the township: otherwise the township verifies figures the ledger no longer has.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.domain.errors import ConflictError
from app.domain.points import format_points
from app.services.rating.rated import rated_rows
from db.rating_models import RatingCandidate
from db.store import Store

SHOWN = 3  # members named in the sentence; the rest are counted


@dataclass(frozen=True)
class MovedTotal:
    name: str
    frozen: Decimal | None  # None: not among the frozen candidates
    now: Decimal | None  # None: no longer scored this year


def moved_totals(store: Store, session, round_id: uuid.UUID, year: int) -> list[MovedTotal]:
    """Members whose year total (or veto) differs from the one frozen in the round, in ranking order.

    `session` is the caller's unit of work, which already holds the write lock: nothing can be
    written between this comparison and the caller's commit."""
    frozen = {
        candidate.member_id: candidate
        for candidate in session.scalars(select(RatingCandidate).where(RatingCandidate.round_id == round_id))
    }
    moved = []
    for row in rated_rows(store, year):
        candidate = frozen.pop(row.member_id, None)
        if candidate is None or candidate.final_total != row.period_points or bool(candidate.vetoed) != row.vetoed:
            moved.append(MovedTotal(row.name, None if candidate is None else candidate.final_total, row.period_points))
    moved.extend(MovedTotal(c.name, c.final_total, None) for c in frozen.values() if c.final_total is not None)
    return moved


def refuse_if_moved(store: Store, session, round_id: uuid.UUID, year: int) -> None:
    moved = moved_totals(store, session, round_id, year)
    if not moved:
        return
    named = "；".join(_described(total) for total in moved[:SHOWN])
    more = f"等 {len(moved)} 人" if len(moved) > SHOWN else ""
    raise ConflictError(
        f"审核评星后积分又有变化（{named}{more}），公示和上报的必须是台账现在的数：请重新“测评星级”、再次公示后上报。"
    )


def _described(total: MovedTotal) -> str:
    if total.frozen is None:
        return f"{total.name} 冻结时不在名单上，现在 {format_points(total.now)} 分"
    if total.now is None:
        return f"{total.name} 冻结时 {format_points(total.frozen)} 分，现在已不在名册上"
    return f"{total.name} 冻结时 {format_points(total.frozen)} 分，现在 {format_points(total.now)} 分"
