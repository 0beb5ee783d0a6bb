"""`check`'s parts run side by side (app/services/check.py): the file's structure, the chains,
the ledger's rules, the caps, the kept sums, practice and shop read independent things, and on
a county's file each takes seconds to minutes of SQLite's time.

Each lane is a thread with its own read session (its own connection and transaction); lanes
take the parts in the order given, the next free lane the next part. sqlite3 lets go of the
interpreter while SQLite works, so two lanes keep two cores busy. Every part writes into a
report of its own; the caller merges them in the parts' order, so what is reported, and in
which order, does not depend on which lane finished first.

All lanes must read the same state of the file. A read transaction sees the file as it was at
its first read; every write to the file appends an audit record, chained, in its own
transaction, so lanes that see the same heads of both chains see the same committed state.
A lane that sees other heads (a write came between) takes no part, and the first lane, which
takes parts from the start, does the rest.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable

from app.services.context import read_session
from db.ledger_chain import read_heads
from db.store import Store

Part = Callable[[object], None]  # (session) -> None; fills its own report
Finished = Callable[[int], None]  # (the part's number): called from the lane that ran it


def run_parts(store: Store, parts: list[Part], lanes: int, finished: Finished | None = None) -> None:
    """Run every part, on up to `lanes` read sessions at once; the first error (in the parts'
    order) is raised, inside the first lane's session so that it reads as any store error.
    `finished` hears of each part as it ends (from its lane's thread), to tell how far it is."""
    waiting: queue.SimpleQueue[int] = queue.SimpleQueue()
    for number in range(len(parts)):
        waiting.put(number)
    errors: dict[int, BaseException] = {}
    with read_session(store) as session:
        heads = read_heads(session.connection())
        helpers = [
            threading.Thread(
                target=_lane, args=(store, heads, parts, waiting, errors, finished), name=f"check-lane-{n}", daemon=True,
            )
            for n in range(1, lanes)
        ]
        for helper in helpers:
            helper.start()
        try:
            _take(session, parts, waiting, errors, finished)
        finally:
            for helper in helpers:
                helper.join()
        if errors:
            raise errors[min(errors)]


def _lane(store: Store, heads: dict, parts: list[Part], waiting: queue.SimpleQueue, errors: dict, finished) -> None:
    try:
        with read_session(store) as session:
            if read_heads(session.connection()) == heads:
                _take(session, parts, waiting, errors, finished)
    except BaseException:  # opening the lane failed: the first lane does its parts
        pass


def _take(session, parts: list[Part], waiting: queue.SimpleQueue, errors: dict, finished) -> None:
    while True:
        try:
            number = waiting.get_nowait()
        except queue.Empty:
            return
        try:
            parts[number](session)
        except BaseException as exc:  # kept for the caller, in the parts' order
            errors[number] = exc
        if finished is not None:
            finished(number)
