"""The window's scheduled check of the ledger chain: at start-up, once a week, in the background.

The chain check (app.services.check.verify_ledger) is compared against the heads recorded
elsewhere: the newest automatic backup's manifest and the heads the last good check kept in
the file's settings. Per chain the longer of the two is used, since a sound newer chain
extends both. A chain edited and then recomputed therefore still shows, as long as one
backup or one earlier check saw the original.

Runs on the database worker (the window's runner); the result is one sentence for the clerk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.domain.chain import Head
from app.domain.errors import AppError
from app.services.backup.archive import inspect_backup
from app.services.backup.automatic import auto_backups
from app.services.check import LedgerVerdict, verify_ledger
from app.services.context import Actor, read_session, unit_of_work
from app.services.store_settings import put_setting, read_settings
from db.backup_format.checks import manifest_chain_heads
from db.store import Store

CHECK_EVERY = timedelta(days=7)
LAST_CHECK_SETTING = "chain_check_last"


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
    """Check the chains when due (or `force`); a good check records its date and heads, a failed
    one is recorded in the audit trail. Returns whether it ran and the verdict."""
    if not force and not chain_check_due(store, today):
        return WatchResult(False)
    kept = {chain: head for chain, head in ((c, Head.from_json(v)) for c, v in _last_check(store).get("heads", {}).items()) if head}
    verdict = verify_ledger(store, _longest(kept, _newest_backup_heads(backup_folder)))
    with unit_of_work(store, actor) as uow:
        if verdict.ok:
            value = {"on": today.isoformat(), "heads": {chain: head.as_json() for chain, head in verdict.heads.items()}}
            put_setting(uow.session, LAST_CHECK_SETTING, json.dumps(value))
        else:
            uow.audit("chain_check_failed", "store", None, verdict.sentence, details=verdict.details)
    return WatchResult(True, verdict)
