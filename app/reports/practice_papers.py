"""Paper of the practice around the ledger, A4 portrait forms laid out like the meeting papers
(app.reports.meeting_papers: pieces measured first, then paged, heading rows repeated):

- 双报到反馈单, one letter per member, printed in batch for the quarter;
- 民主评议党员测评表 (the ballot) and 民主评议结果 (the tally, with the conversion rule stated);
- 驻村干部月度积分卡 and 驻村干部年度考核表, one per cadre, printed in batch.

A batch is one PDF; each letter, card or sheet starts on a new page and is numbered on its own.
"""

from __future__ import annotations

from typing import Sequence

from reportlab.lib.units import mm

from app.reports.grid import Cell, Column, column_for, header_row, label_value_rows, measure_table, spanning_row
from app.reports.layout import BLACK, LABEL_FILL, MUTED
from app.reports.pieces import GEOMETRY, LABEL_WIDTH, STYLE, Piece, gap_piece, render_documents, row_pieces, signature_piece, text_piece, title_pieces
from app.reports.practice_data import BallotPaper, CadreBatch, CadreAssessment, CadreCard, FeedbackBatch, FeedbackLetter, TallySheet
from app.reports.text import chinese_date, date_text, points_text, short_date, signed_points, two_decimals, wrap_text

WIDTH = GEOMETRY.frame_width


def _section(text: str):
    return spanning_row(text, WIDTH, STYLE, align="left", bold=True, fill=LABEL_FILL)


def _paragraph(text: str, size: float = 10.5) -> Piece:
    return text_piece(wrap_text(text, WIDTH, size), size, BLACK)


def _legend(lines: Sequence[str]) -> Piece:
    wrapped = [part for index, line in enumerate(lines)
               for part in wrap_text(("说明：" if index == 0 else "　　　") + line + "。", WIDTH, 9.5)]
    return text_piece(wrapped)


# ---- 双报到反馈单


def feedback_pieces(letter: FeedbackLetter) -> list[Piece]:
    info = [
        [("党员姓名", Cell(letter.name, bold=True, whole=True)), ("所在支部", letter.branch)],
        [("居住地社区", letter.home_community or "—"), ("工作单位", letter.employer)],
        [("本季度服务", f"{points_text(letter.quarter_hours)} 小时"), ("全年累计", f"{points_text(letter.year_hours)} 小时")],
    ]
    # the date and the hours' heading as wide as they need (2026年12月12日 broke after 月); the activity takes the rest
    dated = column_for("日期", 26 * mm, "center", STYLE, [date_text(line.served_on) for line in letter.lines])
    hours, confirmer = column_for("时长（小时）", 20 * mm, "center", STYLE), Column("社区确认人", 40 * mm, "center")
    columns = [Column("序号", 12 * mm, "center"), dated, Column("服务内容", WIDTH - 12 * mm - dated.width - hours.width - confirmer.width),
               hours, confirmer]
    rows = [[str(n), Cell(date_text(line.served_on), whole=True), line.activity, points_text(line.hours), line.confirmed_by or "—"]
            for n, line in enumerate(letter.lines, start=1)]
    table = measure_table(columns, rows, STYLE) if rows else [spanning_row("本季度没有登记服务记录", WIDTH, STYLE, color=MUTED)]
    greeting = f"{letter.employer}{('（' + letter.employer_contact + '）') if letter.employer_contact else ''}："
    body = (f"　　贵单位在职党员{letter.name}同志按照“双报到”要求到居住地{letter.home_community or '社区'}报到，"
            f"{letter.year}年第{letter.quarter}季度参加社区服务 {points_text(letter.quarter_hours)} 小时，"
            f"{letter.verdict}（要求：{letter.requirement}）。具体情况如下，请予了解。")
    return [
        *title_pieces("在职党员“双报到”情况反馈单", f"{letter.township}　{letter.branch}　{letter.year}年第{letter.quarter}季度"),
        gap_piece(),
        _paragraph(greeting),
        _paragraph(body),
        gap_piece(2 * mm),
        *row_pieces(label_value_rows(info, WIDTH, STYLE, LABEL_WIDTH + 4 * mm), STYLE),
        gap_piece(),
        *row_pieces(table, STYLE, header_row(columns, STYLE)),
        gap_piece(3 * mm),
        _paragraph(f"{letter.issuer}（盖章）　　{chinese_date(letter.issued_on)}"),
        signature_piece(("支部书记签字：", "单位签收人：")),
    ]


def render_feedback_letters(batch: FeedbackBatch, invariant: bool = False) -> bytes:
    title = f"{batch.year}年第{batch.quarter}季度双报到反馈单"
    return render_documents([(feedback_pieces(letter), f"{letter.name}双报到反馈单") for letter in batch.letters], title, invariant)


