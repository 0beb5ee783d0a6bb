"""The query paths that feed the one scorer (app.domain.scoring): every figure of a period comes from here.

The roster's point columns, scorecards, notices, annual summaries, the township overview and
`check` ask `BranchScorer` for a branch's year month by month; rankings (and the rating
proposal, which starts from the year ranking) read one sum a member through
app/services/totals/standings.py, which also gives `BranchScorer` last year's totals (the
carried base). None of them sums the ledger on its own: it is read as the kept month sums
(one GROUP BY per branch and year), so scoring is linear in members and entries, and the
database does the adding.

Runs inside a caller's read session; returns plain domain objects.
"""

from __future__ import annotations

import gc
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Integer, String, case, extract, func, select, type_coerce

from app.domain.enums import Category, EntryStatus, MemberClass, Membership
from app.domain.periods import Month
from app.domain.points import from_hundredths
from app.domain.rules import RuleSet
from app.domain.scoring import Appraisal, BranchYear, MonthSum, carried_base, score_branch_year
from app.services.rules.rulesets import rule_set_from_record
from app.services.totals.standings import Standings, has_summaries, on_roster
from db.models import AppraisalRecord, Member, MemberMonthSum, PointsEntry, RuleItemRecord, RuleSetRecord
from db.types import Points


@dataclass(frozen=True)
class ScoredMember:
    """What a ranking, a card or a notice shows about the person beside his figures."""

    id: uuid.UUID
    name: str
    name_pinyin: str
    group_id: uuid.UUID | None
    member_class: MemberClass
    membership: Membership
    roster_months: frozenset[int] = frozenset()  # the months of the year he was on the branch's roster some day
    rated: bool = True  # on the roster on 31 December: the year's star rating rates him here (rating/rated.py)


@dataclass(frozen=True)
class ScoredBranch:
    """A branch's year (or year to date) as the scorer computed it, with the people it is about."""

    rule_set_id: uuid.UUID
    branch: BranchYear
    members: dict[uuid.UUID, ScoredMember]
    active_in_period: frozenset[uuid.UUID]

    @property
    def rule_set(self) -> RuleSet:
        return self.branch.rule_set

    def counted_in(self, month: int) -> list[uuid.UUID]:
        """Who a ranking of `month` lists: on the roster some day of it, or with points in it
        (a member who left in June is not in July's average, as he is not in July's notice)."""
        scores = self.branch.scores
        return [
            member_id for member_id, member in self.members.items()
            if member_id in scores and (month in member.roster_months or month in scores[member_id].month_categories)
        ]


def month_sums(session, branch_id: uuid.UUID, year: int, member_ids=None) -> dict[uuid.UUID, list[MonthSum]]:
    """Approved points of `year` per member, month and category, reversals included (they net out):
    read from the summaries kept beside the ledger (db/summaries.py), or summed from the ledger
    when the file has none (an older schema opened read-only)."""
    if not has_summaries(session):
        return ledger_month_sums(session, branch_id, year, member_ids)
    kept = MemberMonthSum
    query = (
        select(
            type_coerce(kept.member_id, String), kept.month, type_coerce(kept.category, String),
            type_coerce(kept.points, Integer), kept.vetoes,
        )
        .join(RuleSetRecord, RuleSetRecord.id == kept.rule_set_id)
        .where(RuleSetRecord.branch_id == branch_id, RuleSetRecord.year == year, kept.year == year)
    )
    if member_ids is not None:
        query = query.where(kept.member_id.in_(list(member_ids)))
    # Plain values converted here once per distinct value (a member's UUID, a category, a figure),
    # not once per row by the column types: this loop is most of a ranking's time.
    by_text: dict[object, tuple[uuid.UUID, list[MonthSum]]] = {}
    figures: dict[int, Decimal] = {}
    for member_text, month_no, category, hundredths, veto_count in session.connection().execute(query).all():
        member = by_text.get(member_text)
        if member is None:
            member = by_text[member_text] = (uuid.UUID(str(member_text)), [])
        value = figures.get(hundredths)
        if value is None:
            value = figures[hundredths] = from_hundredths(hundredths)
        member[1].append(MonthSum(member[0], month_no, _CATEGORIES[category], value, int(veto_count or 0)))
    return dict(by_text.values())


_CATEGORIES = {category.value: category for category in Category}


