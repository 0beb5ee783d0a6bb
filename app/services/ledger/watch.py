"""The window's scheduled check of the ledger chain: at start-up, once a week, in the background.

The chain check (db.chain_check, as `check` runs it) is compared against the heads recorded
elsewhere: the newest automatic backup's manifest and the heads the last good check kept in
the file's settings. Per chain the longer of the two is used, since a sound newer chain
extends both. A chain edited and then recomputed therefore still shows, as long as one
backup or one earlier check saw the original.

Runs on the database worker (the window's runner) in short steps; the result is one sentence
for the clerk.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.domain.chain import Head
from app.domain.errors import AppError
from app.services.backup.archive import inspect_backup
from app.services.backup.automatic import auto_backups
from app.services.check import LedgerVerdict, is_township_file, ledger_verdict
from app.services.context import Actor, read_session, unit_of_work
from app.services.store_settings import put_setting, read_settings
from db.backup_format.checks import manifest_chain_heads
from db.chain_check import SteppedChainCheck, check_chains
from db.ledger_chain import compare_with_recorded, renders_json, sqlite_connection
from db.store import Store

CHECK_EVERY = timedelta(days=7)
LAST_CHECK_SETTING = "chain_check_last"
STEP_SECONDS = 0.2  # a page's question waits at most about this long behind the check


@dataclass(frozen=True)
class WatchResult:
    ran: bool
    verdict: LedgerVerdict | None = None


def _last_check(store: Store) -> dict:
    with read_session(store) as session:
        raw = read_settings(session).get(LAST_CHECK_SETTING)
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def chain_check_due(store: Store, today: date) -> bool:
    """True when no check has passed in the last week (or the recorded date cannot be read)."""
    try:
        last = date.fromisoformat(str(_last_check(store).get("on", "")))
    except ValueError:
        return True
    return today - last >= CHECK_EVERY or last > today


def _newest_backup_heads(folder: Path | None) -> dict[str, Head]:
    """The chain heads in the newest readable automatic backup of this database (none: empty)."""
    if folder is None or not folder.is_dir():
        return {}
    for _, path in sorted(auto_backups(folder), reverse=True):
        try:
            return manifest_chain_heads(inspect_backup(path))
        except AppError:
            continue  # a damaged or foreign file in the folder: try the next older one
    return {}


def _longest(*sources: dict[str, Head]) -> dict[str, Head]:
    merged: dict[str, Head] = {}
    for source in sources:
        for chain, head in source.items():
            if chain not in merged or head.seq > merged[chain].seq:
                merged[chain] = head
    return merged


def run_scheduled_chain_check(
    store: Store, actor: Actor, today: date, backup_folder: Path | None = None, force: bool = False
) -> WatchResult:
    """Check the chains when due (or `force`), all at once; see ScheduledChainCheck."""
    run = ScheduledChainCheck.begin(store, today, backup_folder, force)
    if run is None:
        return WatchResult(False)
    run.step(seconds=None)  # the whole check in one step
    return run.record(actor)


class ScheduledChainCheck:
    """One scheduled check, in steps the window runs one after another on its database worker,
    so that the pages' questions are answered between two steps instead of after the whole check
    (minutes on a county's file). `begin` says whether one is due; `step` works for about
    `seconds` in one read transaction (db.chain_check.SteppedChainCheck) and says when the verdict
    is known; `record` keeps a good check's date and heads, or audits a failed one.

    A check is tied to the store it began on: once that store is closed (a restore replaces the
    file, another file is opened) it does no more work and records nothing."""

    def __init__(self, store: Store, today: date, recorded: dict[str, Head], include_unchained: bool) -> None:
        self.store, self.today, self.recorded = store, today, recorded
        self.closings = store.closings
        self.stepped = SteppedChainCheck(include_unchained)
        self.verdict: LedgerVerdict | None = None

    @classmethod
    def begin(cls, store: Store, today: date, backup_folder: Path | None = None, force: bool = False) -> "ScheduledChainCheck | None":
        """A check to run, or None when none is due (one passed within the week)."""
        if not force and not chain_check_due(store, today):
            return None
        kept = {chain: head for chain, head in ((c, Head.from_json(v)) for c, v in _last_check(store).get("heads", {}).items()) if head}
        with read_session(store) as session:
            include_unchained = not is_township_file(session)
        return cls(store, today, _longest(kept, _newest_backup_heads(backup_folder)), include_unchained)

    @property
    def abandoned(self) -> bool:
        return self.store.closings != self.closings

    @property
    def share_done(self) -> float:
        """About how much of the check is done, from 0 to 1 (for the clerk to see it moving)."""
        return 1.0 if self.verdict is not None else self.stepped.share_done

    def step(self, seconds: float | None) -> bool:
        """About `seconds` of the check (None: the rest of it); True when the verdict is known, or
        when the store was closed since the check began (then there is none)."""
        if self.abandoned:
            return True
        deadline = math.inf if seconds is None else time.monotonic() + seconds
        with read_session(self.store) as session:
            connection = session.connection()
            raw = sqlite_connection(connection)
            if raw is not None and renders_json(raw):
                if not self.stepped.step(raw, deadline):
                    return False
                found = self.stepped.finish(connection)
            else:  # PostgreSQL, or an SQLite without JSON: all at once
                found = check_chains(connection, raw is not None, self.stepped.include_unchained)
            self.verdict = ledger_verdict(found, compare_with_recorded(connection, self.recorded))
        return True

    def record(self, actor: Actor) -> WatchResult:
        """A good check records its date and heads, a failed one goes into the audit trail."""
        verdict = self.verdict
        if verdict is None or self.abandoned:
            return WatchResult(False)
        with unit_of_work(self.store, actor) as uow:
            if verdict.ok:
                value = {"on": self.today.isoformat(), "heads": {chain: head.as_json() for chain, head in verdict.heads.items()}}
                put_setting(uow.session, LAST_CHECK_SETTING, json.dumps(value))
            else:
                uow.audit("chain_check_failed", "store", None, verdict.sentence, details=verdict.details)
        return WatchResult(True, verdict)
