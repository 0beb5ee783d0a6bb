"""Report data from the store: the plain objects app.reports renders (data first, then paper).

Every figure comes from the scoring engine through the existing services: month and year
rankings from `totals.branch_ranking`, entries from `ledger_queries.list_entries`, the
year's rules from `rulesets`. Nothing here writes. No member's ID number or phone is put
into report data.

Issuing settings (who signs, the date, the notice period and where objections go) are
parameters with defaults: the branch's own name, today, five days from the issue date, and
the branch committee.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Iterable

from sqlalchemy import select

from app.domain.chain import ENTRIES, paper_code
from app.domain.enums import AppraisalMode, Category, EntryStatus, MemberClass, MemberStatus
from app.domain.errors import NotFound, ValidationError
from app.domain.rating import RoundStatus
from app.domain.periods import Month
from app.domain.points import ZERO, format_points
from app.domain.scoring import year_to_date
from app.domain.standing import FLAGS_OF_ANY_PERIOD, rank
from app.domain.dates import day_text
from app.reports.data import (
    DEFAULT_OBJECTION_CONTACT,
    NOTICE_DAYS,
    AnnualBatch,
    AnnualMonth,
    AnnualSummary,
    CardEntry,
    Certificate,
    CertificateBatch,
    IssueInfo,
    MonthlyNotice,
    NoticeRow,
    Scorecard,
    ScorecardBatch,
    StarLevel,
    StarMember,
    StarNotice,
    star_title,
)
from app.services import organisation
from app.services.roster import members
from app.services.roster.members import MemberFilter
from app.services.rules import rulesets
from app.services.totals import ranking as totals
from app.services.context import read_session
from app.services.ledger.queries import EntryFilter, EntryRow, list_entries
from app.services.rating.rated import estimate as estimate_stars
from app.services.rating.queries import RoundView, load_view
from app.services.totals.ranking import RankingRow
from db.ledger_chain import read_head
from db.models import AppraisalRecord
from db.store import Store

# The categories a card and a summary always show, in this order; a veto is shown as a note.
SHOWN_CATEGORIES = (Category.BASE, Category.DUTY, Category.BONUS, Category.DEDUCTION)


@dataclass(frozen=True)
class IssueSettings:
    """What the clerk may set before printing; None means the default."""

    issuing_org: str | None = None
    issued_on: date | None = None
    notice_days: int = NOTICE_DAYS
    notice_start: date | None = None
    objection_contact: str = DEFAULT_OBJECTION_CONTACT
    objection_phone: str = ""


def issue_info(store: Store, settings: IssueSettings | None = None) -> IssueInfo:
    """The issuing block with defaults filled in: this branch, today, five days' notice, and the
    ledger's check code (its chain's length and head), so a sheet on the board can be matched
    against the file later."""
    settings = settings or IssueSettings()
    issuing_org = (settings.issuing_org or "").strip() or organisation.get_branch(store).name
    return IssueInfo.make(
        issuing_org=issuing_org,
        issued_on=settings.issued_on or date.today(),
        notice_days=settings.notice_days,
        notice_start=settings.notice_start,
        objection_contact=settings.objection_contact,
        objection_phone=settings.objection_phone,
        check_code=ledger_check_code(store),
    )


def ledger_check_code(store: Store) -> str:
    """The code printed on notices: e.g. 711-94289CB3 (see app.domain.chain.paper_code)."""
    with read_session(store) as session:
        return paper_code(read_head(session.connection(), ENTRIES))


def member_ids_by_name(store: Store, names: Iterable[str]) -> list[uuid.UUID]:
    """The members the command line names (each name must be unique in the branch)."""
    return [members.find_member_by_name(store, name).id for name in names]


def _roster_order(store: Store, rows: Iterable[RankingRow]) -> list[RankingRow]:
    """Party group by group (as set up), then by pinyin: the order a clerk hands cards out in."""
    groups = {group.name: index for index, group in enumerate(organisation.get_branch(store).groups)}
    return sorted(rows, key=lambda row: (groups.get(row.group_name, len(groups)), row.name_pinyin, row.name))


def _select(store: Store, rows: list[RankingRow], member_ids: Iterable[uuid.UUID] | None, when: str) -> list[RankingRow]:
    """The rows of the chosen members in the order given (all rows when none are chosen)."""
    if member_ids is None:
        return rows
    by_id = {row.member_id: row for row in rows}
    chosen: list[RankingRow] = []
    for member_id in member_ids:
        if member_id not in by_id:
            name = members.get_member(store, member_id).name
            raise NotFound(f"{name}{when}不在本支部的名册上，没有可以打印的积分。")
        if by_id[member_id] not in chosen:
            chosen.append(by_id[member_id])
    return chosen


def _card_entries(entries: list[EntryRow]) -> tuple[CardEntry, ...]:
    ordered = sorted(entries, key=lambda e: (e.occurred_on, e.entered_at, e.is_reversal))
    return tuple(
        CardEntry(
            occurred_on=e.occurred_on,
            item_name=e.item_name,
            category=e.category.label,
            points=e.points,
            note=e.note,
            is_reversal=e.is_reversal,
            reversed_later=e.reversed_by_id is not None,
        )
        for e in ordered
    )


def _ranks_by(rows: Iterable[RankingRow], value) -> dict[uuid.UUID, int]:
    ranked = rank(((row.member_id, value(row)) for row in rows), tie_order=lambda row_id: str(row_id))
    return {entry.key: entry.rank for entry in ranked}


def scorecards(
    store: Store, month: Month, member_ids: Iterable[uuid.UUID] | None = None, settings: IssueSettings | None = None
) -> ScorecardBatch:
    """Cards for everyone on the month's roster, or for the chosen members, in roster order.

    Month and year-to-date figures and ranks; no grade (the rule set grades the whole year).
    """
    branch = organisation.get_branch(store)
    ranking = totals.branch_ranking(store, month.year, month=month.month, details=True)
    year_ranks = _ranks_by(ranking.rows, lambda row: row.year_to_date)
    chosen = _select(store, _roster_order(store, ranking.rows), member_ids, f"在{month.label}")
    by_member: dict[uuid.UUID, list[EntryRow]] = defaultdict(list)
    for entry in list_entries(store, EntryFilter(month=month)):
        by_member[entry.member_id].append(entry)
    cards = []
    for row in chosen:
        entries = by_member.get(row.member_id, [])
        approved = [e for e in entries if e.status is EntryStatus.APPROVED]
        sums = row.score.month_categories.get(month.month, {})
        cards.append(
            Scorecard(
                month=month,
                township=branch.township,
                branch=branch.name,
                member_name=row.name,
                group_name=row.group_name,
                member_class=_printed_class(row),
                membership=row.membership.label,
                entries=_card_entries(approved),
                category_totals=tuple((category.label, sums.get(category, ZERO)) for category in SHOWN_CATEGORIES),
                month_total=row.period_points,
                year_to_date=row.year_to_date,
                month_rank=row.rank,
                year_rank=year_ranks[row.member_id],
                ranked_count=len(ranking.rows),
                vetoed=row.vetoed,
                adjusted=_adjusted(row),
                pending_count=sum(1 for e in entries if e.status is EntryStatus.PENDING),
            )
        )
    return ScorecardBatch(month, branch.name, issue_info(store, settings), tuple(cards))


def _adjusted(row: RankingRow) -> bool:
    """Items adjusted by a branch meeting (老弱病残): month paper shows a neutral mark, never the words."""
    return row.member_class is MemberClass.EXEMPT_FRAIL


def _printed_class(row: RankingRow) -> str:
    return "" if _adjusted(row) else row.member_class.label


def monthly_notice(store: Store, month: Month, settings: IssueSettings | None = None) -> MonthlyNotice:
    """The month's ranking for the notice board: every member, month points and the year to date.

    No grade (the rule set's bands grade the whole year) and no circumstances in words: an
    adjusted member and a veto are marks the notice's legend explains.
    """
    branch = organisation.get_branch(store)
    ranking = totals.branch_ranking(store, month.year, month=month.month)  # first: a year without rules says so
    totals.require_entries_in_period(store, month.year, month=month.month)
    rows = tuple(
        NoticeRow(
            rank=row.rank,
            name=row.name,
            group_name=row.group_name,
            month_points=row.period_points,
            year_to_date=row.year_to_date,
            adjusted=_adjusted(row),
            vetoed=row.vetoed,
        )
        for row in ranking.rows
    )
    return MonthlyNotice(month, branch.township, branch.name, ranking.rule_set_name, issue_info(store, settings), rows)


def frozen_round(store: Store, year: int) -> RoundView | None:
    """The year's star-rating round once stars have been assessed; None before that.

    From then on the star notice and the certificates print what the round decided (after
    overrides and upheld objections), never live totals that may have moved since.
    """
    try:
        view = load_view(store, year)
    except NotFound:
        return None
    return None if view.status is RoundStatus.APPLYING else view


def _round_issue(store: Store, view: RoundView, settings: IssueSettings | None) -> IssueInfo:
    """The round's own publicity period and objection contact, unless the clerk set others."""
    settings = settings or IssueSettings()
    if settings.notice_start is None and view.publicity_start is not None:
        settings = replace(
            settings,
            notice_start=view.publicity_start,
            notice_days=(view.publicity_end - view.publicity_start).days + 1,
            objection_contact=view.objection_contact or settings.objection_contact,
        )
    return issue_info(store, settings)


def star_notice(store: Store, year: int, settings: IssueSettings | None = None) -> StarNotice:
    """Members by stars for the year: the rating round's results, or (before it) the engine's estimate."""
    from app.services.rating import queries as rating_queries

    branch = organisation.get_branch(store)
    view = frozen_round(store, year)
    if view is not None:
        rated = [c for c in view.candidates if not c.vetoed]
        levels = tuple(
            StarLevel(stars, tuple(StarMember(c.name, c.group_name, c.final_total or Decimal(0)) for c in rated if c.stars == stars))
            for stars in (5, 4, 3, 2, 1)
        )
        quota = view.scheme.five_star_quota
        return StarNotice(
            year=year,
            township=branch.township,
            branch=branch.name,
            rule_set_name=rulesets.get_rule_set(store, year).rule_set.name,
            issue=_round_issue(store, view, settings),
            levels=levels,
            rated_count=len(rated),
            vetoed_count=len(view.candidates) - len(rated),
            five_star_quota=None if quota is None else int(quota * len(rated)),
            quota_moves=rating_queries.notice_quota_moves(view),
        )
    rule_set = rulesets.get_rule_set(store, year).rule_set
    estimated = estimate_stars(store, year, rule_set)
    rated_rows = [row._replace(stars=estimated.stars_of(row)) for row in estimated.rows if not row.vetoed]
    levels = tuple(
        StarLevel(stars, tuple(StarMember(r.name, r.group_name, r.year_to_date) for r in rated_rows if r.stars == stars))
        for stars in (5, 4, 3, 2, 1)
    )
    return StarNotice(
        year=year,
        township=branch.township,
        branch=branch.name,
        rule_set_name=rule_set.name,
        issue=issue_info(store, settings),
        levels=levels,
        rated_count=len(rated_rows),
        vetoed_count=len(estimated.rows) - len(rated_rows),
        five_star_quota=estimated.five_star_places,
        quota_moves=rating_queries.estimated_quota_moves(rule_set, rated_rows),
        assessed=False,
    )


def certificates(
    store: Store,
    year: int,
    member_ids: Iterable[uuid.UUID] | None = None,
    min_stars: int = 5,
    settings: IssueSettings | None = None,
) -> CertificateBatch:
    """Honour certificates for the chosen members, or for everyone with at least `min_stars`.

    Once the year's rating round is assessed, the stars are the round's. Without a round they
    are the year's ranking, and only once the year is over: a certificate dated inside the year
    would honour stars that the rest of the year can still change.
    """
    if not 1 <= min_stars <= 5:
        raise ValidationError(f"星级应为 1 到 5，收到的是 {min_stars}。")
    issue = issue_info(store, settings)
    people = _certificate_people(store, year, issue.issued_on)
    if member_ids is None:
        chosen = _people_with_stars(people, year, min_stars)
    else:
        chosen = _chosen_for_certificates(store, people, year, member_ids)
    return CertificateBatch(
        year,
        tuple(Certificate(name, year, stars, star_title(stars), issue.issuing_org, issue.issued_on) for _, name, stars, _ in chosen),
    )


def _certificate_people(store: Store, year: int, issued_on: date) -> list[tuple]:
    """(member id, name, stars, vetoed) for the year (_rated_people); refused inside the year before a round."""
    people, _ = _rated_people(store, year, issued_on)
    if people is None:
        raise ValidationError(
            f"{year} 年的星级还没有评定，这一年也还没有过完，荣誉证书要等评星结果出来（或 {year + 1} 年起按全年积分）再打印。"
        )
    return people


def _rated_people(store: Store, year: int, issued_on: date, ranking: totals.Ranking | None = None) -> tuple[list[tuple] | None, str]:
    """((member id, name, stars, vetoed) of each member the year's star rating rates, where the stars
    come from) for paper dated `issued_on`: the assessed round's ("round"), else once the year is
    over the round engine's estimate ("estimate", from `ranking` when the caller has read it);
    inside the year with no round, none (None, “”): a total of part of the year decides no stars."""
    view = frozen_round(store, year)
    if view is not None:
        return [(c.member_id, c.name, c.stars or 0, c.vetoed) for c in view.candidates], "round"
    if issued_on <= date(year, 12, 31):
        return None, ""
    estimated = estimate_stars(store, year, rulesets.get_rule_set(store, year).rule_set, ranking)
    return [(r.member_id, r.name, estimated.stars_of(r), r.vetoed) for r in estimated.rows], "estimate"


def _people_with_stars(people: list[tuple], year: int, min_stars: int) -> list[tuple]:
    """Everyone not vetoed with at least `min_stars`; refused when nobody qualifies."""
    chosen = [p for p in people if not p[3] and p[2] >= min_stars]
    if not chosen:
        wanted = star_title(5) if min_stars == 5 else f"{star_title(min_stars)[:2]}及以上的党员"
        raise ValidationError(f"{year} 年没有{wanted}，没有证书可以打印。")
    return chosen


def _chosen_for_certificates(store: Store, people: list[tuple], year: int, member_ids: Iterable[uuid.UUID]) -> list[tuple]:
    """The named members in the order given (each once); refused for one off the roll, vetoed or unrated."""
    by_id = {p[0]: p for p in people}
    chosen = []
    for member_id in dict.fromkeys(member_ids):
        if member_id not in by_id:
            name = members.get_member(store, member_id).name
            raise NotFound(f"{name}{year}年底不在本支部的名册上，不由本支部评星，不能颁发荣誉证书。")
        person = by_id[member_id]
        if person[3] or person[2] < 1:
            raise ValidationError(f"{person[1]} {year} 年有一票否决事项或未评星，不能颁发荣誉证书。")
        chosen.append(person)
    return chosen


def _appraisal_texts(store: Store, year: int, mode: str) -> dict[uuid.UUID, str]:
    if mode == AppraisalMode.NONE:
        return {}
    with read_session(store) as session:
        records = session.scalars(select(AppraisalRecord).where(AppraisalRecord.year == year)).all()
        texts = {}
        for record in records:
            parts = [format_points(record.score) + " 分" if record.score is not None else "", record.grade or ""]
            texts[record.member_id] = "，".join(p for p in parts if p)
        return texts


def left_notes(store: Store, year: int) -> dict[uuid.UUID, str]:
    """{member id: “2026年6月30日转出”} for everyone who left the branch (transferred out or died)
    by the end of `year`, from one reading of the branch's roster: a year paper still lists such
    a member for the points he had here, and says when he left."""
    gone = members.list_members(store, MemberFilter(statuses=(MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED)))
    how = {MemberStatus.TRANSFERRED_OUT: "转出", MemberStatus.DECEASED: "去世"}
    return {
        m.id: f"{day_text(m.status_date)}{how[m.status]}" if m.status_date else m.status.label
        for m in gone
        if m.status_date is None or m.status_date.year <= year
    }


def _stars_by_member(people: list[tuple] | None) -> dict[uuid.UUID, int] | None:
    return None if people is None else {member_id: stars for member_id, _, stars, _ in people}


def annual_summaries(
    store: Store, year: int, member_ids: Iterable[uuid.UUID] | None = None, settings: IssueSettings | None = None
) -> AnnualBatch:
    """Each member's year: every month by category, running total, result, band, stars and rank.

    Month and running figures are summed from the approved entries and combined with the
    engine's own `combine_points` (base deducted down to zero, carried base from last year);
    the final total and rank are the year ranking's, the stars those of the star notice and the
    certificates (_rated_people). Dated inside the year without an assessed round, the page is
    the year so far: the months still to come stay empty and neither band nor stars is given.
    """
    branch = organisation.get_branch(store)
    ranking = totals.branch_ranking(store, year, details=True)
    rule_set = rulesets.get_rule_set(store, year).rule_set
    chosen = _select(store, _roster_order(store, ranking.rows), member_ids, f"在{year}年")
    issue = issue_info(store, settings)
    people, stars_from = _rated_people(store, year, issue.issued_on, ranking)
    stars = _stars_by_member(people)
    appraisal_mode = rule_set.appraisal.mode
    appraisals = _appraisal_texts(store, year, appraisal_mode)
    left = left_notes(store, year)
    summaries = []
    for row in chosen:
        score = row.score
        months = tuple(
            AnnualMonth(
                month=month_no,
                by_category=tuple((c.label, score.month_categories.get(month_no, {}).get(c, ZERO)) for c in SHOWN_CATEGORIES),
                total=score.month_total(month_no),
                year_to_date=year_to_date(rule_set, score, month_no),
                has_entries=month_no in score.month_categories,
            )
            for month_no in range(1, 13)
        )
        if appraisal_mode == AppraisalMode.NONE:
            appraisal = "不计"
        else:
            appraisal = appraisals.get(row.member_id) or "未录入"
        summaries.append(
            AnnualSummary(
                year=year,
                township=branch.township,
                branch=branch.name,
                member_name=row.name,
                group_name=row.group_name,
                member_class=row.member_class.label,
                membership=row.membership.label,
                categories=tuple(c.label for c in SHOWN_CATEGORIES),
                months=months,
                year_by_category=tuple((c.label, score.by_category.get(c, ZERO)) for c in SHOWN_CATEGORIES),
                base_start=score.base_start,
                base_carried=score.base_carried,
                base_component=score.base_component,
                points_total=score.points_total,
                appraisal=appraisal,
                final_total=row.year_to_date,
                grade=row.grade if stars is not None else "",
                stars=None if stars is None else stars.get(row.member_id, 0),
                rank=row.rank,
                ranked_count=len(ranking.rows),
                vetoed=row.vetoed,
                flags=row.flags if stars is not None else tuple(f for f in row.flags if f in FLAGS_OF_ANY_PERIOD),
                left_note=left.get(row.member_id, ""),
            )
        )
    so_far = None if stars is not None else issue.issued_on
    return AnnualBatch(year, branch.name, issue, tuple(summaries), stars_from=stars_from, so_far=so_far)


__all__ = [
    "IssueSettings",
    "issue_info",
    "member_ids_by_name",
    "scorecards",
    "monthly_notice",
    "star_notice",
    "certificates",
    "annual_summaries",
]
