"""Each member's standing in a month, a quarter or the year, for one branch or many at once: the
figures a ranking shows, fed to the one scorer (app.domain.scoring.year_result) from one SQL
aggregate of the kept month sums per member.

A ranking needs no month-by-month detail, only each member's period points and his year to
date: the base category's sum, the other categories' sum and his vetoes. The database adds those
up (GROUP BY member over member_month_sums, or over member_year_sums for a whole year, which is
also every earlier year's final total a carried base needs), so a ranking reads one row a member
however many months and categories he has; the members, their groups and the rule sets come in one query
each for all the branches asked about, and last year's final totals (the carried base) the same
way, one aggregate a year for every branch together. `BranchScorer` (scoring.py) gives the
detail (months, categories) where a paper needs it, and takes its carried bases from here.

Runs inside a caller's read session; values are converted once per distinct value (a member's
id, a figure), not once per row by the column types: those conversions were most of a ranking.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Integer, String, and_, case, func, inspect, literal, or_, select, type_coerce

from app.domain.enums import AppraisalMode, Category, MemberClass, MemberStatus, Membership
from app.domain.periods import Month
from app.domain.points import ZERO, from_hundredths
from app.domain.rating import LOCKED
from app.domain.rules import RuleSet
from app.domain.scoring import Appraisal, YearResult, carried_base, year_result
from app.services.rules.rulesets import rule_set_from_record
from db import summaries
from db.models import AppraisalRecord, Member, MemberMonthSum, MemberYearSum, OrgUnit, RuleItemRecord, RuleSetRecord
from db.rating_models import RatingCandidate, RatingRound


_TABLES_FOUND: dict[tuple[str, str], bool] = {}


def has_table(session, table) -> bool:
    """Whether the file has `table` (an older schema opened read-only may not)."""
    key = (str(session.get_bind().url), table.__tablename__)
    if not _TABLES_FOUND.get(key):
        _TABLES_FOUND[key] = inspect(session.connection()).has_table(table.__tablename__)
    return _TABLES_FOUND[key]


def has_summaries(session, table=MemberMonthSum) -> bool:
    """Whether the file keeps `table`'s sums (the month sums unless told)."""
    return has_table(session, table)


def on_roster(start: date, end: date):
    """SQL condition: the member was on the branch's roster at some time in [start, end] (joined
    the branch by `end`, and had not left it, died or been transferred, by `start`)."""
    joined = func.coalesce(Member.in_branch_since, Member.join_date)
    return and_(
        or_(joined.is_(None), joined <= end),
        or_(Member.status == MemberStatus.ACTIVE, Member.status_date.is_(None), Member.status_date > start),
    )


class BranchMonths(NamedTuple):
    """Branches month by month (Standings.branch_months): {branch id: {month: approved points}},
    {branch id: {month: how many members that month's ranking lists}}, and the last month in which
    any one member's points are not nothing (0 when none)."""

    points: dict[uuid.UUID, dict[int, Decimal]]
    members: dict[uuid.UUID, dict[int, int]]
    last: int


class Standing(NamedTuple):
    """One member in a period: who he is, his points in the period and the year's (to date) result."""

    member_id: uuid.UUID
    branch_id: uuid.UUID
    name: str
    name_pinyin: str
    group_id: uuid.UUID | None
    member_class: MemberClass
    membership: Membership
    period_points: Decimal
    result: YearResult
    # on the roster on 31 December, whom the year's star rating rates here (app/services/rating/rated.py):
    # asked only by a year's ranking, True in any other period's
    rated: bool = True


