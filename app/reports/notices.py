"""Notices for the board: the monthly points notice (积分公示表) and the star-rating notice.

Both are platypus documents: a red title, a paragraph with the notice period and where to
raise an objection, the table, then the issuing organisation and date at the right.
The monthly notice is landscape (A4 or A3); when the branch does not fit on one page in a
single table, the table runs in two columns side by side, header repeated at the top of
each column and each page. Pages carry '第 X 页 共 Y 页' when there is more than one.
"""

from __future__ import annotations

import io
from typing import Sequence

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    NextPageTemplate,
    PageTemplate,
    Table,
    TableStyle,
)

from app.reports.data import NO_GRADE_NOTE, IssueInfo, MonthlyNotice, StarNotice, StarQuotaMove
from app.reports.layout import (
    FONT,
    FONT_BOLD,
    GRID,
    BAND_FILL,
    BLACK,
    LABEL_FILL,
    MUTED,
    RED,
    PageGeometry,
    ensure_fonts,
    numbered_canvas_class,
    page_geometry,
    paper_scale,
)
from app.reports.progress import Progress, report
from app.reports.text import date_text, fit_size, fit_widths, points_text, star_title, stars_text, text_width, wrap_text

COLUMN_GAP = 8 * mm
MIN_TABLE_SIZE = 8.5
CELL_PADDING = 4


def _objection_sentence(issue: IssueInfo) -> str:
    phone = f"（联系电话：{issue.objection_phone}）" if issue.objection_phone else ""
    return f"公示期间，党员和群众如有异议，请向{issue.objection_contact}反映{phone}。"


def check_code_line(code: str) -> str:
    """Printed under the date, so that the sheet on the board can be matched with the file later."""
    return f"台账校验码 {code}"


def _period_sentence(issue: IssueInfo) -> str:
    return f"公示时间：{date_text(issue.notice_start)}至{date_text(issue.notice_end)}（共{issue.notice_days}天）。"


def _head(title: str, intro: str, scale: float) -> list[Flowable]:
    return [
        _Wrapped(title, 20 * scale, bold=True, centred=True, color=RED, smallest=15 * scale),
        _RedRule(scale),
        _Wrapped(intro, 11.5 * scale, indent=2, space_after=3 * scale),
    ]


class _Wrapped(Flowable):
    """A title or an intro wrapped by the papers' own rules (app.reports.text.wrap_text): no line
    starts with closing punctuation and a number stays with its 年, 月 or 日. reportlab's CJK
    wrapping began a line with the 。 after “（共5天）” and broke “2026 / 年”. A title first shrinks
    (down to `smallest`) to stay on one line: a long branch name broke it mid-word."""

    def __init__(self, text: str, size: float, *, bold: bool = False, centred: bool = False, color=BLACK,
                 indent: int = 0, space_after: float = 0, smallest: float | None = None) -> None:
        super().__init__()
        self.text, self.asked, self.size, self.bold, self.centred, self.color = text, size, size, bold, centred, color
        self.indent, self.space_after, self.smallest = indent, space_after, smallest
        self.lines: tuple[str, ...] = ()

    def wrap(self, available_width, available_height):
        self.width = available_width
        if self.smallest is not None:
            self.size = fit_size(self.text, available_width, self.asked, self.smallest, self.bold)  # from the size asked, at each width
        # the first line's indent as characters of the face's full width, taken off again below
        lines = wrap_text(INDENT_CHARACTER * self.indent + self.text, available_width, self.size, self.bold)
        self.lines = (lines[0][self.indent:], *lines[1:])
        self.leading = round(self.size * 1.45, 1)
        self.height = len(self.lines) * self.leading + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(FONT_BOLD if self.bold else FONT, self.size)
        canvas.setFillColor(self.color)
        baseline = self.height - self.space_after - self.size
        for number, line in enumerate(self.lines):
            if self.centred:
                canvas.drawCentredString(self.width / 2, baseline, line)
            else:
                left = text_width(INDENT_CHARACTER * self.indent, self.size, self.bold) if number == 0 else 0
                canvas.drawString(left, baseline, line)
            baseline -= self.leading


