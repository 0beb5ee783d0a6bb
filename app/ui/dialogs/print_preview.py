"""Print preview, save as PDF and printing of a report's PDF.

The reports are finished PDFs (bytes) from app.reports. To preview or print them, each page
is rendered with pypdfium2 into an image and painted onto the QPrinter, full page, so the
page lands on paper exactly where the PDF puts it (certificate offsets depend on it).
Saving as PDF writes the original bytes (vector, fonts embedded), never the raster.

Threading: `paint_pdf`, the dialogs and `save_pdf` run on the UI thread. Building report
data and rendering a batch (a township's scorecards) is slow: the print dialogs
(dialogs/print_dialog.py, dialogs/rating_print_dialog.py) run it on the window's one job
runner with a cancellable progress dialog (`UiContext.read(..., progress=...)`) and hand the
finished bytes to `open_print_preview`. Dialogs are opened with open()/show(), never exec(),
except through `run_dialog`, which tests replace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, Signal, Slot
from PySide6.QtGui import QAction, QImage, QPageLayout, QPageSize, QPainter, QPaintEngine
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QToolBar, QWidget

from app.domain.errors import AppError
from app.reports.progress import Progress
from app.services.files import write_pdf
from app.ui.errors import show_error
from app.ui.window_state import WindowState, room_on_screen

PRINT_DPI_MAX = 300
PREVIEW_DPI_MAX = 150
PREVIEW_DPI_MIN = 50
# The preview keeps every page's image in memory: spend at most this many pixels on it.
PREVIEW_PIXEL_BUDGET = 120_000_000
PDF_FOLDER_KEY = "folders/pdf"  # the same key UiContext.ask_save_path uses for *.pdf


def _open(pdf: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise AppError("这个 PDF 无法打开，可能没有生成完整。请重新生成后再试。", details=str(exc)) from exc


def pdf_page_count(pdf: bytes) -> int:
    document = _open(pdf)
    try:
        return len(document)
    finally:
        document.close()


def page_layout_of(pdf: bytes) -> QPageLayout:
    """The paper size and orientation of the PDF's first page, with no margins."""
    document = _open(pdf)
    try:
        width, height = document[0].get_size()
    finally:
        document.close()
    orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    short, long = sorted((width, height))
    size = QPageSize(QSizeF(short, long), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    return QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)


def prepare_printer(printer: QPrinter, pdf: bytes) -> QPrinter:
    """Full-page printing on paper of the PDF's size and orientation."""
    printer.setFullPage(True)
    printer.setPageLayout(page_layout_of(pdf))
    return printer


def _render(page: pdfium.PdfPage, dpi: float) -> QImage:
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True, may_draw_forms=False)
    image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels before pdfium's buffer goes away


def _preview_dpi(document: pdfium.PdfDocument) -> float:
    width, height = document[0].get_size()
    per_page = PREVIEW_PIXEL_BUDGET / max(len(document), 1)
    dpi = (per_page / (width / 72 * height / 72)) ** 0.5
    return max(PREVIEW_DPI_MIN, min(PREVIEW_DPI_MAX, dpi))


def chosen_pages(printer: QPrinter, total: int) -> list[int]:
    """The indexes of the pages the clerk chose in the print dialog (页码范围, e.g. 2–3), all when
    he chose none. Qt leaves honouring the range to the program; a range past the document's
    last page is refused in one sentence before anything reaches the printer."""
    ranges = printer.pageRanges()
    if printer.printRange() != QPrinter.PrintRange.PageRange or ranges.isEmpty():
        return list(range(total))
    pages = [index for index in range(total) if ranges.contains(index + 1)]
    if not pages:
        raise AppError(f"所选的页码范围（{ranges.toString()}）超出了文件的页数（共 {total} 页），没有打印。")
    return pages


def paint_pdf(pdf: bytes, printer: QPrinter, dpi: float | None = None, progress: Progress | None = None) -> int:
    """Paint the pages of `pdf` onto `printer`, one page each; returns the number of pages painted.

    Works for a real printer, a QPrinter writing a PDF file, and the preview dialog's
    printer (recognised by its picture paint engine, which gets a lighter resolution). A printer
    paints the pages chosen in the print dialog (`chosen_pages`); the preview shows them all,
    though the range chosen for the last print is still set on the printer it shares.
    """
    document = _open(pdf)
    painter = QPainter()
    try:
        # the preview widget puts its picture engine on the printer before asking for the pages
        previewing = printer.paintEngine().type() == QPaintEngine.Type.Picture
        # refused before begin(), so that nothing reaches the printer
        pages = list(range(len(document))) if previewing else chosen_pages(printer, len(document))
        if not painter.begin(printer):
            raise AppError("无法开始打印：打印机没有准备好，或者输出文件无法写入。")
        try:
            if dpi is None:
                dpi = _preview_dpi(document) if previewing else min(printer.resolution(), PRINT_DPI_MAX)
            _paint_pages(document, pages, printer, painter, dpi, progress)
        finally:
            painter.end()
        return len(pages)
    finally:
        document.close()


