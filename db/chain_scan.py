"""The quick proof that a chain stored in SQLite is sound: rows in file order, spread over threads.

`db.ledger_chain.verify_all_stored` asks this first. It either proves a chain sound — every
chained row hashes to its stored hash over the canonical text SQLite renders (json_array, as in
`ledger_chain._rendered_sql`), links to the row before it and carries the next sequence number —
or leaves the chain out, and the exact walk in chain order (app.domain.chain.verify_rendered)
then judges it and names the first broken row. So what is found and how it is named never
depends on this module; only a sound ledger is verified faster.

Why it is quicker than the exact walk:

- Rows are read in rowid order, the table's own order, not through the chain_seq index. The
  program appends rows in chain order (backups copy pages, rowids stay), so the two orders
  agree; when they do not (or a township's gathered rows leave gaps), nothing is proven here.
- A batch of rows comes to Python as one row of aggregates that SQLite builds in one step:
  the rendered texts joined, the hashes and links joined, a few figures about the sequence
  numbers. Python only splits the texts, hashes each and compares whole strings.
- The rowid range is cut into spans verified at the same time, each on its own read-only
  connection, and the seams are checked: a span's first row must follow the previous span's
  last. Python lets other threads run while SQLite builds a batch (about two thirds of the
  work); hashing holds Python's lock, which bounds the gain (see tests/benchmarks/bench_chain.py).

The caller's connection verifies the last span (the one that may hold rows only it can see, in
its own transaction); the other spans are below it and hold rows appended before, which no
later write changes (the guarding triggers), so every connection reads the same rows there.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from operator import methodcaller
from typing import NamedTuple
from urllib.parse import quote

from app.domain.chain import FIELDS, GENESIS, VERSION_TAG, ChainResult, Head

BATCH = 2048
SPAN_ROWS = 250_000  # a span smaller than this is not worth a thread and a connection
MAX_THREADS = 4

_hexdigest = methodcaller("hexdigest")


class Span(NamedTuple):
    """What one rowid range holds: its first row's (seq, prev), its last row's (seq, hash), rows."""

    first: tuple[int, str]
    last: tuple[int, str]
    rows: int


# Each batch of rows is one aggregate row: the batch's rows rendered and joined by SQLite in a
# single step (during which other threads run), so Python touches each row only to hash it.
# Sequence numbers follow one another when every row has one and seq - rowid is the same on
# each row of a batch without rowid gaps. Hashes and links are joined with "," (a value with a
# comma in it, or a NULL that group_concat leaves out, makes the lists differ from the computed
# ones) and the rendered texts with 0x1E, which json_array always escapes. A BLOB sorts above
# every other value in SQLite, text above numbers: the batch's max() says whether any sequence
# number is not a number and any hash or link not text, without a function call per row.
_SEPARATOR = b"\x1e"


def _batch_sql(chain: str, include_unchained: bool) -> str:
    columns = ", ".join(FIELDS[chain])
    rendered = f"chain_prev || char(10) || json_array('{VERSION_TAG}', '{chain}', {columns})"
    only_chained = "" if include_unchained else " AND chain_seq IS NOT NULL"
    return (f"SELECT count(*), count(chain_seq), max(rowid) - min(rowid) + 1, min(chain_seq - rowid), max(chain_seq - rowid), min(rowid), "
            f"max(chain_seq), max(chain_prev), max(chain_hash), group_concat(chain_prev, ','), group_concat(chain_hash, ','), "
            f"CAST(group_concat({rendered}, char(30)) AS BLOB) FROM {chain} WHERE rowid > ? AND rowid <= ?{only_chained}")


def verify_span(connection: sqlite3.Connection, chain: str, low: int, high: int, include_unchained: bool) -> Span | bool:
    """Rows with low < rowid <= high: a Span when every row hashes right and follows the one before
    it in rowid order; True when there are none; False when anything is amiss (an unchained row, a
    row whose hash or link is wrong, sequence numbers out of order, a value SQLite cannot render)."""
    walk = SpanWalk(chain, low, high, include_unchained)
    walk.advance(connection)
    return walk.result()


class SpanWalk:
    """verify_span in pieces: a batch at a time, resumable in a later transaction on another
    connection to the same file (rows below a rowid the walk has passed never change, the
    guarding triggers see to it). The window's weekly check walks this way in short steps, so
    that the database worker answers the pages in between."""

    def __init__(self, chain: str, low: int, high: int, include_unchained: bool) -> None:
        self.sql = _batch_sql(chain, include_unchained)
        self.position, self.high = low, high
        self.start: tuple[int, str] | None = None
        self.head: tuple[int, str] | None = None
        self.rows = 0
        self.failed = False

    @property
    def done(self) -> bool:
        return self.failed or self.position >= self.high

    def advance(self, connection: sqlite3.Connection, deadline: float | None = None) -> None:
        """Verify batches until the walk is done or, after a batch, time.monotonic() passes `deadline`."""
        try:
            while not self.done:
                top = min(self.position + BATCH, self.high)
                batch = connection.execute(self.sql, (self.position, top)).fetchone()
                self.position = top
                if batch[0] and not self._take(batch):
                    self.failed = True
                if deadline is not None and time.monotonic() >= deadline:
                    return
        except (TypeError, ValueError, AttributeError, sqlite3.Error):  # a NULL where text is hashed, a BLOB json_array refuses
            self.failed = True

    def _take(self, batch: tuple) -> bool:
        if self.start is None:
            self.start = _first_of(batch)
            if self.start is None:
                return False
            self.head = (self.start[0] - 1, self.start[1])
        self.head = _follow(batch, self.head)
        self.rows += batch[0]
        return self.head is not None

    def result(self) -> Span | bool:
        """As verify_span's, once done."""
        if self.failed:
            return False
        return True if self.start is None else Span(self.start, self.head, self.rows)


