"""Names, dates and headings stay whole in narrow cells: 阿卜杜热合曼·买买提 broke into
“阿卜杜热合曼·买买 / 提” on the sign-in sheet and the ballot, the tally's headings into
“基本合 / 格”, “有效 / 票”, the feedback letter's dates into “2026年7月 / 12日”. A column gets
the width it needs where another has room; past that the type shrinks a little (app.reports.grid)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from reportlab.lib.units import mm

from app.reports import render_signin_sheet
from app.reports.annual import render_annual
from app.reports.grid import PORTRAIT_TABLE, SMALLEST_WHOLE, Cell, Column, header_row, measure_row
from app.reports.meeting_data import SigninRow, SigninSheet
from app.reports.practice_data import BallotPaper, BallotRow, FeedbackBatch, FeedbackLetter, ServiceLineRow, TallySheet, TallySheetRow
from app.reports.practice_papers import render_ballot, render_feedback_letters, render_tally_sheet
from app.services.printing import report_data
from tests.reports.report_support import all_lines

D = Decimal
LONG = "阿卜杜热合曼·买买提"
LONGER = "阿依古丽·阿卜杜热合曼"
GRADES = ("优秀", "合格", "基本合格", "不合格")


def _on_one_line(pdf: bytes, *words: str) -> None:
    lines = all_lines(pdf)  # a cell broken in two reads “阿卜杜热合曼·买买 提”
    for word in words:
        assert any(word in line for line in lines), f"{word} is broken: {[line for line in lines if word[:2] in line or word[-1] in line]}"


def test_a_whole_cell_shrinks_to_one_line_and_a_plain_one_wraps():
    style = PORTRAIT_TABLE
    plain, whole = measure_row(["欧阳娜仁其其格", Cell("欧阳娜仁其其格", whole=True)], [24 * mm, 24 * mm], ["center"] * 2, style).cells
    assert len(plain[1]) == 2  # as before: broken mid-name
    assert whole[1] == ("欧阳娜仁其其格",) and style.size * SMALLEST_WHOLE <= whole[0].size < style.size
    heading = header_row([Column("基本合格", 15 * mm), Column("序号", 15 * mm)], style).cells
    assert heading[0][1] == ("基本合格",) and heading[1][0].size is None  # a heading that fits keeps its size


def test_the_sign_in_sheet_the_ballot_and_the_tally_keep_names_whole():
    signin = SigninSheet("城关镇党委", "红星村党支部", "支部党员大会", "12月支部党员大会", date(2026, 12, 5), "", "全体党员",
                         (SigninRow(1, LONG, "第一党小组"), SigninRow(2, "欧阳娜仁其其格", "第一党小组")))
    _on_one_line(render_signin_sheet(signin, invariant=True), LONG, "欧阳娜仁其其格")
    ballot = BallotPaper("城关镇党委", "红星村党支部", 2026, GRADES, (BallotRow(1, LONG, "第一党小组"), BallotRow(2, LONGER, "第二党小组")))
    _on_one_line(render_ballot(ballot, invariant=True), LONG, LONGER)
    tally = TallySheet(
        "城关镇党委", "红星村党支部", 2026, date(2026, 12, 20), 10, 9, "张三、李四", GRADES,
        (TallySheetRow(1, LONG, "第一党小组", (7, 2, 0, 0), 9, D("95.56"), "优秀"), TallySheetRow(2, "欧阳娜仁其其格", "第十二党小组", (5, 2, 2, 0), 9, D("90"), "优秀")),
        ("评议得分 = 加权平均",), "", (("优秀", 2),),
    )
    _on_one_line(render_tally_sheet(tally, invariant=True), LONG, "欧阳娜仁其其格", "基本合格", "有效票", "评议得分", "第十二党小组")


def test_the_feedback_letter_keeps_its_dates_and_headings_whole():
    lines = (ServiceLineRow(date(2026, 7, 12), "平安巡逻", D(6), "社区书记 周桂兰"), ServiceLineRow(date(2026, 12, 12), "反诈宣传", D(4), ""))
    letter = FeedbackLetter("城关镇党委", "红星村党支部", 2026, 3, LONG, "东街社区", "县供电公司", "", lines, D(10), D(28),
                            "全年服务满 50 小时", "截至本季度末累计服务 28 小时", "红星村党支部", date(2026, 10, 8))
    _on_one_line(render_feedback_letters(FeedbackBatch(2026, 3, (letter,)), invariant=True), "2026年7月12日", "2026年12月12日", "时长（小时）")


def test_the_annual_summary_keeps_a_long_name_whole(demo_store):
    batch = report_data.annual_summaries(demo_store, 2026)
    one = dataclasses.replace(batch, summaries=(dataclasses.replace(batch.summaries[0], member_name=LONGER),))
    _on_one_line(render_annual(one, invariant=True), LONGER)


def test_the_shop_month_report_keeps_a_donor_whole(store, admin, branch):
    """村集体经济合作社 broke before 社 in a 30 mm column while the goods' column had room."""
    from app.domain.periods import Month
    from app.reports.shop_papers import render_shop_month_report
    from app.services.printing import shop_papers
    from tests.services.shop_year import worked_year

    worked_year(store, admin)
    may = shop_papers.shop_month_report(store, Month(2026, 5), today=date(2026, 11, 23))
    stock = (dataclasses.replace(may.stock[0], donor="村集体经济合作社"), *may.stock[1:])
    _on_one_line(render_shop_month_report(dataclasses.replace(may, stock=stock), invariant=True), "村集体经济合作社", "上月结存", "本月结存")