def ledger_month_sums(session, branch_id: uuid.UUID, year: int, member_ids=None) -> dict[uuid.UUID, list[MonthSum]]:
    """Approved points of `year` per member, month and category, reversals included (they net out),
    summed from the ledger itself (a file without the kept summaries, and what they must equal)."""
    month = extract("month", PointsEntry.occurred_on)
    veto = case(
        (RuleItemRecord.category == Category.VETO, case((PointsEntry.reverses_id.is_(None), 1), else_=-1)), else_=0
    )
    query = (
        select(
            PointsEntry.member_id, month, RuleItemRecord.category,
            type_coerce(func.sum(PointsEntry.points), Points), func.sum(veto),
        )
        .join(RuleItemRecord, PointsEntry.rule_item_id == RuleItemRecord.id)
        .join(RuleSetRecord, RuleItemRecord.rule_set_id == RuleSetRecord.id)
        .where(
            RuleSetRecord.branch_id == branch_id,
            RuleSetRecord.year == year,
            PointsEntry.status == EntryStatus.APPROVED,
            PointsEntry.occurred_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .group_by(PointsEntry.member_id, month, RuleItemRecord.category)
    )
    if member_ids is not None:
        query = query.where(PointsEntry.member_id.in_(list(member_ids)))
    grouped: dict[uuid.UUID, list[MonthSum]] = {}
    for member_id, month_no, category, value, vetoes in session.execute(query):
        grouped.setdefault(member_id, []).append(MonthSum(member_id, int(month_no), category, value, int(vetoes or 0)))
    return grouped


def in_branch(branch_id: uuid.UUID, member_ids):
    """The branch condition on members. Given a few member ids (a roster page), it is wrapped so
    that the database looks those members up by key instead of walking the branch's index over
    every member (SQLite chose the index: 36 ms a query at 70,000 members, most of a keystroke)."""
    if member_ids is None:
        return Member.branch_id == branch_id
    return func.coalesce(Member.branch_id, Member.branch_id) == branch_id


def appraisals(session, branch_id: uuid.UUID, year: int, member_ids=None) -> dict[uuid.UUID, Appraisal]:
    query = (
        select(AppraisalRecord.member_id, AppraisalRecord.score, AppraisalRecord.grade)
        .join(Member, Member.id == AppraisalRecord.member_id)
        .where(AppraisalRecord.year == year, in_branch(branch_id, member_ids))
    )
    if member_ids is not None:
        query = query.where(AppraisalRecord.member_id.in_(list(member_ids)))
    return {member_id: Appraisal(score, grade) for member_id, score, grade in session.execute(query)}


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused while a branch is scored: scoring makes a few
    small dicts and records per member, none of them cyclic, and with thousands of members
    alive the collector's passes over them were a third of a ranking's time. (Reference
    counting still frees everything; the collector resumes as it was.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class BranchScorer:
    """Scores whole years (or years to date) of one branch; last year's total carries into the base.

    One instance per read session; each year's final totals, which the next year's carried base
    needs (schemes such as village_100 start the base at 20% of last year), come from the
    standings (one sum a member a year) and are kept for the session.
    """

    def __init__(self, session, branch_id: uuid.UUID) -> None:
        self.session = session
        self.branch_id = branch_id
        self._standings: dict[object, Standings] = {}
        self._rule_sets: dict[int, tuple[uuid.UUID, RuleSet] | None] = {}

    def rule_set(self, year: int) -> tuple[uuid.UUID, RuleSet] | None:
        if year not in self._rule_sets:
            record = self.session.scalar(
                select(RuleSetRecord).where(RuleSetRecord.branch_id == self.branch_id, RuleSetRecord.year == year)
            )
            self._rule_sets[year] = None if record is None else (record.id, rule_set_from_record(record))
        return self._rule_sets[year]

    def year(
        self, year: int, up_to: Month | None = None, period_start: date | None = None, member_ids=None
    ) -> ScoredBranch | None:
        """The branch's scores for `year` (None without a rule set).

        Scored are the members on the roster at some time between `period_start` (default
        1 January) and the end of `up_to` (default the year's end), and anyone with approved
        entries in that period. `member_ids` limits the scoring to those members (the five-star
        quota is then over them only: use it for figures, not for stars).
        """
        found = self.rule_set(year)
        if found is None:
            return None
        with collector_paused():
            return self._scored(year, found, up_to, period_start, member_ids)

    def _scored(self, year: int, found, up_to, period_start, member_ids) -> ScoredBranch:
        rule_set_id, rule_set = found
        start, end = period_start or date(year, 1, 1), up_to.last_day if up_to else date(year, 12, 31)
        sums = month_sums(self.session, self.branch_id, year, member_ids)
        with_entries = {
            member_id for member_id, rows in sums.items() if any(start.month <= row.month <= end.month for row in rows)
        }
        members = self._members(start, end, with_entries, member_ids)
        previous = self.finals(year - 1, member_ids) if rule_set.base_carry_share is not None else None
        bases = {member_id: carried_base(rule_set, previous[member_id]) for member_id in members if previous and member_id in previous}
        branch = score_branch_year(
            rule_set, members, sums, bases, appraisals(self.session, self.branch_id, year, member_ids), up_to,
            rated=[member_id for member_id, member in members.items() if member.rated],
        )
        return ScoredBranch(rule_set_id, branch, members, frozenset(with_entries))

    def _members(self, start: date, end: date, with_entries: set, member_ids) -> dict[uuid.UUID, ScoredMember]:
        """Who is scored: on the roster at some time in [start, end], or with entries in it."""
        # the months on the roster as one number, a bit a month, by the same condition as `listed`
        months = [Month(start.year, m) for m in range(1, 13)]
        month_bits = sum(case((on_roster(m.first_day, m.last_day), 1 << (m.month - 1)), else_=0) for m in months)
        year_end = months[-1].last_day
        query = select(
            Member.id, Member.name, Member.name_pinyin, Member.group_id, Member.member_class, Member.membership,
            case((on_roster(start, end), 1), else_=0).label("listed"), month_bits.label("month_bits"),
            case((on_roster(year_end, year_end), 1), else_=0).label("rated"),
        ).where(in_branch(self.branch_id, member_ids))
        if member_ids is not None:
            query = query.where(Member.id.in_(list(member_ids)))
        return {
            row.id: ScoredMember(
                row.id, row.name, row.name_pinyin, row.group_id, row.member_class, row.membership,
                frozenset(m for m in range(1, 13) if row.month_bits >> (m - 1) & 1), row.rated == 1,
            )
            for row in self.session.execute(query)
            if row.listed or row.id in with_entries
        }

    def finals(self, year: int, member_ids=None) -> dict[uuid.UUID, Decimal] | None:
        """Each member's final total of a whole `year` (None when that year has no rule set), from
        the standings' one sum a member (standings.py), which the carried base needs; of the
        given members only, when `member_ids` is given (a roster page needs a page's bases)."""
        if self.rule_set(year) is None:
            return None
        key = (year, None if member_ids is None else frozenset(member_ids))
        if key not in self._standings:
            self._standings[key] = Standings(self.session, [self.branch_id], year, member_ids)
        return self._standings[key].finals_by_id(year)
