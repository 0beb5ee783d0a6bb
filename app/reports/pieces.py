"""A4 portrait forms laid out as a column of measured pieces, then paged.

Title lines, form rows, table rows and signature lines are measured first; a table that runs
onto another page repeats its heading row there under a running title '…（续）', and pages carry
'第 X 页 共 Y 页' when there are more than one. The sign-in sheet, the meeting record, the
practice papers and the honour shop's forms are all built this way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable, Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.reports.grid import PORTRAIT_LABEL_WIDTH, PORTRAIT_TABLE, GridStyle, MeasuredRow, draw_rows, draw_signature_lines
from app.reports.layout import A4_PORTRAIT, BLACK, FONT, FONT_BOLD, MUTED, draw_page_number, new_canvas

GEOMETRY = A4_PORTRAIT
STYLE = PORTRAIT_TABLE
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


def gap_piece(height: float = GAP) -> Piece:
    return Piece(height)


def row_pieces(rows: Sequence[MeasuredRow], style: GridStyle, heading: MeasuredRow | None = None) -> list[Piece]:
    """One piece a row; the heading row goes with the first row (never alone at a page's foot)."""
    head = None if heading is None else Piece(heading.height, lambda c, x, y, r=heading: draw_rows(c, x, y, [r], style))
    pieces = [Piece(row.height, lambda c, x, y, r=row: draw_rows(c, x, y, [r], style), head) for row in rows]
    if head is not None and rows:
        pieces[0] = Piece(head.height + rows[0].height, lambda c, x, y, r=(heading, rows[0]): draw_rows(c, x, y, r, style))
    return pieces


def title_pieces(text: str, subtitle: str) -> list[Piece]:
    def draw(canvas: Canvas, x: float, y: float) -> None:
        canvas.setFillColor(BLACK)
        canvas.setFont(FONT_BOLD, 20)
        canvas.drawCentredString(GEOMETRY.width / 2, y - 20, text, charSpace=2)
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(GEOMETRY.width / 2, y - 40, subtitle)

    return [Piece(46, draw)]


def text_piece(lines: Sequence[str], size: float = 9.5, color=MUTED) -> Piece:
    def draw(canvas: Canvas, x: float, y: float) -> None:
        canvas.setFont(FONT, size)
        canvas.setFillColor(color)
        for index, line in enumerate(lines):
            canvas.drawString(x, y - (index + 1) * size * 1.45, line)

    return Piece(len(lines) * size * 1.45 + 2, draw)


def signature_piece(labels: tuple[str, ...]) -> Piece:
    return Piece(22 * mm, lambda c, x, y: draw_signature_lines(c, x, y, GEOMETRY.frame_width, 10.5, 18 * mm, labels))


def paginate(pieces: Sequence[Piece]) -> list[list[tuple[Piece, float]]]:
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


def render_documents(documents: Sequence[tuple[Sequence[Piece], str]], title: str, invariant: bool, empty: str = "") -> bytes:
    """Several paged forms (pieces, running title) in one PDF, each starting on a new page with
    its own page numbers; with none, one page saying `empty`."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, GEOMETRY, title, invariant)
    for pieces, running in documents:
        pages = paginate(pieces)
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
    if not documents:
        canvas.setFont(FONT, 12)
        canvas.drawCentredString(GEOMETRY.width / 2, GEOMETRY.height / 2, empty)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
