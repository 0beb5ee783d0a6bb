"""Bordered tables drawn straight onto a canvas: measure first, then draw.

The scorecards and the annual summary are forms with a fixed shape, printed by the thousand
for a township; drawing their tables directly (rather than through platypus) keeps them
within a small factor of reportlab's bare speed. Cells wrap with `wrap_text`, so long names
and notes never run past a border.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.reports.layout import BLACK, FONT, FONT_BOLD, GRID, LABEL_FILL
from app.reports.text import fit_size, line_width, text_width, wrap_text


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class GridStyle:
    size: float
    leading: float
    pad_x: float
    pad_y: float
    min_height: float
    line_width: float = 0.6
    header_fill: object = LABEL_FILL


# The house table for A4 portrait paper (the annual summary, the sign-in sheet, the meeting record).
PORTRAIT_TABLE = GridStyle(size=10.5, leading=13.5, pad_x=1.6 * mm, pad_y=1.2 * mm, min_height=7 * mm)
PORTRAIT_LABEL_WIDTH = 22 * mm


@dataclass(frozen=True)
class Cell:
    """A cell with its own look; plain strings are ordinary cells."""

    text: str
    bold: bool = False
    align: str | None = None
    fill: object = None
    color: object = None
    whole: bool = False  # a name, a date, a heading: smaller type on one line rather than broken mid-word
    size: float | None = None  # the type size when not the table's (set when measured)


@dataclass(frozen=True)
class MeasuredRow:
    cells: tuple[tuple[Cell, tuple[str, ...], float, str], ...]  # cell, lines, width, align
    height: float


# How far a `whole` cell's type may shrink to stay on one line; past it the text wraps as any other.
SMALLEST_WHOLE = 0.75


def _cell(value) -> Cell:
    return value if isinstance(value, Cell) else Cell(str(value))


def _fitted(cell: Cell, room: float, style: GridStyle) -> Cell:
    """A `whole` cell with the type size at which it fits on one line in `room`; one that does not fit
    even at SMALLEST_WHOLE keeps the table's size and wraps (smaller type on two lines helps no one)."""
    if not cell.whole or "\n" in cell.text:
        return cell
    size = fit_size(cell.text, room - 0.01, style.size, style.size * SMALLEST_WHOLE, cell.bold)  # a hair inside: rounding wraps nothing
    if size == style.size or text_width(cell.text, size, cell.bold) > room:
        return cell
    return replace(cell, size=size)


def column_for(title: str, width: float, align: str, style: GridStyle, cells: Sequence[str] = (), most: float | None = None) -> Column:
    """A column `width` wide, or wider when its heading (bold) or one of `cells` needs more to stay on
    one line, up to `most` (past it a `whole` cell's type shrinks)."""
    needed = max([text_width(title, style.size, True), *(text_width(text, style.size) for text in cells)]) + 2 * style.pad_x + 1
    return Column(title, max(width, needed if most is None else min(needed, most)), align)


def measure_row(values: Sequence, widths: Sequence[float], aligns: Sequence[str], style: GridStyle) -> MeasuredRow:
    """Wrap every cell to its width; the row is as tall as its tallest cell."""
    cells = []
    lines_needed = 1
    for value, width, align in zip(values, widths, aligns):
        cell = _fitted(_cell(value), width - 2 * style.pad_x, style)
        lines = wrap_text(cell.text, width - 2 * style.pad_x, cell.size or style.size, cell.bold)
        lines_needed = max(lines_needed, len(lines))
        cells.append((cell, lines, width, cell.align or align))
    height = max(style.min_height, lines_needed * style.leading + 2 * style.pad_y)
    return MeasuredRow(tuple(cells), height)


def measure_table(columns: Sequence[Column], rows: Sequence[Sequence], style: GridStyle) -> list[MeasuredRow]:
    widths = [c.width for c in columns]
    aligns = [c.align for c in columns]
    return [measure_row(row, widths, aligns, style) for row in rows]