INDENT_CHARACTER = "中"  # any CJK character: they are all one full width


class _RedRule(Flowable):
    """The thin red line under a notice's title."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, 7 * self.scale

    def draw(self) -> None:
        self.canv.setStrokeColor(RED)
        self.canv.setLineWidth(1.2 * self.scale)
        self.canv.line(0, 4 * self.scale, self.width, 4 * self.scale)


def _with_sign_off(data: list[list[str]], style: list, issue: IssueInfo, widths: Sequence[float], size: float, scale: float) -> None:
    """Append the issuing organisation and date as the table's last row, right, without borders.

    Inside the table the sign-off is kept (NOSPLIT) with the last rows above it, so it never
    lands alone on a page of its own.
    """
    columns = len(widths)
    first = max(0, columns - max(2, (columns + 1) // 2))
    span = sum(widths[first:])
    lines = [*wrap_text(issue.issuing_org, span - 2 * CELL_PADDING, size * 1.1), date_text(issue.issued_on)]
    text = "\n".join(lines)
    row = len(data)
    data.append([""] * first + [text] + [""] * (columns - first - 1))
    style += [
        ("SPAN", (first, row), (-1, row)),
        ("ALIGN", (first, row), (-1, row), "CENTER"),
        ("FONT", (0, row), (-1, row), FONT, size * 1.1),
        ("LEADING", (0, row), (-1, row), size * 1.1 * 1.5),
        ("TOPPADDING", (0, row), (-1, row), 9 * scale),
        ("BACKGROUND", (0, row), (-1, row), colors.white),
        ("NOSPLIT", (0, max(1, row - 3)), (-1, row)),
    ]


def _cell(text: str, width: float, size: float, bold: bool = False) -> str:
    """Pre-wrapped cell text: our CJK line breaking, then platypus lays the lines out."""
    return "\n".join(wrap_text(text, width - 2 * CELL_PADDING, size, bold))


def _table_style(size: float, scale: float, extra: Sequence = (), grid_rows: int = -2) -> TableStyle:
    """Bold shaded headings; borders from the heading down to row `grid_rows` (default: all but the sign-off)."""
    return TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("LEADING", (0, 0), (-1, -1), size * 1.3),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, size),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL),
        ("GRID", (0, 0), (-1, grid_rows), 0.6, GRID),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2 * scale),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6 * scale),
        *extra,
    ])


def _measure(flowables: Sequence[Flowable], width: float, height: float) -> float:
    total = 0.0
    for flowable in flowables:
        total += flowable.wrap(width, height)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _build(
    geometry: PageGeometry,
    title: str,
    head: list[Flowable],
    make_table,
    columns: int | None,
    running_title: str,
    scale: float,
    invariant: bool,
    progress: Progress | None,
    check_code: str = "",
) -> bytes:
    """Head across the page, then the table (ending in the sign-off) in one or two columns;
    the ledger's check code, when given, small in the bottom margin of the last page.

    `make_table(width)` builds the table for a column width (tables cannot be re-wrapped
    to another width once measured). With `columns=None` one column is used when the whole
    notice fits on one page, else two.
    """
    ensure_fonts()
    full = geometry.frame_width
    head_height = _measure(head, full, geometry.frame_height) + 2
    body_height = geometry.frame_height - head_height
    if columns is None:
        single = make_table(full)
        needed = _measure([single], full, 10**6)
        columns = 1 if needed <= body_height else 2
    column_width = (full - COLUMN_GAP * (columns - 1)) / columns
    running_height = 10 * scale

    def frames(top: float, height: float, prefix: str) -> list[Frame]:
        return [
            Frame(geometry.left + i * (column_width + COLUMN_GAP), top - height, column_width, height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=f"{prefix}{i}")
            for i in range(columns)
        ]

    top = geometry.height - geometry.top
    head_frame = Frame(geometry.left, top - head_height, full, head_height, leftPadding=0, rightPadding=0,
                       topPadding=0, bottomPadding=0, id="head")
    first = PageTemplate("first", [head_frame, *frames(top - head_height, body_height, "first")])
    later = PageTemplate(
        "later", frames(top - running_height, geometry.frame_height - running_height, "later"),
        onPage=lambda canvas, doc: _running_header(canvas, geometry, running_title, scale),
    )
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=geometry.size, pageTemplates=[first, later], leftMargin=geometry.left,
        rightMargin=geometry.right, topMargin=geometry.top, bottomMargin=geometry.bottom, title=title,
        author="党员积分管理", invariant=1 if invariant else 0, initialFontName=FONT,
    )
    story: list[Flowable] = [NextPageTemplate("later"), *head, FrameBreak(), make_table(column_width)]
    note = check_code_line(check_code) if check_code else ""
    canvas_class = numbered_canvas_class(geometry, title, on_page=lambda page: report(progress, page, 0), last_page_note=note)
    document.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()


def _running_header(canvas, geometry: PageGeometry, text: str, scale: float) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 9 * scale)
    canvas.setFillColor(MUTED)
    canvas.drawCentredString(geometry.width / 2, geometry.height - geometry.top - 6 * scale, text)
    canvas.restoreState()


# ---- 积分公示表 ----


def _widest(column: Sequence[str], size: float) -> float:
    """The widest line of a column whose first cell is its (bold) heading."""
    return max(text_width(line, size, bold=index == 0) for index, text in enumerate(column) for line in text.split("\n"))


def _notice_headings(notice: MonthlyNotice, narrow: bool) -> list[str]:
    """本月名次, 姓名, 党小组, 本月积分, 本年累计（截至11月）, 备注: each says which period it covers."""
    if narrow:  # the number headings go on two lines, as on paper forms
        return ["本月\n名次", "姓名", "党小组", "本月\n积分", f"本年累计\n（截至{notice.month.month}月）", "备注"]
    return ["本月名次", "姓名", "党小组", "本月积分", notice.year_to_date_title, "备注"]


def _notice_table(notice: MonthlyNotice, width: float, size: float, scale: float) -> Table:
    rows = [
        [str(row.rank), row.name, row.group_name, points_text(row.month_points), points_text(row.year_to_date), row.remark]
        for row in notice.rows
    ]
    header = _notice_headings(notice, narrow=False)
    padding = len(header) * (2 * CELL_PADDING + 1)

    def columns_for(heads: list[str]) -> list[list[str]]:
        return [[heads[i]] + [row[i] for row in rows] for i in range(len(heads))]

    columns = columns_for(header)
    if sum(_widest(column, size) for column in columns) + padding > width:
        header = _notice_headings(notice, narrow=True)
        columns = columns_for(header)
    # Like Excel's 'fit to page width': a smaller type rather than names broken over two lines.
    text = sum(_widest(column, size) for column in columns)
    if text + padding > width:
        size = max(size * (width - padding) / text * 0.995, MIN_TABLE_SIZE * scale)
    widths = fit_widths(columns, width, size, flexible={1, 2, 5}, padding=CELL_PADDING)
    data = [[_cell(text, w, size, True) for text, w in zip(header, widths)]]
    data += [[_cell(text, w, size) for text, w in zip(cells, widths)] for cells in rows]
    style: list = [("BACKGROUND", (0, i), (-1, i), BAND_FILL) for i in range(2, len(data), 2)]
    last_row = len(data) - 1
    _legend_rows(notice.legend, data, style, widths, size * 0.9, scale)
    _with_sign_off(data, style, notice.issue, widths, size, scale)
    # The legend and the sign-off stay with the last rows of the table.
    style.append(("NOSPLIT", (0, max(1, last_row - 2)), (-1, -1)))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(size, scale, style, grid_rows=last_row))
    return table


def _legend_rows(lines: Sequence[str], data: list[list[str]], style: list, widths: Sequence[float], size: float, scale: float) -> None:
    """Below the table, without borders: '说明：' and what the year to date and each mark mean."""
    span = sum(widths)
    for index, line in enumerate(lines):
        row = len(data)
        text = ("说明：" if index == 0 else "　　　") + line + "。"
        data.append([_cell(text, span, size)] + [""] * (len(widths) - 1))
        style += [
            ("SPAN", (0, row), (-1, row)),
            ("ALIGN", (0, row), (-1, row), "LEFT"),
            ("FONT", (0, row), (-1, row), FONT, size),
            ("LEADING", (0, row), (-1, row), size * 1.35),
            ("TEXTCOLOR", (0, row), (-1, row), MUTED),
            ("BACKGROUND", (0, row), (-1, row), colors.white),
            ("TOPPADDING", (0, row), (-1, row), (4 if index == 0 else 0.5) * scale),
            ("BOTTOMPADDING", (0, row), (-1, row), 0.5 * scale),
        ]


def render_monthly_notice(
    notice: MonthlyNotice,
    paper: str = "A4",
    columns: int | None = None,
    invariant: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """积分公示表, landscape A4 or A3; `columns` 1 or 2, or None to choose by length.

    Month points and the year to date with its basis; no grade (the year is graded once, on
    the annual summary and the star notice); marks explained by the legend under the table.
    """
    geometry = page_geometry(paper, landscape_=True, margin_mm=14)
    scale = paper_scale(paper)
    title = f"{notice.branch}{notice.month.label}党员积分公示表"
    intro = (
        f"根据《{notice.rule_set_name}》，经支部委员会审核，现将本支部{notice.month.label}党员积分情况予以公示"
        f"（共{len(notice.rows)}名党员，按本月积分排列名次）。{NO_GRADE_NOTE}。"
        f"{_period_sentence(notice.issue)}{_objection_sentence(notice.issue)}"
    )
    size = 11 * scale
    return _build(
        geometry, title, _head(title, intro, scale),
        lambda width: _notice_table(notice, width, size, scale),
        columns, f"{title}（续）", scale, invariant, progress, notice.issue.check_code,
    )


# ---- 星级党员评定结果公示 ----

NAMES_PER_ROW = 6


def _star_table(notice: StarNotice, width: float, size: float, scale: float) -> Table:
    """One heading row per level (★★★★★ 五星党员 共 N 名), then its names six to a row."""
    # Six names to a row, fewer when a long name (欧阳司马长孙无忌) would otherwise wrap.
    longest = max((text_width(m.name, size) for level in notice.levels for m in level.members), default=0)
    per_row = max(3, min(NAMES_PER_ROW, int(width // (longest + 3 * CELL_PADDING + 1))))
    name_width = width / per_row
    data: list[list[str]] = []
    style: list = []
    for level in notice.levels:
        heading_row = len(data)
        data.append([f"{stars_text(level.stars)}  {star_title(level.stars)}（共 {len(level.members)} 名）"] + [""] * (per_row - 1))
        style += [
            ("SPAN", (0, heading_row), (-1, heading_row)),
            ("BACKGROUND", (0, heading_row), (-1, heading_row), LABEL_FILL),
            ("FONT", (0, heading_row), (-1, heading_row), FONT_BOLD, size),
            ("TEXTCOLOR", (0, heading_row), (-1, heading_row), RED),
            ("ALIGN", (0, heading_row), (-1, heading_row), "LEFT"),
            ("LINEABOVE", (0, heading_row), (-1, heading_row), 0.8, GRID),
            ("LINEBELOW", (0, heading_row), (-1, heading_row), 0.4, GRID),
        ]
        names = [member.name for member in level.members]
        if not names:
            data.append(["（无）"] + [""] * (per_row - 1))
            style.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
            style.append(("TEXTCOLOR", (0, len(data) - 1), (-1, len(data) - 1), MUTED))
        for start in range(0, len(names), per_row):
            chunk = names[start:start + per_row]
            data.append([_cell(name, name_width, size) for name in chunk] + [""] * (per_row - len(chunk)))
    _quota_rows(notice, data, style, width, size)
    _with_sign_off(data, style, notice.issue, [name_width] * per_row, size, scale)
    table = Table(data, colWidths=[name_width] * per_row, repeatRows=0)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("LEADING", (0, 0), (-1, -1), size * 1.3),
        ("BOX", (0, 0), (-1, -2), 0.8, GRID),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING * 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.6 * scale),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.2 * scale),
        *style,
    ]))
    return table


def quota_move_line(move: StarQuotaMove) -> str:
    """One line of the notice's quota section: who, his total, and why he holds four stars."""
    group = f"{move.group_name}，" if move.group_name else ""
    return f"{move.name}（{group}年度积分 {points_text(move.final_total)} 分）：{move.reason}。"


