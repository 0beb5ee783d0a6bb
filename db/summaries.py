"""Summaries per member and month: the approved points of each member, month and category under
each rule set, kept beside the ledger so that a ranking reads a few rows a member instead of
every entry; and the same per member and year (the year's months added up), so that a year's
ranking, and the carried base every later year needs, reads one row a member and category.

One place keeps them: `add_approved`, called by a flush hook (installed with the ledger chain in
db/store.py) for every entry that becomes approved in a session — created approved (one entry,
a batch, a meeting, an opening import), approved in review, or a reversal — so the summary
changes in the same transaction as the entry. Bulk writes that bypass the ORM (a township's
gathering) call `rebuild` for the rule sets they touched; migrations 0004 and 0009 filled the
tables with their own INSERT ... SELECT (the month sums from the entries, the years from the months).

`ledger_sums` is the same figure computed from the ledger itself: `check` compares the two, and
the year sums with the month sums (`year_mismatch_count`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import case, delete, event, except_, extract, func, insert, select, type_coerce, union
from sqlalchemy.orm import Session

from app.domain.enums import Category, EntryStatus
from db.models import MemberMonthSum, MemberYearSum, PointsEntry, RuleItemRecord, RuleSetRecord
from db.types import Points

Key = tuple  # (rule_set_id, year, member_id, month, category)
YearKey = tuple  # (rule_set_id, year, member_id, category)


def _veto_count():
    return case(
        (RuleItemRecord.category == Category.VETO, case((PointsEntry.reverses_id.is_(None), 1), else_=-1)), else_=0
    )


def ledger_sums_query(rule_set_ids=None):
    """SELECT rule_set_id, year, member_id, month, category, points, vetoes from the approved entries."""
    year, month = extract("year", PointsEntry.occurred_on), extract("month", PointsEntry.occurred_on)
    query = (
        select(
            RuleItemRecord.rule_set_id, year.label("year"), PointsEntry.member_id, month.label("month"), RuleItemRecord.category,
            type_coerce(func.sum(PointsEntry.points), Points).label("points"), func.sum(_veto_count()).label("vetoes"),
        )
        .join(RuleItemRecord, PointsEntry.rule_item_id == RuleItemRecord.id)
        .where(PointsEntry.status == EntryStatus.APPROVED)
        .group_by(RuleItemRecord.rule_set_id, year, PointsEntry.member_id, month, RuleItemRecord.category)
    )
    if rule_set_ids is not None:
        query = query.where(RuleItemRecord.rule_set_id.in_(list(rule_set_ids)))
    return query


def _rows(result) -> dict[Key, tuple[Decimal, int]]:
    return {
        (rule_set_id, int(year), member_id, int(month), category): (value, int(vetoes or 0))
        for rule_set_id, year, member_id, month, category, value, vetoes in result
    }


def ledger_sums(session, rule_set_ids=None) -> dict[Key, tuple[Decimal, int]]:
    return _rows(session.execute(ledger_sums_query(rule_set_ids)))


def kept_sums_query(rule_set_ids=None):
    s = MemberMonthSum
    query = select(s.rule_set_id, s.year, s.member_id, s.month, s.category, s.points, s.vetoes)
    if rule_set_ids is not None:
        query = query.where(s.rule_set_id.in_(list(rule_set_ids)))
    return query


def kept_sums(session, rule_set_ids=None) -> dict[Key, tuple[Decimal, int]]:
    return _rows(session.execute(kept_sums_query(rule_set_ids)))


def mismatch_count(session, shown: int | None = None) -> tuple[int, list[tuple[Key, tuple | None, tuple | None]]]:
    """How many keys the kept summaries and the ledger's own sums disagree on, and (key, kept,
    ledger) for the first `shown` of them (None: no row on that side).

    Compared in SQL (EXCEPT both ways), so a county's millions of sums never come into Python."""
    count, first = _differing_keys(session, ledger_sums_query(), kept_sums_query(), 5, shown)
    return count, [_both_sides(session, key) for key in first]


