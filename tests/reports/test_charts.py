"""Charts on paper: the shared layout puts figures where they belong, and the PDF is vector,
in the bundled font, readable in black and white, and not blank."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.reports.chart_data import Chart, ChartSet, Guide, Series
from app.reports.chart_layout import STYLES, Box, hatch_segments, lay_out, nice_ticks
from app.reports.charts import ROW_PITCH, page_parts, render_chart_set, render_chart_sheet
from app.services.charts.export import png_from_pdf
from tests.reports.report_support import assert_only_bundled_fonts, dark_share, first_page_png, page_sizes, page_texts

D = Decimal
MONTHS = tuple(f"{m}月" for m in range(1, 13))


def width_of(text: str, size: float) -> float:
    return len(text) * size


def year_chart() -> Chart:
    return Chart(
        "逐月积分与年度累计", MONTHS,
        bars=(Series("本人当月积分", (D(2), D(7), D(-4)) + (None,) * 9), Series("支部当月人均", (D(2), D(3), D("-0.67")) + (None,) * 9)),
        lines=(Series("年度累计", (D(22), D(29), D(25)) + (None,) * 9),),
        guides=(Guide("五星 90分", D(90)),),
    )


def test_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 93) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(-4, 7) == [-5, 0, 5, 10]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_bars_stand_on_zero_and_scale_with_their_figures():
    layout = lay_out(year_chart(), 600, 300, width_of, 10)
    mine = [box for box in layout.boxes if box.style == 0]
    assert len(mine) == 3 and len(layout.boxes) == 6  # months without figures draw nothing
    feb, mar = mine[1], mine[2]
    zero = feb.y + feb.h
    assert mar.y == pytest.approx(zero)  # a negative bar hangs below zero
    assert feb.h / mar.h == pytest.approx(7 / 4)
    assert layout.lines[0].points[0][1] < zero  # the running total is drawn above zero


def test_the_exact_figure_is_under_the_pointer():
    layout = lay_out(year_chart(), 600, 300, width_of, 10)
    feb = [box for box in layout.boxes if box.style == 0][1]
    assert layout.tip_at(feb.x + feb.w / 2, feb.y + feb.h / 2) == "2月　本人当月积分：7分"
    x, y = layout.lines[0].points[2]
    assert layout.tip_at(x + 1, y - 1) == "3月　年度累计：25分"
    average = [box for box in layout.boxes if box.style == 1][2]
    assert layout.tip_at(average.x + average.w / 2, average.y + 1) == "3月　支部当月人均：-0.67分"
    assert layout.tip_at(0, 0) == ""


def test_guides_and_the_value_axis_reach_the_star_line():
    layout = lay_out(year_chart(), 600, 300, width_of, 10)
    guide = next(rule for rule in layout.rules if rule.kind == "guide")
    axis_tops = [label.text for label in layout.labels if label.muted]
    assert "100" in axis_tops and "五星 90分" in axis_tops
    assert guide.y1 == guide.y2


def test_series_differ_by_hatch_not_only_by_colour():
    hatches = [hatch for _, hatch in STYLES]
    assert len(set(hatches)) == len(hatches)
    box = Box(0, 0, 30, 20, 1, "")
    for hatch in "/-x|\\":
        segments = hatch_segments(box, hatch, 4)
        assert segments
        for x1, y1, x2, y2 in segments:
            assert 0 <= min(x1, x2) and max(x1, x2) <= 30 and 0 <= min(y1, y2) and max(y1, y2) <= 20


def test_stacked_bars_pile_up_and_deductions_hang_below():
    chart = Chart("每月各类积分", ("1月",), bars=(Series("履职分", (D(5),)), Series("加分", (D(2),)), Series("扣分", (D(-2),))), stacked=True)
    boxes = lay_out(chart, 300, 200, width_of, 10).boxes
    duty, bonus, loss = boxes
    assert bonus.y + bonus.h == pytest.approx(duty.y)  # on top of the duty points
    assert loss.y == pytest.approx(duty.y + duty.h)  # from zero downwards
    assert duty.x == bonus.x == loss.x


def test_a_long_horizontal_chart_is_cut_on_one_scale():
    names = tuple(f"第{n:03d}村党支部" for n in range(1, 301))
    chart = Chart("各支部人均积分", names, bars=(Series("人均", tuple(D(n % 97) for n in range(300))),), horizontal=True)
    parts = page_parts(chart, 700)
    assert sum(len(p.categories) for p in parts) == 300
    assert all(p.value_max == D(96) for p in parts)
    assert len(parts[0].categories) * ROW_PITCH < 700


def test_the_pdf_is_vector_in_the_bundled_font_and_not_blank(tmp_path):
    charts = ChartSet("红星村党支部2026年度积分图表", "规则：村党员百分制积分细则", (year_chart(), year_chart()))
    pdf = render_chart_set(charts, "红星村党支部　二〇二六年十一月二十三日", invariant=True)
    assert_only_bundled_fonts(pdf)
    assert len(page_sizes(pdf)) == 1
    text = page_texts(pdf)[0]
    assert "逐月积分与年度累计" in text and "五星 90分" in text and "支部当月人均" in text
    assert b"/Subtype /Image" not in pdf  # drawn, not pasted in as a picture
    assert 0.01 < dark_share(pdf) < 0.5
    first_page_png(pdf, tmp_path / "chart-page")  # the picture one looks at


def test_a_picture_of_the_sheet():
    charts = ChartSet("甲 2026年度积分", "", (year_chart(),))
    png = png_from_pdf(render_chart_sheet(charts))
    assert png.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("L")
    dark = sum(image.histogram()[:128])
    assert image.size[0] > 1000 and 0.005 < dark / (image.size[0] * image.size[1]) < 0.5


def test_an_empty_chart_still_draws_its_frame():
    chart = Chart("扣分项目", (), bars=(Series("扣分", ()),), horizontal=True)
    assert chart.is_empty
    pdf = render_chart_set(ChartSet("空", "", (chart,)))
    assert "扣分项目" in page_texts(pdf)[0]


def test_three_hundred_branches_hatch_through_one_clip_a_style():
    names = tuple(f"第{n:03d}村党支部" for n in range(1, 301))
    shares = tuple(Series(s, tuple(D(100 / 6) for _ in names)) for s in ("五星", "四星", "三星", "二星", "一星", "未评星"))
    chart = Chart("各支部星级占比", names, bars=shares, stacked=True, horizontal=True, unit="%", value_max=D(100))
    pdf = render_chart_set(ChartSet("各支部", "", (chart,)))
    assert len(page_sizes(pdf)) == 8  # 300 rows of 15 pt: about 40 to a page
    assert len(pdf) < 400_000  # a line per hatch stroke made it megabytes (and took 20 s)


def test_pages_hold_what_they_are_given():
    """Every page's charts fit between the title (first page) and the foot kept for the issuer."""
    from app.reports.charts import FOOT, GEOMETRY, pack_pages
    from reportlab.lib.units import mm

    names = tuple(f"第{n:03d}村党支部" for n in range(1, 101))
    long = Chart("各支部人均积分", names, bars=(Series("人均", tuple(D(n) for n in range(100))),), horizontal=True)
    pages = pack_pages(ChartSet("t", "", (year_chart(), long, year_chart())), GEOMETRY)
    for number, page in enumerate(pages):
        room = GEOMETRY.frame_height - (24 if number == 0 else 8) * mm - FOOT
        assert sum(height for _, height in page) + 6 * mm * (len(page) - 1) <= room + 0.01
    assert sum(len(chart.categories) for page in pages for chart, _ in page if chart.horizontal) == 100
    assert len(pages[0]) == 2  # the long chart starts under the first one, not on a page of its own