def _quota_rows(notice: StarNotice, data: list[list[str]], style: list, width: float, size: float) -> None:
    """After the levels: who the five-star quota moved down to four stars, one line each with why."""
    if not notice.quota_moves:
        return
    columns = len(data[0])
    heading = len(data)
    data.append([f"因五星名额限制由五星调为四星的党员（共 {len(notice.quota_moves)} 名）"] + [""] * (columns - 1))
    style += [
        ("SPAN", (0, heading), (-1, heading)),
        ("BACKGROUND", (0, heading), (-1, heading), LABEL_FILL),
        ("FONT", (0, heading), (-1, heading), FONT_BOLD, size),
        ("ALIGN", (0, heading), (-1, heading), "LEFT"),
        ("LINEABOVE", (0, heading), (-1, heading), 0.8, GRID),
        ("LINEBELOW", (0, heading), (-1, heading), 0.4, GRID),
    ]
    small = size * 0.9
    for move in notice.quota_moves:
        row = len(data)
        data.append([_cell(quota_move_line(move), width - CELL_PADDING, small)] + [""] * (columns - 1))
        style += [
            ("SPAN", (0, row), (-1, row)),
            ("ALIGN", (0, row), (-1, row), "LEFT"),
            ("FONT", (0, row), (-1, row), FONT, small),
            ("LEADING", (0, row), (-1, row), small * 1.35),
        ]


