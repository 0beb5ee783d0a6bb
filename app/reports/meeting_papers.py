"""The sign-in sheet (签到表) and the meeting record (会议记录): A4 portrait forms.

Both are laid out as a column of measured pieces, then paged (app/reports/pieces.py). Cells
wrap with the house's Chinese line breaking, so nothing is clipped.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from app.reports.grid import (
    Cell,
    Column,
    GridStyle,
    column_for,
    MeasuredRow,
    header_row,
    label_value_rows,
    measure_table,
    spanning_row,
)
from app.reports.layout import BLACK, LABEL_FILL, MUTED
from app.reports.meeting_data import MeetingRecordPaper, SigninSheet
from app.reports.pieces import (
    GEOMETRY,
    LABEL_WIDTH,
    STYLE,
    Piece,
    gap_piece,
    render_documents,
    row_pieces,
    signature_piece,
    text_piece,
    title_pieces,
)
from app.reports.text import date_text, signed_points, wrap_text

SIGN_STYLE = GridStyle(size=11, leading=14, pad_x=1.6 * mm, pad_y=1.2 * mm, min_height=10 * mm)


# ---- 签到表


def signin_pieces(sheet: SigninSheet) -> list[Piece]:
    width = GEOMETRY.frame_width
    info = [
        [("会议名称", Cell(sheet.title, bold=True)), ("会议类型", sheet.kind)],
        [("时间", f"{date_text(sheet.held_on)}　　时　　分"), ("地点", sheet.location)],
        [("参会范围", sheet.scope), ("应到人数", f"{sheet.expected} 人")],
        [("主持人", ""), ("记录人", "")],
    ]
    # a long name (阿卜杜热合曼·买买提) gets the width it needs from the signature box, up to 50 mm
    name = column_for("姓名", 36 * mm, "center", SIGN_STYLE, [row.name for row in sheet.rows], most=50 * mm)
    columns = [
        Column("序号", 13 * mm, "center"), name, Column("党小组", 30 * mm, "center"),
        Column("本人签名", width - 13 * mm - name.width - 30 * mm - 32 * mm), Column("备注", 32 * mm),
    ]
    rows = [[str(row.number), Cell(row.name, whole=True), row.group_name or "—", "", ""] for row in sheet.rows]
    table = measure_table(columns, rows, SIGN_STYLE)
    if not table:
        table = [spanning_row("（参会范围内没有在册党员）", width, SIGN_STYLE, color=MUTED)]
    return [
        *title_pieces(f"{sheet.kind}签到表", f"{sheet.township}　{sheet.branch}"),
        gap_piece(),
        *row_pieces(label_value_rows(info, width, STYLE, LABEL_WIDTH), STYLE),
        gap_piece(),
        *row_pieces(table, SIGN_STYLE, header_row(columns, SIGN_STYLE)),
        gap_piece(3 * mm),
        text_piece(wrap_text(f"应到 {sheet.expected} 人，实到＿＿＿人，请假＿＿＿人，缺席＿＿＿人，迟到/早退＿＿＿人。", width, 10.5), 10.5, BLACK),
        signature_piece(("主持人签字：", "记录人签字：")),
    ]


def render_signin_sheet(sheet: SigninSheet, invariant: bool = False) -> bytes:
    """签到表, A4 portrait: the meeting, then one row with a signature box per member expected."""
    title = f"{sheet.branch}{sheet.title}签到表"
    return render_documents([(signin_pieces(sheet), title)], title, invariant)


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
        *title_pieces("会议记录", f"{paper.township}　{paper.branch}"),
        gap_piece(),
        *row_pieces(label_value_rows(info, width, STYLE, LABEL_WIDTH), STYLE),
        gap_piece(),
        *row_pieces(_attendance_rows(paper, width), STYLE),
    ]
    if paper.note.strip():
        pieces += [gap_piece(), *row_pieces([_section("会议内容", width), spanning_row(paper.note.strip(), width, STYLE, align="left")], STYLE)]
    pieces += [gap_piece(), *row_pieces([_section("考勤积分（按积分细则生成）", width)], STYLE), *row_pieces(body, STYLE, heading)]
    if paper.corrections:
        rows = [_section(paper.corrections_heading, width)]
        rows += [spanning_row(f"{index}. {text}", width, STYLE, align="left") for index, text in enumerate(paper.corrections, 1)]
        pieces += [gap_piece(), *row_pieces(rows, STYLE)]
    legend = [line for index, text in enumerate(paper.legend)
              for line in wrap_text(("说明：" if index == 0 else "　　　") + text + "。", width, 9.5)]
    pieces += [gap_piece(2 * mm), text_piece(legend), signature_piece(("记录人签字：", "支部书记签字："))]
    return pieces


def render_meeting_record(paper: MeetingRecordPaper, invariant: bool = False) -> bytes:
    """会议记录, A4 portrait: the meeting, attendance by status, the points it produced, corrections."""
    title = f"{paper.branch}{paper.title}会议记录"
    return render_documents([(record_pieces(paper), title)], title, invariant)
