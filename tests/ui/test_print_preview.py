"""Print preview, printing and saving of report PDFs, and rendering a batch off the UI thread (offscreen)."""

from __future__ import annotations

import threading
import time
from datetime import date
from io import BytesIO

import pypdf
import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QPushButton

from app.domain.errors import ValidationError
from app.domain.periods import Month
from app.reports import render_certificates, render_scorecards
from app.reports.data import Certificate, CertificateBatch
from app.services import report_data
from app.ui import print_preview
from app.ui.print_preview import (
    PdfPrintPreview,
    ReportJob,
    ReportProgress,
    paint_pdf,
    pdf_page_count,
    prepare_printer,
    save_pdf,
    start_report_job,
)
from db.store import Store
from tests.reports.report_support import dark_share, demo_database

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


def test_a_batch_renders_off_the_ui_thread_with_progress(qapp, qtbot, report_demo_path):
    store = Store.open_file(report_demo_path)
    progress, builders = [], []

    def build(report):
        builders.append(threading.get_ident())
        batch = report_data.scorecards(store, Month(2026, 10))
        return render_scorecards(batch, progress=report)

    try:
        job = ReportJob(build)
        job.progress.connect(lambda done, total: progress.append((done, total, threading.get_ident())))
        with qtbot.waitSignal(job.finished, timeout=60_000) as result:
            job.start()
        assert job.wait(10_000)
    finally:
        store.close()
    pdf = result.args[0]
    assert pdf.startswith(b"%PDF") and pdf_page_count(pdf) == 35
    assert progress and progress[-1][:2] == (35, 35)
    ui = threading.get_ident()
    assert builders and builders[0] != ui, "the batch was built off the UI thread"
    assert {thread for _, _, thread in progress} == {ui}, "progress arrives on the UI thread"


def test_a_job_can_be_cancelled(qapp, qtbot):
    def slow(report):
        for step in range(2000):
            report(step, 2000)
            time.sleep(0.002)
        return b"%PDF-never"

    job = ReportJob(slow)
    finished = []
    job.finished.connect(finished.append)
    with qtbot.waitSignal(job.cancelled, timeout=20_000):
        with qtbot.waitSignal(job.progress, timeout=20_000):
            job.start()
        job.cancel()
    assert job.wait(10_000) and job.is_cancelled and finished == []


def test_a_failing_job_reports_a_sentence(qapp, qtbot):
    def broken(report):
        raise ValidationError("2025 年的积分细则还没有建立。", details="no rule set")

    job = ReportJob(broken)
    with qtbot.waitSignal(job.failed, timeout=10_000) as failed:
        job.start()
    assert job.wait(10_000)
    assert failed.args == ["2025 年的积分细则还没有建立。", "no rule set"]

    def crashing(report):
        raise RuntimeError("boom")

    errors = []
    job = start_report_job(crashing, on_failed=lambda message, details: errors.append((message, details)))
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert job.wait(10_000)
    assert "意外" in errors[0][0] and "RuntimeError: boom" in errors[0][1]


def test_the_progress_dialog_follows_and_cancels_the_job(qapp, qtbot):
    def slow(report):
        for step in range(1, 401):
            report(step, 400)
            time.sleep(0.005)
        return b"%PDF-done"

    job = ReportJob(slow)
    dialog = ReportProgress(job, "正在生成积分卡……")
    qtbot.addWidget(dialog)
    job.start()
    qtbot.waitUntil(lambda: dialog.value() > 0 and dialog.maximum() == 400, timeout=10_000)
    with qtbot.waitSignal(job.cancelled, timeout=20_000):
        dialog.findChild(QPushButton).click()  # the dialog's 取消 button
    assert job.wait(10_000)
    assert job.is_cancelled and not dialog.isVisible()


def test_open_print_preview_shows_without_blocking(qapp, qtbot, certificates_pdf):
    dialog = print_preview.open_print_preview(None, certificates_pdf, "2026年度荣誉证书", "2026年度荣誉证书.pdf")
    qtbot.waitExposed(dialog)
    assert dialog.isVisible() and dialog.windowTitle() == "2026年度荣誉证书"
    assert dialog.findChild(QPrintPreviewWidget).pageCount() == 3
    dialog.close()
