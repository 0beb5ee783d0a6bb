"""Print preview, printing and saving of report PDFs, and rendering a batch on the job runner (offscreen)."""

from __future__ import annotations

import threading
from datetime import date
from io import BytesIO

import pypdf
import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QPushButton, QToolBar, QWidget

from app.domain.errors import AppError, ValidationError
from app.domain.periods import Month
from app.reports import render_certificates, render_scorecards
from app.reports.data import Certificate, CertificateBatch
from app.services.printing import report_data
from app.ui import window_state
from app.ui.dialogs import print_preview
from app.ui.dialogs.print_preview import PdfPrintPreview, paint_pdf, pdf_page_count, prepare_printer, save_pdf
from app.ui.errors import describe
from app.ui.jobs import JobRunner, run_with_progress
from db.store import Store
from tests.reports.report_support import dark_share, demo_database
from tests.ui.screen_check import LAPTOPS, usable

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def certificates_pdf():
    batch = CertificateBatch(2026, tuple(
        Certificate(name, 2026, 5, "五星党员", "红星村党支部", date(2026, 12, 28)) for name in ("𠮷祥云", "李䶮", "张三")
    ))
    return render_certificates(batch)


@pytest.fixture(scope="module")
def report_demo_path(tmp_path_factory):
    return demo_database(tmp_path_factory)


def _pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_pages_are_painted_onto_a_printer_full_size(qapp, tmp_path, certificates_pdf):
    out = tmp_path / "printed.pdf"
    printer = prepare_printer(_pdf_printer(out), certificates_pdf)
    seen = []
    assert paint_pdf(certificates_pdf, printer, dpi=100, progress=lambda done, total: seen.append((done, total))) == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]
    printed = out.read_bytes()
    reader = pypdf.PdfReader(BytesIO(printed))
    assert len(reader.pages) == 3
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (842, 595), "landscape A4, like the certificate"
    assert dark_share(printed, page=2) > 0.01


def test_the_preview_shows_every_page_at_a_light_resolution(qapp, qtbot, certificates_pdf, monkeypatch):
    rendered_at = []
    original = print_preview._render

    def spy(page, dpi):
        rendered_at.append(dpi)
        return original(page, dpi)

    monkeypatch.setattr(print_preview, "_render", spy)
    dialog = PdfPrintPreview(certificates_pdf, "荣誉证书", "荣誉证书.pdf", on_error=pytest.fail)
    qtbot.addWidget(dialog)
    preview = dialog.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    assert preview.pageCount() == 3
    assert rendered_at and all(print_preview.PREVIEW_DPI_MIN <= dpi <= print_preview.PREVIEW_DPI_MAX for dpi in rendered_at)
    assert dialog.printer.pageLayout().orientation().name == "Landscape"
    assert dialog.save_action is not None and dialog.save_action.text() == "另存为 PDF"


def test_save_from_the_preview_writes_the_original_pdf(qapp, qtbot, tmp_path, certificates_pdf, monkeypatch):
    monkeypatch.setattr(print_preview, "ask_save_path", lambda parent, name: str(tmp_path / "证书"))
    dialog = PdfPrintPreview(certificates_pdf, suggested_name="证书.pdf", on_error=pytest.fail)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save_action.trigger()
    assert saved.args == [str(tmp_path / "证书.pdf")]
    assert (tmp_path / "证书.pdf").read_bytes() == certificates_pdf
    monkeypatch.setattr(print_preview, "ask_save_path", lambda parent, name: "")
    assert dialog.save_as() is None


def test_a_save_that_fails_reports_the_error(qapp, qtbot, tmp_path, certificates_pdf, monkeypatch):
    errors = []
    monkeypatch.setattr(print_preview, "ask_save_path", lambda parent, name: str(tmp_path / "没有" / "x.pdf"))
    dialog = PdfPrintPreview(certificates_pdf, on_error=errors.append)
    qtbot.addWidget(dialog)
    dialog.save_action.trigger()
    assert len(errors) == 1 and "不存在" in errors[0].message


