"""The hash chain over the ledger and the audit log: its canonical form and its verification.

Two chains per database, `points_entries` and `audit_log`. Each row carries `chain_seq`
(1, 2, 3 … in the order rows were appended), `chain_prev` (the previous row's `chain_hash`,
or GENESIS for the first) and `chain_hash`:

    chain_hash = SHA-256( chain_prev as 64 ASCII hex digits  ||  0x0A  ||  canonical(row) )

written as 64 lowercase hex digits. `canonical(row)` (version 1; never change it — a new form
needs a new version tag and a migration) is the UTF-8 encoding of the JSON array

    ["dyjf-chain-1", <chain name>, <field>, <field>, …]

written with no spaces (separators "," and ":"), non-ASCII characters as themselves
(ensure_ascii off), fields in the order of ENTRY_FIELDS / AUDIT_FIELDS below, each field
normalised so that SQLite and PostgreSQL give the same text:

- UUID: 32 lowercase hex digits without dashes (how SQLite stores them);
- date: "YYYY-MM-DD"; datetime: UTC, "YYYY-MM-DD HH:MM:SS.ffffff" (how SQLite stores them);
- points and quantities: whole hundredths as a JSON integer (1.50 → 150);
- text: as stored; the audit `details`: the stored JSON text (keys sorted, ", " and ": ");
- missing values: JSON null.

`chain_seq` is not hashed: it only orders the rows; the order itself is held by `chain_prev`.
An entry's review fields (status, reviewer, time, note) change once after the row is chained,
so they are not hashed here; the review is vouched for by its chained audit record.

The head of a chain, (seq, hash) of its last row, is written into backups, report files and
(8 hex digits) printed on notices, so that a later recomputation of the whole chain still
shows against what was recorded elsewhere.

Plain Python; no database access here. Verification takes rows in `chain_seq` order from any
iterator and keeps constant memory.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import deque
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Iterable, Iterator, NamedTuple, Sequence

from app.domain.points import to_hundredths

VERSION_TAG = "dyjf-chain-1"
GENESIS = "0" * 64
CODE_LENGTH = 8

ENTRIES = "points_entries"
AUDIT = "audit_log"
CHAINS = (ENTRIES, AUDIT)

ENTRY_FIELDS = (
    "id", "created_at", "member_id", "rule_item_id", "occurred_on", "quantity", "points",
    "note", "evidence", "entered_by", "reverses_id", "meeting_id", "batch_id",
)
AUDIT_FIELDS = ("id", "created_at", "operator_id", "action", "entity", "entity_id", "summary", "details")
FIELDS = {ENTRIES: ENTRY_FIELDS, AUDIT: AUDIT_FIELDS}

_UUIDS = {"id", "member_id", "rule_item_id", "entered_by", "reverses_id", "meeting_id", "batch_id", "operator_id", "entity_id"}
_HUNDREDTHS = {"quantity", "points"}
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
if json.encoder.c_make_encoder is not None:  # the same text, without building an encoder per row
    _c_encoder = json.encoder.c_make_encoder(
        None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )

    def _encode(values: list) -> str:  # noqa: F811
        return "".join(_c_encoder(values, 0))


def uuid_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value).replace("-", "").lower()


def date_text(value) -> str | None:
    return value.isoformat() if isinstance(value, date) and not isinstance(value, datetime) else value


def datetime_text(value) -> str | None:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def hundredths(value) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return to_hundredths(Decimal(value))


def details_text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def normalise(chain: str, record: dict) -> list:
    """The hashed fields of a row given as Python values (ORM side) or as stored values."""
    values = []
    for name in FIELDS[chain]:
        value = record.get(name)
        if name in _UUIDS:
            value = uuid_text(value)
        elif name == "created_at":
            value = datetime_text(value)
        elif name == "occurred_on":
            value = date_text(value)
        elif name in _HUNDREDTHS:
            value = hundredths(value)
        elif name == "details":
            value = details_text(value)
        values.append(value)
    return values


def canonical(chain: str, values: Sequence) -> bytes:
    """The canonical bytes of one row: `values` already normalised, in FIELDS order."""
    return _encode([VERSION_TAG, chain, *values]).encode("utf-8")


def link_hash(prev: str, chain: str, values: Sequence) -> str:
    # prev is ASCII hex: encoding the joined text gives prev || 0x0A || canonical(row)
    return hashlib.sha256(f"{prev}\n{_encode([VERSION_TAG, chain, *values])}".encode("utf-8")).hexdigest()


def hashes_to(chain: str, prev: str, values: Sequence, stored: str | None) -> bool:
    """Does the row hash to `stored`? A value the program never writes (a BLOB put in by hand)
    has no canonical text: such a row is not the one that was chained."""
    try:
        return link_hash(prev, chain, values) == stored
    except TypeError:
        return False


def check_code(head_hash: str | None) -> str:
    """The short code printed on paper: the first 8 hex digits of a chain head, upper case."""
    return (head_hash or GENESIS)[:CODE_LENGTH].upper()


@dataclass(frozen=True)
class Head:
    """The last link of a chain: how many rows, and the last row's hash."""

    seq: int
    hash: str

    def as_json(self) -> dict:
        return {"seq": self.seq, "hash": self.hash}

    @classmethod
    def from_json(cls, data) -> "Head | None":
        if not isinstance(data, dict):
            return None
        try:
            return cls(int(data["seq"]), str(data["hash"]))
        except (KeyError, TypeError, ValueError):
            return None


