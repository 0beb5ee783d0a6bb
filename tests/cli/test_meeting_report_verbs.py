"""`main.py report signin|meeting`: the sign-in sheet and the meeting record from the command line."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import MeetingKind, MemberClass
from app.domain.periods import Month
from app.services.ledger import meetings
from db.store import Store
from tests.cli.test_report_verbs import report
from tests.reports.report_support import all_lines, assert_only_bundled_fonts, demo_database


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return demo_database(tmp_path_factory)


def test_a_signin_sheet_for_the_whole_branch_and_for_one_group(capsys, demo_db, tmp_path):
    with Store.open_file(demo_db) as store:
        scope, expected = meetings.members_in_scope(store, date(2026, 11, 25))
    out = tmp_path / "签到表.pdf"
    code, stdout, stderr = report(capsys, "signin", "--on", "2026-11-25", "--type", "主题党日", "--place", "村党群服务中心",
                                  "--out", str(out), "--db", str(demo_db))
    assert (code, stderr) == (0, "")
    assert f"“11月主题党日”签到表（全体党员，应到 {len(expected)} 人）" in stdout
    text = "\n".join(all_lines(out.read_bytes()))
    assert all(member.name in text for member in expected)
    assert "村党群服务中心" in text
    assert_only_bundled_fonts(out.read_bytes())

    code, stdout, _ = report(capsys, "signin", "--on", "2026-11-25", "--type", "group_meeting", "--group", "第一党小组",
                             "--title", "第一党小组11月党小组会", "--out", str(tmp_path / "组.pdf"), "--db", str(demo_db))
    first = [m for m in expected if m.group_name == "第一党小组"]
    assert code == 0 and f"“第一党小组11月党小组会”签到表（第一党小组，应到 {len(first)} 人）" in stdout


def test_a_committee_signin_sheet_lists_the_committee(capsys, demo_db, tmp_path):
    with Store.open_file(demo_db) as store:
        _, everyone = meetings.members_in_scope(store, date(2026, 11, 25))
    committee = [m for m in everyone if m.member_class is MemberClass.CADRE]
    assert 0 < len(committee) < len(everyone)
    out = tmp_path / "支委会.pdf"
    code, stdout, stderr = report(capsys, "signin", "--on", "2026-11-25", "--type", "支部委员会", "--out", str(out), "--db", str(demo_db))
    assert (code, stderr) == (0, "")
    assert f"“11月支部委员会”签到表（支委会成员，应到 {len(committee)} 人）" in stdout
    text = "\n".join(all_lines(out.read_bytes()))
    assert all(member.name in text for member in committee)
    assert not any(member.name in text for member in everyone if member.member_class is not MemberClass.CADRE)


def test_the_meeting_record_of_a_recorded_meeting(capsys, demo_db, tmp_path):
    with Store.open_file(demo_db) as store:
        [row] = [r for r in meetings.list_meetings(store, Month(2026, 10)) if r.kind is MeetingKind.THEME_DAY]
    out = tmp_path / "会议记录.pdf"
    code, stdout, stderr = report(capsys, "meeting", "--on", "2026-10-05", "--type", "主题党日", "--out", str(out), "--db", str(demo_db))
    assert (code, stderr) == (0, "")
    counts = f"应到 {row.listed} 人，出席 {row.present} 人，请假 {row.excused} 人，缺席 {row.absent} 人，迟到/早退 {row.late} 人"
    assert counts in stdout
    text = "\n".join(all_lines(out.read_bytes()))
    assert "会议记录" in text and row.title in text and counts in text


@pytest.mark.parametrize(
    "args, words",
    [
        (["signin", "--on", "2026-11-25"], "--type 指明会议类型"),
        (["signin", "--on", "2026-11-25", "--type", "茶话会"], "会议类型“茶话会”不认识"),
        (["signin", "--on", "2026-11-25", "--type", "主题党日", "--group", "第九党小组"], "没有名为“第九党小组”的党小组"),
        (["meeting", "--on", "2026-10-06", "--type", "主题党日"], "2026年10月6日没有登记过主题党日"),
        (["meeting", "--on", "2026-10-05", "--type", "主题党日", "--place", "村部"], "--place 只用于签到表"),
        (["meeting", "--month", "2026-10", "--type", "主题党日"], "请用 --on 指定会议日期"),
        (["notice", "--month", "2026-10", "--type", "主题党日"], "--type 只用于签到表、会议记录"),
        (["signin", "--on", "2026-11-25", "--type", "主题党日", "--issuer", "镇党委"], "--issuer 只用于"),
    ],
)
def test_mistakes_are_one_chinese_line_and_write_nothing(capsys, demo_db, tmp_path, args, words):
    code, stdout, stderr = report(capsys, *args, "--out", str(tmp_path / "x.pdf"), "--db", str(demo_db))
    assert code == 1 and words in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []
