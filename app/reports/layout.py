"""Everything every printed page shares: the bundled font, page geometry, colours, styles.

The one place that registers the CJK font. Every PDF embeds a subset of LXGW WenKai (OFL,
resources/fonts), so a notice prints the same on any laptop and printer; reportlab's
built-in CID fonts (STSong-Light) are never embedded and are not used.

Two small corrections to reportlab are applied here, once, when the fonts are registered:

- `makeToUnicodeCMap` writes characters beyond the Basic Multilingual Plane (the rare name
  character 𠮷 U+20BB7) as five hex digits, which PDF readers reject, so such names could
  not be searched or copied. The replacement writes them as UTF-16 surrogate pairs.
- Paragraphs with wordWrap='CJK' only keep Japanese closing punctuation off the start of a
  line; the Chinese ones (，；：！？）》” …) are added to that set.

Thread safety: registration takes a lock; rendering itself keeps all state per document.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.domain.errors import AppError
from app.locations import FONTS_DIR  # the bundled font, in the source tree or the frozen build

FONT = "LXGWWenKai"
FONT_BOLD = "LXGWWenKai-Bold"
FONT_FILES = {FONT: "LXGWWenKai-Regular.ttf", FONT_BOLD: "LXGWWenKai-Bold.ttf"}

# Chinese punctuation that must not begin a line, and openers that must not end one.
NO_LINE_START = "，。、；：！？）》」』】〕〉”’…—·％,.;:!?)]}%"
NO_LINE_END = "（《「『【〔〈“‘([{"

# Colours: black text, the red of official notices and certificates, quiet greys for rules.
BLACK = colors.black
RED = colors.Color(0.75, 0.05, 0.05)
SEAL_RED = colors.Color(0.85, 0.35, 0.35)
GRID = colors.Color(0.15, 0.15, 0.15)
LABEL_FILL = colors.Color(0.92, 0.92, 0.92)
BAND_FILL = colors.Color(0.955, 0.955, 0.955)
MUTED = colors.Color(0.35, 0.35, 0.35)

PAPER_SIZES = {"A4": A4, "A3": A3}

AUTHOR = "党员积分管理"


@dataclass(frozen=True)
class PageGeometry:
    """A sheet and its margins, in points."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def size(self) -> tuple[float, float]:
        return (self.width, self.height)

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom


# A4 portrait with the house margins (the annual summary, the sign-in sheet, the meeting record).
A4_PORTRAIT = PageGeometry(*A4, left=18 * mm, right=18 * mm, top=16 * mm, bottom=16 * mm)


def page_geometry(paper: str = "A4", landscape_: bool = False, margin_mm: float = 15) -> PageGeometry:
    """A4 or A3, portrait or landscape, with even margins (A3 margins scale up a little)."""
    try:
        size = PAPER_SIZES[paper.upper()]
    except KeyError:
        raise AppError(f"纸张只能选 A4 或 A3，收到的是“{paper}”。") from None
    width, height = landscape(size) if landscape_ else portrait(size)
    margin = margin_mm * mm * (1.25 if paper.upper() == "A3" else 1)
    return PageGeometry(width, height, margin, margin, margin, margin)


def paper_scale(paper: str) -> float:
    """Type on A3 notices is √2 larger so the board reads from the same distance ratio."""
    return 1.41 if paper.upper() == "A3" else 1.0


_lock = threading.Lock()
_registered = False


def ensure_fonts() -> None:
    """Register the bundled faces (idempotent) and apply the two reportlab corrections."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, file_name in FONT_FILES.items():
            path = FONTS_DIR / file_name
            if not path.is_file():
                raise AppError(
                    f"找不到打印用的字体文件“{file_name}”，请重新安装本程序。", details=str(path)
                )
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
        _patch_reportlab()
        _registered = True


def _utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset) -> str:
    """reportlab's ToUnicode CMap, with code points beyond U+FFFF as surrogate pairs."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % len(subset),
    ]
    lines += ["<%02X> <%s>" % (index, _utf16_hex(code)) for index, code in enumerate(subset)]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def _patch_reportlab() -> None:
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    from reportlab.platypus import paragraph

    missing = "".join(ch for ch in NO_LINE_START if ch not in paragraph.ALL_CANNOT_START)
    paragraph.ALL_CANNOT_START = paragraph.ALL_CANNOT_START + missing


def paragraph_style(
    name: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    leading: float | None = None,
    color=BLACK,
    first_indent: float = 0,
    space_after: float = 0,
    space_before: float = 0,
) -> ParagraphStyle:
    """A Chinese paragraph style: bundled face, CJK wrapping, leading 1.45× the size."""
    ensure_fonts()
    return ParagraphStyle(
        name,
        fontName=FONT_BOLD if bold else FONT,
        fontSize=size,
        leading=leading or round(size * 1.45, 1),
        alignment={"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}[align],
        textColor=color,
        wordWrap="CJK",
        firstLineIndent=first_indent,
        spaceAfter=space_after,
        spaceBefore=space_before,
    )


def new_canvas(target, geometry: PageGeometry, title: str, invariant: bool = False) -> Canvas:
    """A bare canvas that starts in the bundled font (so no Helvetica is listed) with metadata."""
    ensure_fonts()
    canvas = Canvas(target, pagesize=geometry.size, invariant=1 if invariant else 0, initialFontName=FONT, initialFontSize=10)
    set_metadata(canvas, title)
    return canvas


def set_metadata(canvas: Canvas, title: str) -> None:
    canvas.setTitle(title)
    canvas.setAuthor(AUTHOR)
    canvas.setCreator(AUTHOR)
    canvas.setSubject(title)


def page_number_text(page: int, total: int) -> str:
    return f"第 {page} 页 共 {total} 页"


def draw_page_number(canvas: Canvas, geometry: PageGeometry, page: int, total: int, size: float = 9) -> None:
    """'第 X 页 共 Y 页' centred in the bottom margin (nothing on a one-page document)."""
    if total <= 1:
        return
    canvas.saveState()
    canvas.setFont(FONT, size)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(geometry.width / 2, geometry.bottom / 2 - size / 3, page_number_text(page, total))
    canvas.restoreState()


def draw_last_page_note(canvas: Canvas, geometry: PageGeometry, note: str, size: float = 8) -> None:
    """A small note at the right of the bottom margin (the ledger's check code on a notice)."""
    canvas.saveState()
    canvas.setFont(FONT, size)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(geometry.width - geometry.right, geometry.bottom / 2 - size / 3, note)
    canvas.restoreState()


def numbered_canvas_class(geometry: PageGeometry, title: str, on_page=None, last_page_note: str = ""):
    """A platypus canvas maker that holds pages back until the end to print '第 X 页 共 Y 页'.

    `on_page(page_number)` is called as each page is finished (progress, cancellation);
    `last_page_note` is printed small in the bottom margin of the last page.
    """

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            set_metadata(self, title)

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            if on_page is not None:
                on_page(len(self._pages))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                draw_page_number(self, geometry, number, total)
                if last_page_note and number == total:
                    draw_last_page_note(self, geometry, last_page_note)
                super().showPage()
            super().save()

    return NumberedCanvas
