"""Helpers for the report tests: a demo database built once per session, and ways to read PDFs back.

Imported as `tests.reports.report_support` (the project root is on sys.path), so the
service, command-line and UI tests share the same demo file and the same PDF checks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pypdf

from app.domain.enums import MemberClass
from app.services import demo, organisation
from app.services.ledger import entries as ledger
from app.services.roster import members
from app.services.rules import rulesets
from app.services.ledger.entries import EntryRequest
from db.store import Store
from conftest import keyed_admin

DEMO_DAY = date(2026, 11, 23)
FONT_NAME = re.compile(r"^[A-Z]{6}\+LXGWWenKai-(Regular|Bold)$")


def demo_database(tmp_path_factory) -> Path:
    """A private copy of the demo branch (built once per test session, as of 2026-11-23)."""
    master = tmp_path_factory.getbasetemp() / "report-demo" / "demo.db"
    if not master.exists():
        master.parent.mkdir(parents=True, exist_ok=True)
        with Store.open_file(master) as store:
            demo.create_demo_branch(store, keyed_admin(store), today=DEMO_DAY)
    copy = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(master, copy)
    return copy


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国志强伟军明华平刚秀英桂兰玉梅丽娟"


def large_branch(path: Path, size: int = 200) -> dict[str, object]:
    """A branch of `size` members with one approved duty entry each in October; {name: id}."""
    with Store.open_file(path) as store:
        admin = keyed_admin(store)
        branch = organisation.setup_branch(store, admin, "城关镇党委", "红旗社区党委", ["第一网格党支部", "第二网格党支部"])
        rulesets.create_rule_set(store, admin, 2026, template="village_100")
        names = ["𠮷祥云", "李䶮", "欧阳司马长孙无忌"]
        for first in SURNAMES:
            for second in GIVEN:
                for third in "一二三":
                    names.append(first + second + third)
        ids = {}
        for index, name in enumerate(names[:size]):
            data = members.MemberInput(
                name=name, member_class=MemberClass.NO_POST, join_date=date(2000, 7, 1),
                group_id=branch.groups[index % 2].id,
            )
            ids[name] = members.add_member(store, admin, data, today=DEMO_DAY)
        requests = [
            EntryRequest(member_id, "R02", date(2026, 10, 31), points=Decimal(1 + index % 4), note="2026年10月履职评定")
            for index, member_id in enumerate(ids.values())
        ]
        ledger.record_batch(store, admin, requests, approve=True, today=DEMO_DAY)
    return ids


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(BytesIO(pdf)).pages]


def page_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def all_lines(pdf: bytes) -> list[str]:
    return [line for text in page_texts(pdf) for line in page_lines(text)]


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in pypdf.PdfReader(BytesIO(pdf)).pages]


def fonts_used(pdf: bytes) -> set[tuple[str, bool]]:
    """(BaseFont, embedded?) of every font any page uses."""
    found = set()
    for page in pypdf.PdfReader(BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = False
            if descriptor is not None:
                descriptor = descriptor.get_object()
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.add((str(font["/BaseFont"]).lstrip("/"), embedded))
    return found


def assert_only_bundled_fonts(pdf: bytes) -> None:
    fonts = fonts_used(pdf)
    assert fonts, "no fonts at all"
    for name, embedded in fonts:
        assert FONT_NAME.match(name), f"unexpected font {name}"
        assert embedded, f"{name} is not embedded"
    assert b"Helvetica" not in pdf and b"STSong" not in pdf
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        rows = listing.splitlines()[2:]
        assert rows and all("LXGWWenKai" in row and " yes yes yes " in row for row in rows), listing


def _parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary PGM (P5, 8-bit) as pdftoppm writes it."""
    fields, position = [], 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P5" and int(fields[3]) == 255
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[position + 1:position + 1 + width * height]


def dark_share(pdf: bytes, page: int = 1, dpi: int = 40) -> float:
    """Share of dark pixels on a page, rendered by pdftoppm (or pdfium when poppler is absent)."""
    if shutil.which("pdftoppm"):
        result = subprocess.run(
            ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-"],
            input=pdf, capture_output=True, check=True,
        )
        width, height, pixels = _parse_pgm(result.stdout)
    else:
        import pypdfium2

        document = pypdfium2.PdfDocument(pdf)
        bitmap = document[page - 1].render(scale=dpi / 72, grayscale=True)
        pixels, width, height = bytes(bitmap.buffer), bitmap.stride, bitmap.height
    dark = sum(pixels.count(bytes([value])) for value in range(0, 128))
    return dark / (width * height)


def first_page_png(pdf: bytes, out_prefix: Path, dpi: int = 60) -> Path | None:
    """pdftoppm -r 60 -png -f 1 -l 1: the picture one looks at (None without poppler)."""
    if not shutil.which("pdftoppm"):
        return None
    source = out_prefix.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(source), str(out_prefix)], check=True)
    return out_prefix.with_suffix(".png")
