"""`check`: is the file sound, and does the ledger add up? Reports problems, changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from operator import itemgetter

from sqlalchemy import String, extract, func, select, text, type_coerce

from app.domain.chain import AUDIT, EMPTY_HEAD, ENTRIES, Head, paper_code, uuid_text
from app.domain.chain_sentences import extension_details, extension_sentence
from app.domain.enums import EntryStatus
from app.domain.points import format_points
from app.domain.rules import CountedLine, cap_overruns
from app.services.check_ledger import ledger_counts, ledger_problems
from app.services.context import read_session
from app.services.practice.checks import check_practice
from app.services.rules.rulesets import rule_set_from_record
from app.services.shop.checks import check_shop
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, read_settings
from db import ledger_chain, summaries
from db.chain_check import ChainCheck, check_chains
from db.engine import is_sqlite
from db.models import Member, PointsEntry, RuleItemRecord, RuleSetRecord
from db.types import Points
from db.store import Store

@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)  # for the chain's findings: what to copy
    chain_heads: dict[str, Head] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(store: Store) -> CheckReport:
    report = CheckReport()
    with read_session(store) as session:
        if is_sqlite(store.engine):
            _check_sqlite(session, report)
        _check_chain(session, is_sqlite(store.engine), report)
        _check_ledger(session, report)
        _check_caps(session, report)
        _check_summaries(session, report)
        check_practice(session, report)
        check_shop(session, report)
    return report


def _check_summaries(session, report: CheckReport) -> None:
    """The summaries kept per member and month, recomputed from the ledger and compared."""
    count, found = summaries.mismatch_count(session, shown=1)
    if not count:
        return
    (rule_set_id, year, member_id, month, category), kept, ledger = found[0]
    member = session.get(Member, member_id)
    kept_text = f"{format_points(kept[0])} 分" if kept else "没有"
    ledger_text = f"{format_points(ledger[0])} 分" if ledger else "没有记录"
    report.problems.append(
        f"积分月汇总与台账不符：{member.name if member else '?'} {year}年{month}月的“{category.label}”汇总为{kept_text}，"
        f"台账合计为{ledger_text}（共 {count} 处不符）。"
    )


def _check_sqlite(session, report: CheckReport) -> None:
    result = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
    if result != ["ok"]:
        report.problems.append("数据库文件内部结构损坏：" + "；".join(result[:5]))
    broken = session.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:
        report.problems.append(f"有 {len(broken)} 条记录引用了不存在的记录。")


def _is_township(session) -> bool:
    settings = read_settings(session)
    return bool(settings.get(TOWNSHIP_SETTING)) or any(key.startswith(GATHERED_PREFIX) for key in settings)


def _check_chain(session, sqlite: bool, report: CheckReport) -> None:
    """The ledger and audit chains row by row in plain SQL, the guarding triggers by their SQL.

    In a township database the gathered rows stand outside its own chain (each branch's chain
    was verified when its backup was gathered), so only unchained rows are let pass there."""
    found = check_chains(session.connection(), sqlite, include_unchained=not _is_township(session))
    _add_chain_findings(found, report)


def _add_chain_findings(found: ChainCheck, report: CheckReport) -> None:
    for finding in found.findings:
        report.problems.append(finding.sentence)
        report.details.append(finding.details)
    report.chain_heads = dict(found.heads)
    report.counts["台账链"] = found.rows.get(ENTRIES, 0)
    report.counts["日志链"] = found.rows.get(AUDIT, 0)


@dataclass(frozen=True)
class LedgerVerdict:
    """What the window's background check shows: sound or not, the first finding, details to copy."""

    ok: bool
    sentence: str
    details: str
    heads: dict[str, Head]
    check_code: str


