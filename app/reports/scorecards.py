"""The monthly scorecard (积分卡): one card per A4 page, or two per page to cut in half.

Layout is planned first (which rows of which card go into which slot of which page), then
drawn, so every page can say '第 X 页 共 Y 页'. A card whose entries do not fit its slot
continues in the next slot under the heading '（续）', with the column headings repeated;
the totals and the signature lines always come after the last entry.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.reports.data import (
    ADJUSTED_LEGEND,
    ADJUSTED_MARK,
    NO_GRADE_NOTE,
    VETO_LEGEND,
    Scorecard,
    ScorecardBatch,
    year_to_date_note,
    year_to_date_title,
)
from app.reports.grid import (
    Cell,
    Column,
    GridStyle,
    MeasuredRow,
    draw_rows,
    draw_signature_lines,
    header_row,
    label_value_rows,
    measure_row,
    measure_table,
    spanning_row,
)
from app.reports.layout import BLACK, FONT, FONT_BOLD, LABEL_FILL, MUTED, RED, PageGeometry, draw_page_number, new_canvas
from app.reports.progress import Progress, report
from app.reports.text import date_text, points_text, short_date, signed_points, wrap_text

TITLE = "党员积分卡"
CARD_PAGE = PageGeometry(*A4, left=18 * mm, right=18 * mm, top=15 * mm, bottom=15 * mm)
LABEL_WIDTH = 17 * mm


@dataclass(frozen=True)
class CardLook:
    """Type sizes and spacing for a full-page card or a half-page card."""

    title: float
    subtitle: float
    grid: GridStyle
    note: float
    gap: float
    signature_height: float


FULL_PAGE = CardLook(
    title=22, subtitle=12, note=9.5, gap=4 * mm, signature_height=18 * mm,
    grid=GridStyle(size=10.5, leading=13.5, pad_x=1.6 * mm, pad_y=1.4 * mm, min_height=7.5 * mm),
)
HALF_PAGE = CardLook(
    title=16, subtitle=10, note=8, gap=2.2 * mm, signature_height=11 * mm,
    grid=GridStyle(size=9, leading=11, pad_x=1.2 * mm, pad_y=0.9 * mm, min_height=5.6 * mm),
)


@dataclass(frozen=True)
class Slot:
    """Where on the page a card is drawn: its left, top and usable width and height."""

    x: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class CardBlocks:
    """A card measured once: its heading grid, entry rows, totals and notes, ready to draw."""

    card: Scorecard
    info: tuple[MeasuredRow, ...]
    entries: tuple[MeasuredRow, ...]
    summary: tuple[MeasuredRow, ...]
    notes: tuple[tuple[tuple[str, ...], object], ...]  # wrapped lines and their colour


@dataclass(frozen=True)
class Piece:
    """A slot's share of a card: some of its entry rows, and whether the totals come here."""

    blocks: CardBlocks
    rows: tuple[MeasuredRow, ...]
    continued: bool
    with_tail: bool

    @property
    def card(self) -> Scorecard:
        return self.blocks.card


def _slots(geometry: PageGeometry, per_page: int) -> list[Slot]:
    width = geometry.frame_width
    if per_page == 1:
        return [Slot(geometry.left, geometry.height - geometry.top, width, geometry.frame_height - 6 * mm)]
    half = geometry.height / 2
    inner = 9 * mm
    return [
        Slot(geometry.left, geometry.height - inner, width, half - 2 * inner),
        Slot(geometry.left, half - inner, width, half - 2 * inner),
    ]


def _entry_columns(width: float) -> list[Column]:
    fixed = [("序号", 12 * mm, "center"), ("日期", 23 * mm, "center"), ("积分项目", 0.0, "left"),
             ("类别", 17 * mm, "center"), ("分值", 15 * mm, "center"), ("备注", 0.0, "left")]
    used = sum(w for _, w, _ in fixed if w > 1)
    item_width = (width - used) * 0.48
    rest = width - used - item_width
    columns = []
    for title, w, align in fixed:
        if title == "积分项目":
            w = item_width
        elif title == "备注":
            w = rest
        columns.append(Column(title, w, align))
    return columns