def header_row(columns: Sequence[Column], style: GridStyle) -> MeasuredRow:
    values = [Cell(c.title, bold=True, align="center", fill=style.header_fill, whole=True) for c in columns]
    return measure_row(values, [c.width for c in columns], ["center"] * len(columns), style)


def spanning_row(text: str, total_width: float, style: GridStyle, align: str = "center", **look) -> MeasuredRow:
    return measure_row([Cell(text, align=align, **look)], [total_width], [align], style)


def draw_rows(canvas: Canvas, x: float, y_top: float, rows: Sequence[MeasuredRow], style: GridStyle) -> float:
    """Draw rows with full borders from `y_top` down; returns the y of the bottom border.

    Speed matters here (a township prints thousands of cards): all the cells' text goes into
    one text object, font and colour are set only when they change, centred and right-aligned
    lines are placed from cached widths, and all rules are stroked in one call.
    """
    segments = []
    fills = []
    y = y_top
    size, leading = style.size, style.leading
    text = canvas.beginText()
    font = color = None
    for row in rows:
        bottom = y - row.height
        cx = x
        for cell, lines, width, align in row.cells:
            if cell.fill is not None:
                fills.append((cell.fill, cx, bottom, width, row.height))
            cell_size = cell.size or size
            cell_font = (FONT_BOLD if cell.bold else FONT, cell_size)
            if cell_font != font:
                text.setFont(*cell_font)
                font = cell_font
            cell_color = cell.color or GRID
            if cell_color is not color:
                text.setFillColor(cell_color)
                color = cell_color
            block_top = y - (row.height - len(lines) * leading) / 2
            for index, line in enumerate(lines):
                if not line:
                    continue
                baseline = block_top - index * leading - leading / 2 - cell_size * 0.36
                if align == "center":
                    left = cx + (width - line_width(line, cell_size, cell.bold)) / 2
                elif align == "right":
                    left = cx + width - style.pad_x - line_width(line, cell_size, cell.bold)
                else:
                    left = cx + style.pad_x
                text.setTextOrigin(left, baseline)
                text.textOut(line)
            segments.append((cx, y, cx, bottom))
            cx += width
        segments.append((cx, y, cx, bottom))
        segments.append((x, y, cx, y))
        segments.append((x, bottom, cx, bottom))
        y = bottom
    fill = None
    for color_, left, bottom, width, height in fills:
        if color_ is not fill:
            canvas.setFillColor(color_)
            fill = color_
        canvas.rect(left, bottom, width, height, stroke=0, fill=1)
    canvas.drawText(text)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(style.line_width)
    canvas.lines(segments)
    canvas.setFillColor(GRID)
    return y


def label_value_rows(
    rows: Sequence[Sequence[tuple[str, object]]], width: float, style: GridStyle, label_width: float
) -> list[MeasuredRow]:
    """Form rows of (label, value) pairs: shaded bold labels, values sharing the rest evenly."""
    measured = []
    for pairs in rows:
        value_width = (width - label_width * len(pairs)) / len(pairs)
        cells, widths = [], []
        for label, value in pairs:
            cells += [Cell(label, bold=True, fill=LABEL_FILL, align="center"), value]
            widths += [label_width, value_width]
        measured.append(measure_row(cells, widths, ["center", "left"] * len(pairs), style))
    return measured


def draw_signature_lines(
    canvas: Canvas,
    x: float,
    y_top: float,
    width: float,
    size: float,
    height: float,
    labels: Sequence[str] = ("党员本人签字：", "支部书记签字："),
) -> None:
    """Side by side: a label, a rule to sign on, and 年 月 日 below it."""
    baseline = y_top - height * 0.55
    share = width / len(labels)
    canvas.setFillColor(BLACK)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.5)
    canvas.setFont(FONT, size)
    for index, label in enumerate(labels):
        left = x + index * share
        start = left + text_width(label, size) + 1 * mm
        canvas.drawString(left, baseline, label)
        canvas.line(start, baseline - 1.2, left + share - 8 * mm, baseline - 1.2)
        canvas.drawString(start + 6 * mm, baseline - height * 0.4, "年　　月　　日")
