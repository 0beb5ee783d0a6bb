"""Line breaking, widths and formatting of printed Chinese; the font corrections; plain data checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.errors import ValidationError
from app.reports.data import CertificateOptions, IssueInfo, star_title
from app.reports.layout import FONT, NO_LINE_END, NO_LINE_START, ensure_fonts
from app.reports.text import chinese_date, fit_size, fit_widths, signed_points, text_width, wrap_text


def test_the_bundled_font_has_the_rare_name_characters_and_the_star():
    ensure_fonts()
    from reportlab.pdfbase.pdfmetrics import getFont

    glyphs = getFont(FONT).face.charToGlyph
    for char in "𠮷䶮★，。；：！？）》”":
        assert ord(char) in glyphs, char


def test_wrapped_lines_fit_and_keep_every_character():
    text = "在村级重点项目（道路硬化、饮水安全工程）中发挥骨干作用，组织群众投工投劳 120 人次，受到镇党委通报表扬。"
    for width in (40, 61, 90, 150):
        lines = wrap_text(text, width, 10)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert text_width(line, 10) <= width + 0.01 or len(line) <= 2, lines


def test_a_column_narrower_than_one_character_still_keeps_every_character():
    width = text_width("中", 10) - 1
    for text in ("ab中", "ab cd中文", "AB12中"):
        lines = wrap_text(text, width, 10)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), lines


@pytest.mark.parametrize("width", [x * 2.5 for x in range(16, 80)])
def test_closing_punctuation_never_starts_a_line_and_openers_never_end_one(width):
    text = "公示期间，党员和群众如有异议，请向党支部委员会反映（联系电话：0371-6288 1234）。欢迎监督！是否属实？《细则》第三条。"
    lines = wrap_text(text, width, 10)
    for line in lines[1:]:
        assert line[0] not in NO_LINE_START, lines
    for line in lines[:-1]:
        assert line[-1] not in NO_LINE_END, lines


def test_latin_words_and_numbers_stay_whole():
    lines = wrap_text("志愿服务 12.5 小时 ABC-123", 45, 10)
    assert any("12.5" in line for line in lines)
    assert any("ABC-123" in line for line in lines)


@pytest.mark.parametrize("width", range(40, 200, 7))
def test_a_number_keeps_its_year_month_or_day(width):
    """“参加2026 / 年度” and “2026年12 / 月2日” were broken on the star notice."""
    lines = wrap_text("本支部党员参加2026年度星级评定，公示时间：2026年12月2日至2026年12月6日（共5天）。", width, 10)
    for line in lines[1:]:
        assert line[0] not in "年月日天", lines
    assert "".join(lines) == "本支部党员参加2026年度星级评定，公示时间：2026年12月2日至2026年12月6日（共5天）。"


def test_a_notices_intro_and_title_follow_the_same_rules():
    """The notices' title and intro were reportlab Paragraphs, whose CJK wrapping began a line with
    the 。 after “（共5天）” and broke a long branch's title mid-word."""
    from app.reports.layout import page_geometry
    from app.reports.notices import _head

    frame = page_geometry("A4", margin_mm=16).frame_width
    title, _, intro = _head("红旗街道红星社区第二网格党支部2026年度星级党员评定结果公示", "公示时间：2026年12月2日至2026年12月6日（共5天）。公示期间，党员和群众如有异议，请向党支部委员会反映。" * 3, 1)
    title.wrap(frame, 800)
    assert len(title.lines) == 1 and title.size < 20
    for width in range(150, int(frame), 23):
        intro.wrap(width, 800)
        assert all(line[0] not in NO_LINE_START for line in intro.lines[1:]), intro.lines
        assert text_width("中中" + intro.lines[0], intro.size) <= width + 0.01


def test_explicit_newlines_are_kept():
    assert wrap_text("第一行\n第二行", 500, 10) == ("第一行", "第二行")


def test_fit_size_shrinks_only_when_needed():
    assert fit_size("张三", 100, 20, 10) == 20
    assert 10 <= fit_size("中共城关镇红星村党支部委员会", 100, 20, 10) < 20


def test_fit_widths_keeps_numbers_whole_and_lets_remarks_wrap():
    columns = [["名次", "1", "22"], ["姓名", "李䶮"], ["本月积分", "3.5"], ["备注", "老弱病残，部分项目免考" * 3]]
    widths = fit_widths(columns, 300, 11, flexible={1, 3}, padding=4)
    assert sum(widths) == pytest.approx(300)
    assert widths[2] >= text_width("本月积分", 11, bold=True) + 8
    assert widths[1] >= text_width("李䶮", 11) + 8
    roomy = fit_widths(columns[:3], 400, 11, flexible={1}, padding=4)
    assert sum(roomy) == pytest.approx(400)


def test_formats():
    assert chinese_date(date(2026, 11, 23)) == "二〇二六年十一月二十三日"
    assert chinese_date(date(2027, 1, 10)) == "二〇二七年一月十日"
    assert chinese_date(date(2026, 12, 31)) == "二〇二六年十二月三十一日"
    assert [signed_points(Decimal(v)) for v in ("2", "-0.5", "0", "10.25")] == ["+2", "-0.5", "0", "+10.25"]
    assert star_title(5) == "五星党员" and star_title(1) == "一星党员"


def test_issue_info_defaults_to_five_days_from_the_issue_date():
    issue = IssueInfo.make("红星村党支部", date(2026, 11, 23))
    assert (issue.notice_start, issue.notice_end, issue.notice_days) == (date(2026, 11, 23), date(2026, 11, 27), 5)
    assert issue.objection_contact == "党支部委员会"
    with pytest.raises(ValidationError):
        IssueInfo.make("红星村党支部", date(2026, 11, 23), notice_days=0)
    with pytest.raises(ValidationError):
        IssueInfo.make("  ", date(2026, 11, 23))


def test_certificate_offsets_are_limited():
    assert CertificateOptions(-12.5, 50).offset_down_mm == 50
    with pytest.raises(ValidationError):
        CertificateOptions(offset_right_mm=51)
