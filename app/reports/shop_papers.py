"""The honour shop's papers: 兑换凭证, 积分存折, the monthly stock and redemption report, 红黑榜.

The slip is an A4 page cut in two along a dashed line: the counterfoil the shop keeps (存根) and the
copy the member takes home (党员收执), the same figures on both. The passbook and the monthly
report are A4 portrait forms paged like the meeting papers (app/reports/meeting_papers.py:
pieces measured first, a table's heading repeated on the next page). The board is a notice
like the monthly points notice (app/reports/notices.py), A4 or A3.
"""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.platypus import Table

from app.reports.grid import PORTRAIT_TABLE, Cell, Column, column_for, draw_rows, draw_signature_lines, header_row, label_value_rows, measure_table, spanning_row
from app.reports.layout import A4_PORTRAIT, BLACK, FONT, FONT_BOLD, LABEL_FILL, MUTED, RED, new_canvas, page_geometry, paper_scale
from app.reports.pieces import Piece, gap_piece, render_documents, row_pieces, text_piece, title_pieces
from app.reports.notices import _build, _cell, _head, _legend_rows, _objection_sentence, _period_sentence, _table_style, _with_sign_off
from app.reports.shop_data import BoardNotice, PassbookBatch, PassbookPage, RedemptionSlip, ShopMonthReport, SlipBatch
from app.reports.text import date_text, points_text, short_date, signed_points, wrap_text

GEOMETRY = A4_PORTRAIT
STYLE = PORTRAIT_TABLE


# ---- 兑换凭证


def _slip_half(canvas, slip: RedemptionSlip, top: float, part: str) -> None:
    g = GEOMETRY
    width = g.frame_width
    canvas.setFillColor(BLACK)
    canvas.setFont(FONT_BOLD, 17)
    canvas.drawCentredString(g.width / 2, top - 18, slip.title)
    canvas.setFont(FONT, 10.5)
    canvas.drawString(g.left, top - 38, f"{slip.township}　{slip.branch}　积分超市")
    canvas.drawRightString(g.left + width, top - 38, f"No. {slip.slip_no:06d}　（{part}）")
    count = f"{abs(slip.quantity)} {slip.unit}" + ("（退回）" if slip.quantity < 0 else "")
    used = "退回 " + points_text(-slip.points) + " 分" if slip.points < 0 else points_text(slip.points) + " 分"
    balance = "—" if slip.balance_after is None else f"{points_text(slip.balance_after)} 分"
    info = [
        [("兑换人", Cell(slip.member_name, bold=True, whole=True)), ("党小组", slip.group_name or "—")],
        [("兑换物品", Cell(slip.goods_name, bold=True)), ("数量", count)],
        [("单价", f"{points_text(slip.unit_price)} 分/{slip.unit}"), ("使用积分", Cell(used, bold=True))],
        [("兑换日期", date_text(slip.redeemed_on)), ("兑换后余额", balance)],
        [("经办人", slip.operator), ("备注", _note(slip))],
    ]
    bottom = draw_rows(canvas, g.left, top - 46, label_value_rows(info, width, STYLE, 24 * mm), STYLE)
    draw_signature_lines(canvas, g.left, bottom - 2 * mm, width, 10.5, 16 * mm, ("兑换人签字：", "经办人签字："))


def _note(slip: RedemptionSlip) -> str:
    if slip.reverses_slip:
        return f"冲正 No. {slip.reverses_slip:06d}：{slip.note.removeprefix('冲正：')}"
    return slip.note or ""


def render_redemption_slips(batch: SlipBatch, invariant: bool = False) -> bytes:
    """One A4 page a slip: the counterfoil (存根) above, the member's copy below, a dashed cut line between."""
    g = GEOMETRY
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, g, "积分兑换凭证", invariant)
    middle = g.height / 2
    for slip in batch.slips:
        _slip_half(canvas, slip, g.height - g.top, "第一联 存根 超市留存")
        canvas.setDash(4, 3)
        canvas.setStrokeColor(MUTED)
        canvas.line(g.left - 8 * mm, middle, g.width - g.right + 8 * mm, middle)
        canvas.setDash()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(g.width / 2, middle + 2, "沿虚线裁开")
        _slip_half(canvas, slip, middle - 8 * mm, "第二联 党员收执")
        canvas.showPage()
    if not batch.slips:
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(g.width / 2, g.height / 2, "所选范围内没有兑换记录")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---- 积分存折


def _in_out(line) -> tuple:
    """A reversal gives points back: it is shown as money in (退回), not as a negative spending."""
    if line.spent < 0:
        return line.earned - line.spent, 0
    return line.earned, line.spent


