"""Reading a star-rating round: candidates with their frozen results, steps, objections, history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.domain.enums import MemberClass, Membership
from app.domain.errors import NotFound
from app.domain.rating import CandidateFacts, RatingScheme, RoundStatus, StarStage, quota_moves
from app.domain.rules import RuleSet
from app.reports.data import StarQuotaMove
from app.services.context import read_session
from app.services.organisation import require_branch_id
from db.models import Operator
from db.rating_models import RatingCandidate, RatingObjection, RatingRound, RatingStarChange, RatingStep
from db.store import Store


@dataclass(frozen=True)
class StarChangeRow:
    stage: StarStage
    from_stars: int | None
    to_stars: int
    reason: str
    on_date: date
    operator: str


@dataclass(frozen=True)
class CandidateRow:
    id: uuid.UUID
    member_id: uuid.UUID
    name: str
    group_name: str
    member_class: MemberClass
    membership: Membership
    declared_stars: int | None
    declaration: str
    dual_report_served: bool | None
    final_total: Decimal | None
    vetoed: bool
    rank: int | None
    band_stars: int | None
    proposed_stars: int | None
    stars: int | None
    flags: tuple[str, ...]
    history: tuple[StarChangeRow, ...]


@dataclass(frozen=True)
class StepRow:
    action: str
    status_after: RoundStatus
    on_date: date
    operator: str
    note: str


@dataclass(frozen=True)
class ObjectionRow:
    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    raised_by: str
    raised_on: date
    content: str
    answer: str
    answered_on: date | None
    upheld: bool | None


@dataclass(frozen=True)
class RoundView:
    id: uuid.UUID
    year: int
    status: RoundStatus
    scheme: RatingScheme
    publicity_start: date | None
    publicity_end: date | None
    objection_contact: str
    report_sha256: str | None
    township_comments: str
    candidates: tuple[CandidateRow, ...]
    steps: tuple[StepRow, ...]
    objections: tuple[ObjectionRow, ...]

    def candidate(self, member_id: uuid.UUID) -> CandidateRow:
        for row in self.candidates:
            if row.member_id == member_id:
                return row
        raise KeyError(member_id)

    def by_stars(self) -> dict[int, list[CandidateRow]]:
        """Members grouped by their current stars, highest first, each group in rank order."""
        groups: dict[int, list[CandidateRow]] = {}
        for row in sorted(self.candidates, key=lambda r: (-(r.stars or 0), r.rank or 0, r.name)):
            groups.setdefault(row.stars or 0, []).append(row)
        return groups


def candidate_facts(candidate) -> CandidateFacts:
    """What the rating engine knows of a frozen candidate (a RatingCandidate or a CandidateRow)."""
    return CandidateFacts(
        candidate.member_id, candidate.name, candidate.final_total or Decimal(0), candidate.vetoed,
        candidate.member_class, candidate.membership, candidate.dual_report_served,
    )


def notice_quota_moves(view: RoundView) -> tuple[StarQuotaMove, ...]:
    """For the star notice: who the five-star quota keeps at four stars in this round, and why."""
    groups = {c.member_id: c.group_name for c in view.candidates}
    moves = quota_moves(view.scheme, [(candidate_facts(c), c.stars or 0) for c in view.candidates])
    return tuple(StarQuotaMove(m.name, groups[m.key], m.final_total, m.reason) for m in moves)


def estimated_quota_moves(rule_set: RuleSet, rows) -> tuple[StarQuotaMove, ...]:
    """The same before a round starts, from the year's ranking rows (whose stars have the quota).

    The estimate knows nothing of 双报到 yet, so no ceiling is applied, as in the ranking.
    """
    if rule_set.five_star_quota is None or not rule_set.star_bands:
        return ()
    members = [
        (CandidateFacts(r.member_id, r.name, r.year_to_date, r.vetoed, r.member_class, r.membership, True), r.stars)
        for r in rows
    ]
    groups = {r.member_id: r.group_name for r in rows}
    moves = quota_moves(RatingScheme.from_rule_set(rule_set), members)
    return tuple(StarQuotaMove(m.name, groups[m.key], m.final_total, m.reason) for m in moves)


def load_round(session, branch_id: uuid.UUID, year: int) -> RatingRound:
    record = session.scalar(select(RatingRound).where(RatingRound.branch_id == branch_id, RatingRound.year == year))
    if record is None:
        raise NotFound(f"{year} 年的星级评定还没有开始。")
    return record


def load_view(store: Store, year: int) -> RoundView:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        record = load_round(session, branch_id, year)
        names = dict(session.execute(select(Operator.id, Operator.display_name)).all())
        candidates = list(session.scalars(select(RatingCandidate).where(RatingCandidate.round_id == record.id)))
        changes: dict[uuid.UUID, list[StarChangeRow]] = {}
        for change in session.scalars(
            select(RatingStarChange)
            .where(RatingStarChange.candidate_id.in_([c.id for c in candidates]))
            .order_by(RatingStarChange.created_at)
        ):
            changes.setdefault(change.candidate_id, []).append(
                StarChangeRow(change.stage, change.from_stars, change.to_stars, change.reason, change.on_date,
                              names.get(change.operator_id, ""))
            )
        steps = session.scalars(select(RatingStep).where(RatingStep.round_id == record.id).order_by(RatingStep.created_at))
        objections = session.scalars(select(RatingObjection).where(RatingObjection.round_id == record.id).order_by(RatingObjection.created_at))
        by_id = {c.id: c for c in candidates}
        return RoundView(
            id=record.id, year=record.year, status=record.status, scheme=RatingScheme.from_dict(record.scheme),
            publicity_start=record.publicity_start, publicity_end=record.publicity_end,
            objection_contact=record.objection_contact, report_sha256=record.report_sha256,
            township_comments=record.township_comments,
            candidates=tuple(
                CandidateRow(
                    c.id, c.member_id, c.name, c.group_name, c.member_class, c.membership, c.declared_stars,
                    c.declaration, c.dual_report_served, c.final_total, c.vetoed, c.rank, c.band_stars,
                    c.proposed_stars, c.stars, tuple(c.flags or ()), tuple(changes.get(c.id, ())),
                )
                for c in sorted(candidates, key=lambda c: (c.rank or 10**6, c.name))
            ),
            steps=tuple(StepRow(s.action, s.status_after, s.on_date, names.get(s.operator_id, ""), s.note) for s in steps),
            objections=tuple(
                ObjectionRow(o.id, by_id[o.candidate_id].member_id, by_id[o.candidate_id].name, o.raised_by, o.raised_on, o.content, o.answer, o.answered_on, o.upheld)
                for o in objections
            ),
        )


def member_star_history(store: Store, member_id: uuid.UUID) -> list[tuple[int, StarChangeRow]]:
    """Every star change of a member across all years: (year, change), oldest first."""
    with read_session(store) as session:
        names = dict(session.execute(select(Operator.id, Operator.display_name)).all())
        rows = session.execute(
            select(RatingRound.year, RatingStarChange)
            .join(RatingCandidate, RatingStarChange.candidate_id == RatingCandidate.id)
            .join(RatingRound, RatingCandidate.round_id == RatingRound.id)
            .where(RatingCandidate.member_id == member_id)
            .order_by(RatingRound.year, RatingStarChange.created_at)
        ).all()
        return [
            (year, StarChangeRow(c.stage, c.from_stars, c.to_stars, c.reason, c.on_date, names.get(c.operator_id, "")))
            for year, c in rows
        ]
