"""`check`'s part for reported star ratings: are the totals frozen in them still the ledger's?

A round reported to the township (or verified by it) locks its year: no entry, review,
reversal or appraisal of that year is taken until the round is reopened. Its frozen year totals
are what the township received, and what next year's carried base starts from
(app.services.totals.standings.Standings.finals reads them instead of scoring a reported year
again). So they must still be what the ledger adds up to. They stop being so only when
something outside the lock moved them — an earlier year corrected after this one was reported
(its carried base changed), a rule set of the year edited, or the file altered by hand — and
the clerk must hear of it, because next year's figures follow the frozen ones.

Compared for each member whom both name: with a frozen total, in the round's branch still (a
member moved to another branch after the report is scored there, as the rankings score him), and
scored by the ledger in that year. The roster's dates alone can take a member into a year or out
of it after its report, and neither is a figure the ledger contradicts:
- scored without a frozen total (added to the roster later with an old date of joining): his
  figures come from the ledger, nothing frozen stands in for them;
- frozen but no longer scored (transferred out that year and back in later, which dates his time
  in the branch anew; a death registered late with an earlier date): he has no entry in that year
  (an entry would score him), and his frozen total carries on as reported.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from app.domain.points import format_points
from app.domain.rating import LOCKED
from app.services.totals.standings import Standings, has_table
from db.models import Member
from db.rating_models import RatingRound


def round_problems(session) -> list[str]:
    """One sentence per reported year whose frozen totals differ from the ledger's now."""
    if not has_table(session, RatingRound):
        return []
    reported: dict[int, list] = {}
    for year, branch_id in session.execute(select(RatingRound.year, RatingRound.branch_id).where(RatingRound.status.in_(list(LOCKED)))):
        reported.setdefault(year, []).append(branch_id)
    problems = []
    for year in sorted(reported):
        standings = Standings(session, reported[year], year)
        frozen, scored = standings.frozen_finals(year), standings.scored_finals(year)
        differing = sorted((key for key, total in frozen.items() if scored.get(key, total) != total), key=str)
        if differing:
            problems.append(_sentence(session, year, differing, frozen, scored))
    return problems


def _sentence(session, year: int, differing: list, frozen: dict, scored: dict) -> str:
    member_id = differing[0]
    name, was, now = _name(session, member_id), frozen[member_id], scored[member_id]
    return (
        f"{year}年已上报的星级评定冻结的年度积分与台账不符：{name}冻结为 {format_points(was)} 分，"
        f"台账现在算得 {format_points(now)} 分（共 {len(differing)} 人不符）。"
        f"下一年的基础分按冻结的分数结转；若台账确需更正，请在“星级评定”中重新打开{year}年的评定，重新测评后再上报。"
    )


def _name(session, stored_id) -> str:
    name = session.scalar(select(Member.name).where(Member.id == uuid.UUID(str(stored_id))))
    return name or "?"
