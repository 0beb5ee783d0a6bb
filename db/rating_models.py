"""Tables of the annual star rating: rounds, their steps, candidates, star changes, objections,
and (on the township's side) the verification of reported rounds.

Steps and star changes are history: append-only, enforced by triggers (migration 0002).
Candidates keep a snapshot of the member's name, group, class and year total, so a
round shows what was decided even if the roster or the ledger changes later.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.enums import MemberClass, Membership
from app.domain.rating import RoundStatus, StarStage
from db.base import Base, RecordMixin, UpdatedMixin, enum_column
from db.types import JSONText, Points, UTCDateTime


class RatingRound(RecordMixin, UpdatedMixin, Base):
    __tablename__ = "rating_rounds"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus))
    scheme: Mapped[dict] = mapped_column(JSONText)
    publicity_start: Mapped[date | None] = mapped_column(Date)
    publicity_end: Mapped[date | None] = mapped_column(Date)
    objection_contact: Mapped[str] = mapped_column(Text, default="")
    report_sha256: Mapped[str | None] = mapped_column(String(64))
    township_comments: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class RatingStep(RecordMixin, Base):
    """One step of a round taken by someone on a date (also reopening and the township's answer)."""

    __tablename__ = "rating_steps"

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rating_rounds.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    status_after: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus))
    on_date: Mapped[date] = mapped_column(Date)
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class RatingCandidate(RecordMixin, UpdatedMixin, Base):
    __tablename__ = "rating_candidates"
    __table_args__ = (UniqueConstraint("round_id", "member_id"),)

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rating_rounds.id"), index=True)
    # a member's star history across years (0012)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    group_name: Mapped[str] = mapped_column(String(100), default="")
    member_class: Mapped[MemberClass] = mapped_column(enum_column(MemberClass))
    membership: Mapped[Membership] = mapped_column(enum_column(Membership))
    declared_stars: Mapped[int | None] = mapped_column(Integer)
    declaration: Mapped[str] = mapped_column(Text, default="")
    declared_on: Mapped[date | None] = mapped_column(Date)
    dual_report_served: Mapped[bool | None] = mapped_column(Boolean)
    final_total: Mapped[Decimal | None] = mapped_column(Points)
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int | None] = mapped_column(Integer)
    band_stars: Mapped[int | None] = mapped_column(Integer)
    proposed_stars: Mapped[int | None] = mapped_column(Integer)
    stars: Mapped[int | None] = mapped_column(Integer)
    flags: Mapped[list] = mapped_column(JSONText, default=list)


class RatingStarChange(RecordMixin, Base):
    """Every change of a member's stars after the proposal: who, when, from what, to what, why."""

    __tablename__ = "rating_star_changes"

    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rating_candidates.id"), index=True)
    stage: Mapped[StarStage] = mapped_column(enum_column(StarStage))
    from_stars: Mapped[int | None] = mapped_column(Integer)
    to_stars: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    on_date: Mapped[date] = mapped_column(Date)
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class RatingObjection(RecordMixin, UpdatedMixin, Base):
    """An objection raised during the publicity period (异议) and the branch's answer."""

    __tablename__ = "rating_objections"

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rating_rounds.id"), index=True)
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rating_candidates.id"))
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operators.id"))
    upheld: Mapped[bool | None] = mapped_column(Boolean)


class TownshipVerification(RecordMixin, UpdatedMixin, Base):
    """On the township's computer: a village's reported round, as received, and the decision."""

    __tablename__ = "township_verifications"
    __table_args__ = (UniqueConstraint("round_id", "report_sha256"),)

    round_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    branch_name: Mapped[str] = mapped_column(String(100))
    township_name: Mapped[str] = mapped_column(String(100), default="")
    year: Mapped[int] = mapped_column(Integer)
    report_sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSONText)
    decision: Mapped[str | None] = mapped_column(String(20))
    comments: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operators.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
