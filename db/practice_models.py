"""Tables of the practice around the ledger (issue 15): 双报到 service of in-service members in
their home community, the 民主评议 ballot tally, and the resident cadres (驻村干部) with their
own points.

Service records, 双报到 overrides and cadre points are history: never edited, corrected by a
reversing record (`reverses_id`) with a reason. The tally is a form that is filled in and may be
corrected (every change audited); what it decides lands in `appraisals`, which the scorer reads.
Resident cadres are not members of the branch and never appear on the member roster.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, RecordMixin, UpdatedMixin
from db.types import JSONText, Points


class DualReportProfile(RecordMixin, UpdatedMixin, Base):
    """Where an in-service member reports: his home community (居住地社区) and his employer."""

    __tablename__ = "dual_report_profiles"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), unique=True)
    home_community: Mapped[str] = mapped_column(String(100), default="")
    employer: Mapped[str] = mapped_column(String(100), default="")
    employer_contact: Mapped[str] = mapped_column(String(100), default="")


class ServiceRecord(RecordMixin, Base):
    """Hours of service in the home community, confirmed by someone there; a reversal has negative hours."""

    __tablename__ = "service_records"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    served_on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[Decimal] = mapped_column(Points)
    activity: Mapped[str] = mapped_column(String(200))
    confirmed_by: Mapped[str] = mapped_column(String(100), default="")
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("service_records.id"), unique=True)


class DualReportOverride(RecordMixin, Base):
    """The branch decides a member's 双报到 against his hours, with a reason; the latest one counts."""

    __tablename__ = "dual_report_overrides"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    served: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text)
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class AppraisalTally(RecordMixin, UpdatedMixin, Base):
    """The year's 民主评议 count: ballots issued and returned, when, and who counted."""

    __tablename__ = "appraisal_tallies"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    ballots_issued: Mapped[int] = mapped_column(Integer)
    ballots_returned: Mapped[int] = mapped_column(Integer)
    counters: Mapped[str] = mapped_column(String(100), default="")
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class AppraisalTallyLine(RecordMixin, UpdatedMixin, Base):
    """One member's votes per grade on the returned ballots."""

    __tablename__ = "appraisal_tally_lines"
    __table_args__ = (UniqueConstraint("tally_id", "member_id"),)

    tally_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appraisal_tallies.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    excellent: Mapped[int] = mapped_column(Integer, default=0)
    competent: Mapped[int] = mapped_column(Integer, default=0)
    basic: Mapped[int] = mapped_column(Integer, default=0)
    incompetent: Mapped[int] = mapped_column(Integer, default=0)


class ResidentCadre(RecordMixin, UpdatedMixin, Base):
    """A resident (驻村) or liaison (包村) cadre sent to a village; not a member of its branch.

    His phone is personal data like a member's: sealed under the branch's data key (db/sealed.py,
    field "cadre_phone"), so neither a copy of the file nor a backup shows it without a log-in.
    """

    __tablename__ = "resident_cadres"

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    sent_by: Mapped[str] = mapped_column(String(100), default="")
    post: Mapped[str] = mapped_column(String(50), default="")
    phone_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class CadreRuleSet(RecordMixin, Base):
    """The year's task and discipline items for resident cadres, and the ten-point conversion (JSON)."""

    __tablename__ = "cadre_rule_sets"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    settings: Mapped[dict] = mapped_column(JSONText)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class CadrePointsRecord(RecordMixin, Base):
    """One line of a cadre's points under an item of the year's cadre rule set (append-only)."""

    __tablename__ = "cadre_points"

    cadre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident_cadres.id"), index=True)
    rule_set_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadre_rule_sets.id"))
    item_code: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Points)
    points: Mapped[Decimal] = mapped_column(Points)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cadre_points.id"), unique=True)
