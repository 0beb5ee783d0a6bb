"""Charts on paper: drawn with reportlab's own vector drawing (pdfgen), the bundled font embedded.

`draw_chart` draws a chart (app.reports.chart_data) on a page from the shared layout
(app.reports.chart_layout), so paper shows exactly what the screen shows: on the annual
summary, the notice's chart page, the township report. `render_chart_set` prints a whole set,
two charts a page, a long chart split across pages on one scale. Legible in black and white:
hatched bars, dashed lines with markers, figures on bars.

The bars of one style are filled as one path and hatched through it as a clip, so a chart of
300 branches costs a few hundred path operations, not one line per hatch stroke.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.reports.chart_data import Chart, ChartSet
from app.reports.chart_layout import HATCH_INK, LINE_STYLES, STYLES, Box, Layout, hatch_segments, lay_out, marker_radius, stroke_width
from app.reports.layout import A4_PORTRAIT, BLACK, FONT, FONT_BOLD, MUTED, PageGeometry, draw_page_number, ensure_fonts, new_canvas
from app.reports.text import date_text

GEOMETRY = A4_PORTRAIT
TEXT_SIZE = 9.0
ROW_PITCH = 15.0  # points per category of a horizontal chart on paper
CHART_FRAME = 24 * mm  # title, legend, value axis and note around a horizontal chart's rows
GRID_INK = colors.Color(0.78, 0.78, 0.78)
HATCH_SPACING = 3.0
HATCH_TILE = 300.0  # points, a multiple of the spacing so that tiles join
EMPTY = "（本期没有数据）"
FOOT = 12 * mm  # kept free above the bottom margin for the issuer and the page number
RULES = {"axis": (BLACK, 0.8, ()), "grid": (GRID_INK, 0.4, ()), "guide": (MUTED, 0.7, (3, 2))}


def measure(text: str, size: float) -> float:
    return stringWidth(text, FONT, size)


def draw_chart(canvas, chart: Chart, x: float, top: float, width: float, height: float, size: float = TEXT_SIZE) -> None:
    """Draw the chart on `canvas` with its top left corner at (x, top) in page coordinates."""
    ensure_fonts()
    layout = lay_out(chart, width, height, measure, size)
    canvas.saveState()
    try:
        _draw_layout(_Page(canvas, x, top), layout, size)
        if chart.is_empty:
            canvas.setFont(FONT, size * 1.2)
            canvas.setFillColor(MUTED)
            canvas.drawCentredString(x + width / 2, top - height / 2, EMPTY)
    finally:
        canvas.restoreState()


class _Page:
    """The canvas with the layout's coordinates (top left origin, y down) turned into the page's."""

    def __init__(self, canvas, x: float, top: float) -> None:
        self.canvas, self.x0, self.top = canvas, x, top

    def at(self, x: float, y: float) -> tuple[float, float]:
        return self.x0 + x, self.top - y


def _draw_layout(page: _Page, layout: Layout, size: float) -> None:
    canvas = page.canvas
    for kind, (ink, width, dash) in RULES.items():
        rules = [r for r in layout.rules if r.kind == kind]
        if rules:
            canvas.setStrokeColor(ink)
            canvas.setLineWidth(width)
            canvas.setDash(list(dash) or [])
            path = canvas.beginPath()
            for rule in rules:
                path.moveTo(*page.at(rule.x1, rule.y1))
                path.lineTo(*page.at(rule.x2, rule.y2))
            canvas.drawPath(path, stroke=1, fill=0)
    canvas.setDash([])
    _draw_boxes(page, layout.boxes)
    for line in layout.lines:
        _draw_line(page, line.points, line.style, size)
    for key in layout.keys:
        if key.is_line:
            middle = key.y + key.size / 2
            _draw_line(page, [(key.x, middle), (key.x + key.size * 1.8, middle)], key.style, size, [(key.x + key.size * 0.9, middle)])
        else:
            _draw_boxes(page, [Box(key.x, key.y, key.size * 1.8, key.size, key.style, "")])
    _draw_labels(page, layout)


def _draw_boxes(page: _Page, boxes) -> None:
    """Each style's bars filled and outlined as one path, then hatched through it as a clip."""
    canvas = page.canvas
    by_style: dict[int, list[Box]] = {}
    for box in boxes:
        by_style.setdefault(box.style, []).append(box)
    for style, group in by_style.items():
        fill, hatch = STYLES[style]
        path = canvas.beginPath()
        for box in group:
            x, y = page.at(box.x, box.y + box.h)
            path.rect(x, y, box.w, box.h)
        canvas.setFillColor(colors.Color(*fill))
        canvas.setStrokeColor(BLACK)
        canvas.setLineWidth(0.4)
        canvas.drawPath(path, stroke=1, fill=1)
        if hatch:
            _hatch(page, path, group, hatch)