class RuleBook:
    """The rule sets of some branches, of any year up to `year`, each year read when first asked for.

    A county's branches mostly keep the same rule set (copied from one template): each distinct
    rule set (its name, year, settings and every item's stored values) is built once, so a
    county of 300 branches parses a few rule sets instead of hundreds of identical ones (building
    one, with its items, took a millisecond, a third of a county ranking)."""

    def __init__(self, session, branch_ids, year: int) -> None:
        self._session, self._branch_ids, self._last_year = session, list(branch_ids), year
        self._built: dict[tuple, RuleSet] = {}
        self._years: dict[int, dict[uuid.UUID, tuple[uuid.UUID, RuleSet]]] = {}

    def _of(self, year: int) -> dict[uuid.UUID, tuple[uuid.UUID, RuleSet]]:
        """The branches' rule sets of `year`, read when a year is first asked for: a ranking whose
        earlier years are reported (frozen totals, see Standings.finals) reads no earlier rule set."""
        if year not in self._years:
            self._years[year] = self._read(year) if year <= self._last_year else {}
        return self._years[year]

    def _read(self, year: int) -> dict[uuid.UUID, tuple[uuid.UUID, RuleSet]]:
        session = self._session
        sets = session.connection().execute(
            select(
                RuleSetRecord.id, type_coerce(RuleSetRecord.id, String), RuleSetRecord.branch_id, RuleSetRecord.name,
                type_coerce(RuleSetRecord.settings, String),
            ).where(RuleSetRecord.branch_id.in_(self._branch_ids), RuleSetRecord.year == year)
        ).all()
        contents = self._item_contents(session, [row[0] for row in sets])
        found = {}
        for rule_set_id, stored_id, branch_id, name, settings in sets:
            key = (year, name, settings, contents.get(stored_id, ()))
            if key not in self._built:
                self._built[key] = rule_set_from_record(session.get(RuleSetRecord, rule_set_id))
            found[branch_id] = (rule_set_id, self._built[key])
        return found

    @staticmethod
    def _item_contents(session, rule_set_ids) -> dict[object, tuple]:
        """Every item's stored values (all but its own id and times), in the rule set's order, by the
        rule set's stored id (as stored: making 6,000 items' rule set ids UUIDs was a third of this)."""
        items = RuleItemRecord.__table__.c
        shown = [type_coerce(column, String) for column in items if column.key not in ("id", "created_at", "updated_at")]
        query = select(type_coerce(items.rule_set_id, String), *shown).where(items.rule_set_id.in_(rule_set_ids)).order_by(
            items.rule_set_id, items.sort_order, items.code
        )
        found: dict[uuid.UUID, list] = {}
        for rule_set_id, *values in session.connection().execute(query).all():
            found.setdefault(rule_set_id, []).append(tuple(values[1:]))  # the rule set's id left out
        return {rule_set_id: tuple(values) for rule_set_id, values in found.items()}

    def get(self, branch_id: uuid.UUID, year: int) -> tuple[uuid.UUID, RuleSet] | None:
        return self._of(year).get(branch_id)

    def of_year(self, branch_ids, year: int) -> dict[uuid.UUID, tuple[uuid.UUID, RuleSet]]:
        of_year = self._of(year)
        return {branch_id: found for branch_id in branch_ids if (found := of_year.get(branch_id))}


_NEW_OBJECT, _SET_SLOT, _SAFETY_UNKNOWN, _NEW_TUPLE = object.__new__, object.__setattr__, uuid.SafeUUID.unknown, tuple.__new__


def uuid_of(stored) -> uuid.UUID:
    """A stored id as a UUID. A SQLite file stores an id as its 32 hex digits, which make the
    UUID's number directly: uuid.UUID(text) first cleans the text up (braces, "urn:", hyphens),
    which was half the cost of each of a county's 66,000 ranking rows' ids. Any other form
    (PostgreSQL's UUID, a hyphenated text) goes through uuid.UUID as usual."""
    if type(stored) is str and len(stored) == 32:
        found = _NEW_OBJECT(uuid.UUID)
        _SET_SLOT(found, "int", int(stored, 16))  # UUID is immutable: its own __init__ sets its slots this way
        _SET_SLOT(found, "is_safe", _SAFETY_UNKNOWN)
        return found
    return stored if isinstance(stored, uuid.UUID) else uuid.UUID(str(stored))


