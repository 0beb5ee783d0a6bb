"""The tables. Ledger and audit rows are append-only: see db/ledger_guard.py."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.enums import (
    Attendance,
    Category,
    CapPeriod,
    EntryStatus,
    Gender,
    MeetingKind,
    MemberClass,
    MemberStatus,
    Membership,
    OrgKind,
    Role,
    ValueKind,
)
from db.base import Base, ChainMixin, RecordMixin, UpdatedMixin, enum_column
from db.types import JSONText, Points, RoleSet, UTCDateTime


class OrgUnit(RecordMixin, UpdatedMixin, Base):
    """Township committee → branch (or general branch) → party group; grids hang off a branch."""

    __tablename__ = "org_units"

    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind))
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped["OrgUnit | None"] = relationship(remote_side="OrgUnit.id")


class Operator(RecordMixin, UpdatedMixin, Base):
    """A person who uses the program; every write names one."""

    __tablename__ = "operators"

    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    roles: Mapped[frozenset[Role]] = mapped_column(RoleSet())
    # Argon2id (app/services/accounts/passwords.py); None only for the built-in administrator
    # of a database made before accounts had passwords, until the first set-up gives it one.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Log-in slow-down, kept in the file so that restarting the program does not reset it:
    # failures since the last success, and the moment before which no password is checked.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an administrator resets the password: the owner chooses a new one at log-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)


class Member(RecordMixin, UpdatedMixin, Base):
    __tablename__ = "members"
    # The roster search (name, pinyin or initials within a branch) reads this index alone.
    __table_args__ = (
        Index("ix_members_search", "branch_id", "status", "name_pinyin", "name_initials", "name"),
    )

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    grid_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    name: Mapped[str] = mapped_column(String(50), index=True)
    name_pinyin: Mapped[str] = mapped_column(String(200), default="")
    name_initials: Mapped[str] = mapped_column(String(50), default="", index=True)
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    join_date: Mapped[date | None] = mapped_column(Date)
    full_member_date: Mapped[date | None] = mapped_column(Date)
    membership: Mapped[Membership] = mapped_column(enum_column(Membership))
    member_class: Mapped[MemberClass] = mapped_column(enum_column(MemberClass))
    is_hub_household: Mapped[bool] = mapped_column(Boolean, default=False)
    is_vanguard_post: Mapped[bool] = mapped_column(Boolean, default=False)
    post_title: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[MemberStatus] = mapped_column(enum_column(MemberStatus), default=MemberStatus.ACTIVE)
    status_date: Mapped[date | None] = mapped_column(Date)
    in_branch_since: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    group: Mapped[OrgUnit | None] = relationship(foreign_keys=[group_id])
    personal: Mapped["MemberPersonal | None"] = relationship(back_populates="member", uselist=False)


class MemberPersonal(RecordMixin, UpdatedMixin, Base):
    """A member's ID number, phone and birth date, sealed under the branch's data key
    (db/sealed.py); the ID number's keyed look-up hash keeps it unique and searchable without
    opening anything. A table of its own so that the roster's scans of `members` read no
    ciphertext (measured in tests/benchmarks/bench_members_search.py: the sealed columns inside
    `members` made a 70,000-member search keystroke a third slower)."""

    __tablename__ = "member_personal"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), unique=True)
    birth_date_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    id_number_lookup: Mapped[str | None] = mapped_column(String(64), unique=True)
    phone_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)

    member: Mapped[Member] = relationship(back_populates="personal")


class MemberEvent(RecordMixin, Base):
    """The roster's history: joining, transfers, death, changes of class (never rewritten)."""

    __tablename__ = "member_events"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[date] = mapped_column(Date)
    from_unit: Mapped[str] = mapped_column(String(100), default="")
    to_unit: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class RuleSetRecord(RecordMixin, Base):
    """A branch's rule set for one year. Settings other than the items are kept as JSON."""

    __tablename__ = "rule_sets"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict] = mapped_column(JSONText)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))

    items: Mapped[list["RuleItemRecord"]] = relationship(
        back_populates="rule_set", order_by="RuleItemRecord.sort_order"
    )


