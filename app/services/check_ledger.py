"""The ledger's own rules, checked by `check` (app/services/check.py) in SQL.

Each rule is one query that returns only the rows breaking it (at most SHOWN of them, then a
count), so checking a county's millions of entries costs the database's time and a few rows
of memory, never an object per entry. The sentences are those the clerk has always read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, extract, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.domain.enums import EntryStatus
from db.models import AttendanceRecord, AuditRecord, Member, PointsEntry, RuleItemRecord, RuleSetRecord

SHOWN = 20  # rows named per rule; the rest are counted

_entry, _original = PointsEntry, aliased(PointsEntry)


def _label(name, occurred_on) -> str:
    return f"{name or '?'} {occurred_on:%Y-%m-%d} 的记录"


@dataclass(frozen=True)
class _Rule:
    """One rule over the entries: the rows breaking it (a select of name, date, *extra) and the sentence."""

    query: object
    sentence: object  # (label, *extra) -> str


def _entries(*extra):
    """Entries with the member's name and date for the label, and the columns a rule needs."""
    return (
        select(Member.name, _entry.occurred_on, *extra)
        .select_from(_entry)
        .outerjoin(Member, Member.id == _entry.member_id)
    )


def _with_rule_set(*extra):
    return (
        _entries(*extra)
        .outerjoin(RuleItemRecord, RuleItemRecord.id == _entry.rule_item_id)
        .outerjoin(RuleSetRecord, RuleSetRecord.id == RuleItemRecord.rule_set_id)
    )


def _rule_set_rules() -> list[_Rule]:
    """The entry's rule item exists, belongs to the entry's year and to the member's branch."""
    entry_year = extract("year", _entry.occurred_on)
    return [
        _Rule(_with_rule_set().where(RuleSetRecord.id.is_(None)), lambda label: f"{label}找不到它所用的细则项目。"),
        _Rule(
            _with_rule_set(RuleSetRecord.year).where(RuleSetRecord.year != entry_year),
            lambda label, year: f"{label}用的是 {year} 年的细则，日期却不在该年。",
        ),
        _Rule(
            _with_rule_set().where(
                RuleSetRecord.year == entry_year, Member.id.is_not(None), Member.branch_id != RuleSetRecord.branch_id
            ),
            lambda label: f"{label}用了其他支部的细则。",
        ),
    ]


def _review_rules() -> list[_Rule]:
    pending = _entry.status == EntryStatus.PENDING
    return [
        _Rule(_entries().where(pending, _entry.reviewed_by.is_not(None)), lambda label: f"{label}待审核，却记有审核人。"),
        _Rule(
            _entries(_entry.status).where(~pending, or_(_entry.reviewed_by.is_(None), _entry.reviewed_at.is_(None))),
            lambda label, status: f"{label}状态为“{status.label}”，却没有审核人或审核时间。",
        ),
    ]


def _audit_rule() -> _Rule:
    audited = exists().where(AuditRecord.entity == "points_entry", AuditRecord.entity_id == _entry.id)
    return _Rule(_entries().where(~audited), lambda label: f"{label}在操作日志中没有录入记载。")


def _reversal_rules() -> list[_Rule]:
    """A reversal names an approved original, not itself a reversal, of the same member, item and
    date, with the opposite points (each rule a query, so one reversal can break several)."""
    approved = EntryStatus.APPROVED
    o = _original

    def reversing(*conditions):
        return _entries().join(o, o.id == _entry.reverses_id).where(*conditions)

    missing = _entries().where(
        _entry.reverses_id.is_not(None), ~exists().where(o.id == _entry.reverses_id)
    )
    return [
        _Rule(missing, lambda label: f"{label}是冲正记录，但被冲正的原记录不存在。"),
        _Rule(reversing(o.reverses_id.is_not(None)), lambda label: f"{label}冲正的是另一条冲正记录。"),
        _Rule(
            reversing(or_(o.status != approved, _entry.status != approved)),
            lambda label: f"{label}：冲正记录和原记录都应是已审核状态。",
        ),
        _Rule(
            reversing(or_(
                o.member_id.is_distinct_from(_entry.member_id),
                o.rule_item_id.is_distinct_from(_entry.rule_item_id),
                o.occurred_on.is_distinct_from(_entry.occurred_on),
            )),
            lambda label: f"{label}：冲正记录与原记录的党员、项目或日期不一致。",
        ),
        _Rule(
            reversing((_entry.points + o.points).is_distinct_from(literal(0))),
            lambda label: f"{label}：冲正分值与原记录不是相反数。",
        ),
    ]


def _attendance_mismatches(session) -> int:
    a = AttendanceRecord
    query = (
        select(func.count())
        .select_from(a)
        .outerjoin(_entry, _entry.id == a.entry_id)
        .where(
            a.entry_id.is_not(None),
            or_(
                _entry.id.is_(None),
                _entry.meeting_id.is_distinct_from(a.meeting_id),
                _entry.member_id.is_distinct_from(a.member_id),
            ),
        )
    )
    return session.scalar(query) or 0


def ledger_problems(session) -> list[str]:
    """Sentences for every rule of the ledger that some entry breaks (SHOWN rows a rule, then a count)."""
    problems: list[str] = []
    for rule in [*_rule_set_rules(), *_review_rules(), _audit_rule(), *_reversal_rules()]:
        rows = session.execute(rule.query.limit(SHOWN + 1)).all()
        problems += [rule.sentence(_label(name, day), *extra) for name, day, *extra in rows[:SHOWN]]
        if len(rows) > SHOWN:
            total = session.scalar(select(func.count()).select_from(rule.query.subquery()))
            problems.append(f"同类问题共 {total} 条，以上只列出前 {SHOWN} 条。")
    mismatched = _attendance_mismatches(session)
    problems += ["有一条会议考勤与它生成的积分记录对不上。"] * min(mismatched, SHOWN)
    if mismatched > SHOWN:
        problems.append(f"会议考勤与积分记录对不上的共 {mismatched} 条，以上只列出前 {SHOWN} 条。")
    return problems


def ledger_counts(session) -> dict[str, int]:
    return {
        "积分记录": session.scalar(select(func.count()).select_from(PointsEntry)) or 0,
        "党员": session.scalar(select(func.count()).select_from(Member)) or 0,
    }