class _Ids:
    """Each distinct stored id converted to a UUID once (a SQLite file stores them as text)."""

    def __init__(self) -> None:
        self._seen: dict[object, uuid.UUID] = {}

    def __call__(self, stored) -> uuid.UUID | None:
        if stored is None:
            return None
        found = self._seen.get(stored)
        if found is None:
            found = self._seen[stored] = uuid_of(stored)
        return found


class _Figures(dict):
    """Hundredths of a point → Decimal, each distinct value converted once."""

    def __missing__(self, hundredths: int) -> Decimal:
        value = self[hundredths] = ZERO if hundredths is None else from_hundredths(hundredths)
        return value


class _BranchLookup(dict):
    """Stored branch id → (its rule set of the year, its members' sums, its id), found once a branch."""

    def __init__(self, ids: _Ids, rules: dict, sums: dict) -> None:
        super().__init__()
        self._ids, self._rules, self._sums = ids, rules, sums

    def __missing__(self, stored) -> tuple[RuleSet, dict, uuid.UUID]:
        branch_id = self._ids(stored)
        rule_set_id, rule_set = self._rules[branch_id]
        found = self[stored] = (rule_set, self._sums.get(rule_set_id, {}), branch_id)
        return found


_NOTHING = (ZERO, ZERO, ZERO, 0, 0)
FEW = 5000  # members left to score whose sums are asked for by id (more: the rule sets' sums are read whole)
_CLASSES = {item.value: item for item in MemberClass}
_MEMBERSHIPS = {item.value: item for item in Membership}


class _LastYear:
    """Last year's final totals, which this year's carried bases start from.

    `frozen`: a reported year's frozen totals by (stored member id, stored branch id), read
    without their members (one row a candidate), each counting for a member in the round's
    branch still, as Standings.finals counts them. `unfrozen` gives a member without one his total
    from the whole of last year (Standings.finals: its members read, those without a frozen total
    scored from the ledger), asked for only once such a member comes. Both give the same total."""

    def __init__(self, standings: "Standings", year: int) -> None:
        self._standings, self._year = standings, year
        self.frozen: dict[tuple, Decimal] = standings.frozen_in_branch(year)
        self._finals: dict[object, Decimal] | None = None

    def unfrozen(self, stored_member_id) -> Decimal | None:
        if self._finals is None:
            self._finals = self._standings.finals(self._year)
        return self._finals.get(stored_member_id)


