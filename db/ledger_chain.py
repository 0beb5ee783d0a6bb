"""Chaining new ledger and audit rows as they are flushed (the canonical form: app/domain/chain.py).

Before each flush, the new PointsEntry and AuditRecord objects get their id and created_at
(if not set yet, so that the hashed values are the stored ones), then `chain_seq`,
`chain_prev` and `chain_hash` after the chain's current head, in the order they were added
to the session. The head is read inside the flush's transaction; writes hold SQLite's write
lock from BEGIN (BEGIN IMMEDIATE, db/engine.py), so two writers cannot both append after the
same head.

`read_head` and `read_heads` give the current heads (used by backups, reports and notices).
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from typing import Iterator

from app.domain.chain import (
    AUDIT,
    CHAINS,
    EMPTY_HEAD,
    ENTRIES,
    VERSION_TAG,
    FIELDS,
    ChainResult,
    Extension,
    Head,
    StoredLink,
    chain_links,
    compare_heads,
    link_hash,
    normalise,
    uuid_text,
    verify_chain,
    verify_rendered,
)
from app.domain.chain_sentences import describe_entry
from db import chain_scan
from db.models import AuditRecord, PointsEntry

_CHAIN_OF = {PointsEntry: ENTRIES, AuditRecord: AUDIT}


def read_head(connection, chain: str) -> Head:
    """The last chained row of `chain` (EMPTY_HEAD when there is none); works on any connection
    that can `execute(text)`, or on a plain sqlite3 connection."""
    sql = f"SELECT chain_seq, chain_hash FROM {chain} WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1"
    row = connection.execute(sql if _is_dbapi(connection) else text(sql)).fetchone()
    return Head(int(row[0]), row[1]) if row else EMPTY_HEAD


def read_heads(connection) -> dict[str, Head]:
    return {chain: read_head(connection, chain) for chain in CHAINS}


def _is_dbapi(connection) -> bool:
    return type(connection).__module__.startswith("sqlite3")


def chain_new_rows(session: Session) -> None:
    new = [obj for obj in session.new if type(obj) in _CHAIN_OF and obj.chain_hash is None]
    if not new:
        return
    connection = session.connection()
    heads: dict[str, Head] = {}
    for obj in new:
        chain = _CHAIN_OF[type(obj)]
        if chain not in heads:
            heads[chain] = read_head(connection, chain)
        heads[chain] = _link(obj, chain, heads[chain])


def _apply_defaults(obj, chain: str) -> None:
    """Column defaults are applied at INSERT, after this hook: apply those of hashed columns now."""
    columns = obj.__table__.c
    for name in FIELDS[chain]:
        default = columns[name].default
        if getattr(obj, name) is None and default is not None:
            setattr(obj, name, default.arg(None) if default.is_callable else default.arg)


def _link(obj, chain: str, head: Head) -> Head:
    _apply_defaults(obj, chain)
    record = {name: getattr(obj, name) for name in FIELDS[chain]}
    obj.chain_seq = head.seq + 1
    obj.chain_prev = head.hash
    obj.chain_hash = link_hash(head.hash, chain, normalise(chain, record))
    return Head(obj.chain_seq, obj.chain_hash)


def _before_flush(session, flush_context, instances) -> None:
    chain_new_rows(session)


def install_ledger_chain(session_class=Session) -> None:
    if not event.contains(session_class, "before_flush", _before_flush):
        event.listen(session_class, "before_flush", _before_flush)


def uninstall_ledger_chain(session_class=Session) -> None:
    """For the benchmark's baseline only: writes without the chain are reported by check."""
    if event.contains(session_class, "before_flush", _before_flush):
        event.remove(session_class, "before_flush", _before_flush)


# ----------------------------------------------------------------------------- reading back


def _cursor(connection):
    """An executor of SQL with :named parameters on a plain sqlite3 or a SQLAlchemy connection."""
    if _is_dbapi(connection):
        return lambda sql, params=None: connection.execute(sql, params or {})
    return lambda sql, params=None: connection.execute(text(sql), params or {})


def run_sql(connection, sql: str, params: dict | None = None) -> list:
    """All rows of a small query, on a plain sqlite3 or a SQLAlchemy connection."""
    return _cursor(connection)(sql, params).fetchall()


def iter_links(connection, chain: str, include_unchained: bool = True) -> Iterator[StoredLink]:
    """Every row of `chain` in chain_seq order (then the unchained ones), one at a time with
    plain SQL: memory stays constant however long the ledger is."""
    columns = ", ".join(("chain_seq", "chain_prev", "chain_hash", *FIELDS[chain]))
    execute = _cursor(connection)
    stored = _is_dbapi(connection) or connection.dialect.name == "sqlite"
    ordered = execute(f"SELECT {columns} FROM {chain} WHERE chain_seq IS NOT NULL ORDER BY chain_seq")
    yield from chain_links(chain, iter(ordered), stored_text=stored)
    if include_unchained:
        yield from chain_links(chain, iter(execute(f"SELECT {columns} FROM {chain} WHERE chain_seq IS NULL")), stored_text=stored)


