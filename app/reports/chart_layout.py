"""Where every bar, line, rule and word of a chart goes: one layout for paper and screen.

`lay_out(chart, width, height, measure, size)` turns a `Chart` into plain shapes in a box of
`width` × `height` units, origin top left, y downwards (text positions are baselines).
`measure(text, size)` is the caller's text width (reportlab's stringWidth on paper, Qt's
font metrics on screen), so labels fit whichever way they are drawn. app.reports.charts
and app.ui.charts only draw these shapes; neither decides anything about the chart.

Black-and-white printing: each bar series has a fill and a hatch (STYLES), each line series
a dash and a marker (LINE_STYLES); when there are few bars each carries its figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from app.reports.chart_data import Chart

Measure = Callable[[str, float], float]

# (fill RGB, hatch): the hatch tells series apart when the colours print as greys.
STYLES = (
    ((0.25, 0.42, 0.68), ""),
    ((0.96, 0.78, 0.45), "/"),
    ((0.62, 0.80, 0.56), "-"),
    ((0.86, 0.50, 0.50), "x"),
    ((0.78, 0.72, 0.88), "|"),
    ((0.97, 0.97, 0.97), "\\"),
)
HATCH_INK = (0.15, 0.15, 0.15)
# (ink RGB, dash pattern, marker)
LINE_STYLES = (
    ((0.70, 0.08, 0.08), (), "circle"),
    ((0.10, 0.10, 0.10), (4, 2), "square"),
    ((0.15, 0.35, 0.65), (1, 2), "triangle"),
)
VALUE_LABELS_UP_TO = 40  # bars; beyond this the figures are only in tooltips
MARKER_SHARE = 0.25  # a line's marker: its half width as a share of the body text size
STROKE_SHARE = 0.145  # a line's stroke: its width as a share of the body text size (1.3 points on paper)


def marker_radius(size: float) -> float:
    """Half the width of a line's marker in a chart whose body text is `size` (paper and screen alike)."""
    return size * MARKER_SHARE


def stroke_width(size: float) -> float:
    """The width of a line's stroke in a chart whose body text is `size`: the figures keep clear of all of it."""
    return size * STROKE_SHARE


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    style: int
    tip: str


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    style: int
    tips: tuple[str, ...]


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # baseline
    text: str
    size: float
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    muted: bool = False


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # axis | grid | guide


@dataclass(frozen=True)
class LegendKey:
    x: float
    y: float  # top of the sample
    size: float
    style: int
    is_line: bool