class Standings:
    """Standings of a set of branches (one branch, or a township's or county's gathering).

    One instance per read session; it keeps each year's final totals, which the next year's
    carried base needs (schemes such as village_100 start the base at 20% of last year).
    Inside, members are known by their stored ids (text in a SQLite file): hashing those is
    cheap, a UUID's hash is Python code, and a county's ranking looks members up a million times."""

    def __init__(self, session, branch_ids, year: int, member_ids=None) -> None:
        """`member_ids`: only these members (a roster page); each member's total depends on his own
        sums, appraisal and last year's total alone, so a few members' finals are exact."""
        self.session = session
        self.branch_ids = list(branch_ids)
        self.member_ids = None if member_ids is None else list(member_ids)
        self.rules = RuleBook(session, self.branch_ids, year)
        self._ids, self._figures = _Ids(), _Figures()
        self._finals: dict[int, dict[object, Decimal]] = {}
        self._frozen: dict[int, dict[object, Decimal]] = {}

    def period(self, year: int, months: list[int], up_to: int | None, start: date, end: date) -> list[Standing]:
        """Everyone scored in the period (months `months`; the year to date to the end of month
        `up_to`, or the whole year with its appraisal when None) of the branches that have a rule
        set for `year`: on a roster in [start, end] or with approved points in the period. On the
        whole year each says whether he is on the roster on 31 December (`rated`)."""
        ids = self._ids
        rated_on = date(year, 12, 31) if up_to is None else None

        def standing(member, branch_id: uuid.UUID, period, result) -> Standing:
            # tuple.__new__ with the fields in order: Standing(...) is a Python function that does
            # the same, and a county's ranking makes 66,000 of them
            return _NEW_TUPLE(Standing, (
                uuid_of(member[0]), branch_id, member[2], member[3], ids(member[4]), _CLASSES[member[5]], _MEMBERSHIPS[member[6]],
                period, result, member[7] == 1 if rated_on else True,
            ))

        return self._scored(year, months, up_to, start, end, made=standing, rated_on=rated_on)

    def finals(self, year: int) -> dict[object, Decimal]:
        """Each member's final total of the whole `year` by his stored id, for every branch with a
        rule set that year: the total frozen in a reported round of the year where there is one
        (the figure the township received, which next year's carried base starts from, and which
        `check` compares with the ledger: app/services/check_rounds.py), else scored from the ledger.
        A reported year's ledger is locked, so its frozen totals stand in for scoring it again and
        again, and for the years before it (a county's year ranking read three years for one)."""
        if year not in self._finals:
            self._finals[year] = {}  # guards against a cycle while computing
            frozen = self.frozen_finals(year)
            found = self.scored_finals(year, leaving_out=frozen)
            found.update(frozen)
            self._finals[year] = found
        return self._finals[year]

    def finals_by_id(self, year: int) -> dict[uuid.UUID, Decimal]:
        return {uuid_of(stored): final for stored, final in self.finals(year).items()}

    def scored_finals(self, year: int, leaving_out=()) -> dict[object, Decimal]:
        """Each member's final total of the whole `year` scored from the ledger (earlier years'
        carried bases as `finals` gives them), but for the stored ids in `leaving_out`."""
        scored = self._scored(
            year, range(1, 13), None, date(year, 1, 1), date(year, 12, 31), who_only=True, leaving_out=leaving_out,
            made=lambda member, _, __, result: (member[0], result.final_total),
        )
        return dict(scored)

    def frozen_finals(self, year: int) -> dict[object, Decimal]:
        """{stored member id: final total} frozen in the reported (or verified) rounds of `year` of
        these branches, for their members who are in the round's branch still (a member moved to
        another branch since is scored there, as before any report: the same in every ranking)."""
        if year not in self._frozen:
            self._frozen[year] = self._read_frozen(year) if has_table(self.session, RatingCandidate) else {}
        return self._frozen[year]

    def _read_frozen(self, year: int) -> dict[object, Decimal]:
        query = self._frozen_query(year).join(
            Member, and_(Member.id == RatingCandidate.member_id, Member.branch_id == RatingRound.branch_id)
        )
        figures = self._figures
        return {member_id: figures[hundredths] for member_id, hundredths in self.session.connection().execute(query).all()}

    def _frozen_query(self, year: int, *more):
        """(stored member id, *more, final total in hundredths) of each candidate of the year's locked rounds."""
        query = (
            select(type_coerce(RatingCandidate.member_id, String), *more, type_coerce(RatingCandidate.final_total, Integer))
            .select_from(RatingRound)
            .join(RatingCandidate, RatingCandidate.round_id == RatingRound.id)
            .where(
                RatingRound.year == year, RatingRound.status.in_(list(LOCKED)), RatingRound.branch_id.in_(self.branch_ids),
                RatingCandidate.final_total.is_not(None),
            )
        )
        if self.member_ids is not None:
            query = query.where(RatingCandidate.member_id.in_(self.member_ids))
        return query

    def _scored(
        self, year: int, months, up_to: int | None, start: date, end: date, made, who_only: bool = False, leaving_out=(),
        rated_on: date | None = None,
    ) -> list:
        """made(member row, branch id, period points, result) of everyone scored in the period (see `period`);
        `who_only`: member rows of his id and branch alone (a carried base needs no names);
        `leaving_out`: stored ids of members not to score (the few left are the only ones summed);
        `rated_on`: a day the rows say whether each member was on the roster (see `_members`)."""
        rules = self.rules.of_year(self.branch_ids, year)
        if not rules:
            return []
        members, rules, only = self._to_score(rules, start, end, who_only, leaving_out, rated_on)
        # a year to date, even to December, leaves the appraisal out: it belongs to the year's result
        whole_year = up_to is None
        sums = self._sums(year, rules, months, 12 if whole_year else up_to, only) if members else {}
        branches = _BranchLookup(self._ids, rules, sums)
        carries = any(rule_set.base_carry_share is not None for _, rule_set in rules.values())
        carried = _LastYear(self, year - 1) if carries and members else None
        appraisals = self._appraisals(year, rules) if whole_year and members else {}
        return self._results(members, branches, carried, appraisals, whole_year, made)

    def _to_score(self, rules: dict, start: date, end: date, who_only: bool, leaving_out, rated_on) -> tuple[list, dict, list | None]:
        """(member rows, the rule sets of their branches, their ids when few are left to score)."""
        members = self._members(rules, start, end, who_only, rated_on)
        if not leaving_out:
            return members, rules, None
        members = [member for member in members if member[0] not in leaving_out]
        rules = {branch_id: rules[branch_id] for branch_id in {self._ids(member[1]) for member in members}}
        return members, rules, [self._ids(member[0]) for member in members] if len(members) <= FEW else None

    @staticmethod
    def _results(members: list, branches: _BranchLookup, carried, appraisals: dict, whole_year: bool, made) -> list:
        """made(member row, branch id, period points, result) of each member scored: on the roster
        in the period, or with points in it."""
        # year_result and carried_base are pure functions of a few values, which many members share
        results: dict[tuple, YearResult] = {}
        bases: dict[tuple, Decimal] = {}
        found = []
        frozen = carried.frozen if carried else {}
        for member in members:
            rule_set, member_sums, branch_id = branches[member[1]]
            row = member_sums.get(member[0])
            if not (member[-1] or (row and row[4])):
                continue
            period, base, other, vetoes, _ = row or _NOTHING
            last_year = frozen.get((member[0], member[1]))
            if last_year is None and carried:
                last_year = carried.unfrozen(member[0])
            if last_year is None:
                start_base = rule_set.base_points
            elif (start_base := bases.get((id(rule_set), last_year))) is None:
                start_base = bases[id(rule_set), last_year] = carried_base(rule_set, last_year)
            # the base and its start count only added up (combine_totals): keyed so, a county's
            # members share a third as many results
            key = (id(rule_set), start_base + base, other, vetoes > 0, appraisals.get(member[0]) if appraisals else None)
            result = results.get(key)
            if result is None:
                result = results[key] = year_result(rule_set, start_base, base, other, vetoes, key[4], whole_year)
            found.append(made(member, branch_id, period, result))
        return found

    def frozen_in_branch(self, year: int) -> dict[tuple, Decimal]:
        """{(stored member id, stored branch id): final total} frozen in the reported (or verified)
        rounds of `year` of these branches, by the round's branch: frozen_finals without the
        members, for a caller that knows each member's branch (a member counts only in his branch)."""
        if not has_table(self.session, RatingCandidate):
            return {}
        query = self._frozen_query(year, type_coerce(RatingRound.branch_id, String))
        figures = self._figures
        return {(member_id, branch_id): figures[hundredths] for member_id, branch_id, hundredths in self.session.connection().execute(query).all()}

    def _sums(self, year: int, rules: dict, months, up_to: int, only=None) -> dict[uuid.UUID, dict[object, tuple]]:
        """{rule set: {stored member id: (period points, base points, other points, vetoes, any row in
        the period)}}, from the kept month sums, or from the ledger's own sums in a file without them.
        A whole year's period is the year itself: its columns are the total again and a constant."""
        whole_year = len(months) == 12 and up_to == 12
        kept = self._kept_table(whole_year)
        hundredths = type_coerce(kept.points, Integer)
        columns = [
            type_coerce(kept.rule_set_id, String), type_coerce(kept.member_id, String),
            func.sum(case((kept.category == Category.BASE, hundredths), else_=0)), func.sum(hundredths), func.sum(kept.vetoes),
        ]
        chosen = [kept.rule_set_id.in_([found[0] for found in rules.values()]), kept.year == year]
        if not whole_year:
            in_period = kept.month.between(min(months), max(months))
            columns += [func.sum(case((in_period, hundredths), else_=0)), func.max(case((in_period, 1), else_=0))]
            chosen.append(kept.month <= up_to)
        else:  # the period is the year: its points are the total, and every row is in it
            columns += [func.sum(hundredths), literal(1)]
        query = select(*columns).where(*chosen).group_by(kept.rule_set_id, kept.member_id)
        for members in (self.member_ids, only):
            if members is not None:
                query = query.where(kept.member_id.in_(members))
        figures, found = self._figures, {}
        shown_set, of_set = None, {}
        for rule_set_id, member_id, base, total, vetoes, period, in_period in self.session.connection().execute(query).all():
            if rule_set_id != shown_set:  # rows come grouped by rule set
                shown_set, of_set = rule_set_id, found.setdefault(self._ids(rule_set_id), {})
            of_set[member_id] = (figures[period], figures[base], figures[total - base], int(vetoes or 0), in_period)
        return found

    def branch_months(self, year: int, up_to: int) -> BranchMonths:
        """Each branch's months 1 to `up_to` of `year`, in one aggregate for all the branches (the
        township's charts: scoring 300 branches member by member took 12.5 s). A month's points are
        added up over the members each branch scores in that part of the year (those in the branch
        now: rows of a member since moved away are his new branch's business, as `period` counts
        him): what the scorer's month totals of every member add up to. A month's members are those
        its ranking lists: on the roster some day of it, or with kept sums in it."""
        kept = self._kept_table(False)
        hundredths = type_coerce(kept.points, Integer)
        months = [Month(year, m) for m in range(1, up_to + 1)]
        # whether the row's member was on the roster in the row's month: rows of one who was not add to the roster's count
        listed_then = case(*((and_(kept.month == m.month, on_roster(m.first_day, m.last_day)), 1) for m in months), else_=0)
        per_member = (
            select(
                RuleSetRecord.branch_id.label("branch_id"), kept.month.label("month"), func.sum(hundredths).label("points"),
                func.max(listed_then).label("listed"),
            )
            .select_from(kept.rule_set_id.table)
            .join(RuleSetRecord, RuleSetRecord.id == kept.rule_set_id)
            .join(Member, and_(Member.id == kept.member_id, Member.branch_id == RuleSetRecord.branch_id))
            .where(RuleSetRecord.branch_id.in_(self.branch_ids), RuleSetRecord.year == year, kept.year == year, kept.month <= up_to)
            .group_by(RuleSetRecord.branch_id, kept.member_id, kept.month)
            .subquery()
        )
        query = select(
            type_coerce(per_member.c.branch_id, String), per_member.c.month, func.sum(per_member.c.points),
            func.max(case((per_member.c.points != 0, 1), else_=0)), func.sum(case((per_member.c.listed == 0, 1), else_=0)),
        ).group_by(per_member.c.branch_id, per_member.c.month)
        found = BranchMonths({}, self._on_roster_by_month(months), 0)
        for branch_id, month, points, any_points, off_roster in self.session.connection().execute(query).all():
            branch_id, month = self._ids(branch_id), int(month)
            found.points.setdefault(branch_id, {})[month] = self._figures[points]
            if off_roster:
                counts = found.members.setdefault(branch_id, {})
                counts[month] = counts.get(month, 0) + int(off_roster)
            if any_points:
                found = found._replace(last=max(found.last, month))
        return found

    def _on_roster_by_month(self, months: list) -> dict[uuid.UUID, dict[int, int]]:
        """{branch id: {month: how many of its members were on its roster some day of it}} (months with none left out)."""
        on_roster_in = [func.sum(case((on_roster(m.first_day, m.last_day), 1), else_=0)) for m in months]
        query = select(type_coerce(Member.branch_id, String), *on_roster_in).where(Member.branch_id.in_(self.branch_ids)).group_by(
            Member.branch_id
        )
        return {
            self._ids(branch_id): {month.month: int(count) for month, count in zip(months, counts) if count}
            for branch_id, *counts in self.session.connection().execute(query).all()
        }

    def _kept_table(self, whole_year: bool):
        """The columns to add up: a whole year's from the kept year sums (one row a member and
        category), a part of a year's from the kept month sums, or the ledger's own sums in a file
        without them."""
        if whole_year and has_summaries(self.session, MemberYearSum):
            return MemberYearSum.__table__.c
        if has_summaries(self.session):
            return MemberMonthSum.__table__.c
        return summaries.ledger_sums_query().subquery().c

    def _members(self, rules: dict, start: date, end: date, who_only: bool = False, rated_on: date | None = None) -> list[tuple]:
        """(stored id, stored branch id, name, pinyin, stored group id, stored class, stored membership,
        [on the roster on `rated_on`, when given,] on the roster in [start, end]) of every member of the
        branches with a rule set; with `who_only` (stored id, stored branch id, on the roster) alone.
        Being on the roster in the period is always last."""
        described = () if who_only else (
            Member.name, Member.name_pinyin, type_coerce(Member.group_id, String),
            type_coerce(Member.member_class, String), type_coerce(Member.membership, String),
        )
        if rated_on is not None:  # the year's star rating rates those on the roster at its end: one column, not a query
            described += (case((on_roster(rated_on, rated_on), 1), else_=0),)
        query = select(
            type_coerce(Member.id, String), type_coerce(Member.branch_id, String), *described, case((on_roster(start, end), 1), else_=0),
        ).where(self._branch_of_member().in_(list(rules)))
        if self.member_ids is not None:
            query = query.where(Member.id.in_(self.member_ids))
        return self.session.connection().execute(query).all()  # one fetch: row by row was a tenth of a ranking

    def _branch_of_member(self):
        """Member.branch_id; for a few given members wrapped, so that SQLite looks them up by key
        instead of walking the branch's index over every member (as scoring.in_branch)."""
        return Member.branch_id if self.member_ids is None else func.coalesce(Member.branch_id, Member.branch_id)

    def _appraisals(self, year: int, rules: dict) -> dict[object, Appraisal]:
        """The year's appraisals of the members of branches whose rule set counts them."""
        counting = [branch_id for branch_id, (_, rule_set) in rules.items() if rule_set.appraisal.mode != AppraisalMode.NONE]
        if not counting:
            return {}
        query = (
            select(type_coerce(AppraisalRecord.member_id, String), AppraisalRecord.score, AppraisalRecord.grade)
            .join(Member, Member.id == AppraisalRecord.member_id)
            .where(AppraisalRecord.year == year, self._branch_of_member().in_(counting))
        )
        if self.member_ids is not None:
            query = query.where(AppraisalRecord.member_id.in_(self.member_ids))
        return {member_id: Appraisal(score, grade) for member_id, score, grade in self.session.execute(query)}


def group_names_of(session, branch_ids) -> dict[uuid.UUID, str]:
    """The names of the groups (党小组) of the given branches."""
    query = select(OrgUnit.id, OrgUnit.name).where(OrgUnit.parent_id.in_(list(branch_ids)))
    return {unit_id: name for unit_id, name in session.execute(query)}