def test_a_month_can_carry_a_second_line():
    chart = Chart("逐月", ("1月\n第3名", "2月\n第1名"), bars=(Series("本支部人均", (D(4), D(5))),))
    layout = lay_out(chart, 400, 200, width_of, 10)
    texts = [label.text for label in layout.labels]
    assert "1月" in texts and "第3名" in texts
    month, rank = (next(label for label in layout.labels if label.text == t) for t in ("1月", "第3名"))
    assert rank.y > month.y and rank.x == month.x
    box = layout.boxes[0]
    assert layout.tip_at(box.x + 1, box.y + 1) == "1月：4分"


def test_close_guides_do_not_print_their_labels_on_each_other():
    chart = Chart("逐月", ("1月",), lines=(Series("累计", (D(50),)),), guides=(Guide("二星", D(60)), Guide("三星", D(62)), Guide("五星", D(90))))
    labels = [label.text for label in lay_out(chart, 400, 120, width_of, 10).labels]
    assert "二星" in labels and "三星" not in labels and "五星" in labels
    assert len([r for r in lay_out(chart, 400, 120, width_of, 10).rules if r.kind == "guide"]) == 3


def test_figures_over_neighbouring_bars_do_not_run_into_each_other():
    """The annual sheet's months: a member's 3.5 beside the branch's 4.28 at about the same height
    printed as “3.54.28” (0.8 points apart). Every figure is still printed over its own bar, and
    figures side by side keep at least a space between them, at any width of the chart."""
    from app.reports.charts import TEXT_SIZE, measure
    from app.reports.layout import ensure_fonts

    ensure_fonts()
    mine = (D(5), D(6), D(7), D("3.5"), D(5), D("4.5"), D(4), D(5), D(5), D(2), D(2), D(0))
    branch = (D("4.46"), D("4.61"), D("4.99"), D("4.28"), D("4.38"), D("4.46"), D("4.43"), D("4.6"), D("4.3"), D("4.17"), D("1.69"), D(0))
    chart = Chart(
        "逐月积分与年度累计", MONTHS, bars=(Series("本人当月积分", mine), Series("支部当月人均", branch)),
        lines=(Series("年度累计", (D(25), D(31), D(38), D(42), D(47), D(52), D(56), D(61), D(66), D(68), D(70), D(70))),),
        guides=(Guide("五星 90分", D(90)),),
    )
    for width in (510.2, 540, 700):  # the A4 sheet's frame, and wider (narrower, the averages no longer fit their bars)
        layout = lay_out(chart, width, 269, measure, TEXT_SIZE)
        figures = [label for label in layout.labels if label.text.replace(".", "").isdigit() and label.size < TEXT_SIZE * 0.85]
        assert sorted(label.text for label in figures) == sorted(chart.figure(v).removesuffix("分") for v in mine + branch if v)
        space = measure(" ", figures[0].size)
        spans = [(label.x - measure(label.text, label.size) / 2, label.y - label.size * 0.8,
                  label.x + measure(label.text, label.size) / 2, label.y + label.size * 0.2) for label in figures]
        for at, (x0, y0, x1, y1) in enumerate(spans):
            for other, (u0, w0, u1, w1) in enumerate(spans[at + 1:], start=at + 1):
                apart = x1 + space <= u0 or u1 + space <= x0 or y1 <= w0 or w1 <= y0
                assert apart, f"{figures[at].text} runs into {figures[other].text} ({width})"
        for label in figures:  # over its own bar, and not far above it
            assert any(
                box.tip.endswith(f"：{label.text}分") and box.x <= label.x <= box.x + box.w and box.y - label.size * 3 < label.y <= box.y
                for box in layout.boxes
            ), label