def verify_stored(connection, chain: str, include_unchained: bool = True) -> ChainResult:
    """Verify `chain` as stored (see verify_all_stored)."""
    return verify_all_stored(connection, (chain,), include_unchained)[chain]


def verify_all_stored(connection, chains=CHAINS, include_unchained: bool = True) -> dict[str, ChainResult]:
    """Verify each of `chains` as stored, {chain: result}.

    On SQLite a sound chain is proven quickly (db.chain_scan: rows in file order, several
    threads, both chains at once); a chain not proven that way is walked exactly in chain order,
    which says what is wrong and where. There the canonical text of each row is rendered by SQLite
    itself (json_array, in C) and only hashed here; any row whose rendering does not hash right is
    judged again in Python's form."""
    raw = sqlite_connection(connection)
    renders = raw is not None and renders_json(raw)
    proven = chain_scan.prove_sound(raw, chains, include_unchained) if renders else {}
    return {chain: proven.get(chain) or _walk_stored(connection, raw if renders else None, chain, include_unchained) for chain in chains}


def _walk_stored(connection, raw: sqlite3.Connection | None, chain: str, include_unchained: bool) -> ChainResult:
    """The exact walk in chain order, which names the first broken row."""
    if raw is not None:
        try:
            return verify_rendered(chain, _rendered_rows(raw, chain, include_unchained), lambda row: _link_at(raw, chain, row[5]))
        except sqlite3.OperationalError as error:
            if "BLOB" not in str(error):
                raise
            # a BLOB in a hashed column (only a raw edit puts one there): Python's form says where
    return verify_chain(chain, iter_links(connection, chain, include_unchained))


def sqlite_connection(connection) -> sqlite3.Connection | None:
    """The plain sqlite3 connection behind `connection` (the same transaction), or None off SQLite."""
    if _is_dbapi(connection):
        return connection
    if connection.dialect.name != "sqlite":
        return None
    return connection.connection.driver_connection


def renders_json(raw: sqlite3.Connection) -> bool:
    try:
        return raw.execute("SELECT json_array('a', 1, NULL)").fetchone()[0] == '["a",1,null]'
    except sqlite3.OperationalError:  # an SQLite built without JSON
        return False


def _rendered_sql(chain: str) -> str:
    """Chain columns, id, the canonical JSON text of the row as SQLite renders it, and rowid.

    json_array writes text (escapes included), integers and NULL exactly as the canonical
    encoder does (tests/db/test_ledger_chain.py compares them over every character class).
    A REAL it writes in its own way (1.0e+20, not 1e+20): such a row does not hash right and
    is judged in Python's form; only a hash made on purpose from SQLite's rendering would pass,
    which is no more than recomputing the chain (caught against the heads recorded elsewhere).
    Checking every value's type in SQL would cost as much as the rendering itself."""
    columns = ", ".join(FIELDS[chain])
    return f"SELECT chain_seq, chain_prev, chain_hash, id, json_array('{VERSION_TAG}', '{chain}', {columns}), rowid FROM {chain}"


def _rendered_rows(raw: sqlite3.Connection, chain: str, include_unchained: bool) -> Iterator[tuple]:
    """Plain tuples (seq, prev, hash, id, canonical text, rowid): verify_rendered's rows."""
    yield from raw.execute(_rendered_sql(chain) + " WHERE chain_seq IS NOT NULL ORDER BY chain_seq")
    if include_unchained:
        yield from raw.execute(_rendered_sql(chain) + " WHERE chain_seq IS NULL")


def _link_at(raw: sqlite3.Connection, chain: str, rowid: int) -> StoredLink:
    """The row at `rowid` as a StoredLink in Python's canonical form (stored values as they are)."""
    columns = ", ".join(("chain_seq", "chain_prev", "chain_hash", *FIELDS[chain]))
    row = raw.execute(f"SELECT {columns} FROM {chain} WHERE rowid = ?", (rowid,)).fetchone()
    return next(chain_links(chain, iter([row]), stored_text=True))


def hash_at(connection, chain: str, seq: int) -> str | None:
    """The hash stored at position `seq` of `chain` (None when there is no such row)."""
    row = _cursor(connection)(f"SELECT chain_hash FROM {chain} WHERE chain_seq = :seq LIMIT 1", {"seq": seq}).fetchone()
    return row[0] if row else None


def chain_starts(connection) -> dict[str, tuple[int, str | None]]:
    """{chain: (rows chained when the chain was introduced, revision upgraded from or None)}."""
    rows = _cursor(connection)("SELECT chain, chained_at_start, from_revision FROM chain_starts").fetchall()
    return {chain: (count, revision) for chain, count, revision in rows}


