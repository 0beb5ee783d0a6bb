"""Roster queries for the window: search, filter, sort and page in SQL, with points per member.

`members.list_members` loads every member and filters in Python; that is fine for the command
line but too slow per keystroke for a large roster (see tests/benchmarks/bench_members_search.py).
Here the search (name, full pinyin, pinyin initials), the filters, the order and the page are
all done by the database. The points of the rows on a page come from the one scorer
(app.services.totals.scoring), fed only that page's members: 本月得分 is the month's points and
本年得分 the year to date at the month's end (base included, 0 after a veto), the same figures
as the month ranking. Sorting by points scores the whole branch once and orders in Python.

Read-only; every function opens its own short session and returns plain rows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from app.domain.enums import Gender, MemberClass, MemberStatus, Membership, OrgKind
from app.domain.errors import MemberNotFound
from app.domain.idcard import ID_SHAPE, normalise_id_number, upgrade_legacy_id
from app.domain.names import normalise_name
from app.domain.periods import Month
from app.domain.points import ZERO
from app.services.context import Actor, read_session
from app.services.roster.members import PLAIN_FIELDS, MemberInput
from app.services.roster.personal import has_personal, open_from, sealer_for, sealer_if_unlocked
from app.services.organisation import require_branch_id
from app.services.totals.scoring import BranchScorer
from db.models import Member, MemberPersonal, OrgUnit
from db.sealed import Sealer
from db.store import Store

SORT_KEYS = ("name", "gender", "group", "member_class", "membership", "join_date", "flags", "month_points", "year_points")
POINT_SORTS = ("month_points", "year_points")
DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True)
class RosterRow:
    """One line of the roster table."""

    id: uuid.UUID
    name: str
    gender: Gender | None
    group_name: str
    member_class: MemberClass
    membership: Membership
    join_date: date | None
    status: MemberStatus
    status_date: date | None
    is_hub_household: bool
    is_vanguard_post: bool
    post_title: str
    month_points: Decimal
    year_points: Decimal
    vetoed: bool

    @property
    def flags(self) -> tuple[str, ...]:
        """Short Chinese marks for the 标记 column, most important first."""
        marks = []
        if self.status is not MemberStatus.ACTIVE:
            when = f"{self.status_date:%Y-%m-%d}" if self.status_date else ""
            marks.append(f"{self.status.label}{when}")
        if self.vetoed:
            marks.append("一票否决")
        if self.is_hub_household:
            marks.append("党员中心户")
        if self.is_vanguard_post:
            marks.append(f"先锋岗（{self.post_title}）" if self.post_title else "先锋岗")
        return tuple(marks)


@dataclass
class RosterQuery:
    """What the clerk typed and picked above the roster table."""

    text: str = ""
    group_id: uuid.UUID | None = None
    member_class: MemberClass | None = None
    statuses: tuple[MemberStatus, ...] = field(default_factory=lambda: (MemberStatus.ACTIVE,))
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class RosterPage:
    rows: tuple[RosterRow, ...]
    offset: int
    total: int | None  # None: more pages follow and the caller did not ask for the count
    has_more: bool = False


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def id_number_condition(text: str, sealer: Sealer | None):
    """A full ID number typed into the search box: one look-up of its keyed hash (the number
    itself is sealed, so only a whole one can be searched). None when `text` is not one."""
    number = upgrade_legacy_id(text) or normalise_id_number(text)
    if sealer is None or not ID_SHAPE.fullmatch(number):
        return None
    return Member.id.in_(select(MemberPersonal.member_id).where(MemberPersonal.id_number_lookup == sealer.lookup(number)))


def text_condition(text: str, sealer: Sealer | None = None):
    """The SQL form of app.domain.names.name_matches, or of a full ID number (None when there
    is nothing to search)."""
    by_id = id_number_condition(text, sealer)
    if by_id is not None:
        return by_id
    query = normalise_name(text).lower()
    if not query:
        return None
    pattern = _escape_like(query)
    in_name = Member.name.like(f"%{pattern}%", escape="\\")
    if not query.isascii():
        return in_name
    return or_(
        in_name,
        Member.name_initials.like(f"{pattern}%", escape="\\"),
        Member.name_pinyin.like(f"%{pattern}%", escape="\\"),
    )


def _conditions(branch_id: uuid.UUID, query: RosterQuery, sqlite: bool = False, sealer: Sealer | None = None) -> list:
    # Every member of a database belongs to its one branch, so the index on branch_id selects
    # everything; on SQLite a unary + keeps the planner from walking that index row by row,
    # which is slower than scanning the table.
    branch = UnaryExpression(Member.branch_id, operator=custom_op("+"), type_=Member.branch_id.type) if sqlite else Member.branch_id
    conditions = [branch == branch_id]
    if query.statuses:
        conditions.append(Member.status.in_(query.statuses))
    if query.group_id:
        conditions.append(Member.group_id == query.group_id)
    if query.member_class:
        conditions.append(Member.member_class == query.member_class)
    searched = text_condition(query.text, sealer)
    if searched is not None:
        conditions.append(searched)
    return conditions


def _is_sqlite(store: Store) -> bool:
    return store.engine.dialect.name == "sqlite"


def _points_of(session, branch_id: uuid.UUID, month: Month, member_ids=None) -> dict[uuid.UUID, tuple[Decimal, Decimal, bool]]:
    """Per member: (the month's points, the year to date at the month's end, vetoed), from the one scorer.

    The same figures as the month ranking's 本月得分 and 年度累计 (base included, a veto makes
    the year 0). Members the scorer does not count that month (not yet on the roster) get none.
    """
    scored = BranchScorer(session, branch_id).year(month.year, up_to=month, member_ids=member_ids)
    if scored is None:
        return {}
    return {
        member_id: (score.month_total(month.month), score.final_total, score.vetoed)
        for member_id, score in scored.branch.scores.items()
    }


def _order(sort: str, descending: bool):
    if sort not in SORT_KEYS or sort in POINT_SORTS:
        sort = "name"
    flag_weight = (
        case((Member.status != MemberStatus.ACTIVE, 8), else_=0)
        + case((Member.is_hub_household, 2), else_=0)
        + case((Member.is_vanguard_post, 1), else_=0)
    )
    group_order = select(OrgUnit.sort_order).where(OrgUnit.id == Member.group_id).scalar_subquery()
    key = {
        "name": Member.name_pinyin,
        "gender": Member.gender,
        "group": group_order,
        "member_class": Member.member_class,
        "membership": Member.membership,
        "join_date": Member.join_date,
        "flags": flag_weight,
    }[sort]
    first = key.desc() if descending else key.asc()
    # Ties fall back to pinyin, then name, then id, so pages never overlap or skip a row.
    return [first, Member.name_pinyin.asc(), Member.name.asc(), Member.id.asc()]


def _group_names(session, branch_id: uuid.UUID) -> dict[uuid.UUID, str]:
    units = session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.parent_id == branch_id, OrgUnit.kind == OrgKind.GROUP))
    return dict(units.all())


def count_roster(store: Store, query: RosterQuery, actor: Actor | None = None) -> int:
    branch_id = require_branch_id(store)
    with read_session(store) as session:
        conditions = _conditions(branch_id, query, _is_sqlite(store), sealer_if_unlocked(actor))
        return session.scalar(select(func.count()).select_from(Member).where(*conditions)) or 0


def roster_page(
    store: Store,
    query: RosterQuery,
    month: Month,
    offset: int = 0,
    limit: int = DEFAULT_PAGE_SIZE,
    with_total: bool = False,
    actor: Actor | None = None,
) -> RosterPage:
    """One page of the roster matching `query`, with each member's points for `month` and its year.

    `total` is the number of matching members when it is known without a second pass over the
    table: always with `with_total`, otherwise when this page is the last one. This keeps a
    search keystroke to one scan; the caller may count separately (`count_roster`) later.
    A full ID number finds its member when `actor` holds the data key.
    """
    branch_id = require_branch_id(store)
    conditions = _conditions(branch_id, query, _is_sqlite(store), sealer_if_unlocked(actor))
    columns = (
        Member.id, Member.name, Member.gender, Member.group_id, Member.member_class, Member.membership,
        Member.join_date, Member.status, Member.status_date, Member.is_hub_household,
        Member.is_vanguard_post, Member.post_title,
    )
    with read_session(store) as session:
        statement = select(*columns).where(*conditions).order_by(*_order(query.sort, query.descending))
        if query.sort in POINT_SORTS:
            # Points are the scorer's, not a column: score the branch once, then order and page here.
            sums = _points_of(session, branch_id, month)
            found = _sorted_by_points(session.execute(statement).all(), sums, query)[offset:offset + limit + 1]
        else:
            found = session.execute(statement.offset(offset).limit(limit + 1)).all()
        has_more = len(found) > limit
        found = found[:limit]
        total = None
        if with_total:
            total = session.scalar(select(func.count()).select_from(Member).where(*conditions)) or 0
        elif not has_more:
            total = offset + len(found)
        groups = _group_names(session, branch_id)
        if query.sort not in POINT_SORTS:
            sums = _points_of(session, branch_id, month, [row[0] for row in found]) if found else {}
    nothing = (ZERO, ZERO, False)
    rows = tuple(
        RosterRow(
            id=member_id, name=name, gender=gender, group_name=groups.get(group_id, "") if group_id else "",
            member_class=member_class, membership=membership, join_date=join_date, status=status, status_date=status_date,
            is_hub_household=bool(hub), is_vanguard_post=bool(vanguard), post_title=post_title or "",
            month_points=sums.get(member_id, nothing)[0], year_points=sums.get(member_id, nothing)[1],
            vetoed=sums.get(member_id, nothing)[2],
        )
        for (member_id, name, gender, group_id, member_class, membership, join_date, status, status_date, hub, vanguard, post_title) in found
    )
    return RosterPage(rows, offset, total, has_more)


def _sorted_by_points(rows, sums, query: RosterQuery) -> list:
    """Rows (already in pinyin order) ordered by the month's or the year's points, stably."""
    index = 0 if query.sort == "month_points" else 1
    return sorted(rows, key=lambda row: sums.get(row[0], (ZERO, ZERO, False))[index], reverse=query.descending)


@dataclass(frozen=True)
class MemberChoice:
    """A member as a picker lists him: enough to tell two 王伟 apart."""

    id: uuid.UUID
    name: str
    group_name: str
    member_class: MemberClass

    @property
    def label(self) -> str:
        extra = "，".join(part for part in (self.group_name, self.member_class.label) if part)
        return f"{self.name}（{extra}）" if extra else self.name


def find_members(
    store: Store, text: str = "", group_id: uuid.UUID | None = None, limit: int = 500, actor: Actor | None = None
) -> list[MemberChoice]:
    """Members on the roster (active) matching `text` (or a full ID number, given `actor`'s data
    key), in pinyin order, for pickers and grids."""
    branch_id = require_branch_id(store)
    conditions = _conditions(branch_id, RosterQuery(text=text, group_id=group_id), _is_sqlite(store), sealer_if_unlocked(actor))
    with read_session(store) as session:
        found = session.execute(
            select(Member.id, Member.name, Member.group_id, Member.member_class)
            .where(*conditions)
            .order_by(Member.name_pinyin, Member.name, Member.id)
            .limit(limit)
        ).all()
        groups = _group_names(session, branch_id)
    return [MemberChoice(member_id, name, groups.get(group, "") if group else "", member_class) for member_id, name, group, member_class in found]


def member_input_for(store: Store, member_id: uuid.UUID, actor: Actor | None = None, keep_personal: bool = False) -> MemberInput:
    """Everything the edit form shows for a member, as the form would submit it unchanged.

    (`members.get_member` returns a MemberRow, which has no 转正日期; filling the form from it
    and saving would erase that date.) Personal data needs the log-in's data key: without it a
    member who has some cannot be edited (PersonalDataLocked), so a save cannot erase it.
    `keep_personal`: the form without the personal fields (the window's, until they are
    revealed), saved with them left as they are.
    """
    with read_session(store) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise MemberNotFound()
        values = {name: getattr(member, name) for name in PLAIN_FIELDS}
        if keep_personal:
            return MemberInput(**values, keep_personal=True)
        personal = open_from(member, sealer_for(actor) if has_personal(member) else None)
        return MemberInput(**values, id_number=personal.id_number, phone=personal.phone, birth_date=personal.birth_date)
