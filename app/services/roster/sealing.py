"""Sealing the personal data of a file made before it was sealed (schema 0004 and older).

Migration 0006 sets the plain ID numbers, phones and birth dates aside in `unsealed_personal`
(a migration has no key). As soon as the branch's first data key exists (the accounts service's
set-up, or the first log-in after an upgrade), `seal_existing` seals them into the members'
rows and deletes the plain rows, in the caller's transaction. Deleted rows still lie in the
file's free pages and in its WAL, and the safety copy made before the upgrade holds them too:
`forget_plain_copies`, run once that transaction has committed, rebuilds the file (VACUUM),
empties the WAL and deletes those safety copies.

Audit rows written before this session's work may hold plain personal data (their `changed`
details of member edits); they are chained and append-only, so they are left as they are and
`plain_personal_in_audit` counts them for the report. New audit rows hold masked values only.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlalchemy import select

from app.domain.errors import StoreError
from app.services.context import Actor, unit_of_work
from app.services.roster.personal import PersonalFields, seal_into
from db.models import Member, UnsealedPersonal
from db.sealed import Sealer
from db.store import Store

# Safety copies of files from before revision 0006 (their members' personal data is plain).
_PLAIN_SAFETY_COPY = re.compile(r"\.before-upgrade-(000[1-5])-\d{8}-\d{6}")


def waiting(session) -> int:
    """How many members' personal data still waits to be sealed."""
    return len(session.scalars(select(UnsealedPersonal.member_id)).all())


def seal_existing(uow, data_key: bytes) -> int:
    """Seal every member's set-aside plain data under `data_key`; returns how many were sealed.

    Runs in the caller's unit of work (right after keyring.set_up, or at log-in); harmless when
    nothing waits. Call `forget_plain_copies` after the transaction commits.
    """
    sealer = Sealer(data_key)
    plain_rows = uow.session.scalars(select(UnsealedPersonal)).all()
    for plain in plain_rows:
        member = uow.session.get(Member, plain.member_id)
        seal_into(member, sealer, PersonalFields(plain.id_number or "", plain.phone or "", plain.birth_date))
        uow.session.delete(plain)
    if plain_rows:
        uow.session.flush()
        uow.audit("seal", "member", None, f"加密保存了 {len(plain_rows)} 名党员的身份证号、电话和出生日期（旧版本数据）", count=len(plain_rows))
    return len(plain_rows)


def forget_plain_copies(store: Store) -> list[Path]:
    """After sealing: no plain copy left in the file's free pages, its WAL or an upgrade's
    safety copy. Returns the safety copies deleted. SQLite only (a server keeps its own)."""
    if store.engine.dialect.name != "sqlite" or store.path is None:
        return []
    store.engine.dispose()  # no pooled connection may hold a read snapshot during VACUUM
    try:
        with sqlite3.connect(store.path) as connection:
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
    except sqlite3.Error as exc:
        raise StoreError("个人信息已加密，但整理数据库文件时出错，旧的明文可能还留在文件的空闲部分，请稍后重启程序再试。", details=str(exc)) from exc
    deleted = []
    path = Path(store.path)
    for candidate in path.parent.glob(f"{path.stem}.before-upgrade-*"):
        if _PLAIN_SAFETY_COPY.search(candidate.name):
            candidate.unlink(missing_ok=True)
            deleted.append(candidate)
    return deleted


def seal_and_forget(store: Store, actor: Actor) -> int:
    """Both steps for a logged-in actor (the first log-in after an upgrade); returns how many."""
    with unit_of_work(store, actor) as uow:
        count = seal_existing(uow, actor.data_key)
    if count:
        forget_plain_copies(store)
    return count


def plain_personal_in_audit(store: Store, id_numbers: list[str]) -> int:
    """Audit rows (from before sealing) that contain one of `id_numbers` in plain."""
    from db.models import AuditRecord

    with store.session() as session:
        texts = session.execute(select(AuditRecord.summary, AuditRecord.details)).all()
    return sum(1 for summary, details in texts if any(number in f"{summary}{details}" for number in id_numbers))