def render_star_notice(
    notice: StarNotice,
    paper: str = "A4",
    invariant: bool = False,
    progress: Progress | None = None,
) -> bytes:
    """星级党员评定结果公示, portrait A4 or A3: names grouped by stars, five stars first."""
    geometry = page_geometry(paper, landscape_=False, margin_mm=18)
    scale = paper_scale(paper)
    title = f"{notice.branch}{notice.year}年度星级党员评定结果公示" if notice.assessed else f"{notice.branch}{notice.year}年度星级预评名单"
    quota = ""
    if notice.five_star_quota is not None:
        quota = f"五星党员名额不超过 {notice.five_star_quota} 名。"
    if notice.quota_moves:
        quota += f"因名额限制，{len(notice.quota_moves)} 名党员由五星调为四星，名单和原因列在表后。"
    vetoed = f"另有 {notice.vetoed_count} 名党员因一票否决不参加评星。" if notice.vetoed_count else ""
    if notice.assessed:
        intro = (
            f"根据《{notice.rule_set_name}》，经个人申报、支部审核评星，本支部 {notice.rated_count} 名党员参加"
            f"{notice.year}年度星级评定。{quota}{vetoed}现将评定结果公示如下。"
            f"{_period_sentence(notice.issue)}{_objection_sentence(notice.issue)}"
        )
    else:  # before the rating round: what the points so far would give, for the branch committee, not the board
        intro = (
            f"本名单根据《{notice.rule_set_name}》，按截至{date_text(notice.issue.issued_on)}已审核的积分测算，"
            f"本支部 {notice.rated_count} 名党员列入。{quota}{vetoed}本年度星级评定尚未进行，"
            "名单不是评定结果，仅供支部参考，不作公示。"
        )
    size = 12 * scale
    return _build(
        geometry, title, _head(title, intro, scale),
        lambda width: _star_table(notice, width, size, scale),
        1, f"{title}（续）", scale, invariant, progress, notice.issue.check_code,
    )