def _differing_keys(session, computed, kept, key_length: int, shown: int | None) -> tuple[int, list[tuple]]:
    """How many keys two sums queries (key columns first) disagree on, and the first `shown` keys."""
    sides = [except_(computed, kept).subquery(), except_(kept, computed).subquery()]
    keys = union(*(select(*list(side.c)[:key_length]) for side in sides)).subquery()
    count = session.scalar(select(func.count()).select_from(keys)) or 0
    if not count or shown == 0:
        return count, []
    return count, [tuple(key) for key in session.execute(select(keys).order_by(*keys.c).limit(shown)).all()]


def _both_sides(session, key: Key) -> tuple[Key, tuple | None, tuple | None]:
    rule_set_id, _, member_id, _, _ = key
    ledger = _rows(session.execute(ledger_sums_query([rule_set_id]).where(PointsEntry.member_id == member_id)))
    kept = _rows(session.execute(kept_sums_query([rule_set_id]).where(MemberMonthSum.member_id == member_id)))
    key = (key[0], int(key[1]), key[2], int(key[3]), key[4])
    return key, kept.get(key), ledger.get(key)


def mismatches(session) -> list[tuple[Key, tuple | None, tuple | None]]:
    """(key, kept, ledger) wherever the kept summaries differ from the ledger's own sums."""
    return mismatch_count(session)[1]


def rebuild(session, rule_set_ids=None) -> None:
    """Recompute the summaries of the given rule sets (all when None) from the ledger: the
    months from the entries, then the years from the months."""
    if rule_set_ids is not None:
        rule_set_ids = list(rule_set_ids)
    for table in (MemberMonthSum.__table__, MemberYearSum.__table__):
        wipe = delete(table)
        if rule_set_ids is not None:
            wipe = wipe.where(table.c.rule_set_id.in_(rule_set_ids))
        session.execute(wipe)
    columns = ["rule_set_id", "year", "member_id", "month", "category", "points", "vetoes"]
    session.execute(insert(MemberMonthSum.__table__).from_select(columns, ledger_sums_query(rule_set_ids)))
    columns.remove("month")
    session.execute(insert(MemberYearSum.__table__).from_select(columns, months_added_up_query(rule_set_ids)))


def months_added_up_query(rule_set_ids=None):
    """SELECT rule_set_id, year, member_id, category, points, vetoes: the kept month sums added up
    by year, which the kept year sums must equal."""
    return _added_up_by_year(MemberMonthSum.__table__, rule_set_ids)


def ledger_year_sums_query(rule_set_ids=None):
    """The same from the approved entries (what the year sums are held to when the month sums
    themselves are wrong)."""
    return _added_up_by_year(ledger_sums_query(rule_set_ids).subquery())


def _added_up_by_year(months, rule_set_ids=None):
    """Sums by (rule set, year, member, month, category) — a table or a subquery — added up by year."""
    c = months.c
    query = select(
        c.rule_set_id, c.year, c.member_id, c.category,
        type_coerce(func.sum(c.points), Points).label("points"), func.sum(c.vetoes).label("vetoes"),
    ).group_by(c.rule_set_id, c.year, c.member_id, c.category)
    if rule_set_ids is not None:
        query = query.where(c.rule_set_id.in_(list(rule_set_ids)))
    return query


def kept_year_sums_query(rule_set_ids=None):
    s = MemberYearSum
    query = select(s.rule_set_id, s.year, s.member_id, s.category, s.points, s.vetoes)
    if rule_set_ids is not None:
        query = query.where(s.rule_set_id.in_(list(rule_set_ids)))
    return query


def kept_year_sums(session, rule_set_ids=None) -> dict[YearKey, tuple[Decimal, int]]:
    return _year_rows(session.execute(kept_year_sums_query(rule_set_ids)))


def _year_rows(result) -> dict[YearKey, tuple[Decimal, int]]:
    return {
        (rule_set_id, int(year), member_id, category): (value, int(vetoes or 0))
        for rule_set_id, year, member_id, category, value, vetoes in result
    }


