"""The caps `check` recomputes (app/services/check.py), measured in SQL.

Pricing refuses an entry that would go beyond a cap (app/domain/rules.py); `check` finds the
caps that the stored entries (pending and approved) go beyond anyway, after a raw edit for
instance. Each cap is summed over its own period (month, quarter or year) by one GROUP BY whose
HAVING keeps only the sums beyond the cap, so a county's millions of entries never come into
Python: only the overruns do. Item caps are read from the rule items' own columns (those the
domain's RuleItem is built from); category caps from each rule set's settings as the domain
reads them, one pass for each distinct set of category caps (in practice one: every branch
starts from the same template).

A cap limits points in its items' own direction (rules.beyond_cap): at most +cap of bonus, or
−cap of deductions; an item whose value is zero (a veto) counts as adding, as in
rules.cap_overruns. A category with items of both directions is held to the cap both ways.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby

from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select, type_coerce

from app.domain.chain import uuid_text
from app.domain.enums import CapPeriod, Category, EntryStatus, ValueKind
from app.domain.periods import period_label
from app.domain.points import format_points, to_hundredths
from app.domain.ruleset_format import category_caps_from
from db.models import Member, PointsEntry, RuleItemRecord, RuleSetRecord
from db.types import Points

NAMES_AT_ONCE = 500  # member ids a name query binds (SQLite allows a few thousand parameters)

_e, _i = PointsEntry, RuleItemRecord
_COUNTED = _e.status != EntryStatus.REJECTED  # pending and approved entries count against caps


@dataclass(frozen=True)
class _Overrun:
    rule_set_id: str
    member_id: object
    period: CapPeriod | None
    first_day: date
    what: str  # the item's code, or the category's label
    used: Decimal
    cap: Decimal

    def order(self) -> tuple:
        return self.rule_set_id, uuid_text(self.member_id), self.first_day, self.what


def cap_problems(session) -> list[str]:
    """One sentence for every cap the stored entries go beyond, as `check` has always said it."""
    overruns = sorted([*_item_overruns(session), *_category_overruns(session)], key=_Overrun.order)
    names = _names(session, {overrun.member_id for overrun in overruns})
    return [
        f"{names.get(uuid_text(o.member_id), '?')}在{period_label(o.period, o.first_day)}的“{o.what}”累计 "
        f"{format_points(o.used)} 分，超过上限 {format_points(o.cap)} 分。"
        for o in overruns
    ]


def _year():
    return cast(extract("year", _e.occurred_on), Integer)


def _first_month(period):
    """The first month of the cap period (a CapPeriod, or a column holding one; none is a year)
    around the entry's date. Quarters by comparison, not division: SQLite's FLOOR is optional."""
    month = cast(extract("month", _e.occurred_on), Integer)
    quarter_start = case((month <= 3, 1), (month <= 6, 4), (month <= 9, 7), else_=10)
    if isinstance(period, CapPeriod):
        return {CapPeriod.MONTH: month, CapPeriod.QUARTER: quarter_start}.get(period, 1)
    return case((period == CapPeriod.MONTH, month), (period == CapPeriod.QUARTER, quarter_start), else_=1)


def _sign():
    """+1 for an item that adds points (or is worth nothing), −1 for one that takes them away."""
    probe = case(
        (_i.value_kind == ValueKind.RANGE, type_coerce(_i.min_value, Integer) + type_coerce(_i.max_value, Integer)),
        else_=type_coerce(_i.value, Integer),
    )
    return case((probe < 0, -1), else_=1)


def _item_overruns(session) -> list[_Overrun]:
    used = func.sum(type_coerce(_e.points, Integer))
    year, first_month = _year(), _first_month(_i.cap_period)
    query = (
        select(_i.rule_set_id, _e.member_id, _i.cap_period, year, first_month, _i.code, type_coerce(used, Points), _i.cap)
        .join(_i, _i.id == _e.rule_item_id)
        .where(_COUNTED, _i.cap.is_not(None))
        .group_by(_i.id, _e.member_id, year, first_month)
        .having(used * _sign() > type_coerce(_i.cap, Integer))
    )
    return [
        _Overrun(uuid_text(rule_set_id), member_id, period, date(int(y), int(m), 1), code, total, cap)
        for rule_set_id, member_id, period, y, m, code, total, cap in session.execute(query)
    ]


def _category_overruns(session) -> list[_Overrun]:
    """Rule sets grouped by their category caps; one GROUP BY over the entries for each group."""
    rule_sets = sorted(
        ((tuple(sorted(category_caps_from(settings.get("category_caps", [])), key=lambda c: c.category.value)), rule_set_id)
         for rule_set_id, settings in session.execute(select(RuleSetRecord.id, RuleSetRecord.settings))),
        key=lambda pair: (repr(pair[0]), uuid_text(pair[1])),
    )
    groups = [(caps, [rule_set_id for _, rule_set_id in members]) for caps, members in groupby(rule_sets, key=lambda p: p[0])]
    everyone = len(groups) == 1
    overruns: list[_Overrun] = []
    for caps, rule_set_ids in groups:
        if caps:
            overruns += _category_overruns_under(session, caps, None if everyone else rule_set_ids)
    return overruns


def _category_overruns_under(session, caps, rule_set_ids) -> list[_Overrun]:
    by_category = {cap.category: cap for cap in caps}
    used = func.sum(type_coerce(_e.points, Integer))
    sign = _sign()
    year = _year()
    first_month = case(*((_i.category == cap.category, _first_month(cap.period)) for cap in caps))
    limit = case(*((_i.category == cap.category, to_hundredths(cap.cap)) for cap in caps))
    query = (
        select(_i.rule_set_id, _i.category, _e.member_id, year, first_month, type_coerce(used, Points))
        .join(_i, _i.id == _e.rule_item_id)
        .where(_COUNTED, _i.outside_cap.is_(False), _i.category.in_(list(by_category)))
        .group_by(_i.rule_set_id, _i.category, _e.member_id, year, first_month)
        .having(or_(and_(func.max(sign) > 0, used > limit), and_(func.min(sign) < 0, -used > limit)))
    )
    if rule_set_ids is not None:
        query = query.where(_i.rule_set_id.in_(rule_set_ids))
    found = []
    for rule_set_id, category, member_id, y, m, total in session.execute(query):
        cap = by_category[Category(category)]
        found.append(_Overrun(uuid_text(rule_set_id), member_id, cap.period, date(int(y), int(m), 1), cap.category.label, total, cap.cap))
    return found


def _names(session, member_ids: set) -> dict[str, str]:
    ids, names = sorted(member_ids, key=uuid_text), {}
    for start in range(0, len(ids), NAMES_AT_ONCE):
        chunk = ids[start:start + NAMES_AT_ONCE]
        names.update((uuid_text(i), name) for i, name in session.execute(select(Member.id, Member.name).where(Member.id.in_(chunk))))
    return names