def test_figures_on_bars_keep_off_the_line_markers():
    """The township's month chart: the branch's average (bars) beside the township's (a line), the
    two close every month, so each bar's figure printed on the line's marker over it (“5.2” under
    the circle at 5.3). Every figure is still printed over its own bar, clear of every marker."""
    from app.reports.chart_layout import marker_radius
    from app.reports.charts import TEXT_SIZE, measure
    from app.reports.layout import ensure_fonts

    ensure_fonts()
    branch = (D("5.2"), D("6.1"), D(7), D("4.5"), D("5.6"), D("6.3"), D("4.9"), D("5.1"), D("6.8"), D("5.5"), D("3.2"), None)
    township = (D("5.3"), D("5.9"), D("6.6"), D("4.8"), D("5.5"), D("6.4"), D(5), D("5.4"), D("6.1"), D("5.2"), D("3.4"), None)
    chart = Chart("红星村党支部逐月人均积分与全乡镇对比", tuple(f"{m}\n第1名" for m in MONTHS),
                  bars=(Series("红星村党支部人均", branch),), lines=(Series("全乡镇人均", township),))
    radius = marker_radius(TEXT_SIZE)
    for width in (510.2, 700):
        layout = lay_out(chart, width, 269, measure, TEXT_SIZE)
        figures = [label for label in layout.labels if label.text.replace(".", "").isdigit() and label.size < TEXT_SIZE * 0.85]
        assert sorted(label.text for label in figures) == sorted(chart.figure(v).removesuffix("分") for v in branch if v)
        for label in figures:
            half = measure(label.text, label.size) / 2
            top, bottom = label.y - label.size * 0.8, label.y + label.size * 0.2
            for x, y in layout.lines[0].points:
                apart = label.x + half <= x - radius or x + radius <= label.x - half or bottom <= y - radius or y + radius <= top
                assert apart, f"{label.text} is printed on the marker at ({x:.0f}, {y:.0f}) ({width})"
            assert any(box.tip.endswith(f"：{label.text}分") and box.x <= label.x <= box.x + box.w for box in layout.boxes), label


