"""Chart files: a PDF (vector, the font embedded) or a PNG picture of the same page.

The PNG is the PDF page rasterised by pdfium (already used by the print preview), so the
picture and the paper are one drawing. Never imports Qt; the window exports its own widgets.
"""

from __future__ import annotations

import io
from pathlib import Path

from app.domain.errors import ValidationError
from app.reports.chart_data import ChartSet
from app.reports.charts import render_chart_set, render_chart_sheet

PNG_DPI = 150
SUFFIXES = (".png", ".pdf")


def check_chart_path(path: Path) -> str:
    """'.png' or '.pdf' from the target's name; anything else refused before any work."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(f"图表文件名应以 .png（图片）或 .pdf 结尾，例如“{path.stem or '图表'}.png”。")
    return suffix


def png_from_pdf(pdf: bytes, dpi: float = PNG_DPI) -> bytes:
    """The first page of `pdf` as a PNG at `dpi`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        image = document[0].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def chart_file_bytes(charts: ChartSet, suffix: str, issue_line: str = "") -> bytes:
    """A PDF of A4 pages (two charts a page), or one PNG picture of every chart stacked."""
    if suffix == ".pdf":
        return render_chart_set(charts, issue_line)
    return png_from_pdf(render_chart_sheet(charts))


__all__ = ["check_chart_path", "png_from_pdf", "chart_file_bytes", "SUFFIXES"]
