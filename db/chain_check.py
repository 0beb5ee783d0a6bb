"""The chain part of `check`: chains, guarding triggers, reviews and audit records of a file.

Plain SQL, rows streamed in batches (db.chain_scan, db.ledger_chain): memory stays constant for
millions of entries. Each finding is one sentence for the clerk and details to copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.chain import CHAINS, ENTRIES, ChainResult, Head
from app.domain.chain_sentences import break_details, break_sentence
from db import ledger_chain
from db.ledger_guard import trigger_problems


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
    for row_id, status in ledger_chain.unvouched_reviews(connection, limit=5):
        words = ledger_chain.describe_row(connection, ENTRIES, row_id)
        report.findings.append(Finding(
            f"积分记录（{words}）的审核状态在操作日志里没有相应的记载，被人改动过。",
            f"entry {row_id} status={status}: no matching audit record",
        ))
    for row_id in ledger_chain.orphan_audit_entries(connection, limit=5):
        report.findings.append(Finding(
            f"操作日志记载的一条积分记录（编号 {row_id}）在台账里找不到了，被人删除了。",
            f"audit_log names points_entry {row_id}, which is not in points_entries",
        ))
