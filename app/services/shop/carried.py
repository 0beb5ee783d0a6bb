"""What each member carries out of a shop year, worked out once and kept in this process, so the
shop page scores the year it shows and not every year since the branch's first rule set.

A year's carried balance depends on that year's ledger, redemptions and rule set and on every
year before it. It is kept per database and branch together with the head of the audit chain
it was read under. Every write of the services adds an audit record (the house's rule), so
when the head has moved, the new audit records say what changed: a points entry or a
redemption of a year, a rule set or an item of a year make that year and the later ones be
worked out again; records of things the shop's balances never read (goods, stock, 双报到,
cadres, accounts, the rating round) leave everything kept; anything else (a member changed, a
meeting, a restore, a township's gathering, an unchained record) drops all that was kept.
A different history under the same file (a restored backup) is told by the hash at the kept
head. Only a whole branch's years are kept (never a few members'), read in read sessions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select, text

from db.ledger_chain import read_head
from db.models import AuditRecord, PointsEntry, RuleItemRecord, RuleSetRecord
from db.shop_models import ShopRedemption

EVERY_YEAR = 0  # the first year touched when a change may touch any year

# Audit entities whose records change nothing the shop's balances read.
SHOP_FREE = frozenset({
    "shop_goods", "shop_stock_in", "service_record", "dual_report_profile", "dual_report_override", "resident_cadre",
    "cadre_points", "cadre_rule_set", "cadre_rule_item", "operator", "rating_round", "rating_candidate",
    "rating_objection", "township_verification", "audit_log", "store",
})
# Records of an entity the balances read whose action changes nothing they read (looking at a
# member's personal data, exporting it, sealing it).
HARMLESS_ACTIONS = frozenset({("member", "reveal"), ("member", "export_personal"), ("member", "seal")})
_YEAR_OF = {  # entity → the query of the year the record belongs to
    "points_entry": lambda ids: select(func.min(PointsEntry.occurred_on)).where(PointsEntry.id.in_(ids)),
    "shop_redemption": lambda ids: select(func.min(ShopRedemption.redeemed_on)).where(ShopRedemption.id.in_(ids)),
    "rule_set": lambda ids: select(func.min(RuleSetRecord.year)).where(RuleSetRecord.id.in_(ids)),
    "rule_item": lambda ids: select(func.min(RuleSetRecord.year)).join(RuleItemRecord, RuleItemRecord.rule_set_id == RuleSetRecord.id)
    .where(RuleItemRecord.id.in_(ids)),
}


@dataclass
class _Kept:
    seq: int
    hash: str
    unchained: int
    carried: dict[int, dict[uuid.UUID, Decimal]] = field(default_factory=dict)  # year → what each member carries out of it


_KEPT: dict[tuple[str, uuid.UUID], _Kept] = {}


def kept_years(session, branch_id: uuid.UUID) -> dict[int, dict[uuid.UUID, Decimal]]:
    """The carried balances still true, by year (a dict to add newly worked-out years to)."""
    head = read_head(session.connection(), "audit_log")
    if head.seq == 0:  # no chained audit record to tell this history from another: keep nothing
        return {}
    unchained = session.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.chain_seq.is_(None)))
    key = (str(session.get_bind().url), branch_id)
    kept = _KEPT.get(key)
    if kept is None or unchained != kept.unchained or not _same_history(session, kept):
        kept = _KEPT[key] = _Kept(head.seq, head.hash, unchained)
    elif head.seq != kept.seq:
        first = first_year_touched(session, kept.seq)
        kept.carried = {year: carried for year, carried in kept.carried.items() if year < first}
        kept.seq, kept.hash = head.seq, head.hash
    return kept.carried


def _same_history(session, kept: _Kept) -> bool:
    found = session.execute(text("SELECT chain_hash FROM audit_log WHERE chain_seq = :seq"), {"seq": kept.seq}).scalar()
    return found == kept.hash


def first_year_touched(session, after_seq: int) -> int:
    """The earliest year the audit records after `after_seq` may have changed (EVERY_YEAR: any)."""
    ids_by_entity: dict[str, list[uuid.UUID]] = {}
    query = select(AuditRecord.entity, AuditRecord.action, AuditRecord.entity_id).where(AuditRecord.chain_seq > after_seq)
    for entity, action, entity_id in session.execute(query):
        if entity in SHOP_FREE or (entity, action) in HARMLESS_ACTIONS:
            continue
        if entity not in _YEAR_OF or entity_id is None:
            return EVERY_YEAR
        ids_by_entity.setdefault(entity, []).append(entity_id)
    first = None
    for entity, ids in ids_by_entity.items():
        found = session.scalar(_YEAR_OF[entity](ids))
        if found is None:
            return EVERY_YEAR
        year = found if isinstance(found, int) else found.year
        first = year if first is None else min(first, year)
    return 10_000 if first is None else first


def forget_everything() -> None:
    """Drop what is kept (tests that compare with a fresh computation)."""
    _KEPT.clear()