EMPTY_HEAD = Head(0, GENESIS)


def paper_code(head: Head) -> str:
    """The check code printed on a notice: the ledger chain's length and the first 8 hex digits
    of its head, e.g. "711-94289CB3". Later, the row at that position must carry that hash."""
    return f"{head.seq}-{check_code(head.hash)}"


def parse_paper_code(code: str) -> tuple[int, str] | None:
    """(seq, 8 hex digits upper case) of a printed code, or None when it is not one."""
    seq, _, prefix = (code or "").strip().upper().partition("-")
    if not seq.isdigit() or len(prefix) != CODE_LENGTH or any(c not in "0123456789ABCDEF" for c in prefix):
        return None
    return int(seq), prefix


class StoredLink(NamedTuple):
    """One row as read back: its chain columns, its id (to name it) and its normalised fields."""

    seq: int | None
    prev: str | None
    hash: str | None
    row_id: str
    values: Sequence


# The kinds of break, as the first break's `kind`.
REWRITTEN = "rewritten"
MISSING = "missing"
INSERTED = "inserted"
REORDERED = "reordered"
UNCHAINED = "unchained"


@dataclass(frozen=True)
class Break:
    """The first row where a chain does not hold, and what is wrong there."""

    chain: str
    kind: str
    seq: int | None
    row_id: str
    expected_prev: str
    found_prev: str | None
    detail: str = ""


@dataclass
class ChainResult:
    chain: str
    head: Head
    rows: int
    first_break: Break | None = None

    @property
    def ok(self) -> bool:
        return self.first_break is None


class _Walker:
    """Follows one chain row by row, remembering a few recent links to tell an insert apart."""

    RECENT = 64

    def __init__(self, chain: str) -> None:
        self.chain = chain
        self.head = EMPTY_HEAD
        self.rows = 0
        self.recent: deque[tuple[str, str, int]] = deque(maxlen=self.RECENT)  # (prev, row id, seq) of verified rows
        self.first_break: Break | None = None
        self.pending: Break | None = None  # a link that points at no row seen yet: settled by what follows

    def step(self, link: StoredLink) -> None:
        self.rows += 1
        if self.first_break is None:
            self._verify(link)
        elif self.pending is not None and link.hash == self.pending.found_prev:
            # The row the broken link points back to comes later: the rows were re-ordered.
            self.first_break = replace(self.pending, kind=REORDERED)
            self.pending = None

    def _verify(self, link: StoredLink) -> None:
        if link.hash is None or link.prev is None or link.seq is None:
            self._break(UNCHAINED, link)
        elif not isinstance(link.seq, int):  # only a raw edit stores a sequence number as text
            self._break(REWRITTEN, link, detail=f"seq {link.seq!r}")
        elif not hashes_to(self.chain, link.prev, link.values, link.hash):
            self._break(REWRITTEN, link)
        elif link.seq <= self.head.seq:
            self._break(INSERTED, link, detail=f"seq {link.seq} used twice")
        elif link.prev != self.head.hash:
            self._broken_link(link)
        elif link.seq != self.head.seq + 1:
            self._break(REWRITTEN, link, detail=f"seq {self.head.seq} → {link.seq}")
        else:
            self.recent.append((link.prev, link.row_id, link.seq))
            self.head = Head(link.seq, link.hash)

    def _broken_link(self, link: StoredLink) -> None:
        """`link` is sound itself but does not follow the row before it."""
        gap = f"seq {self.head.seq} → {link.seq}"
        for prev, row_id, seq in self.recent:
            if prev == link.prev:
                # Rows from `row_id` on were slipped in between two rows that were linked.
                self.first_break = Break(self.chain, INSERTED, seq, row_id, prev, link.prev, gap)
                return
        self._break(MISSING, link, detail=gap)
        self.pending = self.first_break

    def _break(self, kind: str, link: StoredLink, detail: str = "") -> None:
        self.first_break = Break(self.chain, kind, link.seq, link.row_id, self.head.hash, link.prev, detail)


def verify_chain(chain: str, links: Iterable[StoredLink]) -> ChainResult:
    """Walk `links` (in chain_seq order, unchained rows last) and find the first break.

    A link whose own hash does not match its content was rewritten; a link that does not
    point at the row before it marks rows missing (deleted), inserted (it points at a row a
    little further back) or re-ordered (the row it points at comes later). The head returned
    is the last verified link before any break.
    """
    walker = _Walker(chain)
    links = iter(links)
    _follow_sound_links(walker, links)
    for link in links:
        walker.step(link)
    return ChainResult(chain, walker.head, walker.rows, walker.first_break)


