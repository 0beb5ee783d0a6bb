"""Who the year's star rating rates: the members on the branch's roster at the year's end.

The year's ranking (and every year paper) lists anyone on the roster at some time in the year:
a member transferred out in June keeps his half-year of points there. Stars are the branch's
judgement of its own members, though, and one who has left is rated (if at all) where he went:
the round, its count before it starts and the check before it is reported all take this list.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.services.context import read_session
from app.services.totals import ranking as totals
from app.services.totals.standings import on_roster
from db.models import Member
from db.store import Store


def rated_rows(store: Store, year: int, ranking: totals.Ranking | None = None) -> tuple[totals.RankingRow, ...]:
    """The rows of the year's ranking (given, or read) whose member is on the roster on 31 December
    by the ranking's own rule (a member whose leaving has no date stays, as he does there)."""
    ranking = ranking or totals.branch_ranking(store, year)
    year_end = date(year, 12, 31)
    ids = [row.member_id for row in ranking.rows]
    with read_session(store) as session:
        staying = set(session.scalars(select(Member.id).where(Member.id.in_(ids), on_roster(year_end, year_end))))
    return tuple(row for row in ranking.rows if row.member_id in staying)
