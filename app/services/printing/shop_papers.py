"""Data of the honour shop's papers from the store (rendered by app/reports/shop_papers.py).

Balances on the slip and the passbook are the passbook's own running figures
(app/services/shop/balances.py), so the two papers and the shop page agree. Nothing here writes.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from app.domain.board import Board, BoardRule
from app.domain.errors import ValidationError
from app.domain.periods import Month
from app.domain.points import format_points
from app.domain.shop import ShopRule
from app.reports.shop_data import (
    BoardNotice,
    BoardNoticeLine,
    PassbookBatch,
    PassbookPage,
    RedemptionSlip,
    ReportRedemption,
    ShopMonthReport,
    SlipBatch,
    StockLine,
)
from app.services import organisation
from app.services.context import read_session
from app.services.printing.report_data import IssueSettings, issue_info
from app.services.shop import balances
from app.services.shop.board import period_board
from app.services.shop.redemptions import RedemptionRow, redemption_rows
from app.services.totals.scoring import BranchScorer
from app.services.totals.standings import group_names_of
from db.models import Member
from db.shop_models import ShopGoods, ShopRedemption, ShopStockIn
from db.store import Store


def _groups(session, branch_id) -> dict[uuid.UUID, str]:
    names = group_names_of(session, [branch_id])
    return {m.id: names.get(m.group_id, "") for m in session.scalars(select(Member).where(Member.branch_id == branch_id))}


def redemption_slips(store: Store, redemption_ids: list[uuid.UUID]) -> SlipBatch:
    """兑换凭证 for the given redemptions (or reversals), in slip order."""
    branch = organisation.get_branch(store)
    with read_session(store) as session:
        records = session.scalars(select(ShopRedemption).where(ShopRedemption.id.in_(redemption_ids))).all()
        years = {(r.member_id, r.redeemed_on.year) for r in records}
        running = {}
        for member_id, year in years:
            for line in balances.member_year(session, branch.id, member_id, year).lines:
                if line.slip_no is not None:
                    running[line.slip_no] = line.balance
        rows = {row.id: row for year in {y for _, y in years} for row in redemption_rows(session, branch.id, year)}
        originals = {r.id: r.slip_no for r in session.scalars(select(ShopRedemption).where(
            ShopRedemption.id.in_([r.reverses_id for r in records if r.reverses_id])))}
        groups = _groups(session, branch.id)
    slips = [_slip(branch, rows[r.id], groups, running.get(r.slip_no), originals.get(r.reverses_id)) for r in records]
    return SlipBatch(tuple(sorted(slips, key=lambda s: s.slip_no)))


def _slip(branch, row: RedemptionRow, groups, balance, reverses_slip) -> RedemptionSlip:
    return RedemptionSlip(
        branch.township, branch.name, row.slip_no, row.member_name, groups.get(row.member_id, ""), row.goods_name, row.unit,
        row.quantity, row.unit_price, row.points, row.redeemed_on, row.operator, balance, reverses_slip, row.note,
    )


def month_slips(store: Store, month: Month, member_ids=None) -> SlipBatch:
    """The slips of the month's redemptions (of the given members); refused when there are none, as
    a paper of an empty period is (an almost blank page is no slip)."""
    branch_id = organisation.get_branch(store).id
    with read_session(store) as session:
        rows = redemption_rows(session, branch_id, month.year, month.month)
    chosen = [r.id for r in rows if member_ids is None or r.member_id in member_ids]
    if not chosen:
        who = "" if member_ids is None else "所选党员"
        raise ValidationError(f"{month.label}{who}没有积分兑换记录，没有兑换凭证可打印。")
    return redemption_slips(store, chosen)


def passbooks(store: Store, year: int, member_ids=None, today: date | None = None) -> PassbookBatch:
    """积分存折 pages of `year`: the given members, or everyone who earned, spent or carried anything."""
    branch = organisation.get_branch(store)
    with read_session(store) as session:
        found = balances.shop_years(session, branch.id, year, member_ids)
        found_rule = BranchScorer(session, branch.id).rule_set(year)
        rule = found_rule[1].shop if found_rule else ShopRule()
        groups = _groups(session, branch.id)
        members = {m.id: m for m in session.scalars(select(Member).where(Member.branch_id == branch.id))}
    pages = []
    for member_id, years in found.items():
        shop_year = next((y for y in years if y.year == year), None)
        if shop_year is None or (member_ids is None and not shop_year.lines):
            continue
        member = members[member_id]
        printed_on = today or date.today()
        # before the year is over nothing has lapsed: the page ends on the balance he can still spend
        lines = shop_year.lines if printed_on > date(year, 12, 31) else shop_year.lines_before_year_end
        pages.append((member.name_pinyin, PassbookPage(
            branch.township, branch.name, member.name, groups.get(member_id, ""), year, rule.describe(), lines,
            shop_year.opening, shop_year.earned, shop_year.spent, shop_year.lapsed, shop_year.carried, printed_on,
        )))
    return PassbookBatch(tuple(page for _, page in sorted(pages, key=lambda p: (p[0], p[1].member_name))))


def shop_month_report(store: Store, month: Month, today: date | None = None) -> ShopMonthReport:
    """The month's stock (opening, received, issued, closing per goods) and every redemption."""
    branch = organisation.get_branch(store)
    start, end = month.first_day, month.last_day
    with read_session(store) as session:
        received = _sums(session, ShopStockIn.quantity, ShopStockIn.received_on, start, end)
        issued = _sums(session, ShopRedemption.quantity, ShopRedemption.redeemed_on, start, end)
        stock = tuple(
            StockLine(g.name, g.unit, g.price, g.donor, received[0].get(g.id, 0) - issued[0].get(g.id, 0),
                      received[1].get(g.id, 0), issued[1].get(g.id, 0))
            for g in session.scalars(select(ShopGoods).where(ShopGoods.branch_id == branch.id).order_by(ShopGoods.name))
        )
        rows = sorted(redemption_rows(session, branch.id, month.year, month.month), key=lambda r: r.slip_no)
    lines = tuple(ReportRedemption(r.slip_no, r.redeemed_on, r.member_name, r.goods_name, r.quantity, r.points, r.operator, r.note)
                  for r in rows)
    return ShopMonthReport(branch.township, branch.name, month, tuple(s for s in stock if s.opening or s.received or s.issued), lines,
                           today or date.today())