class RuleItemRecord(RecordMixin, UpdatedMixin, Base):
    __tablename__ = "rule_items"
    __table_args__ = (UniqueConstraint("rule_set_id", "code"),)

    rule_set_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rule_sets.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[Category] = mapped_column(enum_column(Category))
    value_kind: Mapped[ValueKind] = mapped_column(enum_column(ValueKind))
    value: Mapped[Decimal | None] = mapped_column(Points)
    min_value: Mapped[Decimal | None] = mapped_column(Points)
    max_value: Mapped[Decimal | None] = mapped_column(Points)
    unit: Mapped[str] = mapped_column(String(20), default="")
    cap: Mapped[Decimal | None] = mapped_column(Points)
    cap_period: Mapped[CapPeriod | None] = mapped_column(enum_column(CapPeriod))
    classes: Mapped[list] = mapped_column(JSONText, default=list)
    exempt_excused: Mapped[bool] = mapped_column(Boolean, default=False)
    outside_cap: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    rule_set: Mapped[RuleSetRecord] = relationship(back_populates="items")


class Meeting(RecordMixin, Base):
    """A meeting (三会一课, 主题党日 …) whose attendance produced points entries."""

    __tablename__ = "meetings"

    branch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    location: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class AttendanceRecord(RecordMixin, Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    status: Mapped[Attendance] = mapped_column(enum_column(Attendance))
    entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("points_entries.id"))
    note: Mapped[str] = mapped_column(Text, default="")


# the partial index of the entries a meeting wrote; a query by meeting_id = ? implies it.
FROM_A_MEETING = "meeting_id IS NOT NULL"


class PointsEntry(ChainMixin, RecordMixin, Base):
    """One line of the ledger. Never edited after review, never deleted (db/ledger_guard.py);
    chained to the line before it (app/domain/chain.py, db/ledger_chain.py)."""

    __tablename__ = "points_entries"
    # Only a meeting's entries have a meeting_id: its index leaves out the points entered by hand (0012).
    __table_args__ = (
        Index("ix_points_entries_member_date", "member_id", "occurred_on"),
        Index(
            "ix_points_entries_meeting", "meeting_id",
            sqlite_where=text(FROM_A_MEETING), postgresql_where=text(FROM_A_MEETING),
        ),
    )

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    rule_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rule_items.id"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    quantity: Mapped[Decimal] = mapped_column(Points)
    points: Mapped[Decimal] = mapped_column(Points)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EntryStatus] = mapped_column(enum_column(EntryStatus), default=EntryStatus.PENDING)
    entered_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operators.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("points_entries.id"), unique=True)
    meeting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("meetings.id"))
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    rule_item: Mapped[RuleItemRecord] = relationship()
    member: Mapped[Member] = relationship()


class AppraisalRecord(RecordMixin, UpdatedMixin, Base):
    """The democratic appraisal (民主评议) of a member for a year."""

    __tablename__ = "appraisals"
    __table_args__ = (UniqueConstraint("member_id", "year"),)

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    year: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal | None] = mapped_column(Points)
    grade: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))


class reverses_nothing(FunctionElement):  # noqa: N801  (used as a condition, like func.coalesce)
    """SQL condition: a record (an entry, a service record) that is not a reversal, `reverses_id IS
    NULL`. On SQLite it is written so that no index can answer it: a file the program made has no
    planner statistics, and without them SQLite takes `IS NULL` on the column's UNIQUE index for
    one row, then walks every record that reverses nothing, all of them (1.6 s a query on a
    county's 5 million entries, and an opening import that grew with the square of the file).
    PostgreSQL keeps statistics and estimates a wrapped column badly, so there it stays plain."""

    type = Boolean()
    name = "reverses_nothing"
    inherit_cache = True


@compiles(reverses_nothing)
def _reverses_nothing(element, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)} IS NULL)"


@compiles(reverses_nothing, "sqlite")
def _reverses_nothing_off_the_index(element, compiler, **kw) -> str:
    column = compiler.process(element.clauses, **kw)
    return f"(coalesce({column}, {column}) IS NULL)"


