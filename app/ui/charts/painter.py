"""Paint a chart layout with QPainter: bars with their hatches, lines with markers, rules, words.

The same shapes app.reports.charts draws on paper; here only the drawing is Qt's. The font is
the bundled one (chart_font), so Chinese reads the same on any machine.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QFontMetricsF, QPainter, QPen, QPolygonF

from app.locations import FONTS_DIR
from app.reports.chart_layout import HATCH_INK, LINE_STYLES, STYLES, Box, Layout, LegendKey

FONT_FILE = "LXGWWenKai-Regular.ttf"
INK = QColor(20, 20, 20)
MUTED = QColor(90, 90, 90)
GRID = QColor(205, 205, 205)


@lru_cache(maxsize=1)
def chart_family() -> str:
    """The bundled face's family (loaded once; the application may have loaded it already)."""
    font_id = QFontDatabase.addApplicationFont(str(FONTS_DIR / FONT_FILE))
    if font_id < 0:
        raise RuntimeError(f"cannot load bundled font {FONT_FILE}")
    return QFontDatabase.applicationFontFamilies(font_id)[0]


def chart_font(size: float, bold: bool = False) -> QFont:
    font = QFont(chart_family())
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    return font


class Measure:
    """Text widths in the bundled font, for the layout (cached per size: a chart asks often)."""

    def __init__(self) -> None:
        self._metrics: dict[int, QFontMetricsF] = {}

    def __call__(self, text: str, size: float) -> float:
        key = max(1, round(size))
        if key not in self._metrics:
            self._metrics[key] = QFontMetricsF(chart_font(key))
        return self._metrics[key].horizontalAdvance(text)


def _colour(rgb: tuple[float, float, float]) -> QColor:
    return QColor.fromRgbF(*rgb)


def visible_part(layout: Layout, top: float, bottom: float) -> Layout:
    """The shapes of a tall layout that reach into [top, bottom] (a chart of 300 branches in a
    scroll area repaints only what is shown, not 6,000 pixels of it)."""
    def reaches(y1: float, y2: float) -> bool:
        return min(y1, y2) <= bottom and max(y1, y2) >= top

    return Layout(
        layout.width, layout.height,
        boxes=[b for b in layout.boxes if reaches(b.y, b.y + b.h)],
        lines=layout.lines,
        labels=[label for label in layout.labels if reaches(label.y - label.size, label.y)],
        rules=[r for r in layout.rules if reaches(r.y1, r.y2)],
        keys=[k for k in layout.keys if reaches(k.y, k.y + k.size)],
    )


def paint_layout(painter: QPainter, layout: Layout) -> None:
    """Paint every shape, in batches: one call per kind of rule, per bar style and per hatch.

    Batching keeps a 2,000-bar chart to a few hundred calls into Qt (speed).
    """
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # upright rules and bars need none (and are 3× faster)
    _paint_rules(painter, layout)
    _paint_boxes(painter, layout.boxes)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for line in layout.lines:
        _paint_line(painter, line.points, line.style)
    for key in layout.keys:
        _paint_key(painter, key)
    _paint_labels(painter, layout)


def _paint_rules(painter: QPainter, layout: Layout) -> None:
    pens = {"axis": QPen(INK, 1.2), "grid": QPen(GRID, 1), "guide": QPen(MUTED, 1.2, Qt.PenStyle.DashLine)}
    for kind in ("grid", "axis", "guide"):
        lines = [QLineF(r.x1, r.y1, r.x2, r.y2) for r in layout.rules if r.kind == kind]
        if lines:
            painter.setPen(pens[kind])
            painter.drawLines(lines)


HATCH_BRUSHES = {
    "/": Qt.BrushStyle.BDiagPattern, "\\": Qt.BrushStyle.FDiagPattern, "x": Qt.BrushStyle.DiagCrossPattern,
    "-": Qt.BrushStyle.HorPattern, "|": Qt.BrushStyle.VerPattern,
}


def _paint_boxes(painter: QPainter, boxes) -> None:
    """Each style's bars in one call, then their hatch in one more (Qt's own pattern brush)."""
    by_style: dict[int, list[Box]] = {}
    for box in boxes:
        by_style.setdefault(box.style, []).append(box)
    for style, group in by_style.items():
        fill, hatch = STYLES[style]
        rects = [QRectF(b.x, b.y, b.w, b.h) for b in group]
        painter.setPen(QPen(INK, 0.8))
        painter.setBrush(_colour(fill))
        painter.drawRects(rects)
        if hatch:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(_colour(HATCH_INK), HATCH_BRUSHES[hatch]))
            painter.drawRects(rects)


def _paint_line(painter: QPainter, points, style: int, markers=None) -> None:
    ink, dash, marker = LINE_STYLES[style]
    pen = QPen(_colour(ink), 2)
    if dash:
        pen.setDashPattern(list(dash))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if len(points) > 1:
        painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in points]))
    for x, y in points if markers is None else markers:
        _marker(painter, marker, x, y, 3.2, _colour(ink))


def _marker(painter: QPainter, kind: str, x: float, y: float, r: float, ink: QColor) -> None:
    painter.setPen(QPen(ink, 1.4))
    if kind == "square":
        painter.setBrush(ink)
        painter.drawRect(QRectF(x - r, y - r, 2 * r, 2 * r))
    elif kind == "triangle":
        painter.setBrush(ink)
        painter.drawPolygon(QPolygonF([QPointF(x - r, y + r), QPointF(x + r, y + r), QPointF(x, y - r)]))
    else:
        painter.setBrush(QColor(Qt.GlobalColor.white))
        painter.drawEllipse(QPointF(x, y), r, r)


def _paint_key(painter: QPainter, key: LegendKey) -> None:
    if key.is_line:
        middle = key.y + key.size / 2
        ends = [(key.x, middle), (key.x + key.size * 1.8, middle)]
        _paint_line(painter, ends, key.style, markers=[(key.x + key.size * 0.9, middle)])
        return
    _paint_boxes(painter, [Box(key.x, key.y, key.size * 1.8, key.size, key.style, "")])


def _paint_labels(painter: QPainter, layout: Layout) -> None:
    fonts: dict[tuple[int, bool], QFont] = {}
    for label in layout.labels:
        font_key = (max(1, round(label.size)), label.bold)
        if font_key not in fonts:
            fonts[font_key] = chart_font(*font_key)
        painter.setFont(fonts[font_key])
        painter.setPen(MUTED if label.muted else INK)
        width = painter.fontMetrics().horizontalAdvance(label.text)
        x = label.x - (width / 2 if label.anchor == "middle" else width if label.anchor == "end" else 0)
        painter.drawText(QPointF(x, label.y), label.text)
