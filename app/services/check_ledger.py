"""The ledger's own rules, checked by `check` (app/services/check.py) in SQL.

Each rule is one query that returns only the rows breaking it (at most SHOWN of them, then a
count), so checking a county's millions of entries costs the database's time and a few rows
of memory, never an object per entry. The sentences are those the clerk has always read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, extract, func, literal, or_, select
from sqlalchemy.orm import aliased

from app.domain.enums import EntryStatus
from app.domain.dates import day_text
from db.models import AttendanceRecord, AuditRecord, Member, PointsEntry, RuleItemRecord, RuleSetRecord

SHOWN = 20  # rows named per rule; the rest are counted

_entry, _original = PointsEntry, aliased(PointsEntry)


def _label(name, occurred_on) -> str:
    return f"{name or '?'}{day_text(occurred_on)}的记录"


@dataclass(frozen=True)
class _Rule:
    """One rule over the entries: the condition an entry breaks it by, the sentence, and the
    columns the sentence needs. `joined`: what the entry is read with — "entry" (its member),
    "rule_set" (and its rule item and rule set, outer joins), "original" (the entry it reverses,
    an inner join: a reversal without its original is the `missing` rule's). `in_one_pass`: the
    condition as it reads in `_everything`, where it must read differently."""

    condition: object
    sentence: object  # (label, *extra) -> str
    extra: tuple = ()
    joined: str = "entry"
    in_one_pass: object = None
    apart: bool = False  # counted by a query of its own over the entries alone (see _audit_rule)

    @property
    def query(self):
        """The entries breaking the rule: name, date, *extra."""
        base = {"entry": _entries, "rule_set": _with_rule_set, "original": _reversing}[self.joined](*self.extra)
        return base.where(self.condition)

    @property
    def counted(self):
        """The same condition over one row per entry with everything outer-joined (`_everything`)."""
        if self.in_one_pass is not None:
            return self.in_one_pass
        return and_(self.condition, _original.id.is_not(None)) if self.joined == "original" else self.condition


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


def _reversing(*extra):
    return _entries(*extra).join(_original, _original.id == _entry.reverses_id)


def _everything():
    """One row per entry with its member, rule item, rule set and the entry it reverses (outer
    joins on primary keys, so no entry is repeated or left out): every rule counted in one pass."""
    return (
        _with_rule_set()
        .with_only_columns()
        .outerjoin(_original, _original.id == _entry.reverses_id)
    )


def _rule_set_rules() -> list[_Rule]:
    """The entry's rule item exists, belongs to the entry's year and to the member's branch."""
    entry_year = extract("year", _entry.occurred_on)
    return [
        _Rule(RuleSetRecord.id.is_(None), lambda label: f"{label}找不到它所用的细则项目。", joined="rule_set"),
        _Rule(
            RuleSetRecord.year != entry_year,
            lambda label, year: f"{label}用的是 {year} 年的细则，日期却不在该年。",
            (RuleSetRecord.year,), "rule_set",
        ),
        _Rule(
            and_(RuleSetRecord.year == entry_year, Member.id.is_not(None), Member.branch_id != RuleSetRecord.branch_id),
            lambda label: f"{label}用了其他支部的细则。", joined="rule_set",
        ),
    ]


def _review_rules() -> list[_Rule]:
    pending = _entry.status == EntryStatus.PENDING
    return [
        _Rule(and_(pending, _entry.reviewed_by.is_not(None)), lambda label: f"{label}待审核，却记有审核人。"),
        _Rule(
            and_(~pending, or_(_entry.reviewed_by.is_(None), _entry.reviewed_at.is_(None))),
            lambda label, status: f"{label}状态为“{status.label}”，却没有审核人或审核时间。",
            (_entry.status,),
        ),
    ]


def _audit_rule(by_id_alone: bool = False) -> _Rule:
    """Every entry has an audit record of it. `by_id_alone`: any audit record naming the entry's
    id will do, which the index on entity_id answers without reading the audit rows; the same
    answer whenever no audit record of another kind of record names an entry's id
    (`_ids_named_by_others`), which the caller makes sure of. Counted apart: over the entries
    alone SQLite walks their ids in order through the primary key's index, so the lookups in
    entity_id's index come in order too, and a county's file costs a tenth of the time that
    lookups in the table's own (random) order cost."""
    audited = exists().where(AuditRecord.entity == "points_entry", AuditRecord.entity_id == _entry.id)
    in_one_pass = ~exists().where(AuditRecord.entity_id == _entry.id) if by_id_alone else None
    return _Rule(~audited, lambda label: f"{label}在操作日志中没有录入记载。", in_one_pass=in_one_pass, apart=True)


def _ids_named_by_others(session) -> bool:
    """Whether an audit record of anything but an entry names an entry's id (only an edit by
    hand would: ids are random UUIDs); such records are few, each looked up by primary key."""
    entry_named = exists().where(_entry.id == AuditRecord.entity_id)
    return session.scalar(select(exists().where(AuditRecord.entity != "points_entry", entry_named))) or False


def _reversal_rules() -> list[_Rule]:
    """A reversal names an approved original, not itself a reversal, of the same member, item and
    date, with the opposite points (each rule a query, so one reversal can break several)."""
    approved = EntryStatus.APPROVED
    o = _original
    missing = and_(_entry.reverses_id.is_not(None), ~exists().where(o.id == _entry.reverses_id))
    return [
        _Rule(
            missing, lambda label: f"{label}是冲正记录，但被冲正的原记录不存在。",
            in_one_pass=and_(_entry.reverses_id.is_not(None), o.id.is_(None)),
        ),
        _Rule(o.reverses_id.is_not(None), lambda label: f"{label}冲正的是另一条冲正记录。", joined="original"),
        _Rule(
            or_(o.status != approved, _entry.status != approved),
            lambda label: f"{label}：冲正记录和原记录都应是已审核状态。", joined="original",
        ),
        _Rule(
            or_(
                o.member_id.is_distinct_from(_entry.member_id),
                o.rule_item_id.is_distinct_from(_entry.rule_item_id),
                o.occurred_on.is_distinct_from(_entry.occurred_on),
            ),
            lambda label: f"{label}：冲正记录与原记录的党员、项目或日期不一致。", joined="original",
        ),
        _Rule(
            (_entry.points + o.points).is_distinct_from(literal(0)),
            lambda label: f"{label}：冲正分值与原记录不是相反数。", joined="original",
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


def _rules(audit_by_id_alone: bool = False) -> list[_Rule]:
    return [*_rule_set_rules(), *_review_rules(), _audit_rule(audit_by_id_alone), *_reversal_rules()]


def _broken_counts(session, rules: list[_Rule]) -> list[int]:
    """How many entries break each rule, counted in one pass over the entries (a sound ledger,
    the usual case, is read once instead of once a rule), those `apart` each on its own."""
    together = [rule for rule in rules if not rule.apart]
    counts = [func.coalesce(func.sum(case((rule.counted, 1), else_=0)), 0) for rule in together]
    found = dict(zip(map(id, together), session.execute(_everything().add_columns(*counts)).one()))
    for rule in rules:
        if rule.apart:
            found[id(rule)] = session.scalar(select(func.count()).select_from(_entry).where(rule.counted))
    return [found[id(rule)] for rule in rules]


def ledger_problems(session) -> list[str]:
    """Sentences for every rule of the ledger that some entry breaks (SHOWN rows a rule, then a count)."""
    problems: list[str] = []
    rules = _rules(audit_by_id_alone=not _ids_named_by_others(session))
    for rule, total in zip(rules, _broken_counts(session, rules)):
        if not total:
            continue
        rows = session.execute(rule.query.limit(SHOWN)).all()
        problems += [rule.sentence(_label(name, day), *extra) for name, day, *extra in rows]
        if total > SHOWN:
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
