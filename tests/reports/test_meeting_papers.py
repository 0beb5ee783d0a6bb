"""The sign-in sheet and the meeting record rendered: read back, every name and figure on the
page, A4 portrait, only the bundled font, tables running on with their heading."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4

from app.reports import page_count, render_meeting_record, render_signin_sheet
from app.reports.meeting_data import MeetingRecordPaper, RecordLine, SigninRow, SigninSheet, StatusGroup
from tests.reports.report_support import all_lines, assert_only_bundled_fonts, page_sizes, page_texts

D = Decimal
NAMES = ["张三", "李四", "欧阳司马长孙无忌", "𠮷祥云", "李䶮"] + [f"党员{n:02d}" for n in range(1, 31)]


def _sheet(count: int) -> SigninSheet:
    rows = tuple(SigninRow(i + 1, name, "第一党小组" if i < 18 else "第二党小组") for i, name in enumerate(NAMES[:count]))
    return SigninSheet("城关镇党委", "红星村党支部", "主题党日", "11月主题党日", date(2026, 11, 5), "村党群服务中心", "全体党员", rows)


def test_a_short_signin_sheet_is_one_a4_page_with_every_name():
    pdf = render_signin_sheet(_sheet(5), invariant=True)
    assert [tuple(round(v) for v in size) for size in page_sizes(pdf)] == [(round(A4[0]), round(A4[1]))]
    lines = all_lines(pdf)
    text = "\n".join(lines)
    for words in ("主题党日签到表", "城关镇党委", "红星村党支部", "11月主题党日", "2026年11月5日", "村党群服务中心",
                  "应到人数", "5 人", "本人签名", "主持人签字", "记录人签字", "欧阳司马长孙无忌", "𠮷祥云", "李䶮"):
        assert words in text, words
    assert "第 1 页" not in text  # one page: no page number
    assert_only_bundled_fonts(pdf)
    assert render_signin_sheet(_sheet(5), invariant=True) == pdf


def test_a_long_signin_sheet_runs_on_with_its_heading_and_page_numbers():
    pdf = render_signin_sheet(_sheet(35), invariant=True)
    pages = page_texts(pdf)
    assert len(pages) == page_count(pdf) == 2
    assert "红星村党支部11月主题党日签到表（续）" in pages[1] and "本人签名" in pages[1]
    assert "第 1 页 共 2 页" in pages[0] and "第 2 页 共 2 页" in pages[1]
    listed = "\n".join(pages)
    assert all(name in listed for name in NAMES[:35])
    assert "应到 35 人" in pages[1] and "主持人签字" in pages[1]


def test_the_meeting_record_prints_attendance_points_and_corrections():
    statuses = (StatusGroup("出席", ("张三", "李四")), StatusGroup("请假", ("王五△",)), StatusGroup("缺席", ("赵六",)),
                StatusGroup("迟到/早退", ()))
    lines = (
        RecordLine(1, "张三", "第一党小组", "出席", "R01 按时参加当月组织生活", D(2)),
        RecordLine(2, "李四", "第一党小组", "出席", "R01 按时参加当月组织生活；J03 无故缺席主题党日", D(2), "已更正"),
        RecordLine(3, "赵六", "第二党小组", "缺席", "J03 无故缺席主题党日", D(-2), "待审核"),
    )
    paper = MeetingRecordPaper(
        "城关镇党委", "红星村党支部", "主题党日", "11月主题党日", date(2026, 11, 5), "村委会议室", "全体党员", "管理员",
        "学习党章第二章", statuses, lines, ("2026-11-20 李四：缺席改为出席（签到表漏记；管理员）",), ("王五",),
    )
    assert paper.points_total == D(2)  # 2 + 2 − 2
    pdf = render_meeting_record(paper, invariant=True)
    assert page_count(pdf) == 1
    text = "\n".join(all_lines(pdf))
    for words in ("会议记录", "11月主题党日", "2026年11月5日", "村委会议室", "应到 4 人，出席 2 人，请假 1 人，缺席 1 人，迟到/早退 0 人",
                  "出席（2 人）", "张三、李四", "王五△", "学习党章第二章", "R01 按时参加当月组织生活", "+2", "-2", "待审核", "已更正",
                  "合计", "李四：缺席改为出席（签到表漏记；管理员）", "△ 经支部会议决定调整考核项目", "支部书记签字"):
        assert words in text, words
    assert "老弱病残" not in text
    assert_only_bundled_fonts(pdf)