def verify_ledger(store: Store, recorded: dict[str, Head] | None = None) -> LedgerVerdict:
    """The chain part of `check` alone, for the window to run in the background at start-up and
    on a schedule (on the database worker; reads only). `recorded`: heads kept elsewhere (the
    last backup's manifest, see db.backup_format.checks.manifest_chain_heads), which the file's
    chains must equal or extend — this is what catches an edit followed by a recomputed chain."""
    with read_session(store) as session:
        connection = session.connection()
        found = check_chains(connection, is_sqlite(store.engine), include_unchained=not _is_township(session))
        extensions = ledger_chain.compare_with_recorded(connection, recorded or {})
    problems = [(f.sentence, f.details) for f in found.findings]
    problems += [(extension_sentence("这个数据库的", e), extension_details(e)) for e in extensions if not e.ok]
    code = paper_code(found.heads.get(ENTRIES, EMPTY_HEAD))
    if not problems:
        return LedgerVerdict(True, f"积分台账和操作日志的防篡改链完整（台账校验码 {code}）。", "", found.heads, code)
    return LedgerVerdict(False, problems[0][0], "\n".join(d for _, d in problems), found.heads, code)


def _check_ledger(session, report: CheckReport) -> None:
    """The ledger's own rules (rule sets, reviews, audit records, reversals, attendance), in SQL."""
    report.counts.update(ledger_counts(session))
    report.problems.extend(ledger_problems(session))


def _check_caps(session, report: CheckReport) -> None:
    """Recompute every cap from the stored entries (pending and approved), as pricing measures them.

    Every cap period is a month, a quarter or a year, so the entries are summed per rule set,
    member, item and month in one SQL pass: `cap_overruns` gets one line a month instead of one
    an entry and finds the same overruns, one rule set at a time."""
    records = {uuid_text(record.id): record for record in session.scalars(select(RuleSetRecord))}
    overruns = []
    for rule_set_id, rows in groupby(_month_sums_by_item(session), key=itemgetter(0)):
        record = records[rule_set_id]
        rule_set = rule_set_from_record(record)
        items = {uuid_text(item.id): rule_set.item(item.code) for item in record.items}
        counted = (
            (member_id, CountedLine(items[item_id].code, items[item_id].category, on, value, items[item_id].outside_cap))
            for _, member_id, item_id, on, value in rows
        )
        overruns += cap_overruns(rule_set, counted)
    ids = {uuid.UUID(overrun.member_id) for overrun in overruns}
    names = {row.id.hex: row.name for row in session.execute(select(Member.id, Member.name).where(Member.id.in_(ids)))}
    for overrun in overruns:
        report.problems.append(
            f"{names.get(overrun.member_id, '?')}在{overrun.period}的“{overrun.what}”累计 "
            f"{format_points(overrun.used)} 分，超过上限 {format_points(overrun.cap)} 分。"
        )


def _month_sums_by_item(session):
    """(rule set, member, item, first day of the month, points) of the entries that count against
    caps, rule set by rule set (streamed: one rule set's rows at a time reach Python). Ids come
    as 32 hex digits (uuid_text): a UUID object a row would be most of the time spent."""
    year, month = extract("year", PointsEntry.occurred_on), extract("month", PointsEntry.occurred_on)
    keys = (RuleItemRecord.rule_set_id, PointsEntry.member_id, PointsEntry.rule_item_id, year, month)
    as_text = [type_coerce(key, String) for key in keys[:3]]
    rows = session.connection().execute(
        select(*as_text, year, month, type_coerce(func.sum(PointsEntry.points), Points))
        .join(RuleItemRecord, RuleItemRecord.id == PointsEntry.rule_item_id)
        .where(PointsEntry.status != EntryStatus.REJECTED)
        .group_by(*keys)
        .order_by(RuleItemRecord.rule_set_id)
    )
    for rule_set_id, member_id, item_id, year_no, month_no, value in rows:
        yield uuid_text(rule_set_id), uuid_text(member_id), uuid_text(item_id), date(int(year_no), int(month_no), 1), value
