"""A set of charts on a page: asked for on the database worker, drawn when the answer comes.

`ChartPanel.show_charts(ask)` runs `ask(control) -> ChartSet` through the window's one job
runner (UiContext.read, only the latest answer shown) and puts each chart in a ChartView.
The page that holds the panel asks again when its data changes (Page.depends_on, app/ui/
changes.py), as it does for its tables; a panel not shown (a tab not looked at) only keeps
the question and asks when it is shown. Nothing is read on the UI thread.
Each chart has 导出图片…: a PNG at twice its size on screen, written atomically off the UI thread.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.reports.chart_data import ChartSet
from app.services.files import write_atomically
from app.ui.asking import Asker
from app.ui.charts.view import SMALLEST_HEIGHT, USUAL_HEIGHT, ChartView
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.jobs import JobControl
from app.ui.widgets import hint_label


def png_bytes(view: ChartView) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    view.image().save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def file_name(title: str, fallback: str) -> str:
    """A file name from a chart's title: characters a file system refuses become “_”."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_") or fallback


class ChartPanel(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        self.charts: ChartSet | None = None
        self.views: list[ChartView] = []
        self._ask: Callable[[JobControl], Any] | None = None
        self._stale = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.heading = hint_label("")
        self.controls = QHBoxLayout()  # the heading, then any control the page adds (add_control)
        self.controls.addWidget(self.heading, 1)
        outer.addLayout(self.controls)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.body = QWidget()
        self.rows = QVBoxLayout(self.body)
        self.rows.addStretch(1)
        self.scroll.setWidget(self.body)
        outer.addWidget(self.scroll, 1)

    def add_control(self, widget: QWidget) -> None:
        """A control of the page's own beside the heading (the township's branch to follow)."""
        self.controls.addWidget(widget)

    def show_charts(self, ask: Callable[[JobControl], ChartSet]) -> None:
        """Ask for a chart set on the worker; it is drawn when the answer comes. A hidden panel
        (a tab not looked at) only remembers the question and asks when it is shown."""
        self._ask = ask
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.heading.setText(self.tr("正在计算……"))
        self.asker.read(ask, self._show, "charts", on_problem=self._problem)

    def clear(self, message: str = "") -> None:
        self._ask, self.charts = None, None
        self._set_views([])
        self.heading.setText(message)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self._ask is not None:
            self.show_charts(self._ask)

    def _problem(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.charts = None
        self._set_views([])
        self.heading.setText(exc.message)

    def _show(self, charts: ChartSet) -> None:
        self.charts = charts
        self.heading.setText(f"{charts.title}　{charts.subtitle}".strip())
        self._set_views(charts.charts)

    def _set_views(self, charts) -> None:
        while len(self.views) > len(charts):
            self.views.pop().deleteLater()
        while len(self.views) < len(charts):
            self.views.append(self._add_view())
        for view, chart in zip(self.views, charts):
            view.set_chart(chart, self.tr("还没有可以画的数据。"))

    def _add_view(self) -> ChartView:
        view = ChartView(self.body)
        view.on_export = self.export
        button = QPushButton(self.tr("导出图片…"))
        button.setToolTip(self.tr("把这张图存成 PNG 图片"))
        button.clicked.connect(lambda: self.export(view))
        view.set_corner(button)
        self.rows.insertWidget(self.rows.count() - 1, view)
        view.show()  # at once, not when the event loop next runs: a picture taken now has it
        view.refit(self._view_height())
        return view

    def _view_height(self) -> int:
        """A chart fills the room the panel has (a small panel scrolls from chart to chart)."""
        room = self.scroll.viewport().height() - 8  # the spacing between charts
        return max(SMALLEST_HEIGHT, min(USUAL_HEIGHT, room))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        for view in self.views:
            view.refit(self._view_height())

    def export(self, view: ChartView) -> None:
        """Ask where, then write the PNG on the worker (a USB stick may be slow)."""
        if view.chart is None:
            return
        title = f"{self.charts.title}_{view.chart.title}" if self.charts else view.chart.title
        path = self.ctx.ask_save_path(self, self.tr("导出图片"), file_name(title, self.tr("图表")) + ".png", self.tr("PNG 图片 (*.png)"))
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        data = png_bytes(view)
        self.ctx.read(lambda _control: write_atomically(path, data), lambda written: self.ctx.say(self.tr("已导出图片：{0}").format(written)),
                      parent=self)


__all__ = ["ChartPanel", "png_bytes", "file_name"]