# ---- 民主评议党员测评表


def ballot_pieces(paper: BallotPaper) -> list[Piece]:
    grades = [column_for(grade, 22 * mm, "center", STYLE) for grade in paper.grades]
    name, group = _name_and_group(34 * mm, paper.rows, WIDTH - 12 * mm - sum(c.width for c in grades))
    columns = [Column("序号", 12 * mm, "center"), name, group, *grades]
    rows = [[str(row.number), Cell(row.name, whole=True), Cell(row.group_name or "—", whole=True), *([""] * len(paper.grades))]
            for row in paper.rows]
    return [
        *title_pieces("民主评议党员测评表", f"{paper.township}　{paper.branch}　{paper.year}年度"),
        gap_piece(),
        _paragraph("请对照党员标准，对每名党员在“优秀、合格、基本合格、不合格”中选择一个等次，在对应栏内划“√”；"
                   "每人只能划一个等次，多划的该党员一栏无效，不划的视为弃权。测评表不记名。"),
        gap_piece(2 * mm),
        *row_pieces(measure_table(columns, rows, STYLE), STYLE, header_row(columns, STYLE)),
        gap_piece(3 * mm),
        _paragraph(f"共 {len(paper.rows)} 名党员。　　测评日期：　　　　年　　月　　日"),
    ]


def render_ballot(paper: BallotPaper, invariant: bool = False) -> bytes:
    title = f"{paper.branch}{paper.year}年度民主评议党员测评表"
    return render_documents([(ballot_pieces(paper), title)], title, invariant)


def _name_and_group(width: float, rows, room: float) -> tuple[Column, Column]:
    """姓名 (at least `width`) and 党小组 sharing `room`: each as wide as its longest entry needs on one
    line, the party group taking what is left; when both do not fit, they share the room in proportion
    and their type shrinks alike (their cells are `whole`: app.reports.grid)."""
    name = column_for("姓名", width, "center", STYLE, [row.name for row in rows]).width
    group = column_for("党小组", 0, "center", STYLE, [row.group_name or "—" for row in rows]).width
    if name + group > room:
        name = room * name / (name + group)
    return Column("姓名", name, "center"), Column("党小组", room - name, "center")


# ---- 民主评议结果


def tally_pieces(sheet: TallySheet) -> list[Piece]:
    info = [
        [("评议日期", date_text(sheet.held_on)), ("计票人", sheet.counters or "—")],
        [("发出测评票", f"{sheet.ballots_issued} 张"), ("收回测评票", f"{sheet.ballots_returned} 张")],
    ]
    # headings as wide as they need on one line (基本合格 broke into 基本合 / 格); the party group takes the rest
    votes = [column_for(grade, 12 * mm, "center", STYLE) for grade in sheet.grades]  # counts of two or three digits
    tail = [column_for("有效票", 12 * mm, "center", STYLE), column_for("评议得分", 14 * mm, "center", STYLE),
            column_for("等次", 14 * mm, "center", STYLE, ["无有效票", *sheet.grades])]
    name, group = _name_and_group(24 * mm, sheet.rows, WIDTH - 11 * mm - sum(c.width for c in votes + tail))
    columns = [Column("序号", 11 * mm, "center"), name, group, *votes, *tail]
    rows = [[str(r.number), Cell(r.name, whole=True), Cell(r.group_name or "—", whole=True), *(str(v) for v in r.votes), str(r.cast),
             "—" if r.score is None else two_decimals(r.score), Cell(r.grade or "无有效票", bold=r.grade is not None)]
            for r in sheet.rows]
    counts = "，".join(f"{grade} {count} 人" for grade, count in sheet.grade_counts)
    return [
        *title_pieces("民主评议党员结果", f"{sheet.township}　{sheet.branch}　{sheet.year}年度"),
        gap_piece(),
        *row_pieces(label_value_rows(info, WIDTH, STYLE, LABEL_WIDTH + 4 * mm), STYLE),
        gap_piece(),
        *row_pieces(measure_table(columns, rows, STYLE), STYLE, header_row(columns, STYLE)),
        gap_piece(2 * mm),
        _paragraph(f"评议结果：{counts}。"),
        gap_piece(2 * mm),
        *row_pieces([_section("折算规则")] + [spanning_row(f"{n}. {text}。", WIDTH, STYLE, align="left")
                                         for n, text in enumerate((*sheet.conversion_rules, sheet.folding), start=1)], STYLE),
        gap_piece(2 * mm),
        signature_piece(("计票人签字：", "支部书记签字：")),
    ]


