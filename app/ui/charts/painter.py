"""Paint a chart layout with QPainter: bars with their hatches, lines with markers, rules, words.

The same shapes app.reports.charts draws on paper; here only the drawing is Qt's. The font is
the bundled one (chart_font), so Chinese reads the same on any machine.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QPainter, QPen, QPolygonF

from app.locations import FONTS_DIR
from app.reports.chart_layout import HATCH_INK, LINE_STYLES, STYLES, Box, Layout, LegendKey, hatch_segments

FONT_FILE = "LXGWWenKai-Regular.ttf"
INK = QColor(20, 20, 20)
MUTED = QColor(90, 90, 90)
GRID = QColor(205, 205, 205)
HATCH_SPACING = 5.0


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


def paint_layout(painter: QPainter, layout: Layout) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    _paint_rules(painter, layout)
    hatch_pen = QPen(_colour(HATCH_INK), 0.6)
    for box in layout.boxes:
        _paint_box(painter, box, hatch_pen)
    for line in layout.lines:
        ink, dash, marker = LINE_STYLES[line.style]
        pen = QPen(_colour(ink), 2)
        if dash:
            pen.setDashPattern([d / 1.0 for d in dash])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in line.points]))
        for x, y in line.points:
            _marker(painter, marker, x, y, 3.2, _colour(ink))
    for key in layout.keys:
        _paint_key(painter, key, hatch_pen)
    _paint_labels(painter, layout)


def _paint_rules(painter: QPainter, layout: Layout) -> None:
    pens = {"axis": QPen(INK, 1.2), "grid": QPen(GRID, 1), "guide": QPen(MUTED, 1.2, Qt.PenStyle.DashLine)}
    for rule in layout.rules:
        painter.setPen(pens[rule.kind])
        painter.drawLine(QLineF(rule.x1, rule.y1, rule.x2, rule.y2))


def _paint_box(painter: QPainter, box: Box, hatch_pen: QPen) -> None:
    fill, hatch = STYLES[box.style]
    painter.setPen(QPen(INK, 0.8))
    painter.setBrush(_colour(fill))
    painter.drawRect(QRectF(box.x, box.y, box.w, box.h))
    if hatch:
        painter.setPen(hatch_pen)
        painter.drawLines([QLineF(*segment) for segment in hatch_segments(box, hatch, HATCH_SPACING)])


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


def _paint_key(painter: QPainter, key: LegendKey, hatch_pen: QPen) -> None:
    if key.is_line:
        ink, dash, marker = LINE_STYLES[key.style]
        pen = QPen(_colour(ink), 2)
        if dash:
            pen.setDashPattern(list(dash))
        painter.setPen(pen)
        middle = key.y + key.size / 2
        painter.drawLine(QLineF(key.x, middle, key.x + key.size * 1.8, middle))
        _marker(painter, marker, key.x + key.size * 0.9, middle, 3.2, _colour(ink))
        return
    _paint_box(painter, Box(key.x, key.y, key.size * 1.8, key.size, key.style, ""), hatch_pen)


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
