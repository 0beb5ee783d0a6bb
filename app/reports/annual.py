"""A member's annual summary (党员年度积分汇总表): A4 portrait, one member per page.

The twelve months by category with the running year total, the year's sums, then the
result as the scoring engine gave it: base start and base kept, points, appraisal, final
total, band, stars (after the five-star quota) and rank in the branch; signature lines.
"""

from __future__ import annotations

import io

from reportlab.lib.units import mm

from app.domain.points import ZERO
from app.domain.standing import NOT_RATED_FLAG, VETO_FLAG
from app.reports.chart_data import ChartSet
from app.reports.charts import FOOT, draw_set_page
from app.reports.data import AnnualBatch, AnnualSummary
from app.reports.grid import (
    PORTRAIT_LABEL_WIDTH,
    PORTRAIT_TABLE,
    Cell,
    Column,
    draw_rows,
    draw_signature_lines,
    header_row,
    label_value_rows,
    measure_table,
    spanning_row,
)
from app.reports.layout import A4_PORTRAIT, BLACK, FONT, FONT_BOLD, LABEL_FILL, MUTED, RED, draw_page_number, new_canvas
from app.reports.progress import Progress, report
from app.reports.text import date_text, points_text, signed_points, star_title, stars_text, wrap_text

GEOMETRY = A4_PORTRAIT
STYLE = PORTRAIT_TABLE
LABEL_WIDTH = PORTRAIT_LABEL_WIDTH
NOT_YET = "年度总评后确定"
# what the stars on the page are (AnnualBatch.stars_from), and before them the year so far
STARS_SAY = {
    "round": "星级为本支部星级评定的结果；",
    "estimate": "星级为按全年积分的测算（已按五星名额调整），以支部星级评定结果为准；",
    "": "等次和星级在年度总评后确定；",
}


def explanation(batch: AnnualBatch) -> str:
    so_far = f"本表为截至{date_text(batch.so_far)}已审核的积分；" if batch.so_far else ""
    return (
        f"说明：{so_far}年度累计含基础分，基础分只扣不加、扣完为止；当月合计为当月各项积分之和；"
        f"{STARS_SAY[batch.stars_from]}有一票否决事项的，全年积分按 0 分计，不得评星。"
    )


def _months_to_come(batch: AnnualBatch) -> int:
    """The first month the page leaves empty: after the day the year so far runs to (13: none)."""
    if batch.so_far is None:
        return 13
    return batch.so_far.month + 1 if batch.so_far.year == batch.year else 1  # dated in an earlier year: all to come


def _months_table(summary: AnnualSummary, width: float, to_come: int):
    month_width = 16 * mm
    value_width = (width - month_width) / (len(summary.categories) + 2)
    columns = [Column("月份", month_width, "center")]
    columns += [Column(name, value_width, "center") for name in summary.categories]
    columns += [Column("当月合计", value_width, "center"), Column("年度累计", value_width, "center")]
    rows = []
    for month in summary.months:
        cells = [f"{month.month}月"]
        if month.month >= to_come and not month.has_entries:  # not a month of 0 points: it has not come yet
            rows.append(cells + [""] * (len(columns) - 1))
            continue
        cells += [signed_points(value) if value else "—" for _, value in month.by_category]
        cells += [points_text(month.total), points_text(month.year_to_date)]
        rows.append(cells)
    total_row = [Cell("全年", bold=True, fill=LABEL_FILL)]
    total_row += [Cell(signed_points(value), bold=True) for _, value in summary.year_by_category]
    total_row += [Cell(points_text(sum((m.total for m in summary.months), ZERO)), bold=True),
                  Cell(points_text(summary.points_total), bold=True)]
    return [header_row(columns, STYLE), *measure_table(columns, rows + [total_row], STYLE)]


def _stars_cell(summary: AnnualSummary) -> Cell:
    # the round rates those on the roster at the year's end (rating/rated.py)
    if summary.left_note or NOT_RATED_FLAG in summary.flags:
        return Cell("不参加本支部评星", bold=True)
    if summary.vetoed:
        return Cell("不予评星（一票否决）", color=RED, bold=True)
    if summary.stars is None:
        return Cell(NOT_YET, bold=True)
    if not summary.stars:
        return Cell("未评星", bold=True)
    return Cell(f"{stars_text(summary.stars)} {star_title(summary.stars)}", color=RED, bold=True)