# An entry's review (status, reviewer) is not hashed: it must be vouched for by a chained
# audit record of that entry by that reviewer (create with status approved, approve, reverse,
# reject), and a pending entry must have none.
UNVOUCHED_REVIEWS_SQL = """
SELECT e.id, e.status FROM points_entries e
WHERE {within}((e.status = 'pending' AND EXISTS (
        SELECT 1 FROM audit_log a WHERE a.entity = 'points_entry' AND a.entity_id = e.id
        AND a.action IN ('approve', 'reject')))
   OR (e.status != 'pending' AND NOT EXISTS (
        SELECT 1 FROM audit_log a WHERE a.entity = 'points_entry' AND a.entity_id = e.id
        AND a.operator_id = e.reviewed_by
        AND ((e.status = 'approved' AND (a.action IN ('approve', 'reverse')
                OR (a.action = 'create' AND a.details LIKE '%"status": "approved"%')))
          OR (e.status = 'rejected' AND a.action = 'reject')))))
LIMIT :limit
"""

# Audit records of entries that are no longer there (an entry deleted, its audit left behind).
ORPHAN_AUDIT_SQL = """
SELECT a.entity_id FROM audit_log a
WHERE {within}a.entity = 'points_entry' AND a.entity_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.id = a.entity_id)
LIMIT :limit
"""

# Ranged (SQLite): only the rows low < rowid <= high, so that a long file is looked at in short steps.
_WITHIN_ROWIDS = "{table}.rowid > :low AND {table}.rowid <= :high AND "


def _within(table: str, rowids: tuple[int, int] | None) -> tuple[str, dict]:
    if rowids is None:
        return "", {}
    return _WITHIN_ROWIDS.format(table=table), {"low": rowids[0], "high": rowids[1]}


def unvouched_reviews(connection, limit: int = 20, rowids: tuple[int, int] | None = None) -> list[tuple[str, str]]:
    """Entries whose review no audit record vouches for (of the entries in `rowids` only, when given)."""
    within, params = _within("e", rowids)
    rows = _cursor(connection)(UNVOUCHED_REVIEWS_SQL.format(within=within), {"limit": limit, **params}).fetchall()
    return [(uuid_text(row[0]), row[1]) for row in rows]


# Counting first, the usual answer (none) in a fraction of the time: the first count walks the
# entity_id index in order and probes the entries' keys in order (0.4 s at a million audit
# records, where the naming query reads every row: 2.6 s); the second takes away the records of
# other things whose id is no entry's. Only a difference needs the naming query.
_UNMATCHED_IDS_SQL = """
SELECT
  (SELECT count(*) FROM audit_log a WHERE a.entity_id IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.id = a.entity_id)),
  (SELECT count(*) FROM audit_log a WHERE a.entity_id IS NOT NULL AND a.entity != 'points_entry'
     AND NOT EXISTS (SELECT 1 FROM points_entries e WHERE e.id = a.entity_id))
"""


def orphan_audit_entries(connection, limit: int = 20, rowids: tuple[int, int] | None = None) -> list[str]:
    """Entries named by audit records but not in the ledger (of the audit records in `rowids` only,
    when given: a short range is named directly, the counting pays off only over the whole log)."""
    execute = _cursor(connection)
    if rowids is None:
        unmatched, of_other_things = execute(_UNMATCHED_IDS_SQL).fetchone()
        if unmatched == of_other_things:
            return []
    within, params = _within("a", rowids)
    return [uuid_text(row[0]) for row in execute(ORPHAN_AUDIT_SQL.format(within=within), {"limit": limit, **params}).fetchall()]


def describe_row(connection, chain: str, row_id: str) -> str:
    """A few words that let a person find the row: member, date, item and points, or the audit line."""
    execute = _cursor(connection)
    if chain == ENTRIES:
        row = execute(
            "SELECT m.name, e.occurred_on, i.code, e.points FROM points_entries e "
            "LEFT JOIN members m ON m.id = e.member_id LEFT JOIN rule_items i ON i.id = e.rule_item_id "
            "WHERE e.id = :id", {"id": row_id}
        ).fetchone()
        return "" if row is None else describe_entry(*row)
    row = execute("SELECT created_at, summary FROM audit_log WHERE id = :id", {"id": row_id}).fetchone()
    return "" if row is None else f"{str(row[0])[:19]} {row[1]}"


def compare_with_recorded(connection, recorded: dict[str, Head]) -> list[Extension]:
    """How the chains in this file relate to heads recorded elsewhere (a backup's manifest, the
    township's copy, a report file): each must be the same or extend it. A whole chain that was
    edited and then recomputed passes its own check but not this one."""
    results = []
    for chain, old in recorded.items():
        if chain not in CHAINS:
            continue
        new = read_head(connection, chain)
        results.append(compare_heads(chain, old, new, hash_at(connection, chain, old.seq) if old.seq else None))
    return results
