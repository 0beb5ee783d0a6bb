"""Honour certificates (荣誉证书): landscape A4, one per page, drawn straight onto the canvas.

Every element is placed in millimetres from the top-left corner of the sheet, so a print
offset (for pre-printed paper that feeds a little askew) simply moves the whole drawing.
Stars are drawn as filled five-pointed polygons, not as font glyphs, so they stay crisp at
any size. See CertificateOptions for what 'variable text only' leaves off.
"""

from __future__ import annotations

import io
import math

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.reports.data import Certificate, CertificateBatch, CertificateOptions
from app.reports.layout import BLACK, FONT, FONT_BOLD, RED, SEAL_RED, PageGeometry, new_canvas
from app.reports.progress import Progress, report
from app.reports.text import chinese_date, fit_size, text_width, wrap_text

WIDTH, HEIGHT = landscape(A4)
GEOMETRY = PageGeometry(WIDTH, HEIGHT, 40 * mm, 40 * mm, 25 * mm, 25 * mm)
SEAL_RADIUS = 21 * mm  # a branch seal is 42 mm across
BODY_SIZE = 20


def _y(mm_from_top: float) -> float:
    return HEIGHT - mm_from_top * mm


def star_points(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star with one point straight up."""
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    corners = []
    for index in range(10):
        r = radius if index % 2 == 0 else inner
        angle = math.radians(90 + index * 36)
        corners.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return corners


def draw_star(canvas: Canvas, cx: float, cy: float, radius: float, color=RED) -> None:
    path = canvas.beginPath()
    corners = star_points(cx, cy, radius)
    path.moveTo(*corners[0])
    for point in corners[1:]:
        path.lineTo(*point)
    path.close()
    canvas.setFillColor(color)
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(2.4)
    canvas.rect(10 * mm, 10 * mm, WIDTH - 20 * mm, HEIGHT - 20 * mm)
    canvas.setLineWidth(0.7)
    canvas.rect(13 * mm, 13 * mm, WIDTH - 26 * mm, HEIGHT - 26 * mm)
    for x in (13 * mm, WIDTH - 13 * mm):
        for y in (13 * mm, HEIGHT - 13 * mm):
            draw_star(canvas, x, y, 3.2 * mm)


def _draw_title(canvas: Canvas) -> None:
    size = 46
    canvas.setFillColor(RED)
    canvas.setFont(FONT_BOLD, size)
    spacing = size * 0.45
    text = "荣誉证书"
    width = text_width(text, size, bold=True) + spacing * (len(text) - 1)
    canvas.drawString(WIDTH / 2 - width / 2, _y(45), text, charSpace=spacing)


def _draw_seal_place(canvas: Canvas, cx: float, cy: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setLineWidth(0.8)
    canvas.setDash(4, 3)
    canvas.circle(cx, cy, SEAL_RADIUS, stroke=1, fill=0)
    canvas.restoreState()


def _draw_certificate(canvas: Canvas, certificate: Certificate, options: CertificateOptions) -> None:
    canvas.saveState()
    canvas.translate(options.offset_right_mm * mm, -options.offset_down_mm * mm)
    if not options.variable_only:
        _draw_frame(canvas)
        _draw_title(canvas)
    left = 42 * mm
    text_right = WIDTH - 42 * mm
    # Salutation: the name large on a ruled line, then 同志：
    name_size = fit_size(certificate.name, 110 * mm, 30, 18, bold=True)
    canvas.setFillColor(BLACK)
    canvas.setFont(FONT_BOLD, name_size)
    baseline = _y(72)
    canvas.drawString(left + 4 * mm, baseline, certificate.name)
    name_end = left + 4 * mm + text_width(certificate.name, name_size, bold=True)
    if not options.variable_only:
        canvas.setStrokeColor(BLACK)
        canvas.setLineWidth(0.6)
        canvas.line(left, baseline - 2.2 * mm, max(name_end + 4 * mm, left + 50 * mm), baseline - 2.2 * mm)
    canvas.setFont(FONT, BODY_SIZE)
    canvas.drawString(max(name_end + 4 * mm, left + 50 * mm) + 2 * mm, baseline, "同志：")
    # The sentence, indented two characters.
    body = f"在{certificate.year}年度党员积分制管理考评中，表现突出，被评为"
    indent = 2 * BODY_SIZE
    y = _y(88)
    for index, line in enumerate(wrap_text(body, text_right - left - indent, BODY_SIZE)):
        canvas.drawString(left + indent if index == 0 else left, y, line)
        y -= BODY_SIZE * 1.6
    # Stars and the honour, centred.
    radius = 7 * mm
    pitch = 17 * mm
    first = WIDTH / 2 - pitch * (certificate.stars - 1) / 2
    for index in range(certificate.stars):
        draw_star(canvas, first + index * pitch, _y(112), radius)
    honour_size = 36
    spacing = honour_size * 0.3
    canvas.setFillColor(RED)
    canvas.setFont(FONT_BOLD, honour_size)
    honour_width = text_width(certificate.honour, honour_size, bold=True) + spacing * (len(certificate.honour) - 1)
    canvas.drawString(WIDTH / 2 - honour_width / 2, _y(136), certificate.honour, charSpace=spacing)
    canvas.setFillColor(BLACK)
    canvas.setFont(FONT, BODY_SIZE)
    canvas.drawString(left + indent, _y(152), "特发此证，以资鼓励。")
    # Issuing organisation and date at the right, the seal over them.
    center = WIDTH - 80 * mm
    org_size = fit_size(certificate.issuing_org, 100 * mm, BODY_SIZE, 12)
    canvas.setFont(FONT, org_size)
    canvas.drawCentredString(center, _y(170), certificate.issuing_org)
    canvas.setFont(FONT, 18)
    canvas.drawCentredString(center, _y(180), chinese_date(certificate.issued_on))
    if not options.variable_only:
        _draw_seal_place(canvas, center, _y(172))
    canvas.restoreState()


def render_certificates(
    batch: CertificateBatch,
    options: CertificateOptions | None = None,
    invariant: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """One certificate per landscape A4 page, in the order of the batch."""
    options = options or CertificateOptions()
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, GEOMETRY, f"{batch.year}年度荣誉证书", invariant)
    total = len(batch.certificates)
    for done, certificate in enumerate(batch.certificates, start=1):
        _draw_certificate(canvas, certificate, options)
        canvas.showPage()
        report(progress, done, total)
    if not batch.certificates:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