def _hatch(page: _Page, clip, group: list[Box], hatch: str) -> None:
    """The hatch of one style's bars: a form drawn once a document, shown through their outline."""
    canvas = page.canvas
    left, bottom = page.at(min(b.x for b in group), max(b.y + b.h for b in group))
    right, top = page.at(max(b.x + b.w for b in group), min(b.y for b in group))
    name = _hatch_form(canvas, hatch)
    canvas.saveState()
    canvas.clipPath(clip, stroke=0, fill=0)
    for x in _tiles(left, right):
        for y in _tiles(bottom, top):
            canvas.saveState()
            canvas.translate(x, y)
            canvas.doForm(name)
            canvas.restoreState()
    canvas.restoreState()


def _tiles(start: float, stop: float) -> list[float]:
    """Where hatch forms go to cover [start, stop], on a grid so that neighbours' strokes meet."""
    first = start - start % HATCH_TILE
    return [first + HATCH_TILE * k for k in range(int((stop - first) // HATCH_TILE) + 1)]


def _hatch_form(canvas, hatch: str) -> str:
    """A square of hatch strokes, made the first time a document needs it (a form is drawn once and
    shown as often as wanted, so 300 branches cost their outlines, not thousands of strokes)."""
    name = f"chartHatch{ord(hatch)}"
    made = canvas.__dict__.setdefault("_chart_hatch_forms", set())
    if name not in made:
        canvas.beginForm(name, 0, 0, HATCH_TILE, HATCH_TILE)
        canvas.setStrokeColor(colors.Color(*HATCH_INK))
        canvas.setLineWidth(0.35)
        path = canvas.beginPath()
        for x1, y1, x2, y2 in hatch_segments(Box(0, 0, HATCH_TILE, HATCH_TILE, 0, ""), hatch, HATCH_SPACING):
            path.moveTo(x1, HATCH_TILE - y1)
            path.lineTo(x2, HATCH_TILE - y2)
        canvas.drawPath(path, stroke=1, fill=0)
        canvas.endForm()
        made.add(name)
    return name


def _draw_line(page: _Page, points, style: int, size: float, markers=None) -> None:
    """The stroke's width and the markers' size are the layout's (the figures keep clear of both)."""
    canvas = page.canvas
    ink, dash, marker = LINE_STYLES[style]
    ink = colors.Color(*ink)
    canvas.setStrokeColor(ink)
    canvas.setLineWidth(stroke_width(size))
    canvas.setDash(list(dash) or [])
    if len(points) > 1:
        path = canvas.beginPath()
        path.moveTo(*page.at(*points[0]))
        for point in points[1:]:
            path.lineTo(*page.at(*point))
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.setDash([])
    for x, y in points if markers is None else markers:
        _marker(canvas, marker, *page.at(x, y), marker_radius(size), ink)


def _marker(canvas, kind: str, x: float, y: float, r: float, ink) -> None:
    canvas.setLineWidth(0.8)
    if kind == "square":
        canvas.setFillColor(ink)
        canvas.rect(x - r, y - r, 2 * r, 2 * r, stroke=1, fill=1)
    elif kind == "triangle":
        canvas.setFillColor(ink)
        path = canvas.beginPath()
        path.moveTo(x - r, y - r)
        path.lineTo(x + r, y - r)
        path.lineTo(x, y + r)
        path.close()
        canvas.drawPath(path, stroke=1, fill=1)
    else:
        canvas.setFillColor(colors.white)
        canvas.circle(x, y, r, stroke=1, fill=1)


def _draw_labels(page: _Page, layout: Layout) -> None:
    canvas = page.canvas
    draw = {"start": canvas.drawString, "middle": canvas.drawCentredString, "end": canvas.drawRightString}
    for label in layout.labels:
        canvas.setFont(FONT_BOLD if label.bold else FONT, label.size)
        canvas.setFillColor(MUTED if label.muted else BLACK)
        draw[label.anchor](*page.at(label.x, label.y), label.text)


def chart_height(chart: Chart, usual: float) -> float:
    """A horizontal chart takes a row a category (its title, legend and axis on top); others the usual height."""
    if not chart.horizontal:
        return usual
    return CHART_FRAME + ROW_PITCH * max(len(chart.categories), 4)


def page_parts(chart: Chart, room: float) -> list[Chart]:
    """A horizontal chart too long for `room` points, cut into parts on one value axis."""
    if not chart.horizontal:
        return [chart]
    per_part = max(1, int((room - CHART_FRAME) // ROW_PITCH))
    if len(chart.categories) <= per_part:
        return [chart]
    return [chart.part(start, start + per_part) for start in range(0, len(chart.categories), per_part)]


def render_chart_set(
    charts: ChartSet, issue_line: str = "", invariant: bool = False, geometry: PageGeometry = GEOMETRY,
    side_by_side: bool = False, numbered: bool = True,
) -> bytes:
    """The set's title, then its charts: two to a page, one above the other (a long one on pages
    of its own), or `side_by_side` on a landscape sheet. An appendix to another paper (the
    notice's chart page) is not `numbered`: its pages follow that paper's own numbering."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, geometry, charts.title, invariant)
    pages = _pages_side_by_side(charts, geometry) if side_by_side else pack_pages(charts, geometry)
    for number, page in enumerate(pages, start=1):
        draw_set_page(canvas, charts, page, number == 1, issue_line, geometry, side_by_side)
        if numbered:
            draw_page_number(canvas, geometry, number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pack_pages(charts: ChartSet, g: PageGeometry) -> list[list[tuple[Chart, float]]]:
    """Charts with their heights, packed into pages (the first page loses room to the title);
    a horizontal chart fills what is left of a page and goes on over the next ones."""
    room_first, room = g.frame_height - 24 * mm - FOOT, g.frame_height - 8 * mm - FOOT
    half = (room_first - 6 * mm) / 2
    pages: list[list[tuple[Chart, float]]] = [[]]
    left = room_first
    for chart in charts.charts:
        pieces = _rows_pieces(chart, left, room) if chart.horizontal else [(chart, half)]
        for piece, height in pieces:
            if height > left + 0.01 and pages[-1]:
                pages.append([])
                left = room
            pages[-1].append((piece, height))
            left -= height + 6 * mm
    return pages


def _rows_pieces(chart: Chart, left: float, room: float) -> list[tuple[Chart, float]]:
    """A horizontal chart cut to the room left on this page (unless too little), then a page a piece."""
    if not chart.categories:  # nothing to list: the frame with its “no figures” line
        return [(chart, min(chart_height(chart, 0), room))]
    whole = chart.part(0, len(chart.categories))  # every piece keeps the whole chart's value axis
    pieces, start, count = [], 0, len(chart.categories)
    space = left if left - CHART_FRAME >= ROW_PITCH * min(count, 8) else room
    while start < count:
        rows = max(1, int((space - CHART_FRAME) // ROW_PITCH))
        piece = whole.part(start, start + rows)
        pieces.append((piece, min(chart_height(piece, 0), space)))
        start += rows
        space = room
    return pieces


def _pages_side_by_side(charts: ChartSet, g: PageGeometry) -> list[list[tuple[Chart, float]]]:
    height = g.frame_height - 24 * mm - FOOT
    items = [(chart, height) for chart in charts.charts]
    return [items[i:i + 2] for i in range(0, len(items), 2)] or [[]]


def draw_set_page(canvas, charts: ChartSet, page, first: bool, issue_line: str, g: PageGeometry, side_by_side: bool = False) -> None:
    """One page of a chart set: the title (on the first page), the charts, the issuer at the foot."""
    y = g.height - g.top
    if first:
        canvas.setFillColor(BLACK)
        canvas.setFont(FONT_BOLD, 17)
        y -= 17
        canvas.drawCentredString(g.width / 2, y, charts.title)
        canvas.setFont(FONT, 11)
        y -= 16
        canvas.drawCentredString(g.width / 2, y, charts.subtitle)
        y -= 8 * mm
    else:
        y -= 4 * mm
    width = (g.frame_width - 8 * mm) / 2 if side_by_side else g.frame_width
    for index, (chart, height) in enumerate(page):
        if side_by_side:
            draw_chart(canvas, chart, g.left + index * (width + 8 * mm), y, width, height)
        else:
            draw_chart(canvas, chart, g.left, y, width, height)
            y -= height + 6 * mm
    if issue_line:
        canvas.setFont(FONT, 9)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(g.left + g.frame_width, g.bottom + 8 * mm, issue_line)


def render_chart_sheet(charts: ChartSet, width: float = 180 * mm, usual: float = 95 * mm, invariant: bool = False) -> bytes:
    """One page exactly as large as the set's charts stacked under its title (for a picture file)."""
    ensure_fonts()
    heights = [chart_height(chart, usual) for chart in charts.charts]
    head, gap, margin = 16 * mm, 6 * mm, 6 * mm
    page_height = margin * 2 + head + sum(heights) + gap * max(len(heights) - 1, 0)
    buffer = io.BytesIO()
    geometry = PageGeometry(width + 2 * margin, page_height, margin, margin, margin, margin)
    canvas = new_canvas(buffer, geometry, charts.title, invariant)
    canvas.setFillColor(colors.white)
    canvas.rect(0, 0, geometry.width, geometry.height, stroke=0, fill=1)  # no transparency in the picture
    y = page_height - margin
    canvas.setFillColor(BLACK)
    canvas.setFont(FONT_BOLD, 14)
    canvas.drawCentredString(geometry.width / 2, y - 14, charts.title)
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(geometry.width / 2, y - 29, charts.subtitle)
    y -= head
    for chart, height in zip(charts.charts, heights):
        draw_chart(canvas, chart, margin, y, width, height)
        y -= height + gap
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def issue_text(issuer: str, day) -> str:
    return f"{issuer}　{date_text(day)}"


__all__ = ["FOOT", "draw_chart", "render_chart_set", "render_chart_sheet", "draw_set_page", "chart_height", "page_parts", "measure", "issue_text"]