def test_figures_on_bars_keep_off_the_lines_strokes():
    """The township's month chart: a figure was printed through the township's line where it fell
    steeply onto the bar (November's “1.57” struck through by the stroke from October's 4.33 down
    to 1.5), and touched it at a wide V over a bar. Every figure is still printed over its own bar,
    and clear of every stroke by half the stroke's width at least."""
    from app.reports.charts import TEXT_SIZE, measure
    from app.reports.layout import ensure_fonts

    ensure_fonts()
    stroke = 1.3  # the line's width on paper (app.reports.charts)
    branch = (D("4.44"), D("4.79"), D("4.81"), D("4.86"), D("4.47"), D("4.63"), D("4.81"), D("4.67"), D("4.67"), D("4.49"), D("1.57"), None)
    township = (D("4.55"), D("4.70"), D("4.76"), D("4.48"), D("4.62"), D("4.70"), D("4.62"), D("4.52"), D("4.62"), D("4.33"), D("1.50"), None)
    wide_v = (D("6.4"), D("6.5"), D("4.6"), D("6.5"), D("6.4"), D("3.1"), D("6.2"), D("6.3"), D("4.2"), D("6.3"), D("5.8"), D("5.9"))
    bars_v = (D("5.9"), D("6.0"), D("5.0"), D("6.0"), D("5.9"), D("3.6"), D("5.6"), D("5.8"), D("4.6"), D("5.7"), D("5.2"), D("5.3"))
    for bars, line in ((branch, township), (bars_v, wide_v)):
        chart = Chart("红星村党支部逐月人均积分与全乡镇对比", tuple(f"{m}\n第1名" for m in MONTHS),
                      bars=(Series("红星村党支部人均", bars),), lines=(Series("全乡镇人均", line),))
        for width in (510.2, 600, 700):
            layout = lay_out(chart, width, 269, measure, TEXT_SIZE)
            figures = [label for label in layout.labels if label.text.replace(".", "").isdigit() and label.size < TEXT_SIZE * 0.85]
            assert sorted(label.text for label in figures) == sorted(chart.figure(v).removesuffix("分") for v in bars if v)
            for label in figures:
                half = measure(label.text, label.size) / 2
                bar = next(box for box in layout.boxes if box.x <= label.x <= box.x + box.w)
                assert bar.tip.endswith(f"：{label.text}分"), label
                assert bar.x - 1e-9 <= label.x - half and label.x + half <= bar.x + bar.w + 1e-9, label  # within its bar's width
                assert bar.y - label.size * 3 < label.y <= bar.y, label
                text = (label.x - half, label.y - label.size * 0.8, label.x + half, label.y + label.size * 0.2)
                for polyline in layout.lines:
                    for (x0, y0), (x1, y1) in zip(polyline.points, polyline.points[1:]):
                        for t in (i / 2000 for i in range(2001)):
                            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                            gap = max(text[0] - x, x - text[2], text[1] - y, y - text[3])
                            assert gap >= stroke / 2, f"{label.text} touches the line at ({x:.0f}, {y:.0f}) ({width})"
