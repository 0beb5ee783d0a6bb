"""The data of the sign-in sheet and the meeting record, with figures worked out by hand
(village_100: present R01 +2, theme day absent J03 −2, late J02 −0.5, excused nothing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import Attendance, MeetingKind, MemberClass
from app.services.ledger import entries as ledger
from app.services.ledger.attendance import correct_attendance
from app.services.printing import meeting_papers
from app.services.roster import members
from conftest import TODAY, add

D = Decimal
P, E, A, L = Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT, Attendance.LATE


@pytest.fixture
def people(store, admin, village_year, branch):
    first, second = branch.groups
    return {
        "张三": add(store, admin, "张三", group_id=first.id),
        "李四": add(store, admin, "李四", group_id=first.id),
        "王五": add(store, admin, "王五", group_id=second.id, member_class=MemberClass.EXEMPT_FRAIL),
        "赵六": add(store, admin, "赵六", group_id=second.id),
    }


def test_the_signin_sheet_lists_the_scope_on_the_roll_that_day(store, admin, branch, people):
    members.transfer_out(store, admin, people["赵六"], date(2026, 11, 10), "外县", today=TODAY)
    sheet = meeting_papers.signin_sheet(store, MeetingKind.THEME_DAY, date(2026, 11, 5), location="村党群服务中心")
    assert (sheet.branch, sheet.township, sheet.kind, sheet.title, sheet.scope, sheet.location) == (
        "红星村党支部", "城关镇党委", "主题党日", "11月主题党日", "全体党员", "村党群服务中心")
    assert [(r.number, r.name, r.group_name) for r in sheet.rows] == [
        (1, "李四", "第一党小组"), (2, "张三", "第一党小组"), (3, "王五", "第二党小组"), (4, "赵六", "第二党小组"),
    ]
    later = meeting_papers.signin_sheet(store, MeetingKind.THEME_DAY, date(2026, 11, 10))
    assert later.expected == 3  # 赵六 left on the 10th
    group = meeting_papers.signin_sheet(store, MeetingKind.GROUP_MEETING, date(2026, 11, 5), group_id=branch.groups[1].id, title="第二党小组会")
    assert (group.scope, group.title, [r.name for r in group.rows]) == ("第二党小组", "第二党小组会", ["王五", "赵六"])


def test_the_meeting_record_says_who_came_and_what_it_counted(store, admin, people):
    attendance = {people["张三"]: P, people["李四"]: A, people["王五"]: E, people["赵六"]: L}
    result = ledger.record_meeting(store, admin, MeetingKind.THEME_DAY, "10月主题党日", date(2026, 10, 5), attendance,
                                   location="村委会议室", note="学习党章第二章", approve=True, today=TODAY)
    paper = meeting_papers.meeting_record(store, result.meeting_id)
    assert [(g.heading, g.names) for g in paper.statuses] == [
        ("出席（1 人）", ("张三",)), ("请假（1 人）", ("王五△",)), ("缺席（1 人）", ("李四",)), ("迟到/早退（1 人）", ("赵六",)),
    ]
    assert paper.counts_sentence == "应到 4 人，出席 1 人，请假 1 人，缺席 1 人，迟到/早退 1 人"
    assert [(l.name, l.status, l.items, l.points, l.remark) for l in paper.lines] == [
        ("李四", "缺席", "J03 无故缺席主题党日", D(-2), ""),
        ("张三", "出席", "R01 按时参加当月组织生活", D(2), ""),
        ("赵六", "迟到/早退", "J02 组织生活迟到或早退", D("-0.5"), ""),
    ]
    assert paper.points_total == D("-0.5")  # 2 − 2 − 0.5
    assert (paper.location, paper.note, paper.recorded_by, paper.scope) == ("村委会议室", "学习党章第二章", "管理员", "全体党员")
    assert paper.adjusted_names == ("王五",) and paper.legend[-1].startswith("△")
    assert "老弱病残" not in repr(paper)

    correct_attendance(store, admin, result.meeting_id, people["李四"], E, "事先已请假", today=TODAY)
    paper = meeting_papers.meeting_record(store, result.meeting_id)
    li = next(line for line in paper.lines if line.name == "李四")
    assert (li.status, li.points, li.remark) == ("请假", D(0), "已更正")  # −2 reversed by +2
    assert paper.points_total == D("1.5")  # 2 + 0 − 0.5
    [sentence] = paper.corrections
    assert sentence.endswith("李四：缺席改为请假（事先已请假；管理员）")
    again = meeting_papers.signin_sheet_for_meeting(store, result.meeting_id)
    assert [r.name for r in again.rows] == ["李四", "张三", "王五", "赵六"] and again.title == "10月主题党日"


def test_the_meeting_record_shows_a_member_added_later_and_counts_him(store, admin, people):
    from app.reports import render_meeting_record
    from app.services.ledger.attendance import add_to_meeting
    from tests.reports.report_support import all_lines

    attendance = {people["张三"]: P, people["王五"]: E}
    result = ledger.record_meeting(store, admin, MeetingKind.THEME_DAY, "10月主题党日", date(2026, 10, 5), attendance,
                                   approve=True, today=TODAY)
    assert meeting_papers.meeting_record(store, result.meeting_id).counts_sentence.startswith("应到 2 人")
    add_to_meeting(store, admin, result.meeting_id, people["李四"], A, "移出名单时误删", today=TODAY)
    paper = meeting_papers.meeting_record(store, result.meeting_id)
    assert paper.counts_sentence == "应到 3 人，出席 1 人，请假 1 人，缺席 1 人，迟到/早退 0 人"
    assert [(g.heading, g.names) for g in paper.statuses][2] == ("缺席（1 人）", ("李四",))
    li = next(line for line in paper.lines if line.name == "李四")
    assert (li.status, li.items, li.points, li.remark) == ("缺席", "J03 无故缺席主题党日", D(-2), "补登")
    assert paper.points_total == D(0)  # 2 − 2
    [sentence] = paper.corrections
    assert sentence.endswith("李四：补登为缺席（移出名单时误删；管理员）") and sentence.startswith("20")
    assert paper.has_additions and "补登" in paper.corrections_heading
    # corrected afterwards: both kept, in order, both marks on his line
    correct_attendance(store, admin, result.meeting_id, people["李四"], E, "补交请假条", today=TODAY)
    paper = meeting_papers.meeting_record(store, result.meeting_id)
    assert [s.split("：", 1)[1] for s in paper.corrections] == ["补登为缺席（移出名单时误删；管理员）", "缺席改为请假（补交请假条；管理员）"]
    assert next(line for line in paper.lines if line.name == "李四").remark == "补登 已更正"
    text = "\n".join(all_lines(render_meeting_record(paper, invariant=True)))
    for words in ("应到 3 人，出席 1 人，请假 2 人", "考勤更正与补登", "李四：补登为缺席（移出名单时误删；管理员）"):
        assert words in text, words