def _info_rows(card: Scorecard, width: float, look: CardLook) -> list[MeasuredRow]:
    rows = [
        [("支部", card.branch), ("党小组", card.group_name or "—"), ("月份", card.month.label)],
        [("姓名", Cell(card.member_name, bold=True)), ("类别", ADJUSTED_MARK if card.adjusted else card.member_class),
         ("身份", card.membership)],
    ]
    return label_value_rows(rows, width, look.grid, LABEL_WIDTH)


def _entry_rows(card: Scorecard, columns: list[Column], look: CardLook) -> list[MeasuredRow]:
    if not card.entries:
        return [spanning_row("本月没有已审核的积分记录", sum(c.width for c in columns), look.grid, color=MUTED)]
    rows = []
    for number, entry in enumerate(card.entries, start=1):
        note = entry.note
        if entry.reversed_later:
            note = f"{note}（已冲正）" if note else "（已冲正）"
        points_cell = Cell(signed_points(entry.points), color=RED if entry.points < 0 else None)
        rows.append([str(number), short_date(entry.occurred_on), entry.item_name, entry.category, points_cell, note])
    return measure_table(columns, rows, look.grid)


def _summary_rows(card: Scorecard, width: float, look: CardLook) -> list[MeasuredRow]:
    """Two groups under their own headings: the month (by category, total, rank) and the year to date.

    No grade: the rule set grades the whole year, on the annual summary and the star notice.
    """
    month_labels = [name for name, _ in card.category_totals] + ["本月合计", "本月排名"]
    year_labels = ["累计积分", "累计排名"]
    values = [signed_points(value) for _, value in card.category_totals] + [
        points_text(card.month_total),
        f"第{card.month_rank}名",
        points_text(card.year_to_date),
        f"第{card.year_rank}名",
    ]
    count = len(month_labels) + len(year_labels)
    widths = [width / count] * count
    month_span, year_span = sum(widths[:len(month_labels)]), sum(widths[len(month_labels):])
    aligns = ["center"] * count
    groups = [
        Cell("本月积分", bold=True, fill=LABEL_FILL, align="center"),
        Cell(year_to_date_title(card.month), bold=True, fill=LABEL_FILL, align="center"),
    ]
    header = [Cell(text, bold=True, fill=LABEL_FILL, align="center") for text in month_labels + year_labels]
    totals_from = len(card.category_totals)
    value_cells = [Cell(text, align="center", bold=index >= totals_from) for index, text in enumerate(values)]
    return [
        measure_row(groups, [month_span, year_span], ["center", "center"], look.grid),
        measure_row(header, widths, aligns, look.grid),
        measure_row(value_cells, widths, aligns, look.grid),
    ]


def _notes(card: Scorecard) -> list[tuple[str, object]]:
    notes = [
        (f"本支部本月共 {card.ranked_count} 名党员参加排名；{year_to_date_note(card.month)}。", MUTED),
        (f"{NO_GRADE_NOTE}。", MUTED),
    ]
    if card.adjusted:
        notes.append((f"{ADJUSTED_LEGEND}。", MUTED))
    if card.pending_count:
        notes.append((f"另有 {card.pending_count} 条记录正在审核，审核通过后计入积分。", MUTED))
    if card.vetoed:
        notes.append((f"{VETO_LEGEND}。", RED))
    return notes


class _CardPlanner:
    """Measures one look's blocks for a card and splits its rows over slots."""

    def __init__(self, look: CardLook, slot: Slot) -> None:
        self.look = look
        self.width = slot.width
        self.height = slot.height
        self.columns = _entry_columns(slot.width)
        self.table_header = header_row(self.columns, look.grid)

    def measure(self, card: Scorecard) -> CardBlocks:
        notes = tuple((wrap_text(text, self.width, self.look.note), color) for text, color in _notes(card))
        return CardBlocks(
            card,
            tuple(_info_rows(card, self.width, self.look)),
            tuple(_entry_rows(card, self.columns, self.look)),
            tuple(_summary_rows(card, self.width, self.look)),
            notes,
        )

    def head_height(self, blocks: CardBlocks) -> float:
        info = sum(row.height for row in blocks.info)
        return self.look.title * 1.3 + self.look.subtitle * 1.6 + self.look.gap + info + self.look.gap + self.table_header.height

    def tail_height(self, blocks: CardBlocks) -> float:
        note_lines = sum(len(lines) for lines, _ in blocks.notes)
        summary = sum(row.height for row in blocks.summary)
        return self.look.gap + summary + note_lines * self.look.note * 1.45 + self.look.gap + self.look.signature_height

    def pieces(self, card: Scorecard) -> list[Piece]:
        blocks = self.measure(card)
        rows = blocks.entries
        head, tail = self.head_height(blocks), self.tail_height(blocks)
        room = self.height - head
        pieces: list[Piece] = []
        index = 0
        continued = False
        while True:
            taken: list[MeasuredRow] = []
            used = 0.0
            while index < len(rows) and (used + rows[index].height <= room or not taken and not continued):
                taken.append(rows[index])
                used += rows[index].height
                index += 1
            if index < len(rows):
                pieces.append(Piece(blocks, tuple(taken), continued, False))
                continued = True
                continue
            if used + tail <= room or not taken:
                pieces.append(Piece(blocks, tuple(taken), continued, True))
            else:
                pieces.append(Piece(blocks, tuple(taken), continued, False))
                pieces.append(Piece(blocks, (), True, True))
            return pieces


