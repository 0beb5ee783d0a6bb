"""How the on-screen chart library was chosen (issue 17): start-up and draw time of each candidate.

Run with an interpreter that has the candidate installed (the program's own has only the first):

    uv run python tests/benchmarks/chart_libraries.py own
    uv venv /tmp/addons && uv pip install --python /tmp/addons/bin/python PySide6-Essentials==6.11.3 PySide6-Addons==6.11.3
    /tmp/addons/bin/python tests/benchmarks/chart_libraries.py qtcharts
    uv venv /tmp/pg && uv pip install --python /tmp/pg/bin/python PySide6-Essentials==6.11.3 pyqtgraph
    /tmp/pg/bin/python tests/benchmarks/chart_libraries.py pyqtgraph

Each draws the same chart: 2,000 members' year totals as bars, offscreen into a 1366 × 600
image, and prints the QApplication start, the library's import, the first draw and the median
of five more. Measured on this project's machine (2 cores shared, load 4–6), three runs each:

    own (QPainter, app/ui/charts): import 78–137 ms, first draw 82–107 ms, median 72–93 ms
    Qt Charts (PySide6-Addons):    import 3–12 ms,   first draw 159–215 ms, median 107–129 ms
    pyqtgraph 0.14 (numpy 2.4):    import 1.5–2.2 s, first draw 75–118 ms, median 50–71 ms

Size added: own nothing (77 KB of source shared with the paper charts); PySide6-Addons
+162 MB installed, and the frozen build would carry QtCharts.abi3.so 1.0 MB, libQt6Charts
2.3 MB and the QtOpenGL libraries 0.8 MB the spec leaves out today (+4.1 MB); pyqtgraph
+4.2 MB and numpy +59 MB installed, of which 44 MB are binaries the frozen build would carry
(the spec excludes numpy today). Chosen: QPainter, for no added size, an import that costs
nothing next to pyqtgraph's two seconds, a draw well under the 200 ms goal, and one layout
for paper and screen (tooltips and PNG export from the same shapes).
"""

from __future__ import annotations

import importlib
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the program's own modules, for "own"
WIDTH, HEIGHT = 1366, 600


def draw_qtcharts(values):
    from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView
    from PySide6.QtCore import Qt

    chart, bars, series = QChart(), QBarSet("年度积分"), QBarSeries()
    bars.append(values)
    series.append(bars)
    chart.addSeries(series)
    axis = QBarCategoryAxis()
    axis.append([str(i) for i in range(len(values))])
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    view = QChartView(chart)
    view.resize(WIDTH, HEIGHT)
    return view.render


def draw_pyqtgraph(values):
    import numpy
    import pyqtgraph

    plot = pyqtgraph.PlotWidget()
    plot.resize(WIDTH, HEIGHT)
    plot.addItem(pyqtgraph.BarGraphItem(x=numpy.arange(len(values)), height=numpy.array(values), width=0.7))
    return plot.render


def draw_own(values):
    from app.reports.chart_data import Chart, Series
    from app.reports.chart_layout import lay_out
    from app.ui.charts.painter import Measure, paint_layout

    chart = Chart("年度积分", tuple(str(i) for i in range(len(values))), bars=(Series("年度积分", tuple(Decimal(str(v)) for v in values)),))
    layout = lay_out(chart, WIDTH, HEIGHT, Measure(), 13)
    return lambda painter: paint_layout(painter, layout)


IMPORTS = {
    "own": ("app.reports.chart_layout", "app.ui.charts.painter"),
    "qtcharts": ("PySide6.QtCharts",),
    "pyqtgraph": ("pyqtgraph",),
}
CANDIDATES = {"own": draw_own, "qtcharts": draw_qtcharts, "pyqtgraph": draw_pyqtgraph}


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "own"
    started = time.perf_counter()
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    base = time.perf_counter() - started
    started = time.perf_counter()
    for module in IMPORTS[which]:
        importlib.import_module(module)
    imported = time.perf_counter() - started
    rng = random.Random(5)
    values = [rng.randrange(4000, 10000) / 100 for _ in range(2000)]

    def draw() -> None:
        render = CANDIDATES[which](values)
        image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        render(painter)
        painter.end()

    first = time.perf_counter()
    draw()
    first = time.perf_counter() - first
    times = []
    for _ in range(5):
        started = time.perf_counter()
        draw()
        times.append(time.perf_counter() - started)
    print(f"{which}: QApplication {base * 1000:.0f} ms, import {imported * 1000:.0f} ms, "
          f"first draw {first * 1000:.0f} ms, draw median {statistics.median(times) * 1000:.0f} ms")
    del app


if __name__ == "__main__":
    main()