def test_print_asks_for_the_printer_then_prints(qapp, tmp_path, certificates_pdf, monkeypatch):
    out = tmp_path / "to-printer.pdf"
    monkeypatch.setattr(print_preview, "run_dialog", lambda dialog: QPrintDialog.DialogCode.Accepted)
    assert print_preview.print_pdf(None, certificates_pdf, _pdf_printer(out)) is True
    assert len(pypdf.PdfReader(out).pages) == 3
    cancelled = tmp_path / "cancelled.pdf"
    monkeypatch.setattr(print_preview, "run_dialog", lambda dialog: QPrintDialog.DialogCode.Rejected)
    assert print_preview.print_pdf(None, certificates_pdf, _pdf_printer(cancelled)) is False
    assert not cancelled.exists()


def test_save_pdf_adds_the_extension_and_counts_pages(tmp_path, certificates_pdf):
    assert save_pdf(certificates_pdf, tmp_path / "证书").name == "证书.pdf"
    assert pdf_page_count(certificates_pdf) == 3


def test_a_batch_renders_on_the_job_runner_with_progress_on_the_ui_thread(qapp, qtbot, report_demo_path):
    store = Store.open_file(report_demo_path)
    runner = JobRunner()
    progress, builders, results = [], [], []

    def build(control):
        builders.append(threading.get_ident())
        batch = report_data.scorecards(store, Month(2026, 10))
        return render_scorecards(batch, progress=control.progress)

    try:
        job = runner.submit(
            build, on_result=results.append,
            on_progress=lambda done, total: progress.append((done, total, threading.get_ident())),
        )
        with qtbot.waitSignal(job.finished, timeout=60_000):
            pass
        assert runner.wait(10_000)
    finally:
        store.close()
    pdf = results[0]
    assert pdf.startswith(b"%PDF") and pdf_page_count(pdf) == 35
    assert progress and progress[-1][:2] == (35, 35)
    ui = threading.get_ident()
    assert builders and builders[0] != ui, "the batch was built off the UI thread"
    assert {thread for _, _, thread in progress} == {ui}, "progress arrives on the UI thread"


