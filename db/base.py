"""Declarative base with a naming convention (needed by Alembic's batch mode on SQLite)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Enum, Integer, MetaData, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import UTCDateTime, utc_now

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def enum_column(enum_cls):
    """Store an enum by its value (readable in the file), validated on the way in."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class RecordMixin:
    """Every record: a UUID that stays the same across laptops, and when it was created (UTC)."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, nullable=False)


class UpdatedMixin:
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now, onupdate=utc_now, nullable=False)


class ChainMixin:
    """The chain columns of an append-only table (app/domain/chain.py; set by db/ledger_chain.py).

    Nullable in the file so that the township's merged rows (verified at gathering) can stand
    outside the township's own chain; in a branch database an unchained row is reported by check.
    """

    chain_seq: Mapped[int | None] = mapped_column(Integer, index=True)
    chain_prev: Mapped[str | None] = mapped_column(String(64))
    chain_hash: Mapped[str | None] = mapped_column(String(64))