def passbook_pieces(page: PassbookPage) -> list[Piece]:
    width = GEOMETRY.frame_width
    info = [[("姓名", Cell(page.member_name, bold=True, whole=True)), ("党小组", page.group_name or "—")]]
    figure = 22 * mm
    columns = [Column("序号", 12 * mm, "center"), Column("日期", figure, "center"), Column("摘要", width - 12 * mm - 4 * figure),
               Column("存入", figure, "right"), Column("支出", figure, "right"), Column("余额", figure, "right")]
    moves = [_in_out(line) for line in page.lines]
    rows = [
        [str(n), Cell(short_date(line.on), whole=True) if line.on else "", line.text + (f"（No. {line.slip_no:06d}）" if line.slip_no else ""),
         points_text(plus) if plus else "", points_text(minus) if minus else "", points_text(line.balance)]
        for n, (line, (plus, minus)) in enumerate(zip(page.lines, moves), start=1)
    ]
    total_in = sum((plus for (plus, _), line in zip(moves, page.lines) if line.text != "上年结转"), 0)
    total_out = sum((minus for _, minus in moves), 0)
    total = [Cell("合计", bold=True, fill=LABEL_FILL), "", Cell(f"上年结转 {points_text(page.opening)} 分", fill=LABEL_FILL),
             Cell(points_text(total_in), bold=True), Cell(points_text(total_out), bold=True),
             Cell(points_text(page.carried if page.year_over else page.balance), bold=True)]
    body = measure_table(columns, rows + [total], STYLE) if rows else [spanning_row("本年度没有积分入账或兑换", width, STYLE, color=MUTED)]
    so_far = (f"上年结转 {points_text(page.opening)} 分，本年存入 {points_text(page.earned)} 分，"
              f"兑换净支出 {points_text(page.spent)} 分，")
    if page.year_over:
        summary = f"{page.year}年：{so_far}年末清零 {points_text(page.lapsed)} 分，结转下年 {points_text(page.carried)} 分。"
    else:
        summary = f"{page.year}年截至{date_text(page.printed_on)}：{so_far}现有可兑换积分 {points_text(page.balance)} 分。"
    legend = [*wrap_text("兑换规则：" + page.rule_text, width, 9.5), *wrap_text(summary, width, 9.5)]
    legend += [f"打印日期：{date_text(page.printed_on)}"]
    return [
        *title_pieces(f"{page.year}年度党员积分存折", f"{page.township}　{page.branch}　积分超市"),
        gap_piece(),
        *row_pieces(label_value_rows(info, width, STYLE, 22 * mm), STYLE),
        gap_piece(),
        *row_pieces(body, STYLE, header_row(columns, STYLE)),
        gap_piece(2 * mm),
        text_piece(legend),
    ]


def render_passbooks(batch: PassbookBatch, invariant: bool = False) -> bytes:
    """积分存折, one member-year to a page (a long year runs on, its heading repeated)."""
    return render_documents([(passbook_pieces(p), f"{p.member_name}{p.year}年积分存折") for p in batch.pages],
                             "党员积分存折", invariant, "所选范围内没有积分存折")


# ---- 积分超市月报


def _stock_table(report: ShopMonthReport, width: float):
    # the figures' columns as wide as their headings, the source as wide as its longest (村集体经济合作社 broke
    # before 社), up to 45 mm; the goods take the rest
    price, *counts = (column_for(title, 16 * mm, "right", STYLE) for title in ("单价(分)", "上月结存", "本月入库", "本月兑出", "本月结存"))
    source = column_for("捐赠/来源", 30 * mm, "left", STYLE, [s.donor or "—" for s in report.stock], most=45 * mm)
    goods = Column("物品", width - price.width - source.width - sum(c.width for c in counts))
    columns = [goods, price, source, *counts]
    rows = [[f"{s.goods_name}（{s.unit}）", points_text(s.price), s.donor or "—", str(s.opening), str(s.received), str(s.issued),
             Cell(str(s.closing), bold=True)] for s in report.stock]
    body = measure_table(columns, rows, STYLE) if rows else [spanning_row("本月没有库存变动", width, STYLE, color=MUTED)]
    return header_row(columns, STYLE), body


def _redemption_table(report: ShopMonthReport, width: float):
    columns = [Column("凭证号", 20 * mm, "center"), Column("日期", 20 * mm, "center"), Column("兑换人", 24 * mm, "center"),
               Column("物品", width - 20 * mm * 3 - 24 * mm * 2 - 18 * mm), Column("数量", 18 * mm, "right"),
               Column("积分", 20 * mm, "right"), Column("经办人", 24 * mm, "center")]
    rows = [[f"{r.slip_no:06d}", Cell(short_date(r.redeemed_on), whole=True), Cell(r.member_name, whole=True),
             r.goods_name + (f"（冲正：{r.note.removeprefix('冲正：')}）" if r.quantity < 0 else ""), str(r.quantity),
             signed_points(-r.points) if r.points else "0", r.operator] for r in report.redemptions]
    total = [Cell("合计", bold=True, fill=LABEL_FILL), "", "", "", "", Cell(signed_points(-report.points_total), bold=True), ""]
    body = measure_table(columns, rows + [total], STYLE) if rows else [spanning_row("本月没有兑换", width, STYLE, color=MUTED)]
    return header_row(columns, STYLE), body


