"""The sign-in sheet (签到表) and the meeting record (会议记录): A4 portrait forms.

Both are laid out as a column of pieces (title lines, form rows, table rows, signature lines)
measured first, then paged: a table that runs onto another page repeats its heading row
there under a running title '…（续）', and pages carry '第 X 页 共 Y 页' when there are more
than one. Cells wrap with the house's Chinese line breaking, so nothing is clipped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.reports.grid import (
    PORTRAIT_LABEL_WIDTH,
    PORTRAIT_TABLE,
    Cell,
    Column,
    GridStyle,
    MeasuredRow,
    draw_rows,
    draw_signature_lines,
    header_row,
    label_value_rows,
    measure_table,
    spanning_row,
)
from app.reports.layout import A4_PORTRAIT, BLACK, FONT, FONT_BOLD, LABEL_FILL, MUTED, draw_page_number, new_canvas
from app.reports.meeting_data import MeetingRecordPaper, SigninSheet
from app.reports.text import date_text, signed_points, wrap_text

GEOMETRY = A4_PORTRAIT
STYLE = PORTRAIT_TABLE
SIGN_STYLE = GridStyle(size=11, leading=14, pad_x=1.6 * mm, pad_y=1.2 * mm, min_height=10 * mm)
LABEL_WIDTH = PORTRAIT_LABEL_WIDTH
GAP = 4 * mm
RUNNING = 12  # height of the running title on later pages


@dataclass(frozen=True)
class Piece:
    """Something drawn at (x, y_top) that is `height` tall; `heading` is repeated above it when
    it starts a new page (a table's heading row); a gap (draw None) is dropped at a page top."""

    height: float
    draw: Callable[[Canvas, float, float], object] | None = None
    heading: "Piece | None" = None


def _gap(height: float = GAP) -> Piece:
    return Piece(height)


def _rows(rows: Sequence[MeasuredRow], style: GridStyle, heading: MeasuredRow | None = None) -> list[Piece]:
    """One piece a row; the heading row goes with the first row (never alone at a page's foot)."""
    head = None if heading is None else Piece(heading.height, lambda c, x, y, r=heading: draw_rows(c, x, y, [r], style))
    pieces = [Piece(row.height, lambda c, x, y, r=row: draw_rows(c, x, y, [r], style), head) for row in rows]
    if head is not None and rows:
        pieces[0] = Piece(head.height + rows[0].height, lambda c, x, y, r=(heading, rows[0]): draw_rows(c, x, y, r, style))
    return pieces


def _title(text: str, subtitle: str) -> list[Piece]:
    def draw(canvas: Canvas, x: float, y: float) -> None:
        canvas.setFillColor(BLACK)
        canvas.setFont(FONT_BOLD, 20)
        canvas.drawCentredString(GEOMETRY.width / 2, y - 20, text, charSpace=2)
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(GEOMETRY.width / 2, y - 40, subtitle)

    return [Piece(46, draw)]


def _text(lines: Sequence[str], size: float = 9.5, color=MUTED) -> Piece:
    def draw(canvas: Canvas, x: float, y: float) -> None:
        canvas.setFont(FONT, size)
        canvas.setFillColor(color)
        for index, line in enumerate(lines):
            canvas.drawString(x, y - (index + 1) * size * 1.45, line)

    return Piece(len(lines) * size * 1.45 + 2, draw)


def _paginate(pieces: Sequence[Piece]) -> list[list[tuple[Piece, float]]]:
    g = GEOMETRY
    first_top, later_top = g.height - g.top, g.height - g.top - RUNNING - 2 * mm
    pages: list[list[tuple[Piece, float]]] = [[]]
    y = first_top
    for piece in pieces:
        if y - piece.height < g.bottom + 6 * mm and pages[-1]:
            pages.append([])
            y = later_top
            if piece.heading is not None and piece.heading is not piece:
                pages[-1].append((piece.heading, y))
                y -= piece.heading.height
        if piece.draw is None and y == later_top:
            continue
        pages[-1].append((piece, y))
        y -= piece.height
    return pages


def _render(pieces: Sequence[Piece], title: str, running: str, invariant: bool) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, GEOMETRY, title, invariant)
    pages = _paginate(pieces)
    for number, page in enumerate(pages, start=1):
        if number > 1:
            canvas.setFont(FONT, 9)
            canvas.setFillColor(MUTED)
            canvas.drawCentredString(GEOMETRY.width / 2, GEOMETRY.height - GEOMETRY.top - 9, f"{running}（续）")
        for piece, y in page:
            if piece.draw is not None:
                piece.draw(canvas, GEOMETRY.left, y)
        draw_page_number(canvas, GEOMETRY, number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _signatures(labels: tuple[str, ...]) -> Piece:
    return Piece(22 * mm, lambda c, x, y: draw_signature_lines(c, x, y, GEOMETRY.frame_width, 10.5, 18 * mm, labels))


# ---- 签到表


def signin_pieces(sheet: SigninSheet) -> list[Piece]:
    width = GEOMETRY.frame_width
    info = [
        [("会议名称", Cell(sheet.title, bold=True)), ("会议类型", sheet.kind)],
        [("时间", f"{date_text(sheet.held_on)}　　时　　分"), ("地点", sheet.location)],
        [("参会范围", sheet.scope), ("应到人数", f"{sheet.expected} 人")],
        [("主持人", ""), ("记录人", "")],
    ]
    columns = [
        Column("序号", 13 * mm, "center"), Column("姓名", 36 * mm, "center"), Column("党小组", 30 * mm, "center"),
        Column("本人签名", width - 13 * mm - 36 * mm - 30 * mm - 32 * mm), Column("备注", 32 * mm),
    ]
    rows = [[str(row.number), row.name, row.group_name or "—", "", ""] for row in sheet.rows]
    table = measure_table(columns, rows, SIGN_STYLE)
    if not table:
        table = [spanning_row("（参会范围内没有在册党员）", width, SIGN_STYLE, color=MUTED)]
    return [
        *_title(f"{sheet.kind}签到表", f"{sheet.township}　{sheet.branch}"),
        _gap(),
        *_rows(label_value_rows(info, width, STYLE, LABEL_WIDTH), STYLE),
        _gap(),
        *_rows(table, SIGN_STYLE, header_row(columns, SIGN_STYLE)),
        _gap(3 * mm),
        _text(wrap_text(f"应到 {sheet.expected} 人，实到＿＿＿人，请假＿＿＿人，缺席＿＿＿人，迟到/早退＿＿＿人。", width, 10.5), 10.5, BLACK),
        _signatures(("主持人签字：", "记录人签字：")),
    ]


def render_signin_sheet(sheet: SigninSheet, invariant: bool = False) -> bytes:
    """签到表, A4 portrait: the meeting, then one row with a signature box per member expected."""
    title = f"{sheet.branch}{sheet.title}签到表"
    return _render(signin_pieces(sheet), title, title, invariant)


# ---- 会议记录


def _attendance_rows(paper: MeetingRecordPaper, width: float) -> list[MeasuredRow]:
    counts = spanning_row(paper.counts_sentence, width, STYLE, align="left", bold=True, fill=LABEL_FILL)
    groups = label_value_rows([[(g.heading, "、".join(g.names) or "—")] for g in paper.statuses], width, STYLE, 36 * mm)
    return [counts, *groups]


def _points_table(paper: MeetingRecordPaper, width: float) -> tuple[MeasuredRow, list[MeasuredRow]]:
    fixed = [Column("序号", 11 * mm, "center"), Column("姓名", 27 * mm, "center"), Column("党小组", 24 * mm, "center"),
             Column("考勤", 20 * mm, "center")]
    tail = [Column("分值", 15 * mm, "center"), Column("备注", 22 * mm, "center")]
    item = Column("细则项目", width - sum(c.width for c in fixed + tail))
    columns = [*fixed, item, *tail]
    rows = [
        [str(line.number), line.name, line.group_name or "—", line.status, line.items or "—", signed_points(line.points), line.remark]
        for line in paper.lines
    ]
    total = [Cell("合计", bold=True, fill=LABEL_FILL), "", "", "", "", Cell(signed_points(paper.points_total), bold=True), ""]
    body = measure_table(columns, rows + [total], STYLE) if rows else [
        spanning_row("本次会议的考勤没有产生积分记录", width, STYLE, color=MUTED)
    ]
    return header_row(columns, STYLE), body


def _section(text: str, width: float) -> MeasuredRow:
    return spanning_row(text, width, STYLE, align="left", bold=True, fill=LABEL_FILL)


def record_pieces(paper: MeetingRecordPaper) -> list[Piece]:
    width = GEOMETRY.frame_width
    info = [
        [("会议名称", Cell(paper.title, bold=True)), ("会议类型", paper.kind)],
        [("时间", date_text(paper.held_on)), ("地点", paper.location or "—")],
        [("参会范围", paper.scope), ("登记人", paper.recorded_by or "—")],
    ]
    heading, body = _points_table(paper, width)
    pieces = [
        *_title("会议记录", f"{paper.township}　{paper.branch}"),
        _gap(),
        *_rows(label_value_rows(info, width, STYLE, LABEL_WIDTH), STYLE),
        _gap(),
        *_rows(_attendance_rows(paper, width), STYLE),
    ]
    if paper.note.strip():
        pieces += [_gap(), *_rows([_section("会议内容", width), spanning_row(paper.note.strip(), width, STYLE, align="left")], STYLE)]
    pieces += [_gap(), *_rows([_section("考勤积分（按积分细则生成）", width)], STYLE), *_rows(body, STYLE, heading)]
    if paper.corrections:
        rows = [_section("考勤更正（以冲正记录更正，原记录保留）", width)]
        rows += [spanning_row(f"{index}. {text}", width, STYLE, align="left") for index, text in enumerate(paper.corrections, 1)]
        pieces += [_gap(), *_rows(rows, STYLE)]
    legend = [line for index, text in enumerate(paper.legend)
              for line in wrap_text(("说明：" if index == 0 else "　　　") + text + "。", width, 9.5)]
    pieces += [_gap(2 * mm), _text(legend), _signatures(("记录人签字：", "支部书记签字："))]
    return pieces


def render_meeting_record(paper: MeetingRecordPaper, invariant: bool = False) -> bytes:
    """会议记录, A4 portrait: the meeting, attendance by status, the points it produced, corrections."""
    title = f"{paper.branch}{paper.title}会议记录"
    return _render(record_pieces(paper), title, title, invariant)