# Every audit record but an entry's creation: nearly all of a gathered county's 5 million records
# are those, while every kind of act the 操作日志 filters by is among the few others. SQLite uses
# a partial index only for a query that carries this same condition (app/services/accounts/audit_trail.py).
NOT_ENTRY_CREATION = "action <> 'create' OR entity <> 'points_entry'"


class AuditRecord(ChainMixin, RecordMixin, Base):
    """Who changed what and when; append-only, chained like the ledger."""

    __tablename__ = "audit_log"
    # The 操作日志 reads the newest records first, a page at a time (migration 0010); a kind of
    # act (登录, 审核与冲正…) from the records that are not an entry's creation alone (0011).
    __table_args__ = (
        Index("ix_audit_log_created_at", "created_at", "chain_seq"),
        Index(
            "ix_audit_log_acts", "created_at", "chain_seq",
            sqlite_where=text(NOT_ENTRY_CREATION), postgresql_where=text(NOT_ENTRY_CREATION),
        ),
    )

    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operators.id"))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSONText, default=dict)


class ChainStart(RecordMixin, Base):
    """Where a chain begins: rows that existed when the chain was introduced were chained then
    (`chained_at_start` of them), so the chain vouches for them only from that moment on."""

    __tablename__ = "chain_starts"

    chain: Mapped[str] = mapped_column(String(30), unique=True)
    chained_at_start: Mapped[int] = mapped_column(Integer)
    from_revision: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")


class StoreSetting(RecordMixin, UpdatedMixin, Base):
    """Small facts about this database, such as the branch it belongs to."""

    __tablename__ = "store_settings"

    key: Mapped[str] = mapped_column(String(50), unique=True)
    value: Mapped[str] = mapped_column(Text)


class MemberMonthSum(Base):
    """A member's approved points of one month and category under one rule set, kept in the same
    transaction as the entry that changes them (db/summaries.py); derived from the ledger, so
    `check` recomputes and compares them. `vetoes`: veto entries minus their reversals."""

    __tablename__ = "member_month_sums"
    __table_args__ = {"sqlite_with_rowid": False}  # clustered by its key, the order rankings read

    rule_set_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[Category] = mapped_column(enum_column(Category), primary_key=True)
    points: Mapped[Decimal] = mapped_column(Points)
    vetoes: Mapped[int] = mapped_column(Integer, default=0)


class MemberYearSum(Base):
    """A member's approved points of one year and category under one rule set: the month sums
    of the year added up, kept in the same transaction (db/summaries.py) so that a year's ranking
    (and every later year's carried base) reads one row a member and category instead of twelve.
    Clustered by its key on SQLite (no rowid), which is the order a ranking reads it in."""

    __tablename__ = "member_year_sums"
    __table_args__ = {"sqlite_with_rowid": False}

    rule_set_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    category: Mapped[Category] = mapped_column(enum_column(Category), primary_key=True)
    points: Mapped[Decimal] = mapped_column(Points)
    vetoes: Mapped[int] = mapped_column(Integer, default=0)


class DataKeyWrap(RecordMixin, UpdatedMixin, Base):
    """The branch's data key, wrapped for one account (by its password) or for the recovery code.

    `kdf` holds the Argon2id parameters and salt the wrapping key was derived with; `key_id`
    is the data key's fingerprint, the same on every wrap of one branch
    (app/services/accounts/keyring.py)."""

    __tablename__ = "data_key_wraps"
    __table_args__ = (UniqueConstraint("kind", "operator_id"),)

    kind: Mapped[str] = mapped_column(String(20))
    operator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("operators.id"))
    key_id: Mapped[str] = mapped_column(String(32))
    kdf: Mapped[dict] = mapped_column(JSONText)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class UnsealedPersonal(Base):
    """Members' personal data of a file made before it was sealed (schema 0004 and older), set
    aside by migration 0006 until the first data key exists; emptied by
    app/services/roster/sealing.py (`seal_existing`), which then vacuums the file."""

    __tablename__ = "unsealed_personal"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), primary_key=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str] = mapped_column(String(20), default="")
