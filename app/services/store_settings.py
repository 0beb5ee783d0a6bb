"""Settings kept inside a database file (the store_settings table), and the township's keys.

A township's gathering database is marked by `township_id` (its committee's OrgUnit id), and
what was gathered from each village is recorded under `gathered:<branch uuid>` (JSON: backup
time, file hash, counts, conflicts). A village's own database is marked by
app.services.organisation.BRANCH_SETTING instead. Callers pass their open session.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from db.models import OrgUnit, StoreSetting

TOWNSHIP_SETTING = "township_id"
GATHERED_PREFIX = "gathered:"

__all__ = ["TOWNSHIP_SETTING", "GATHERED_PREFIX", "read_settings", "put_setting", "gathered_record", "township_unit"]


def read_settings(session) -> dict[str, str]:
    return {s.key: s.value for s in session.scalars(select(StoreSetting))}


def put_setting(session, key: str, value: str) -> None:
    setting = session.scalar(select(StoreSetting).where(StoreSetting.key == key))
    if setting is None:
        session.add(StoreSetting(key=key, value=value))
    else:
        setting.value = value
    session.flush()


def gathered_record(session, branch_id: str) -> dict | None:
    setting = session.scalar(select(StoreSetting).where(StoreSetting.key == GATHERED_PREFIX + branch_id))
    return json.loads(setting.value) if setting else None



def township_unit(session) -> OrgUnit | None:
    """The committee a township's gathering database is for; None in a village's (or before it is marked)."""
    unit_id = read_settings(session).get(TOWNSHIP_SETTING)
    return session.get(OrgUnit, uuid.UUID(unit_id)) if unit_id else None