def test_the_progress_dialog_follows_the_render_and_its_cancel_stops_it(qapp, qtbot, certificates_pdf):
    """The render waits, after its first page, until the clerk has pressed 取消: no race with the end."""
    runner = JobRunner()
    first_page_reported, cancel_pressed = threading.Event(), threading.Event()
    outcome = []

    def build(control):
        control.progress(1, 400)
        first_page_reported.set()
        assert cancel_pressed.wait(10)
        control.progress(2, 400)  # raises: the clerk cancelled
        return b"%PDF-never"

    parent = QWidget()
    qtbot.addWidget(parent)
    job, dialog = run_with_progress(
        parent, runner, "生成报表", "正在生成积分卡……", build, on_result=outcome.append,
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    assert first_page_reported.wait(10)
    qtbot.waitUntil(lambda: dialog.maximum() == 400 and dialog.value() == 1, timeout=10_000)
    dialog.findChild(QPushButton).click()  # 取消
    cancel_pressed.set()
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    assert runner.wait(10_000)
    assert outcome == ["cancelled"]


def test_a_failing_render_reports_a_sentence(qapp, qtbot):
    runner = JobRunner(synchronous=True)
    parent = QWidget()
    qtbot.addWidget(parent)
    errors = []

    def broken(control):
        raise ValidationError("2025 年的积分细则还没有建立。", details="no rule set")

    run_with_progress(parent, runner, "生成报表", "正在生成……", broken, on_result=pytest.fail, on_error=errors.append)
    assert describe(errors[0]) == ("2025 年的积分细则还没有建立。", "no rule set")

    def crashing(control):
        raise RuntimeError("boom")

    run_with_progress(parent, runner, "生成报表", "正在生成……", crashing, on_result=pytest.fail, on_error=errors.append)
    message, details = describe(errors[1])
    assert "意外" in message and "RuntimeError: boom" in details


def test_open_print_preview_shows_without_blocking(qapp, qtbot, certificates_pdf):
    dialog = print_preview.open_print_preview(None, certificates_pdf, "2026年度荣誉证书", "2026年度荣誉证书.pdf")
    qtbot.waitExposed(dialog)
    assert dialog.isVisible() and dialog.windowTitle() == "2026年度荣誉证书"
    assert dialog.findChild(QPrintPreviewWidget).pageCount() == 3
    dialog.close()


def test_the_preview_opens_fitted_to_width_with_its_tool_bar_in_chinese(app, qtbot, certificates_pdf):
    """Issue 10: the preview opened too small to read; page setup and the tool bar are Chinese."""
    dialog = PdfPrintPreview(certificates_pdf, "证书")
    qtbot.addWidget(dialog)
    dialog.show()
    widget = dialog.findChild(QPrintPreviewWidget)
    assert widget.zoomMode() == QPrintPreviewWidget.ZoomMode.FitToWidth
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    texts = [action.text() for action in dialog.findChild(QToolBar).actions() if action.text()]
    assert "打印设置" in texts or "页面设置" in texts
    assert not [text for text in texts if any("a" <= c.lower() <= "z" for c in text) and text != "另存为 PDF"]


@pytest.mark.parametrize("laptop", ["1366x768", "1280x720"])
def test_on_a_laptop_the_preview_leaves_room_for_its_title_bar(app, qtbot, certificates_pdf, monkeypatch, laptop):
    """It took the screen's whole height for its inside: its title bar at the top, the foot of the page
    under the task bar."""
    screen = usable(LAPTOPS[laptop])
    monkeypatch.setattr(window_state, "available_size", lambda _widget: screen)
    dialog = PdfPrintPreview(certificates_pdf, "证书")
    qtbot.addWidget(dialog)
    dialog.show()
    frame = window_state.FRAME  # offscreen windows have none: the room kept for a real one
    assert dialog.height() + frame.top() + frame.bottom() <= screen.height()
    assert dialog.width() + frame.left() + frame.right() <= screen.width()
    assert dialog.height() >= screen.height() - 60 and dialog.width() >= screen.width() * 8 // 10  # still as large as it can be


def _names_rendered(monkeypatch) -> list[str]:
    """The text of each page as it is rendered (the certificates' names are text in the PDF)."""
    rendered = []
    original = print_preview._render

    def spy(page, dpi):
        rendered.append(page.get_textpage().get_text_range())
        return original(page, dpi)

    monkeypatch.setattr(print_preview, "_render", spy)
    return rendered


def test_the_page_range_chosen_in_the_print_dialog_is_printed(qapp, tmp_path, certificates_pdf, monkeypatch):
    """The clerk asked for pages 2–3 in Qt's print dialog and got all three: Qt leaves the range to the program."""
    rendered = _names_rendered(monkeypatch)

    def choose_two_and_three(dialog):
        dialog.printer().setPrintRange(QPrinter.PrintRange.PageRange)
        dialog.printer().setFromTo(2, 3)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(print_preview, "run_dialog", choose_two_and_three)
    out = tmp_path / "pages-2-3.pdf"
    assert print_preview.print_pdf(None, certificates_pdf, _pdf_printer(out)) is True
    assert len(pypdf.PdfReader(out).pages) == 2
    assert ["李䶮" in text for text in rendered] == [True, False] and "张三" in rendered[1]


def test_a_page_range_past_the_last_page_prints_nothing_and_says_so(qapp, tmp_path, certificates_pdf):
    printer = prepare_printer(_pdf_printer(tmp_path / "none.pdf"), certificates_pdf)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(5, 6)
    with pytest.raises(AppError) as caught:
        paint_pdf(certificates_pdf, printer, dpi=50)
    assert caught.value.message == "所选的页码范围（5-6）超出了文件的页数（共 3 页），没有打印。"
    assert not (tmp_path / "none.pdf").exists()


def test_the_preview_shows_every_page_after_a_range_was_printed(qapp, qtbot, certificates_pdf):
    dialog = PdfPrintPreview(certificates_pdf, on_error=pytest.fail)
    qtbot.addWidget(dialog)
    dialog.printer.setPrintRange(QPrinter.PrintRange.PageRange)  # what printing pages 2–2 from it leaves behind
    dialog.printer.setFromTo(2, 2)
    preview = dialog.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    assert preview.pageCount() == 3
