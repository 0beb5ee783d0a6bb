"""`check`: is the file sound, and does the ledger add up? Reports problems, changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from app.domain.chain import AUDIT, EMPTY_HEAD, ENTRIES, Head, paper_code
from app.domain.chain_sentences import extension_details, extension_sentence
from app.domain.enums import EntryStatus
from app.domain.points import format_points
from app.domain.rules import CountedLine, cap_overruns
from app.services.context import read_session
from app.services.practice.checks import check_practice
from app.services.rules.rulesets import rule_set_from_record
from app.services.shop.checks import shop_problems
from app.services.store_settings import GATHERED_PREFIX, TOWNSHIP_SETTING, read_settings
from db import ledger_chain, summaries
from db.chain_check import ChainCheck, check_chains
from db.engine import is_sqlite
from db.models import AttendanceRecord, AuditRecord, Member, PointsEntry, RuleItemRecord, RuleSetRecord
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
        report.problems.extend(shop_problems(session))
    return report


def _check_summaries(session, report: CheckReport) -> None:
    """The summaries kept per member and month, recomputed from the ledger and compared."""
    found = summaries.mismatches(session)
    if not found:
        return
    (rule_set_id, year, member_id, month, category), kept, ledger = found[0]
    member = session.get(Member, member_id)
    kept_text = f"{format_points(kept[0])} 分" if kept else "没有"
    ledger_text = f"{format_points(ledger[0])} 分" if ledger else "没有记录"
    report.problems.append(
        f"积分月汇总与台账不符：{member.name if member else '?'} {year}年{month}月的“{category.label}”汇总为{kept_text}，"
        f"台账合计为{ledger_text}（共 {len(found)} 处不符）。"
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
    entries = {entry.id: entry for entry in session.scalars(select(PointsEntry))}
    report.counts["积分记录"] = len(entries)
    report.counts["党员"] = session.scalar(select(func.count()).select_from(Member)) or 0
    items = {item.id: item for item in session.scalars(select(RuleItemRecord))}
    rule_sets = {rs.id: rs for rs in session.scalars(select(RuleSetRecord))}
    members = {m.id: m for m in session.scalars(select(Member))}
    audited = set(session.scalars(select(AuditRecord.entity_id).where(AuditRecord.entity.in_(["points_entry"]))))
    for entry in entries.values():
        label = f"{members[entry.member_id].name if entry.member_id in members else '?'} {entry.occurred_on:%Y-%m-%d} 的记录"
        item = items.get(entry.rule_item_id)
        _check_rule_set_of(entry, rule_sets.get(item.rule_set_id) if item else None, members.get(entry.member_id), label, report)
        _check_review_fields(entry, label, report)
        if entry.id not in audited:
            report.problems.append(f"{label}在操作日志中没有录入记载。")
        if entry.reverses_id is not None:
            _check_reversal(entry, entries.get(entry.reverses_id), label, report)
    for attendance in session.scalars(select(AttendanceRecord).where(AttendanceRecord.entry_id.is_not(None))):
        entry = entries.get(attendance.entry_id)
        if entry is None or entry.meeting_id != attendance.meeting_id or entry.member_id != attendance.member_id:
            report.problems.append("有一条会议考勤与它生成的积分记录对不上。")


def _check_rule_set_of(entry, rule_set, member, label: str, report: CheckReport) -> None:
    """The entry's rule item exists, belongs to the entry's year and to the member's branch."""
    if rule_set is None:
        report.problems.append(f"{label}找不到它所用的细则项目。")
    elif rule_set.year != entry.occurred_on.year:
        report.problems.append(f"{label}用的是 {rule_set.year} 年的细则，日期却不在该年。")
    elif member is not None and member.branch_id != rule_set.branch_id:
        report.problems.append(f"{label}用了其他支部的细则。")


def _check_review_fields(entry, label: str, report: CheckReport) -> None:
    if entry.status is EntryStatus.PENDING and entry.reviewed_by is not None:
        report.problems.append(f"{label}待审核，却记有审核人。")
    if entry.status is not EntryStatus.PENDING and (entry.reviewed_by is None or entry.reviewed_at is None):
        report.problems.append(f"{label}状态为“{entry.status.label}”，却没有审核人或审核时间。")


def _check_reversal(entry, original, label: str, report: CheckReport) -> None:
    if original is None:
        report.problems.append(f"{label}是冲正记录，但被冲正的原记录不存在。")
        return
    if original.reverses_id is not None:
        report.problems.append(f"{label}冲正的是另一条冲正记录。")
    if original.status is not EntryStatus.APPROVED or entry.status is not EntryStatus.APPROVED:
        report.problems.append(f"{label}：冲正记录和原记录都应是已审核状态。")
    if (original.member_id, original.rule_item_id, original.occurred_on) != (entry.member_id, entry.rule_item_id, entry.occurred_on):
        report.problems.append(f"{label}：冲正记录与原记录的党员、项目或日期不一致。")
    if entry.points != -original.points:
        report.problems.append(f"{label}：冲正分值与原记录不是相反数。")


def _check_caps(session, report: CheckReport) -> None:
    """Recompute every cap from the stored entries (pending and approved), as pricing measures them."""
    names = dict(session.execute(select(Member.id, Member.name)).all())
    for record in session.scalars(select(RuleSetRecord)):
        rule_set = rule_set_from_record(record)
        items = {item.id: rule_set.item(item.code) for item in record.items}
        rows = session.execute(
            select(PointsEntry.member_id, PointsEntry.rule_item_id, PointsEntry.occurred_on, PointsEntry.points)
            .where(PointsEntry.rule_item_id.in_(list(items)), PointsEntry.status != EntryStatus.REJECTED)
        )
        counted = (
            (member_id, CountedLine(items[item_id].code, items[item_id].category, on, value, items[item_id].outside_cap))
            for member_id, item_id, on, value in rows
        )
        for overrun in cap_overruns(rule_set, counted):
            report.problems.append(
                f"{names.get(overrun.member_id, '?')}在{overrun.period}的“{overrun.what}”累计 "
                f"{format_points(overrun.used)} 分，超过上限 {format_points(overrun.cap)} 分。"
            )