def _follow_sound_links(walker: _Walker, links: Iterator[StoredLink]) -> None:
    """The hot loop: rows that link and hash as they should, with nothing but locals; the first
    row that does not is handed to the walker, which says what is wrong with it."""
    seq, digest, rows, remember = 0, GENESIS, 0, walker.recent.append
    chain, sha256 = walker.chain, hashlib.sha256
    for link in links:
        row_seq, prev, stored, row_id, values = link
        try:  # the same text as link_hash, spelt out: this loop runs once per row of the ledger
            sound = prev == digest and row_seq == seq + 1 and stored == sha256(
                f"{prev}\n{_encode([VERSION_TAG, chain, *values])}".encode("utf-8")
            ).hexdigest()
        except TypeError:  # no canonical text (see hashes_to): the walker names the row
            sound = False
        if sound:
            remember((prev, row_id, row_seq))
            seq, digest, rows = row_seq, stored, rows + 1
            continue
        walker.head, walker.rows = Head(seq, digest), rows
        walker.step(link)
        return
    walker.head, walker.rows = Head(seq, digest), rows


def verify_rendered(chain: str, rows: Iterable[tuple], link_of) -> ChainResult:
    """`verify_chain` over rows whose canonical text the store rendered itself (SQLite's json_array).

    Each row is a plain tuple (seq, prev, hash, row id, text, key): `text` is the canonical JSON
    of the row's fields as the store wrote it (None when it could not), `key` finds the row again.

    The rendering only speeds up rows that are sound: a row whose text does not hash to its
    stored hash (a rendering that differs from `_encode`, or a real break) is read again through
    `link_of(row)` — its StoredLink as `chain_links` makes it — and judged exactly as
    `verify_chain` judges it. For every value the program writes (text, integers, NULL) the two
    renderings are the same text, so what passes and what breaks is defined by `link_hash`.
    """
    walker = _Walker(chain)
    seq, digest, count, remember, sha256 = 0, GENESIS, 0, walker.recent.append, hashlib.sha256
    rows = iter(rows)
    for row in rows:
        row_seq, prev, stored, row_id, text, _ = row
        sound = prev == digest and row_seq == seq + 1
        if sound and text is not None and stored == sha256(f"{prev}\n{text}".encode("utf-8")).hexdigest():
            remember((prev, row_id, row_seq))
            seq, digest, count = row_seq, stored, count + 1
            continue
        link = link_of(row)
        if sound and hashes_to(chain, prev, link.values, stored):
            remember((prev, row_id, row_seq))
            seq, digest, count = row_seq, stored, count + 1
            continue
        walker.head, walker.rows = Head(seq, digest), count
        walker.step(link)
        for later in rows:  # past the first break only the hashes matter (a re-order shows later)
            walker.step(StoredLink(later[0], later[1], later[2], later[3], ()))
        break
    else:
        walker.head, walker.rows = Head(seq, digest), count
    return ChainResult(chain, walker.head, walker.rows, walker.first_break)


def chain_links(chain: str, rows: Iterator[tuple], stored_text: bool = False) -> Iterator[StoredLink]:
    """StoredLinks from plain rows (seq, prev, hash, *FIELDS) as a database returns them.

    `stored_text`: the values are SQLite's stored ones (hex UUIDs, ISO text, hundredths, JSON
    text), which already are the canonical values: they are hashed as they come, which is what
    makes verifying millions of rows affordable.
    """
    names = FIELDS[chain]
    if stored_text:
        for row in rows:
            yield StoredLink(row[0], row[1], row[2], row[3], row[3:])
        return
    for seq, prev, digest, *fields in rows:
        record = dict(zip(names, fields))
        yield StoredLink(seq, prev, digest, uuid_text(record["id"]) or "", normalise(chain, record))


@dataclass(frozen=True)
class Extension:
    """How a newer copy of a chain relates to a head recorded earlier."""

    chain: str
    kind: str  # "extends" | "same" | MISSING | REWRITTEN
    old: Head
    new: Head
    hash_at_old_seq: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind in ("extends", "same")


def compare_heads(chain: str, old: Head, new: Head, hash_at_old_seq: str | None) -> Extension:
    """Does a chain with head `new` (whose row at old.seq has `hash_at_old_seq`) extend `old`?"""
    if new.seq < old.seq:
        return Extension(chain, MISSING, old, new, hash_at_old_seq)
    if old.seq and hash_at_old_seq != old.hash:
        return Extension(chain, REWRITTEN, old, new, hash_at_old_seq)
    return Extension(chain, "same" if new == old else "extends", old, new, hash_at_old_seq)