def _sums(session, quantity, on, start: date, end: date) -> tuple[dict, dict]:
    """(before the month, within the month) sums of `quantity` per goods."""
    goods = quantity.class_.goods_id
    before = dict(session.execute(select(goods, func.sum(quantity)).where(on < start).group_by(goods)).all())
    within = dict(session.execute(select(goods, func.sum(quantity)).where(on >= start, on <= end).group_by(goods)).all())
    return before, within


def board_notice(store: Store, year: int, month: int | None = None, quarter: int | None = None,
                 settings: IssueSettings | None = None) -> BoardNotice:
    """红黑榜 of a month or quarter with the rule that chose it stated on the notice."""
    found = period_board(store, year, month, quarter)
    branch = organisation.get_branch(store)

    def line(entry) -> BoardNoticeLine:
        rank = "—" if entry.rank is None else (f"并列第{entry.rank}名" if entry.tied else f"第{entry.rank}名")
        remark = "一票否决" if entry.vetoed else ""
        return BoardNoticeLine(rank, entry.name, found.groups.get(entry.key, ""), format_points(entry.total), remark)

    return BoardNotice(branch.name, found.label, found.rule.describe(posted=True), found.board.ranked,
                       tuple(line(e) for e in found.board.red), tuple(line(e) for e in found.board.black), issue_info(store, settings),
                       left_out_sentence(found.board, found.rule))


def left_out_sentence(board: Board, rule: BoardRule) -> str:
    """Why the board's places differ from the points notice's of the same period (which ranks
    everyone): who the board's ranking leaves out, counted; empty when it leaves out nobody.
    The exempted are named as the notice marks them (△), never by their circumstances."""
    parts = []
    if board.exempt_left_out:
        parts.append(f"经支部会议决定调整考核项目的党员（积分公示表中标△）{board.exempt_left_out}名不上榜")
    if board.vetoed_unranked:
        where = "列入黑榜但不排名次" if rule.vetoed == "black" else "不上榜"
        parts.append(f"受一票否决的党员{board.vetoed_unranked}名{where}")
    if not parts:
        return ""
    return f"本榜名次只在参加排名的{board.ranked}名党员中排出，{'，'.join(parts)}，所以名次与积分公示表不同"
