"""A member's personal data (ID number, phone, birth date): sealed on write, opened on read.

The key is the log-in's (`actor.data_key`, from app/services/accounts/keyring.py); without it
personal data can be neither written nor read (PersonalDataLocked), and nothing is ever stored
in plain. Showing the full values on screen, paper or in a file is for accounts with the right
(录入员, 审核人, 管理员) and is audited (`reveal`); everything else shows app/domain/personal.py's
masked forms.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from app.domain.enums import Role
from app.domain.errors import MemberNotFound, PersonalDataLocked
from app.domain.personal import mask_birth_date, mask_id_number, mask_phone
from app.services.context import Actor, read_session, unit_of_work
from sqlalchemy import select

from db.models import Member, MemberPersonal
from db.sealed import Sealer
from db.store import Store

# Who may see full ID numbers and phones when they ask (管理员 always may: Actor.require).
REVEAL_ROLES = (Role.CLERK, Role.REVIEWER)


@dataclass(frozen=True)
class PersonalFields:
    id_number: str = ""
    phone: str = ""
    birth_date: date | None = None

    @property
    def empty(self) -> bool:
        return not (self.id_number or self.phone or self.birth_date)


def sealer_for(actor: Actor | None) -> Sealer:
    """The sealer of the log-in's data key; PersonalDataLocked without one."""
    return Sealer(actor.data_key if actor is not None else None)


def sealer_if_unlocked(actor: Actor | None) -> Sealer | None:
    return Sealer(actor.data_key) if actor is not None and actor.data_key else None


def has_personal(member: Member) -> bool:
    sealed = member.personal
    return sealed is not None and bool(sealed.id_number_sealed or sealed.phone_sealed or sealed.birth_date_sealed)


def seal_into(member: Member, sealer: Sealer, fields: PersonalFields) -> None:
    """The member's personal data replaced by `fields`, sealed (its own row in member_personal)."""
    sealed = member.personal
    if sealed is None:
        if fields.empty:
            return
        sealed = member.personal = MemberPersonal()
    sealed.id_number_sealed = sealer.seal("id_number", fields.id_number)
    sealed.id_number_lookup = sealer.lookup(fields.id_number)
    sealed.phone_sealed = sealer.seal("phone", fields.phone)
    sealed.birth_date_sealed = sealer.seal_date("birth_date", fields.birth_date)


def open_from(member: Member, sealer: Sealer | None) -> PersonalFields:
    """The member's fields opened; empty without a sealer (or without any)."""
    if sealer is None:
        return PersonalFields()  # without touching member.personal: no query for nothing
    sealed = member.personal
    if sealed is None:
        return PersonalFields()
    return PersonalFields(
        sealer.open("id_number", sealed.id_number_sealed),
        sealer.open("phone", sealed.phone_sealed),
        sealer.open_date("birth_date", sealed.birth_date_sealed),
    )


def member_with_id_number(session, sealer: Sealer, id_number: str):
    """The member whose (normalised) ID number this is, by its keyed look-up hash; None if none."""
    return session.scalar(
        select(Member).join(MemberPersonal, MemberPersonal.member_id == Member.id).where(MemberPersonal.id_number_lookup == sealer.lookup(id_number))
    )


def reveal(store: Store, actor: Actor, member_id: uuid.UUID, purpose: str = "在窗口中查看") -> PersonalFields:
    """The full personal data of one member for an account with the right; audited."""
    actor.require(*REVEAL_ROLES, action="查看完整的身份证号和电话")
    sealer = sealer_for(actor)
    with unit_of_work(store, actor) as uow:
        member = uow.session.get(Member, member_id)
        if member is None:
            raise MemberNotFound()
        fields = open_from(member, sealer)
        uow.audit("reveal", "member", member.id, f"查看 {member.name} 的完整个人信息（{purpose}）")
        return fields


def note_full_export(store: Store, actor: Actor | None, summary: str, **details) -> None:
    """Before a paper or file with full personal data is made: the right checked, the act audited."""
    if actor is None or not actor.data_key:
        raise PersonalDataLocked()
    actor.require(*REVEAL_ROLES, action="导出完整的身份证号和电话")
    with unit_of_work(store, actor) as uow:
        uow.audit("export_personal", "member", None, summary, **details)


@dataclass(frozen=True)
class MaskedPersonal:
    """A member's personal data as the window shows it before anyone asks (app/domain/personal.py)."""

    id_number: str
    phone: str
    birth_year: str
    present: bool  # the member has some (shown as 已加密 when the log-in cannot open it)


def masked(store: Store, actor: Actor | None, member_id: uuid.UUID) -> MaskedPersonal:
    """Masked forms only (no audit: nothing is revealed); empty ones without the data key."""
    with read_session(store) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise MemberNotFound()
        fields = open_from(member, sealer_if_unlocked(actor))
        return MaskedPersonal(
            mask_id_number(fields.id_number), mask_phone(fields.phone), mask_birth_date(fields.birth_date), has_personal(member)
        )


def may_reveal(actor: Actor | None) -> bool:
    """Whether the window offers 显示完整信息 to this log-in."""
    return actor is not None and bool(actor.data_key) and bool(actor.roles & {Role.ADMIN, *REVEAL_ROLES})