def section(text: str, width: float):
    return spanning_row(text, width, STYLE, align="left", bold=True, fill=LABEL_FILL)


def shop_month_pieces(report: ShopMonthReport) -> list[Piece]:
    width = GEOMETRY.frame_width
    stock_head, stock_body = _stock_table(report, width)
    red_head, red_body = _redemption_table(report, width)
    summary = (f"本月共办理兑换 {sum(1 for r in report.redemptions if r.quantity > 0)} 笔、冲正 "
               f"{sum(1 for r in report.redemptions if r.quantity < 0)} 笔，{report.members} 名党员兑换，"
               f"{'净使用积分' if report.points_total >= 0 else '净退回积分'} {points_text(abs(report.points_total))} 分。打印日期：{date_text(report.printed_on)}。")
    return [
        *title_pieces(f"积分超市{report.month.label}库存及兑换情况表", f"{report.township}　{report.branch}"),
        gap_piece(),
        *row_pieces([section("一、库存（件数）", width)], STYLE),
        *row_pieces(stock_body, STYLE, stock_head),
        gap_piece(),
        *row_pieces([section("二、兑换明细（积分栏：负数为使用，冲正为正数退回）", width)], STYLE),
        *row_pieces(red_body, STYLE, red_head),
        gap_piece(2 * mm),
        text_piece(wrap_text(summary, width, 9.5)),
        Piece(22 * mm, lambda c, x, y: draw_signature_lines(c, x, y, width, 10.5, 18 * mm, ("超市管理员签字：", "支部书记签字："))),
    ]


def render_shop_month_report(report: ShopMonthReport, invariant: bool = False) -> bytes:
    title = f"{report.branch}积分超市{report.month.label}库存及兑换情况表"
    return render_documents([(shop_month_pieces(report), title)], title, invariant, "")


# ---- 红黑榜


KEPT_WHOLE = 15  # rows of a board's list that always fit one page beside its heading


def _board_table(notice: BoardNotice, width: float, size: float, scale: float) -> Table:
    widths = [width * 0.2, width * 0.26, width * 0.26, width * 0.13, width * 0.15]
    data = [[_cell(h, w, size, True) for h, w in zip(("名次", "姓名", "党小组", "积分", "备注"), widths)]]
    style: list = []
    for title, lines, colour in ((f"红榜（{len(notice.red)} 名）", notice.red, RED), (f"黑榜（{len(notice.black)} 名）", notice.black, BLACK)):
        row = len(data)
        data.append([title, "", "", "", ""])
        style += [("SPAN", (0, row), (-1, row)), ("FONT", (0, row), (-1, row), FONT_BOLD, size * 1.1),
                  ("TEXTCOLOR", (0, row), (-1, row), colour), ("BACKGROUND", (0, row), (-1, row), LABEL_FILL)]
        for line in lines or ():
            data.append([_cell(v, w, size) for v, w in zip((line.rank_text, line.name, line.group_name or "—", line.points_text, line.remark), widths)])
        # a list breaking onto the next page would continue there under no heading (names read as
        # honoured that are on the black list): a list of a page's length or less moves whole
        if lines and len(lines) <= KEPT_WHOLE:
            style.append(("NOSPLIT", (0, row), (-1, len(data) - 1)))
        if not lines:
            data.append(["（无）", "", "", "", ""])
            style.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
    last_row = len(data) - 1
    if notice.left_out:
        _legend_rows([notice.left_out], data, style, widths, size * 0.9, scale)
        style.append(("NOSPLIT", (0, max(1, last_row - 2)), (-1, -1)))  # the 说明 stays with the lists' last rows
    _with_sign_off(data, style, notice.issue, widths, size, scale)
    return Table(data, colWidths=widths, repeatRows=1, style=_table_style(size, scale, style, grid_rows=last_row))


def render_board_notice(notice: BoardNotice, paper: str = "A4", invariant: bool = False) -> bytes:
    """红黑榜, portrait A4 or A3: the rule that chose the names is stated above the lists."""
    geometry = page_geometry(paper, landscape_=False, margin_mm=16)
    scale = paper_scale(paper)
    title = f"{notice.branch}{notice.label}党员积分红黑榜"
    intro = (f"根据本支部党员积分管理办法，现将{notice.label}党员积分红黑榜予以公布（共{notice.ranked}名党员参加排名）。"
             f"{notice.rule_text}{_period_sentence(notice.issue)}{_objection_sentence(notice.issue)}")
    return _build(geometry, title, _head(title, intro, scale), lambda width: _board_table(notice, width, 12 * scale, scale),
                  1, f"{title}（续）", scale, invariant, None, notice.issue.check_code)