def _result_rows(summary: AnnualSummary, width: float):
    so_far = summary.stars is None
    base = points_text(summary.base_start) + ("（由上年总分结转）" if summary.base_carried else "（本年细则）")
    grade = summary.grade or ("一票否决" if summary.vetoed else NOT_YET if so_far else "—")
    rows = [
        [("基础分起点", base), ("基础分实得", points_text(summary.base_component))],
        [("积分合计", points_text(summary.points_total)), ("民主评议", summary.appraisal)],
        [("累计总分" if so_far else "年度总分", Cell(points_text(summary.final_total), bold=True)), ("等次", Cell(grade, bold=True))],
        [("星级", _stars_cell(summary)), ("累计排名" if so_far else "支部排名", f"第{summary.rank}名（共{summary.ranked_count}人）")],
    ]
    measured = label_value_rows(rows, width, STYLE, LABEL_WIDTH)
    notes = [flag for flag in summary.flags if flag not in (summary.grade, VETO_FLAG, NOT_RATED_FLAG)]  # in the star cell
    if notes:
        measured.append(spanning_row("提示：" + "；".join(notes), width, STYLE, align="left", color=MUTED))
    return measured


def _draw_summary(canvas, summary: AnnualSummary, batch: AnnualBatch, issue_line: str) -> None:
    g = GEOMETRY
    x, width = g.left, g.frame_width
    y = g.height - g.top
    canvas.setFillColor(BLACK)
    canvas.setFont(FONT_BOLD, 20)
    y -= 20
    canvas.drawCentredString(g.width / 2, y, "党员年度积分汇总表", charSpace=3)
    canvas.setFont(FONT, 12)
    y -= 19
    so_far = f"，截至{date_text(batch.so_far)}" if batch.so_far else ""
    canvas.drawCentredString(g.width / 2, y, f"（{summary.year}年度{so_far}）")
    y -= 4 * mm
    info = [
        [("支部", summary.branch), ("党小组", summary.group_name or "—"), ("年度", f"{summary.year}年")],
        [("姓名", Cell(summary.member_name, bold=True, whole=True)), ("类别", summary.member_class), ("身份", summary.membership)],
    ]
    if summary.left_note:
        info.append([("备注", Cell(summary.left_note, bold=True))])
    y = draw_rows(canvas, x, y, label_value_rows(info, width, STYLE, 17 * mm), STYLE)
    y -= 4 * mm
    y = draw_rows(canvas, x, y, _months_table(summary, width, _months_to_come(batch)), STYLE)
    y -= 4 * mm
    y = draw_rows(canvas, x, y, _result_rows(summary, width), STYLE)
    canvas.setFont(FONT, 9)
    canvas.setFillColor(MUTED)
    for line in wrap_text(explanation(batch), width, 9):
        y -= 13
        canvas.drawString(x, y, line)
    draw_signature_lines(canvas, x, y - 5 * mm, width, 10.5, 18 * mm)
    canvas.setFont(FONT, 9)
    canvas.setFillColor(MUTED)
    canvas.drawRightString(x + width, g.bottom + 8 * mm, issue_line)


def _draw_chart_page(canvas, charts: ChartSet, issue_line: str) -> None:
    """The member's year as charts (months beside the branch's average, the running total
    against the star bands; the months by category), one above the other."""
    height = (GEOMETRY.frame_height - 30 * mm - FOOT) / 2
    draw_set_page(canvas, charts, [(chart, height) for chart in charts.charts[:2]], True, issue_line, GEOMETRY)


def render_annual(
    batch: AnnualBatch, invariant: bool = False, progress: Progress | None = None, charts: dict[str, ChartSet] | None = None
) -> bytes:
    """One page per member in the order of the batch; with `charts` (by member name, from
    app.services.charts.paper) each member's page is followed by a page of his year's charts."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, GEOMETRY, f"{batch.branch}{batch.year}年度党员积分汇总", invariant)
    issue_line = f"{batch.issue.issuing_org}　{date_text(batch.issue.issued_on)}"
    charts = charts or {}
    total = len(batch.summaries)
    pages = total + sum(1 for summary in batch.summaries if summary.member_name in charts)
    page = 0
    for number, summary in enumerate(batch.summaries, start=1):
        _draw_summary(canvas, summary, batch, issue_line)
        page += 1
        draw_page_number(canvas, GEOMETRY, page, pages)
        canvas.showPage()
        if summary.member_name in charts:
            _draw_chart_page(canvas, charts[summary.member_name], issue_line)
            page += 1
            draw_page_number(canvas, GEOMETRY, page, pages)
            canvas.showPage()
        report(progress, number, total)
    if not batch.summaries:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
