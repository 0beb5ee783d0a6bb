"""Whether the member month sums kept beside the ledger (db/summaries.py) equal the ledger's own
sums, and the member year sums the month sums added up, each answered by `check` in one pass.

summaries.mismatch_count compares the two by EXCEPT both ways, which groups the whole ledger
twice; this groups it once and looks each group's kept row up by the table's primary key. Only
when they disagree does `check` ask mismatch_count for the sentence (the first key and the
exact count), so a sound file pays for one grouping.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, select

from db import summaries
from db.models import MemberMonthSum, MemberYearSum

KEY = ("rule_set_id", "year", "member_id", "month", "category")
YEAR_KEY = ("rule_set_id", "year", "member_id", "category")


def disagreeing_keys(session) -> int:
    """How many keys the kept sums and the ledger's sums disagree on (as mismatch_count counts them).

    With G the ledger's groups, K the kept rows, P the groups that have a kept row of the same
    key and S those whose kept row also has the same points and vetoes: G − P keys are missing
    from the kept sums, K − P kept rows have no group, and P − S keys differ, which makes
    G + K − P − S; a key is never counted twice since both sides are unique by key."""
    return _disagreeing(session, MemberMonthSum, summaries.ledger_sums_query().subquery(), KEY)


def disagreeing_year_keys(session, against_ledger: bool = False) -> int:
    """How many keys the kept year sums and the month sums added up (or, `against_ledger`, the
    ledger's sums added up by year) disagree on, as summaries.year_mismatch_count counts them."""
    computed = summaries.ledger_year_sums_query() if against_ledger else summaries.months_added_up_query()
    return _disagreeing(session, MemberYearSum, computed.subquery(), YEAR_KEY)


def _disagreeing(session, kept, computed, key: tuple[str, ...]) -> int:
    same_key = and_(*(getattr(kept, name) == computed.c[name] for name in key))
    same_sums = and_(kept.points == computed.c.points, kept.vetoes == computed.c.vetoes)
    groups, paired, same = session.execute(
        select(func.count(), func.count(kept.rule_set_id), func.coalesce(func.sum(case((same_sums, 1), else_=0)), 0))
        .select_from(computed.outerjoin(kept, same_key))
    ).one()
    kept_rows = session.scalar(select(func.count()).select_from(kept)) or 0
    return groups + kept_rows - paired - same
