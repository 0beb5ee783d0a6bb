"""Charts on paper: reportlab's own graphics (vector), the bundled font embedded.

`chart_drawing` turns a chart (app.reports.chart_data) into a reportlab Drawing from the
shared layout (app.reports.chart_layout), so paper shows exactly what the screen shows.
`draw_chart` places one on a page being drawn (the annual summary, the notice's chart page);
`render_chart_set` prints a whole set, two charts a page, a long chart split across pages on
one scale. Legible in black and white: hatched bars, dashed lines with markers, figures on bars.
"""

from __future__ import annotations

import io

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.reports.chart_data import Chart, ChartSet
from app.reports.chart_layout import HATCH_INK, LINE_STYLES, STYLES, Box, Layout, LegendKey, hatch_segments, lay_out
from app.reports.layout import A4_PORTRAIT, BLACK, FONT, FONT_BOLD, MUTED, PageGeometry, draw_page_number, ensure_fonts, new_canvas
from app.reports.text import date_text

GEOMETRY = A4_PORTRAIT
TEXT_SIZE = 9.0
ROW_PITCH = 15.0  # points per category of a horizontal chart on paper
CHART_FRAME = 24 * mm  # title, legend, value axis and note around a horizontal chart's rows
GRID_INK = colors.Color(0.78, 0.78, 0.78)


def measure(text: str, size: float) -> float:
    return stringWidth(text, FONT, size)


def chart_drawing(chart: Chart, width: float, height: float, size: float = TEXT_SIZE) -> Drawing:
    """The chart as a Drawing of `width` × `height` points."""
    ensure_fonts()
    layout = lay_out(chart, width, height, measure, size)
    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=size)  # no Helvetica in the PDF
    _draw_layout(drawing, layout)
    return drawing


def _draw_layout(drawing: Drawing, layout: Layout) -> None:
    h = layout.height
    for rule in layout.rules:
        ink, width, dash = {"axis": (BLACK, 0.8, None), "grid": (GRID_INK, 0.4, None), "guide": (MUTED, 0.7, [3, 2])}[rule.kind]
        drawing.add(Line(rule.x1, h - rule.y1, rule.x2, h - rule.y2, strokeColor=ink, strokeWidth=width, strokeDashArray=dash))
    for box in layout.boxes:
        fill, hatch = STYLES[box.style]
        drawing.add(Rect(box.x, h - box.y - box.h, box.w, box.h, fillColor=colors.Color(*fill), strokeColor=BLACK, strokeWidth=0.4))
        for x1, y1, x2, y2 in hatch_segments(box, hatch, 3.0):
            drawing.add(Line(x1, h - y1, x2, h - y2, strokeColor=colors.Color(*HATCH_INK), strokeWidth=0.35))
    for line in layout.lines:
        ink, dash, marker = LINE_STYLES[line.style]
        points = [value for x, y in line.points for value in (x, h - y)]
        if len(line.points) > 1:
            drawing.add(PolyLine(points, strokeColor=colors.Color(*ink), strokeWidth=1.3, strokeDashArray=list(dash) or None))
        for x, y in line.points:
            drawing.add(_marker(marker, x, h - y, 2.2, colors.Color(*ink)))
    for key in layout.keys:
        _legend_key(drawing, key, h)
    for label in layout.labels:
        drawing.add(String(
            label.x, h - label.y, label.text, fontName=FONT_BOLD if label.bold else FONT, fontSize=label.size,
            fillColor=MUTED if label.muted else BLACK, textAnchor=label.anchor,
        ))


def _marker(kind: str, x: float, y: float, r: float, ink):
    if kind == "square":
        return Rect(x - r, y - r, 2 * r, 2 * r, fillColor=ink, strokeColor=ink, strokeWidth=0.5)
    if kind == "triangle":
        return Polygon([x - r, y - r, x + r, y - r, x, y + r], fillColor=ink, strokeColor=ink, strokeWidth=0.5)
    return Circle(x, y, r, fillColor=colors.white, strokeColor=ink, strokeWidth=1)


def _legend_key(drawing: Drawing, key: LegendKey, h: float) -> None:
    top = h - key.y
    if key.is_line:
        ink, dash, marker = LINE_STYLES[key.style]
        ink = colors.Color(*ink)
        drawing.add(Line(key.x, top - key.size / 2, key.x + key.size * 1.8, top - key.size / 2, strokeColor=ink,
                         strokeWidth=1.3, strokeDashArray=list(dash) or None))
        drawing.add(_marker(marker, key.x + key.size * 0.9, top - key.size / 2, 2.2, ink))
        return
    fill, hatch = STYLES[key.style]
    drawing.add(Rect(key.x, top - key.size, key.size * 1.8, key.size, fillColor=colors.Color(*fill), strokeColor=BLACK, strokeWidth=0.4))
    sample = Box(key.x, key.y, key.size * 1.8, key.size, key.style, "")
    for x1, y1, x2, y2 in hatch_segments(sample, hatch, 3.0):
        drawing.add(Line(x1, h - y1, x2, h - y2, strokeColor=colors.Color(*HATCH_INK), strokeWidth=0.35))


def draw_chart(canvas, chart: Chart, x: float, top: float, width: float, height: float, size: float = TEXT_SIZE) -> None:
    """Draw the chart on `canvas` with its top left corner at (x, top) in page coordinates."""
    renderPDF.draw(chart_drawing(chart, width, height, size), canvas, x, top - height)


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


def render_chart_set(charts: ChartSet, issue_line: str = "", invariant: bool = False, geometry: PageGeometry = GEOMETRY) -> bytes:
    """A4 portrait: the set's title, then its charts, two to a page (a long one on pages of its own)."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, geometry, charts.title, invariant)
    pages = _pages(charts, geometry)
    for number, page in enumerate(pages, start=1):
        _draw_page(canvas, charts, page, number == 1, issue_line, geometry)
        draw_page_number(canvas, geometry, number, len(pages))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pages(charts: ChartSet, g: PageGeometry) -> list[list[tuple[Chart, float]]]:
    """Charts with their heights, packed into pages (the first page loses room to the title)."""
    room_first, room = g.frame_height - 24 * mm, g.frame_height - 8 * mm
    half = (room_first - 6 * mm) / 2
    pages: list[list[tuple[Chart, float]]] = [[]]
    left = room_first
    for chart in charts.charts:
        for part in page_parts(chart, room):
            height = min(chart_height(part, half), room)
            if height > left and pages[-1]:
                pages.append([])
                left = room
            pages[-1].append((part, height))
            left -= height + 6 * mm
    return pages


def _draw_page(canvas, charts: ChartSet, page, first: bool, issue_line: str, g: PageGeometry) -> None:
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
    for chart, height in page:
        draw_chart(canvas, chart, g.left, y, g.frame_width, height)
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


__all__ = ["chart_drawing", "draw_chart", "render_chart_set", "render_chart_sheet", "chart_height", "page_parts", "measure", "issue_text"]