def year_mismatch_count(
    session, shown: int | None = None, against_ledger: bool = False
) -> tuple[int, list[tuple[YearKey, tuple | None, tuple | None]]]:
    """How many keys the kept year sums and the kept month sums added up disagree on, and (key,
    kept, months) for the first `shown` of them (None: no row on that side). EXCEPT both ways in
    SQL, as mismatch_count. The month sums are held to the ledger by mismatch_count; when they are
    wrong themselves, `against_ledger` holds the year sums to the ledger added up by year instead."""
    computed = ledger_year_sums_query if against_ledger else months_added_up_query
    count, first = _differing_keys(session, computed(), kept_year_sums_query(), 4, shown)
    return count, [_year_both_sides(session, key, computed) for key in first]


def _year_both_sides(session, key: YearKey, computed) -> tuple[YearKey, tuple | None, tuple | None]:
    rule_set_id, year, member_id, _ = key
    key = (rule_set_id, int(year), member_id, key[3])
    sides = []
    for query in (kept_year_sums_query([rule_set_id]), computed([rule_set_id])):
        rows = query.subquery()
        sides.append(_year_rows(session.execute(select(rows).where(rows.c.member_id == member_id, rows.c.year == key[1]))).get(key))
    return key, sides[0], sides[1]


def rebuild_branch(session, branch_id: uuid.UUID) -> None:
    rebuild(session, session.scalars(select(RuleSetRecord.id).where(RuleSetRecord.branch_id == branch_id)).all())


# ----------------------------------------------------------------------------- kept as entries are written


def _upsert(session, table, rows: list[dict]):
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    statement = dialect_insert(table)
    keys = [column.name for column in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={"points": table.c.points + statement.excluded.points, "vetoes": table.c.vetoes + statement.excluded.vetoes},
    )


def add_approved(session, entries: list[PointsEntry]) -> None:
    """Add entries that have just become approved to their month's and year's summaries (same
    transaction)."""
    if not entries:
        return
    item_ids = {entry.rule_item_id for entry in entries}
    items = {
        item_id: (rule_set_id, category)
        for item_id, rule_set_id, category in session.execute(
            select(RuleItemRecord.id, RuleItemRecord.rule_set_id, RuleItemRecord.category).where(RuleItemRecord.id.in_(item_ids))
        )
    }
    totals: dict[Key, list] = defaultdict(lambda: [Decimal(0), 0])
    for entry in entries:
        rule_set_id, category = items[entry.rule_item_id]
        key = (rule_set_id, entry.occurred_on.year, entry.member_id, entry.occurred_on.month, category)
        totals[key][0] += Decimal(entry.points)
        if category is Category.VETO:
            totals[key][1] += -1 if entry.reverses_id is not None else 1
    rows = [
        {"rule_set_id": k[0], "year": k[1], "member_id": k[2], "month": k[3], "category": k[4], "points": v[0], "vetoes": v[1]}
        for k, v in totals.items()
    ]
    session.execute(_upsert(session, MemberMonthSum.__table__, rows), rows)
    years: dict[YearKey, list] = defaultdict(lambda: [Decimal(0), 0])
    for row in rows:
        year = years[row["rule_set_id"], row["year"], row["member_id"], row["category"]]
        year[0] += row["points"]
        year[1] += row["vetoes"]
    year_rows = [
        {"rule_set_id": k[0], "year": k[1], "member_id": k[2], "category": k[3], "points": v[0], "vetoes": v[1]}
        for k, v in years.items()
    ]
    session.execute(_upsert(session, MemberYearSum.__table__, year_rows), year_rows)


def _became_approved(session: Session) -> list[PointsEntry]:
    found = [obj for obj in session.new if isinstance(obj, PointsEntry) and obj.status is EntryStatus.APPROVED]
    for obj in session.dirty:
        if isinstance(obj, PointsEntry):
            history = _status_history(obj)
            if obj.status is EntryStatus.APPROVED and history.has_changes() and EntryStatus.APPROVED not in history.deleted:
                found.append(obj)
    return found


def _status_history(obj):
    from sqlalchemy import inspect

    return inspect(obj).attrs.status.history


def _before_flush(session, flush_context, instances) -> None:
    add_approved(session, _became_approved(session))


def install_summaries(session_class=Session) -> None:
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)


def uninstall_summaries(session_class=Session) -> None:
    if event.contains(session_class, "before_flush", _before_flush):
        event.remove(session_class, "before_flush", _before_flush)
