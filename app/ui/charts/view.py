"""One chart on screen: painted from the shared layout, the exact figure in a tooltip, saved as PNG.

The widget holds only a finished `Chart` (plain data from the job runner's answer); it never
reads the store. The layout is made again when the size changes, not on every paint.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from app.reports.chart_data import Chart
from app.reports.chart_layout import Layout, lay_out
from app.ui.charts.painter import INK, MUTED, Measure, chart_font, paint_layout, visible_part

TEXT_SIZE = 13.0  # pixels
ROW_HEIGHT = 20  # pixels per category of a horizontal chart
USUAL_HEIGHT = 300
SMALLEST_HEIGHT = 200


class ChartView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: Chart | None = None
        self.message = ""
        self._layout: Layout | None = None
        self._measure = Measure()
        self.setFont(chart_font(TEXT_SIZE))
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.on_export = None  # set by the panel: called with this view when 导出为图片 is chosen
        self.usual_height = USUAL_HEIGHT
        self.corner: QWidget | None = None

    def set_chart(self, chart: Chart | None, message: str = "") -> None:
        """Show `chart`, or only `message` (e.g. 没有数据) when there is none to draw."""
        self.chart, self.message, self._layout = chart, message, None
        self.refit()

    def refit(self, usual: int | None = None) -> None:
        """Take `usual` pixels of height (a horizontal chart: a row a category, at least that)."""
        self.usual_height = usual or self.usual_height
        height = self.usual_height
        if self.chart is not None and self.chart.horizontal:
            height = max(height, 110 + ROW_HEIGHT * len(self.chart.categories))
        self.setFixedHeight(height)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, self.height())

    def layout_now(self) -> Layout | None:
        if self.chart is None:
            return None
        if self._layout is None or (self._layout.width, self._layout.height) != (self.width(), self.height()):
            self._layout = lay_out(self.chart, self.width() - 16, self.height() - 12, self._measure, TEXT_SIZE)
        return self._layout

    def resizeEvent(self, event) -> None:
        self._layout = None
        super().resizeEvent(event)
        if self.corner is not None:
            self.corner.adjustSize()
            self.corner.move(self.width() - self.corner.width() - 4, 2)

    def set_corner(self, widget: QWidget) -> None:
        """A small control kept in the top right corner, beside the title (导出图片…)."""
        self.corner = widget
        widget.setParent(self)
        widget.show()

    def paintEvent(self, event) -> None:
        self._paint_on(self, event.rect())

    def _paint_on(self, device, exposed=None) -> None:
        painter = QPainter(device)
        try:
            self.paint(painter, exposed)
        finally:
            painter.end()

    def paint(self, painter: QPainter, exposed=None) -> None:
        """The chart (only the part reaching into `exposed`, a rectangle of the widget, when given)."""
        painter.fillRect(self.rect() if exposed is None else exposed, QColor(Qt.GlobalColor.white))
        layout = self.layout_now()
        if layout is None or (self.chart is not None and self.chart.is_empty and self.message):
            painter.setFont(chart_font(TEXT_SIZE))
            painter.setPen(MUTED)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            if layout is None:
                return
        painter.translate(8, 6)
        painter.setPen(INK)
        if exposed is not None:
            layout = visible_part(layout, exposed.top() - 6, exposed.bottom() - 6)
        paint_layout(painter, layout)

    def tip_at(self, point: QPoint) -> str:
        layout = self.layout_now()
        return layout.tip_at(point.x() - 8, point.y() - 6) if layout else ""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            tip = self.tip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def image(self, scale: float = 2.0) -> QImage:
        """The chart as a picture at `scale` × its size on screen (sharp when printed or pasted)."""
        image = QImage(round(self.width() * scale), round(self.height() * scale), QImage.Format.Format_RGB32)
        self._paint_image(image, scale)
        return image

    def _paint_image(self, image: QImage, scale: float) -> None:
        image.setDevicePixelRatio(scale)
        self._paint_on(image)

    def _menu(self, position: QPoint) -> None:
        if self.chart is None or self.on_export is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("导出为图片（PNG）…"), lambda: self.on_export(self))
        menu.popup(self.mapToGlobal(position))
