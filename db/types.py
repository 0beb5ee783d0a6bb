"""Column types that keep the domain's exact values on every backend."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.types import TypeDecorator

from app.domain.enums import Role
from app.domain.points import from_hundredths, to_hundredths


class Points(TypeDecorator):
    """A two-place Decimal stored as whole hundredths, so sums are exact on SQLite too."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect):
        return None if value is None else to_hundredths(value)

    def process_result_value(self, value: int | None, dialect):
        return None if value is None else from_hundredths(value)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


class JSONText(TypeDecorator):
    """JSON kept as readable UTF-8 text (Chinese stays legible in the file)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(value)


class RoleSet(TypeDecorator):
    """An account's roles as their values joined by commas ("admin,clerk"), readable in the file
    and the same on every backend; a frozenset of Role in Python."""

    impl = String(100)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return ",".join(sorted(Role(role).value for role in value))

    def process_result_value(self, value: str | None, dialect):
        if value is None:
            return None
        return frozenset(Role(part) for part in value.split(",") if part)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
