"""The chain part of `check`: chains, guarding triggers, reviews and audit records of a file.

Plain SQL, rows streamed in batches (db.chain_scan, db.ledger_chain): memory stays constant for
millions of entries. Each finding is one sentence for the clerk and details to copy.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field

from app.domain.chain import AUDIT, CHAINS, ENTRIES, ChainResult, Head
from app.domain.chain_sentences import break_details, break_sentence
from db import chain_scan, ledger_chain
from db.ledger_guard import trigger_problems


FINDINGS_OF_A_KIND = 5  # reviews not vouched for, audit records of missing entries: the first few name the harm


@dataclass(frozen=True)
class Finding:
    sentence: str
    details: str


@dataclass
class ChainCheck:
    """What the chain check found; `heads` are the verified heads (up to any break)."""

    findings: list[Finding] = field(default_factory=list)
    heads: dict[str, Head] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings


def check_chains(connection, sqlite: bool, include_unchained: bool = True) -> ChainCheck:
    """Verify both chains of the database behind `connection` (SQLAlchemy or sqlite3), and on
    SQLite the definitions of the guarding triggers. `include_unchained` is off for a township
    database, whose gathered rows stand outside its own chain (they were verified at gathering)."""
    report = ChainCheck()
    if sqlite:
        _check_triggers(connection, report)
    results = ledger_chain.verify_all_stored(connection, CHAINS, include_unchained)  # both chains at once
    for chain in CHAINS:
        result = results[chain]
        report.heads[chain], report.rows[chain] = result.head, result.rows
        _add_break(connection, result, report)
    _check_reviews(connection, report)
    return report


def _check_triggers(connection, report: ChainCheck) -> None:
    rows = ledger_chain.run_sql(connection, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    missing, altered = trigger_problems(dict(rows))
    if missing:
        report.findings.append(Finding(
            "积分台账的防篡改保护被移除了：" + "、".join(missing) + "。", "missing triggers: " + ", ".join(missing)
        ))
    if altered:
        report.findings.append(Finding(
            "积分台账的防篡改保护被人换过：" + "、".join(altered) + " 名字还在，内容已不是本程序写的。",
            "altered triggers: " + ", ".join(altered),
        ))


def _add_break(connection, result: ChainResult, report: ChainCheck) -> None:
    found = result.first_break
    if found is None:
        return
    words = ledger_chain.describe_row(connection, found.chain, found.row_id)
    report.findings.append(Finding(break_sentence(found, words), break_details(found)))


def _check_reviews(connection, report: ChainCheck) -> None:
    unvouched = ledger_chain.unvouched_reviews(connection, limit=FINDINGS_OF_A_KIND)
    _add_review_findings(connection, report, unvouched, ledger_chain.orphan_audit_entries(connection, limit=FINDINGS_OF_A_KIND))


def _add_review_findings(connection, report: ChainCheck, unvouched: list[tuple[str, str]], orphans: list[str]) -> None:
    for row_id, status in unvouched:
        words = ledger_chain.describe_row(connection, ENTRIES, row_id)
        report.findings.append(Finding(
            f"积分记录（{words}）的审核状态在操作日志里没有相应的记载，被人改动过。",
            f"entry {row_id} status={status}: no matching audit record",
        ))
    for row_id in orphans:
        report.findings.append(Finding(
            f"操作日志记载的一条积分记录（编号 {row_id}）在台账里找不到了，被人删除了。",
            f"audit_log names points_entry {row_id}, which is not in points_entries",
        ))


# Rows of a table looked at by one query of a step: about 0.05 s on a county's file
# whose pages are in memory (several times that when they must be read from disk).
RANGE_ROWS = 10_000


class SteppedChainCheck:
    """check_chains on SQLite cut into short steps, each in a transaction of its own, for the
    window's weekly check: the one database worker answers the pages between two steps.

    Each step goes on where the last stopped, until a deadline: the quick walk of both chains
    up to the rowids the first step saw (db.chain_scan.SpanWalk), then the reviews and audit
    records in rowid ranges. Rows below those rowids never change (the guarding triggers), so
    steps in different transactions look at one ledger. `finish` then looks at what was appended
    meanwhile and at the guarding triggers, in the transaction that also reads the heads. A chain
    the quick walk cannot prove is judged by check_chains itself in `finish`, which names the
    first broken row (slow, but only on a file that is not sound)."""

    def __init__(self, include_unchained: bool) -> None:
        self.include_unchained = include_unchained
        self.walks: dict[str, chain_scan.SpanWalk] = {}
        self.reviewed = {chain: 0 for chain in CHAINS}  # rowids up to which reviews (entries) and audit records were looked at
        self.lows = dict(self.reviewed)  # where each table's rows began at the first step
        self.unvouched: list[tuple[str, str]] = []
        self.orphans: list[str] = []

    @property
    def failed(self) -> bool:
        """A chain the quick walk could not prove: `finish` judges the file at once."""
        return any(walk.failed for walk in self.walks.values())

    @property
    def done(self) -> bool:
        if not self.walks:
            return False
        return self.failed or (all(walk.done for walk in self.walks.values()) and all(
            self.reviewed[chain] >= self.walks[chain].high for chain in CHAINS
        ))

    @property
    def share_done(self) -> float:
        """About how much of the work is done, from 0 to 1 (the chains' rows, then the ranges)."""
        if not self.walks:
            return 0.0
        rows = sum(walk.high - self.lows[chain] for chain, walk in self.walks.items()) or 1
        walked = sum(walk.position - self.lows[chain] for chain, walk in self.walks.items())
        reviewed = sum(self.reviewed[chain] - self.lows[chain] for chain in self.walks)
        return min(1.0, (2 * walked + reviewed) / (3 * rows))  # the walk is about two thirds of the time

    def step(self, raw: sqlite3.Connection, deadline: float) -> bool:
        """Work on until time.monotonic() passes `deadline` (a batch or range at least); True when
        only `finish` is left."""
        if not self.walks:
            self.walks = {chain: chain_scan.SpanWalk(chain, *chain_scan.rowid_range(raw, chain), self.include_unchained) for chain in CHAINS}
            self.reviewed = {chain: walk.position for chain, walk in self.walks.items()}
            self.lows = dict(self.reviewed)
        for walk in self.walks.values():
            walk.advance(raw, deadline)
            if walk.failed:
                return True  # no need to look further: `finish` judges the whole file
            if not walk.done:
                return False
        for chain in CHAINS:
            while self.reviewed[chain] < self.walks[chain].high:
                span = (self.reviewed[chain], min(self.reviewed[chain] + RANGE_ROWS, self.walks[chain].high))
                self._look_at_reviews(raw, chain, span)
                self.reviewed[chain] = span[1]
                if time.monotonic() >= deadline:
                    return self.done
        return self.done

    def _look_at_reviews(self, raw: sqlite3.Connection, chain: str, rowids: tuple[int, int]) -> None:
        if chain == ENTRIES and len(self.unvouched) < FINDINGS_OF_A_KIND:
            self.unvouched += ledger_chain.unvouched_reviews(raw, FINDINGS_OF_A_KIND - len(self.unvouched), rowids)
        if chain == AUDIT and len(self.orphans) < FINDINGS_OF_A_KIND:
            self.orphans += ledger_chain.orphan_audit_entries(raw, FINDINGS_OF_A_KIND - len(self.orphans), rowids)

    def finish(self, connection) -> ChainCheck:
        """The verdict, once `step` said done: the rows appended since the first step, the triggers
        and the heads, read in `connection`'s transaction (SQLAlchemy's or sqlite3's)."""
        raw = ledger_chain.sqlite_connection(connection)
        if self.failed:
            return check_chains(connection, True, self.include_unchained)
        report = ChainCheck()
        _check_triggers(connection, report)
        for chain, walk in self.walks.items():
            top = chain_scan.rowid_range(raw, chain)[1]
            since = chain_scan.SpanWalk(chain, walk.high, max(top, walk.high), self.include_unchained)
            since.advance(raw)
            result = chain_scan.stitch(chain, [walk.result(), since.result()])
            if result is None:
                return check_chains(connection, True, self.include_unchained)
            report.heads[chain], report.rows[chain] = result.head, result.rows
            if top > walk.high:
                self._look_at_reviews(raw, chain, (walk.high, top))
        _add_review_findings(connection, report, self.unvouched, self.orphans)
        return report
