"""The recovery sheet: its data (who, which code, what to do, what losing it means), then the
page read back from the PDF in the bundled font."""

from __future__ import annotations

from datetime import date

from app.reports.recovery_sheet import recovery_sheet_data, render_recovery_sheet
from tests.reports.report_support import all_lines, assert_only_bundled_fonts, page_texts

CODE = "7KQ3-M9TX-4HWP-2RNC-8VDJ-6YBF"


def sheet():
    return recovery_sheet_data("红星村党支部", "wangshuji", "王书记", CODE, date(2026, 11, 30))


def test_the_data_says_who_what_and_what_losing_it_means():
    data = sheet()
    assert (data.branch, data.username, data.recovery_code) == ("红星村党支部", "wangshuji", CODE)
    assert any("忘记密码" in step for step in data.steps)
    assert any("密码和本单都丢了" in warning and "身份证号" in warning for warning in data.warnings)


def test_one_page_with_the_code_readable_and_only_the_bundled_font():
    pdf = render_recovery_sheet(sheet(), invariant=True)
    assert len(page_texts(pdf)) == 1
    lines = all_lines(pdf)
    assert "党员积分管理 账号恢复单" in lines and CODE in lines
    assert "支部：红星村党支部" in lines and "管理员账号：wangshuji（王书记）" in lines and "打印日期：2026年11月30日" in lines
    assert_only_bundled_fonts(pdf)
    assert render_recovery_sheet(sheet(), invariant=True) == pdf