def _paint_pages(document, pages: list[int], printer: QPrinter, painter: QPainter, dpi: float, progress) -> None:
    target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    for done, index in enumerate(pages, start=1):
        if done > 1:
            printer.newPage()
        page = document[index]
        painter.drawImage(target, _render(page, dpi))
        page.close()
        if progress is not None:
            progress(done, len(pages))


# ---- dialogs ----


def run_dialog(dialog) -> int:
    """exec() a modal dialog; tests replace this to answer without showing anything."""
    return dialog.exec()


def ask_save_path(parent: QWidget | None, suggested_name: str) -> str:
    """The file the clerk picks to save a PDF to ('' when cancelled), starting in the folder the last
    PDF went to; tests replace this."""
    state = WindowState()
    folder = state.value(PDF_FOLDER_KEY, "")
    if isinstance(folder, str) and folder and Path(folder).is_dir():
        suggested_name = str(Path(folder) / suggested_name)
    path, _ = QFileDialog.getSaveFileName(parent, "另存为 PDF", suggested_name, "PDF 文件 (*.pdf)")
    if path:
        state.set_value(PDF_FOLDER_KEY, str(Path(path).parent))
    return path


def save_pdf(pdf: bytes, path: str | Path) -> Path:
    """Write the PDF atomically; '.pdf' is added when the name has no extension."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    return write_pdf(path, pdf)


def save_pdf_as(parent: QWidget | None, pdf: bytes, suggested_name: str) -> Path | None:
    path = ask_save_path(parent, suggested_name)
    return save_pdf(pdf, path) if path else None


def print_pdf(parent: QWidget | None, pdf: bytes, printer: QPrinter | None = None) -> bool:
    """Ask which printer (the system print dialog), then print; False when the clerk cancels."""
    printer = prepare_printer(printer or QPrinter(QPrinter.PrinterMode.HighResolution), pdf)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    dialog.setMinMax(1, pdf_page_count(pdf))  # the 页码范围 the dialog offers ends at the last page
    if run_dialog(dialog) != QPrintDialog.DialogCode.Accepted:
        return False
    paint_pdf(pdf, printer)
    return True


class PdfPrintPreview(QPrintPreviewDialog):
    """Qt's print preview for a finished PDF, with a 'save as PDF' button on its tool bar.

    Open it with open() or show(); printing from it goes to the printer the clerk chooses.
    `saved` carries the path after a successful save; errors go to `on_error`.
    """

    saved = Signal(str)

    def __init__(
        self,
        pdf: bytes,
        title: str = "打印预览",
        suggested_name: str = "报表.pdf",
        parent: QWidget | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self.printer = prepare_printer(QPrinter(QPrinter.PrinterMode.HighResolution), pdf)
        super().__init__(self.printer, parent)
        self.pdf = pdf
        self.suggested_name = suggested_name
        self.on_error = on_error
        self.setWindowTitle(title)
        self.paintRequested.connect(self._paint)
        self.preview_widget = self.findChild(QPrintPreviewWidget)
        self.fit_width_action = self.findChild(QAction, "fitWidthAction")
        toolbar = self.findChild(QToolBar)
        self.save_action = toolbar.addAction("另存为 PDF") if toolbar else None
        if self.save_action is not None:
            self.save_action.triggered.connect(self.save_as)

    def showEvent(self, event) -> None:
        """Opens as large as the screen allows and fitted to the page's width: readable at once."""
        super().showEvent(event)
        room = room_on_screen(self)  # with its title bar on screen, not the bottom of the page under the task bar
        if room is not None and not self.isMaximized():
            self.resize(min(room.width(), max(self.width(), room.width() * 9 // 10)), room.height())
        self.fit_to_width()

    def fit_to_width(self) -> None:
        if self.fit_width_action is not None and not self.fit_width_action.isChecked():
            self.fit_width_action.trigger()
        elif self.preview_widget is not None:
            self.preview_widget.fitToWidth()

    @Slot(QPrinter)
    def _paint(self, printer: QPrinter) -> None:
        try:
            paint_pdf(self.pdf, printer)
        except AppError as exc:
            self._report(exc)

    @Slot()
    def save_as(self) -> Path | None:
        try:
            path = save_pdf_as(self, self.pdf, self.suggested_name)
        except AppError as exc:
            self._report(exc)
            return None
        if path is not None:
            self.saved.emit(str(path))
        return path

    def _report(self, exc: BaseException) -> None:
        if self.on_error is not None:
            self.on_error(exc)
        else:
            show_error(self, exc)


def open_print_preview(parent: QWidget | None, pdf: bytes, title: str, suggested_name: str) -> PdfPrintPreview:
    """Show the preview without blocking (the dialog deletes itself when closed)."""
    dialog = PdfPrintPreview(pdf, title, suggested_name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