@dataclass
class Layout:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    lines: list[Polyline] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    keys: list[LegendKey] = field(default_factory=list)

    def tip_at(self, x: float, y: float, reach: float = 5.0) -> str:
        """The exact figure under a point: a line's point within `reach`, else the bar there."""
        for line in self.lines:
            for (px, py), tip in zip(line.points, line.tips):
                if abs(px - x) <= reach and abs(py - y) <= reach:
                    return tip
        for box in reversed(self.boxes):
            if box.x <= x <= box.x + max(box.w, 2) and box.y <= y <= box.y + max(box.h, 2):
                return box.tip
        return ""


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_text(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class _Plot:
    """The plot area and its value scale; `c` runs along the categories, `v` is a value."""

    left: float
    top: float
    width: float
    height: float
    low: float
    high: float
    horizontal: bool

    @property
    def length(self) -> float:
        return self.height if self.horizontal else self.width

    def value_at(self, v: float) -> float:
        span = self.width if self.horizontal else self.height
        share = (v - self.low) / (self.high - self.low)
        return self.left + share * span if self.horizontal else self.top + self.height - share * span

    def point(self, c: float, v: float) -> tuple[float, float]:
        if self.horizontal:
            return self.value_at(v), self.top + c
        return self.left + c, self.value_at(v)

    def box(self, c0: float, c1: float, v0: float, v1: float) -> tuple[float, float, float, float]:
        a, b = sorted((self.value_at(v0), self.value_at(v1)))
        if self.horizontal:
            return a, self.top + c0, b - a, c1 - c0
        return self.left + c0, a, c1 - c0, b - a


def _value_range(chart: Chart) -> tuple[float, float]:
    values = [float(v) for s in (*chart.bars, *chart.lines) for v in s.values if v is not None]
    low = min([0.0, *values])
    if chart.stacked:
        for index in range(len(chart.categories)):
            low = min(low, sum(float(s.values[index]) for s in chart.bars if s.values[index] and s.values[index] < 0))
    high = float(chart.value_max) if chart.value_max is not None else float(chart.largest())
    return low, max(high, low + 1)


def _legend(chart: Chart, layout: Layout, y: float, size: float, measure: Measure) -> float:
    """Legend keys in rows under the title; returns the y below them."""
    entries = [(s.name, i, False) for i, s in enumerate(chart.bars)] + [(s.name, i, True) for i, s in enumerate(chart.lines)]
    if not entries or (len(entries) == 1 and not chart.lines):
        return y
    small = size * 0.9
    x, row_height = 0.0, small * 1.6
    for name, style, is_line in entries:
        width = small * 2.2 + measure(name, small) + small * 1.2
        if x + width > layout.width and x > 0:
            x, y = 0.0, y + row_height
        layout.keys.append(LegendKey(x, y + small * 0.15, small, style, is_line))
        layout.labels.append(Label(x + small * 2.2, y + small * 0.95, name, small))
        x += width
    return y + row_height


def lay_out(chart: Chart, width: float, height: float, measure: Measure, size: float = 10.0) -> Layout:
    """Place the chart in `width` × `height`; `size` is the body text size in the same units."""
    layout = Layout(width, height)
    layout.labels.append(Label(0, size * 1.2, chart.title, size * 1.15, bold=True))
    y = _legend(chart, layout, size * 1.8, size, measure)
    low, high = _value_range(chart)
    ticks = nice_ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    small = size * 0.85
    extra_lines = 0 if chart.horizontal else max((c.count("\n") for c in chart.categories), default=0)
    bottom_room = small * (1.8 + 1.2 * extra_lines) + (small * 1.5 if chart.note else 0)
    if chart.horizontal:
        side = min(max((measure(c, small) for c in chart.categories), default=0) + small, width * 0.35)
    else:
        side = max(measure(tick_text(t), small) for t in ticks) + small * 0.8
    right_room = size * 0.5 + (max((measure(g.label, small) for g in chart.guides), default=0) if chart.guides else 0)
    plot = _Plot(side, y + small * 0.6, max(width - side - right_room, 10), max(height - y - small * 0.6 - bottom_room, 10),
                 low, high, chart.horizontal)
    _axes(chart, layout, plot, ticks, small, measure)
    _lines(chart, layout, plot)  # before the bars' figures, which keep clear of the lines
    _bars(chart, layout, plot, small, measure, _Obstacles.of(layout.lines, marker_radius(size), stroke_width(size)))
    _guides(chart, layout, plot, small)
    if chart.note:
        layout.labels.append(Label(0, height - small * 0.3, chart.note, small, muted=True))
    return layout


def _axes(chart: Chart, layout: Layout, plot: _Plot, ticks: list[float], small: float, measure: Measure) -> None:
    """Grid lines with their figures along the value axis; category names along the other."""
    for tick in ticks:
        if chart.horizontal:
            x = plot.value_at(tick)
            layout.rules.append(Rule(x, plot.top, x, plot.top + plot.height, "axis" if tick == 0 else "grid"))
            layout.labels.append(Label(x, plot.top + plot.height + small * 1.2, tick_text(tick), small, "middle", muted=True))
        else:
            y = plot.value_at(tick)
            layout.rules.append(Rule(plot.left, y, plot.left + plot.width, y, "axis" if tick == 0 else "grid"))
            layout.labels.append(Label(plot.left - small * 0.4, y + small * 0.35, tick_text(tick), small, "end", muted=True))
    count = len(chart.categories)
    if not count:
        return
    slot = plot.length / count
    widest = max(measure(line, small) for c in chart.categories for line in c.split("\n"))
    needed = widest + small * 0.5 if not chart.horizontal else small * 1.1
    every = max(1, math.ceil(needed / slot))
    for index, name in enumerate(chart.categories):
        if index % every:
            continue
        c = slot * (index + 0.5)
        if chart.horizontal:
            layout.labels.append(Label(plot.left - small * 0.4, plot.top + c + small * 0.35, name, small, "end"))
        else:
            for number, line in enumerate(name.split("\n")):  # a second line under a month: e.g. its rank
                layout.labels.append(Label(plot.left + c, plot.top + plot.height + small * (1.2 + 1.2 * number), line, small, "middle"))


@dataclass
class _Obstacles:
    """What a bar's figure must not be printed on: the figures placed so far and the lines' markers
    (boxes: left, top, right, bottom), and the lines' strokes between them (segments)."""

    boxes: list[tuple[float, float, float, float]]
    segments: list[tuple[tuple[float, float], tuple[float, float]]]
    clearance: float  # how far a figure keeps from a stroke's middle: half its width, and as much white

    @classmethod
    def of(cls, lines: list[Polyline], radius: float, stroke: float) -> "_Obstacles":
        reach = radius * 1.4  # the marker's outline and a little white around it
        boxes = [(x - reach, y - reach, x + reach, y + reach) for line in lines for x, y in line.points]
        segments = [pair for line in lines for pair in zip(line.points, line.points[1:])]
        return cls(boxes, segments, stroke)

    def free(self, span: tuple[float, float, float, float], strokes: bool) -> bool:
        """Whether `span` misses every box, and (with `strokes`) every line's stroke too, its width included."""
        if any(_overlap(span, other) for other in self.boxes):
            return False
        wide = (span[0] - self.clearance, span[1] - self.clearance, span[2] + self.clearance, span[3] + self.clearance)
        return not strokes or not any(_crosses(a, b, wide) for a, b in self.segments)


def _bars(chart: Chart, layout: Layout, plot: _Plot, small: float, measure: Measure, taken: _Obstacles) -> None:
    count, series = len(chart.categories), chart.bars
    if not count or not series:
        return
    slot = plot.length / count
    group = slot * (0.72 if count > 1 else 0.5)
    thickness = group if chart.stacked else group / len(series)
    # Few bars carry their figures; so does every row of a one-series horizontal chart (there is room).
    labelled = not chart.stacked and (count * len(series) <= VALUE_LABELS_UP_TO or (chart.horizontal and len(series) == 1))
    for index, category in enumerate(chart.categories):
        start = slot * index + (slot - group) / 2
        for number, (value, v0, v1) in _spans(chart, index):
            c0 = start if chart.stacked else start + thickness * number
            one = series[number]
            tip = _tip(chart, category, one.name, value, one.note(index), len(series) > 1)
            layout.boxes.append(Box(*plot.box(c0, c0 + thickness, v0, v1), number % len(STYLES), tip))
            if labelled and value:
                _value_label(chart, layout, plot, c0 + thickness / 2, v1, small, thickness, measure, taken)


def _spans(chart: Chart, index: int):
    """(series number, (figure, from, to)) of each bar of a category: from zero, or stacked on the
    bars before it (gains upwards, losses downwards)."""
    up, down = 0.0, 0.0
    for number, one in enumerate(chart.bars):
        value = one.values[index]
        if value is None:
            continue
        v = float(value)
        if not chart.stacked:
            yield number, (value, 0.0, v)
        elif v >= 0:
            yield number, (value, up, up + v)
            up += v
        else:
            yield number, (value, down, down + v)
            down += v


def _value_label(chart: Chart, layout: Layout, plot: _Plot, c: float, v: float, small: float, room: float, measure, taken: _Obstacles) -> None:
    text = chart.figure(Decimal(str(v))).removesuffix(chart.unit) if chart.unit != "%" else f"{v:g}%"
    size = small * 0.9
    x, y = plot.point(c, v)
    if chart.horizontal:
        layout.labels.append(Label(x + size * 0.3, y + size * 0.35, text, size))
        return
    width = measure(text, size)
    if width > room * 1.15:
        return
    # A figure that would print against its neighbour's (3.5 and 4.28 read “3.54.28”) or on a line's
    # marker (the township's average over the branch's bars) goes to the nearest free place over its
    # bar, clear of the lines' strokes too where it can be (a steep fall onto the bar struck “1.57”
    # through); it is left off when all is taken: the paper shows no tooltips, but a run-together
    # figure is a wrong figure.
    space = measure(" ", size)
    for strokes in (True, False):
        for left, baseline in _places(x, y, v >= 0, width, room, size):
            span = (left - space / 2, baseline - size * 0.8, left + width + space / 2, baseline + size * 0.2)
            if taken.free(span, strokes):
                taken.boxes.append(span)
                layout.labels.append(Label(left + width / 2, baseline, text, size, "middle"))
                return


def _places(x: float, y: float, up: bool, width: float, room: float, size: float) -> list[tuple[float, float]]:
    """Where a bar's figure may go, nearest first: (left edge, baseline) a little further from the
    bar's end each step, centred or against either side of the bar (a line falling onto the bar's
    middle leaves one side free), within about three lines of the bar's end."""
    start, step = (y - size * 0.3, -size * 0.35) if up else (y + size, size * 0.35)
    side = max(room - width, 0) / 2
    places = [(abs(step) * k + abs(shift), x - width / 2 + shift, start + step * k) for k in range(8) for shift in (0, -side, side)]
    return [(left, baseline) for _, left, baseline in sorted(places, key=lambda place: place[0])]


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two boxes (left, top, right, bottom) share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(a: tuple[float, float], b: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    """Whether the segment from `a` to `b` passes through the box (left, top, right, bottom): the part
    of the segment inside each pair of the box's sides, intersected (Liang–Barsky)."""
    enter, leave = 0.0, 1.0
    for start, delta, low, high in ((a[0], b[0] - a[0], box[0], box[2]), (a[1], b[1] - a[1], box[1], box[3])):
        if delta == 0:
            if not low <= start <= high:
                return False
            continue
        t0, t1 = sorted(((low - start) / delta, (high - start) / delta))
        enter, leave = max(enter, t0), min(leave, t1)
    return enter <= leave


def _tip(chart: Chart, category: str, series: str, value: Decimal, note: str, named: bool) -> str:
    category = category.split("\n")[0]  # the second line of a label (a rank) is in the note
    head = f"{category}　{series}" if named and series else category
    return f"{head}：{chart.figure(value)}" + (f"（{note}）" if note else "")


def _lines(chart: Chart, layout: Layout, plot: _Plot) -> None:
    count = len(chart.categories)
    if not count:
        return
    slot = plot.length / count
    for number, one in enumerate(chart.lines):
        run: list[tuple[float, float]] = []
        tips: list[str] = []
        for index, value in enumerate((*one.values, None)):
            if value is None:
                if run:
                    layout.lines.append(Polyline(tuple(run), number % len(LINE_STYLES), tuple(tips)))
                run, tips = [], []
                continue
            run.append(plot.point(slot * (index + 0.5), float(value)))
            tips.append(_tip(chart, chart.categories[index], one.name, value, one.note(index), True))


def _guides(chart: Chart, layout: Layout, plot: _Plot, small: float) -> None:
    """Each guide's rule, labelled unless its label would sit on the one before (a small chart)."""
    last = None
    for guide in sorted(chart.guides, key=lambda g: g.value):
        v = float(guide.value)
        if not plot.low <= v <= plot.high:
            continue
        if chart.horizontal:
            x = plot.value_at(v)
            layout.rules.append(Rule(x, plot.top, x, plot.top + plot.height, "guide"))
            if last is None or x - last >= max(len(guide.label), 4) * small * 0.9:
                layout.labels.append(Label(x, plot.top - small * 0.2, guide.label, small * 0.9, "middle", muted=True))
                last = x
        else:
            y = plot.value_at(v)
            layout.rules.append(Rule(plot.left, y, plot.left + plot.width, y, "guide"))
            if last is None or last - y >= small:
                layout.labels.append(Label(plot.left + plot.width + small * 0.3, y + small * 0.35, guide.label, small * 0.9, muted=True))
                last = y


def hatch_segments(box: Box, hatch: str, spacing: float) -> list[tuple[float, float, float, float]]:
    """The hatch of a bar as line segments inside it (drawn the same on paper and screen)."""
    x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
    segments: list[tuple[float, float, float, float]] = []
    if hatch == "-":
        segments += [(x0, y, x1, y) for y in _steps(y0, y1, spacing)]
    elif hatch == "|":
        segments += [(x, y0, x, y1) for x in _steps(x0, x1, spacing)]
    if hatch in ("/", "x"):
        segments += _diagonals(x0, y0, x1, y1, spacing, rising=True)
    if hatch in ("\\", "x"):
        segments += _diagonals(x0, y0, x1, y1, spacing, rising=False)
    return segments


def _steps(a: float, b: float, spacing: float) -> list[float]:
    return [a + spacing * k for k in range(1, int((b - a) / spacing) + 1) if a + spacing * k < b]


def _diagonals(x0, y0, x1, y1, spacing, rising: bool) -> list[tuple[float, float, float, float]]:
    """45° lines clipped to the rectangle: x + y = k (rising, y down) or x − y = k."""
    out = []
    if rising:
        k, stop = x0 + y0 + spacing, x1 + y1
        while k < stop:
            out.append((max(x0, k - y1), min(y1, k - x0), min(x1, k - y0), max(y0, k - x1)))
            k += spacing
    else:
        k, stop = x0 - y1 + spacing, x1 - y0
        while k < stop:
            out.append((max(x0, k + y0), max(y0, x0 - k), min(x1, k + y1), min(y1, x1 - k)))
            k += spacing
    return out