def _first_of(batch: tuple) -> tuple[int, str] | None:
    """(seq, prev) of a batch's first row, when its numbers are integers."""
    shift, first_rowid, prevs = batch[3], batch[5], batch[9]
    return (first_rowid + shift, prevs[:64]) if type(shift) is int else None


def _follow(batch: tuple, head: tuple[int, str]) -> tuple[int, str] | None:
    """The head after `batch` when its rows follow `head` (seq, hash) and one another, else None."""
    count, numbered, rowids, shift, top_shift, first_rowid, top_seq, top_prev, top_hash, prevs, hashes, texts = batch
    # every row numbered, seq = rowid + shift on each, rowids without gaps: the numbers follow one another
    if numbered != rowids or shift != top_shift or type(shift) is not int or first_rowid + shift != head[0] + 1:
        return None
    if type(top_seq) is not int or type(top_prev) is not str or type(top_hash) is not str:
        return None
    texts = texts.split(_SEPARATOR)
    joined = ",".join(map(_hexdigest, map(hashlib.sha256, texts)))
    if len(texts) != count or hashes != joined or prevs != (head[1] + "," + joined[:-65] if count > 1 else head[1]):
        return None
    return head[0] + count, joined[-64:]


def stitch(chain: str, spans: list[Span | bool]) -> ChainResult | None:
    """One chain from its spans in rowid order, or None when a span failed or a seam does not hold."""
    seq, digest, rows = 0, GENESIS, 0
    for span in spans:
        if span is True:
            continue
        if span is False or span.first != (seq + 1, digest):
            return None
        (seq, digest), rows = span.last, rows + span.rows
    return ChainResult(chain, Head(seq, digest), rows, None)


def prove_sound(connection: sqlite3.Connection, chains, include_unchained: bool, threads: int | None = None) -> dict[str, ChainResult]:
    """{chain: result} for each of `chains` proven sound (results as the exact walk gives them for
    a sound chain); a chain left out was not proven and must be walked exactly."""
    threads = threads or min(MAX_THREADS, os.cpu_count() or 1)
    plans = {chain: _plan(connection, chain, threads) for chain in chains}
    spans = _verify_spans(connection, plans, include_unchained, threads)
    stitched = {chain: stitch(chain, spans[chain]) for chain in plans}
    return {chain: result for chain, result in stitched.items() if result is not None}


def _verify_spans(connection: sqlite3.Connection, plans: dict, include_unchained: bool, threads: int) -> dict[str, list]:
    """Every span of every chain verified: the last of each on the caller's connection, in this
    thread, the others at the same time by helper threads on connections of their own."""
    file = _file_of(connection) if any(len(plan) > 1 for plan in plans.values()) else None
    helped = [(chain, index) for chain, plan in plans.items() for index in range(len(plan) - 1)] if file else []
    results: dict[str, list] = {chain: [False] * len(plan) for chain, plan in plans.items()}
    with ThreadPoolExecutor(max(1, min(threads - 1, len(helped)))) as pool:
        futures = {
            (chain, index): pool.submit(_span_on_own_connection, file, chain, plans[chain][index], include_unchained)
            for chain, index in helped
        }
        for chain, plan in plans.items():
            for index, (low, high) in enumerate(plan):
                if (chain, index) not in futures:
                    results[chain][index] = verify_span(connection, chain, low, high, include_unchained)
        for (chain, index), future in futures.items():
            results[chain][index] = future.result()
    return results


def _plan(connection: sqlite3.Connection, chain: str, threads: int) -> list[tuple[int, int]]:
    """The chain's rowid range cut into spans (low, high] of about equal size, the last ending at
    the largest rowid the caller's connection sees."""
    low, high = rowid_range(connection, chain)
    parts = max(1, min(threads, (high - low) // SPAN_ROWS))
    cuts = [low + (high - low) * part // parts for part in range(parts + 1)]
    return list(zip(cuts, cuts[1:]))


def rowid_range(connection: sqlite3.Connection, chain: str) -> tuple[int, int]:
    """(low, high]: the rowids of the chain's table as the connection sees them ((0, 0) when empty)."""
    # one aggregate each: SQLite reads min() or max() of the rowid from the b-tree's edge only when
    # it is alone in its SELECT; together they read every row (0.6 s a table on a county's file,
    # which the window's weekly check spent before its first step, the pages waiting behind it)
    low, high = connection.execute(f"SELECT (SELECT min(rowid) FROM {chain}) - 1, (SELECT max(rowid) FROM {chain})").fetchone()
    return (0, 0) if high is None else (low, high)


def _file_of(connection: sqlite3.Connection) -> str | None:
    """The file behind the connection's main database (None in memory or for a temporary one)."""
    for _, name, file in connection.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None


def _span_on_own_connection(file: str, chain: str, span: tuple[int, int], include_unchained: bool) -> Span | bool:
    """verify_span on a read-only connection of the thread's own; False when the file cannot be
    opened that way (then nothing is proven and the exact walk runs)."""
    try:
        connection = sqlite3.connect(f"file:{quote(file)}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return verify_span(connection, chain, span[0], span[1], include_unchained)
    finally:
        connection.close()