def render_tally_sheet(sheet: TallySheet, invariant: bool = False) -> bytes:
    title = f"{sheet.branch}{sheet.year}年度民主评议党员结果"
    return render_documents([(tally_pieces(sheet), title)], title, invariant)


# ---- 驻村干部积分卡、年度考核表


def _cadre_info(paper: CadreCard | CadreAssessment, period_label: str, period: str):
    return [
        [("姓名", Cell(paper.name, bold=True, whole=True)), ("类别", paper.kind)],
        [("派出单位", paper.sent_by or "—"), ("职务", paper.post or "—")],
        [(period_label, period), ("驻点村", paper.branch)],
    ]


def card_pieces(card: CadreCard) -> list[Piece]:
    info = _cadre_info(card, "月份", card.month_label)
    columns = [Column("日期", 24 * mm, "center"), Column("考核项目", WIDTH - 24 * mm - 20 * mm - 44 * mm),
               Column("分值", 20 * mm, "center"), Column("备注", 44 * mm)]
    rows = [[short_date(line.occurred_on), line.item, signed_points(line.points), line.note] for line in card.lines]
    total = [Cell("本月合计", bold=True, fill=LABEL_FILL), "", Cell(signed_points(card.month_points), bold=True), ""]
    table = measure_table(columns, rows + [total], STYLE) if rows else [spanning_row("本月没有积分记录", WIDTH, STYLE, color=MUTED)]
    summary = [[("基础分", points_text(card.base_points)), ("年度累计", Cell(f"{points_text(card.year_to_date)} 分", bold=True))],
               [("十分制折算", Cell(f"{two_decimals(card.ten_point)} 分", bold=True)), ("对应等次", card.band)]]
    return [
        *title_pieces("驻村干部月度积分卡", f"{card.township}　{card.branch}　{card.month_label}"),
        gap_piece(),
        *row_pieces(label_value_rows(info, WIDTH, STYLE, LABEL_WIDTH), STYLE),
        gap_piece(),
        *row_pieces(table, STYLE, header_row(columns, STYLE)),
        gap_piece(),
        *row_pieces(label_value_rows(summary, WIDTH, STYLE, LABEL_WIDTH), STYLE),
        gap_piece(2 * mm),
        _legend(["年度累计 = 基础分 + 1 月 1 日至本月末的各项积分", card.conversion]),
        signature_piece(("本人签字：", "村党组织书记签字：")),
    ]


def assessment_pieces(sheet: CadreAssessment) -> list[Piece]:
    info = _cadre_info(sheet, "考核期间", sheet.period)
    columns = [Column("序号", 12 * mm, "center"), Column("考核项目", WIDTH - 12 * mm - 28 * mm), Column("得分", 28 * mm, "center")]
    rows = [["", "基础分", points_text(sheet.base_points)]]
    rows += [[str(n), name, signed_points(value)] for n, (name, value) in enumerate(sheet.items, start=1)]
    rows.append([Cell("合计", bold=True, fill=LABEL_FILL), Cell("年度积分", bold=True), Cell(points_text(sheet.total), bold=True)])
    result = [[("十分制得分", Cell(f"{two_decimals(sheet.ten_point)} 分", bold=True)), ("考核等次", Cell(sheet.band, bold=True))]]
    opinions = [_section("村党组织意见"), spanning_row("\n\n", WIDTH, STYLE),
                _section("乡镇党委意见（盖章）"), spanning_row("\n\n", WIDTH, STYLE)]
    return [
        *title_pieces("驻村干部年度考核表", f"{sheet.township}　{sheet.branch}　{sheet.year}年度"),
        gap_piece(),
        *row_pieces(label_value_rows(info, WIDTH, STYLE, LABEL_WIDTH), STYLE),
        gap_piece(),
        *row_pieces(measure_table(columns, rows, STYLE), STYLE, header_row(columns, STYLE)),
        gap_piece(),
        *row_pieces(label_value_rows(result, WIDTH, STYLE, LABEL_WIDTH + 4 * mm), STYLE),
        gap_piece(2 * mm),
        _legend([sheet.conversion]),
        gap_piece(2 * mm),
        *row_pieces(opinions, STYLE),
        signature_piece(("本人签字：", "村党组织书记签字：")),
    ]


def render_cadre_papers(batch: CadreBatch, invariant: bool = False) -> bytes:
    documents = [(card_pieces(card), f"{card.name}{card.month_label}积分卡") for card in batch.cards]
    documents += [(assessment_pieces(sheet), f"{sheet.name}{sheet.year}年度考核表") for sheet in batch.assessments]
    return render_documents(documents, batch.title, invariant)
