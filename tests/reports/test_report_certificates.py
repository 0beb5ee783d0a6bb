"""Honour certificates and annual summaries read back from the PDF."""

from __future__ import annotations

import dataclasses
from datetime import date
from io import BytesIO

import pypdf
import pytest

from app.domain.points import format_points
from app.reports import render_annual, render_certificates
from app.reports.certificates import star_points
from app.reports.data import Certificate, CertificateBatch, CertificateOptions, star_title
from app.reports.text import chinese_date
from app.services.printing import report_data
from app.services.totals import ranking as totals
from tests.reports.report_support import (
    all_lines,
    assert_only_bundled_fonts,
    dark_share,
    first_page_png,
    page_lines,
    page_sizes,
    page_texts,
)

ISSUED = date(2026, 12, 28)


def _batch(*names_and_stars) -> CertificateBatch:
    return CertificateBatch(
        2026,
        tuple(Certificate(name, 2026, stars, f"{'一二三四五'[stars - 1]}星党员", "红星村党支部", ISSUED) for name, stars in names_and_stars),
    )


def _text_positions(pdf: bytes, page: int = 0) -> dict[str, tuple[float, float]]:
    """Where each piece of text starts on the page (x, y in points)."""
    found = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.setdefault(text.strip(), (tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    pypdf.PdfReader(BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return found


def test_certificates_one_per_landscape_page_for_the_chosen_members(demo_store, settings, tmp_path):
    # the demo has no rating round: its certificates are signed once the year is over
    signed = dataclasses.replace(settings, issued_on=date(2027, 1, 5))
    batch = report_data.certificates(demo_store, 2026, min_stars=3, settings=signed)
    ranking = totals.branch_ranking(demo_store, 2026)
    expected = [row for row in ranking.rows if row.stars >= 3 and not row.vetoed]
    pdf = render_certificates(batch, invariant=True)
    texts = page_texts(pdf)
    assert len(texts) == len(expected) > 0
    for row, text in zip(expected, texts):
        lines = page_lines(text)
        assert row.name in lines
        assert f"{'一二三四五'[row.stars - 1]} 星 党 员".replace(" ", "") in text.replace(" ", "")
        assert "在2026年度党员积分制管理考评中，表现突出，被评为" in lines
        assert "特发此证，以资鼓励。" in lines
        assert lines[-2:] == ["红星村党支部", chinese_date(signed.issued_on)]
        assert "荣誉证书" in text.replace(" ", "")
    assert {(round(w), round(h)) for w, h in page_sizes(pdf)} == {(842, 595)}
    assert_only_bundled_fonts(pdf)
    assert dark_share(pdf) > 0.01
    png = first_page_png(pdf, tmp_path / "certificate")
    assert png is None or png.stat().st_size > 5000


def test_rare_and_long_names_print_whole():
    pdf = render_certificates(_batch(("𠮷祥云", 5), ("欧阳司马长孙无忌", 4)))
    assert [page_lines(t)[1] for t in page_texts(pdf)] == ["𠮷祥云", "欧阳司马长孙无忌"]


def test_stars_are_drawn_shapes_one_per_star():
    corners = star_points(100, 100, 10)
    assert len(corners) == 10 and corners[0] == pytest.approx((100, 110))
    pdf = render_certificates(_batch(("张三", 5), ("李四", 2)), CertificateOptions(variable_only=True))
    reader = pypdf.PdfReader(BytesIO(pdf))
    # each star is one closed path of ten corners, filled; nothing else is filled in this mode
    streams = [page.get_contents().get_data() for page in reader.pages]
    assert [stream.count(b" l h\nf*") for stream in streams] == [5, 2]
    assert all(stream.count(b" l ") == 9 * stream.count(b" l h\nf*") for stream in streams)


def test_offsets_move_everything_right_and_down():
    plain = _text_positions(render_certificates(_batch(("张三", 5))))
    moved = _text_positions(render_certificates(_batch(("张三", 5)), CertificateOptions(offset_right_mm=10, offset_down_mm=5)))
    for text in ("张三", "特发此证，以资鼓励。", "红星村党支部"):
        assert moved[text][0] - plain[text][0] == pytest.approx(10 * 72 / 25.4, abs=0.01)
        assert plain[text][1] - moved[text][1] == pytest.approx(5 * 72 / 25.4, abs=0.01)


def test_variable_text_only_leaves_the_pre_printed_parts_off():
    full = render_certificates(_batch(("张三", 5)))
    variable = render_certificates(_batch(("张三", 5)), CertificateOptions(variable_only=True))
    assert "荣誉证书" in page_texts(full)[0].replace(" ", "")
    text = page_texts(variable)[0]
    assert "荣誉证书" not in text.replace(" ", "")
    assert all(part in text for part in ("张三", "同志：", "特发此证，以资鼓励。", "红星村党支部", chinese_date(ISSUED)))
    assert dark_share(variable) < dark_share(full)


def test_annual_summary_carries_the_engines_year(demo_store, settings, tmp_path):
    member_id = report_data.member_ids_by_name(demo_store, ["李䶮"])[0]
    after_the_year = dataclasses.replace(settings, issued_on=date(2027, 1, 5))  # inside it, no band or stars yet
    batch = report_data.annual_summaries(demo_store, 2026, [member_id], after_the_year)
    pdf = render_annual(batch, invariant=True)
    lines = all_lines(pdf)
    engine = totals.member_year(demo_store, member_id, 2026)
    row = totals.branch_ranking(demo_store, 2026).row_for(member_id)
    assert lines[:2] == ["党员年度积分汇总表", "（2026年度）"]
    assert any(line.startswith("姓名 李䶮 类别") for line in lines)
    rows = {line.split()[0]: line.split() for line in lines if line.split()}
    for month in range(1, 13):
        cells = rows[f"{month}月"]  # 月份 基础分 履职分 加分 扣分 当月合计 年度累计
        assert cells[5] == format_points(engine.month_total(month)), month
    assert rows["全年"][6] == format_points(engine.points_total)
    flat = " ".join(lines)
    assert f"年度总分 {format_points(row.year_to_date)} 等次 {row.grade}" in flat
    ranked = len(totals.branch_ranking(demo_store, 2026).rows)
    assert f"支部排名 第{row.rank}名（共{ranked}人）" in flat
    assert f"基础分实得 {format_points(engine.base_component)}" in flat
    stars = batch.summaries[0].stars  # the round engine's estimate, as on the certificates: no round has assessed 2026
    assert stars and any(line.startswith(f"星级 {'★' * stars} {star_title(stars)}") for line in lines)
    assert_only_bundled_fonts(pdf)
    assert dark_share(pdf) > 0.01
    png = first_page_png(pdf, tmp_path / "annual")
    assert png is None or png.stat().st_size > 5000


def test_annual_summaries_of_the_branch_one_page_each(demo_store, settings):
    batch = report_data.annual_summaries(demo_store, 2026, settings=settings)
    texts = page_texts(render_annual(batch))
    assert len(texts) == len(batch.summaries) == 36
    for summary, text in zip(batch.summaries, texts):
        assert f"姓名 {summary.member_name} 类别" in text
    assert "第 36 页 共 36 页" in texts[-1]
