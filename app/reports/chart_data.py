"""Charts as plain data: what a chart shows, before anyone draws it.

app.services.charts builds these from the one scorer; app.reports.chart_layout places them;
app.reports.charts draws them on paper and app.ui.charts on screen, so a chart on the clerk's
screen and on the printed page show the same figures. No reportlab, no Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from app.domain.points import format_points


@dataclass(frozen=True)
class Series:
    """One named row of figures, one value per category of the chart (None: nothing to show there).

    `notes` (optional, one per value) is added to the exact figure in a tooltip, e.g. “第3名”.
    """

    name: str
    values: tuple[Decimal | None, ...]
    notes: tuple[str, ...] = ()

    def note(self, index: int) -> str:
        return self.notes[index] if index < len(self.notes) else ""


@dataclass(frozen=True)
class Guide:
    """A horizontal rule across the chart at a value, labelled: a star band's lower edge."""

    label: str
    value: Decimal


@dataclass(frozen=True)
class Chart:
    """Bars (side by side, or stacked) and lines over the same categories, with guides.

    `horizontal` draws the categories down the side (long names: rule items, branches).
    `unit` follows every figure in tooltips and labels: “分”, “%”, “人”.
    """

    title: str
    categories: tuple[str, ...]
    bars: tuple[Series, ...] = ()
    lines: tuple[Series, ...] = ()
    stacked: bool = False
    horizontal: bool = False
    guides: tuple[Guide, ...] = ()
    unit: str = "分"
    note: str = ""
    value_max: Decimal | None = None  # a fixed end of the value axis (100 for shares)

    @property
    def is_empty(self) -> bool:
        """No figure other than zero anywhere: the chart would be a bare frame."""
        return not any(v for series in (*self.bars, *self.lines) for v in series.values if v is not None)

    def figure(self, value: Decimal) -> str:
        return f"{format_points(value)}{self.unit}"

    def part(self, start: int, stop: int) -> "Chart":
        """The same chart over categories [start, stop) with the same value axis (a long chart on pages)."""
        def cut(series: Series) -> Series:
            return replace(series, values=series.values[start:stop], notes=series.notes[start:stop])

        return replace(
            self,
            categories=self.categories[start:stop],
            bars=tuple(cut(s) for s in self.bars),
            lines=tuple(cut(s) for s in self.lines),
            value_max=self.value_max if self.value_max is not None else self.largest(),
        )

    def largest(self) -> Decimal:
        """The top of the value axis: the tallest bar (or stack), point or guide."""
        tops = [g.value for g in self.guides]
        for series in self.lines:
            tops += [v for v in series.values if v is not None]
        if self.stacked:
            for index in range(len(self.categories)):
                tops.append(sum((s.values[index] for s in self.bars if s.values[index] and s.values[index] > 0), Decimal(0)))
        else:
            for series in self.bars:
                tops += [v for v in series.values if v is not None]
        return max(tops, default=Decimal(0))


@dataclass(frozen=True)
class ChartSet:
    """Charts that belong together on one sheet or page: a member's year, a branch, a township."""

    title: str
    subtitle: str
    charts: tuple[Chart, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return all(chart.is_empty for chart in self.charts)


__all__ = ["Series", "Guide", "Chart", "ChartSet"]