def _draw_piece(canvas: Canvas, piece: Piece, slot: Slot, planner: _CardPlanner, issue_line: str) -> None:
    look, card = planner.look, piece.card
    x, y = slot.x, slot.top
    center = x + slot.width / 2
    canvas.setFillColor(BLACK)
    canvas.setFont(FONT_BOLD, look.title)
    y -= look.title
    canvas.drawCentredString(center, y, TITLE + ("（续）" if piece.continued else ""), charSpace=look.title * 0.15)
    canvas.setFont(FONT, look.subtitle)
    y -= look.subtitle * 1.6
    canvas.drawCentredString(center, y + look.subtitle * 0.2, f"（{card.month.label}）")
    y -= look.gap
    y = draw_rows(canvas, x, y, piece.blocks.info, look.grid)
    y -= look.gap
    if piece.rows or not piece.with_tail:
        y = draw_rows(canvas, x, y, [planner.table_header, *piece.rows], look.grid)
    if not piece.with_tail:
        canvas.setFont(FONT, look.note)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(x + slot.width, y - look.note * 1.4, "（未完，见续表）")
        return
    y -= look.gap
    y = draw_rows(canvas, x, y, piece.blocks.summary, look.grid)
    canvas.setFont(FONT, look.note)
    for lines, color in piece.blocks.notes:
        canvas.setFillColor(color)
        for line in lines:
            y -= look.note * 1.45
            canvas.drawString(x, y, line)
    draw_signature_lines(canvas, x, y - look.gap, slot.width, look.grid.size, look.signature_height)
    canvas.setFont(FONT, look.note)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(x + slot.width, slot.top - slot.height + look.note * 0.2, issue_line)


def _draw_cut_line(canvas: Canvas, geometry: PageGeometry) -> None:
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 3)
    y = geometry.height / 2
    canvas.line(6 * mm, y, geometry.width - 6 * mm, y)
    canvas.restoreState()


def render_scorecards(
    batch: ScorecardBatch,
    per_page: int = 1,
    invariant: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """All cards of the batch in one PDF: A4 portrait, one card per page or two (cut along the dashes)."""
    if per_page not in (1, 2):
        raise ValueError("per_page must be 1 or 2")
    geometry = CARD_PAGE
    slots = _slots(geometry, per_page)
    planner = _CardPlanner(FULL_PAGE if per_page == 1 else HALF_PAGE, slots[0])
    pieces: list[Piece] = []
    for card in batch.cards:
        pieces.extend(planner.pieces(card))
    pages = [pieces[i:i + per_page] for i in range(0, len(pieces), per_page)] or [[]]
    buffer = io.BytesIO()
    title = f"{batch.branch}{batch.month.label}党员积分卡"
    canvas = new_canvas(buffer, geometry, title, invariant)
    issue_line = f"{batch.issue.issuing_org}　{date_text(batch.issue.issued_on)}"
    cards_done = 0
    for page_number, page in enumerate(pages, start=1):
        for piece, slot in zip(page, slots):
            _draw_piece(canvas, piece, slot, planner, issue_line)
            cards_done += piece.with_tail
        if per_page == 2:
            _draw_cut_line(canvas, geometry)
        draw_page_number(canvas, geometry, page_number, len(pages))
        canvas.showPage()
        report(progress, cards_done, len(batch.cards))
    canvas.save()
    return buffer.getvalue()

