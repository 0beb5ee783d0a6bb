"""The notice-board papers read back: ranks and points of the engine, period, contact, paging."""

from __future__ import annotations

import re

import pytest

from app.domain.periods import Month
from app.domain.points import format_points
from app.reports import render_monthly_notice, render_star_notice
from app.reports.text import star_title, stars_text
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

OCTOBER = Month(2026, 10)


@pytest.fixture
def notice(demo_store, settings):
    return report_data.monthly_notice(demo_store, OCTOBER, settings)


def _assert_ranking_rows(lines: list[str], ranking) -> None:
    """Each member once, in a row reading: rank, name, group, month, year to date, and no grade."""
    grades = {"优秀", "合格", "基本合格", "不合格"}
    for row in ranking.rows:
        assert lines.count(row.name) == 1, row.name
        at = lines.index(row.name)
        assert lines[at - 1] == str(row.rank), row.name
        assert lines[at + 1:at + 4] == [
            row.group_name, format_points(row.period_points), format_points(row.year_to_date),
        ], row.name
        assert lines[at + 4] not in grades, row.name


def _heading_count(text: str) -> int:
    """How many times the table's headings start on a page: 本月名次, or 本月 / 名次 on two lines."""
    lines = page_lines(text)
    return lines.count("本月名次") + sum(1 for a, b in zip(lines, lines[1:]) if (a, b) == ("本月", "名次"))


def test_monthly_notice_shows_the_engines_ranking(demo_store, notice):
    pdf = render_monthly_notice(notice, invariant=True)
    texts = page_texts(pdf)
    assert len(texts) == 1, "35 members fit one landscape A4 page in two columns"
    ranking = totals.branch_ranking(demo_store, 2026, month=10)
    _assert_ranking_rows(page_lines(texts[0]), ranking)
    flat = texts[0].replace("\n", "")
    assert "红星村党支部2026年10月党员积分公示表" in flat
    assert "公示时间：2026年11月23日至2026年11月27日（共5天）" in flat
    assert "请向党支部委员会反映（联系电话：0371-6288 1234）" in flat
    assert "《村党员百分制积分细则》" in flat
    assert "本年累计（截至10月）" in flat and "等次" not in flat.replace("年度等次和星级在年度总评后另行公示", "")
    assert "说明：本年累计为1月至10月已审核的积分，含基础分。" in flat
    assert "△ 经支部会议决定调整考核项目。" in flat and "一票否决：本年度积分按 0 分计，不得评星，不得评先评优。" in flat
    assert "老弱病残" not in flat and "免考" not in flat
    # The sign-off, then the ledger's check code small in the bottom margin.
    assert page_lines(texts[0])[-3:-1] == ["红星村党支部", "2026年11月23日"]
    assert page_lines(texts[0])[-1].startswith("台账校验码 ")
    assert "第 1 页" not in flat  # a single page carries no page number


def test_monthly_notice_is_landscape_a4_or_a3_with_the_bundled_font(notice, tmp_path):
    a4 = render_monthly_notice(notice)
    a3 = render_monthly_notice(notice, paper="A3")
    assert {(round(w), round(h)) for w, h in page_sizes(a4)} == {(842, 595)}
    assert {(round(w), round(h)) for w, h in page_sizes(a3)} == {(1191, 842)}
    for pdf in (a4, a3):
        assert_only_bundled_fonts(pdf)
        assert dark_share(pdf) > 0.01
    png = first_page_png(a4, tmp_path / "notice")
    assert png is None or png.stat().st_size > 5000


def test_a_single_column_notice_pages_with_headings_and_numbers(demo_store, notice):
    pdf = render_monthly_notice(notice, columns=1)
    texts = page_texts(pdf)
    assert len(texts) >= 2
    ranking = totals.branch_ranking(demo_store, 2026, month=10)
    _assert_ranking_rows(all_lines(pdf), ranking)
    for number, text in enumerate(texts, start=1):
        assert _heading_count(text) == 1
        assert f"第 {number} 页 共 {len(texts)} 页" in text
    assert "积分公示表（续）" in texts[1]


def test_a_branch_of_200_members_pages_correctly(large_store, settings):
    notice = report_data.monthly_notice(large_store, OCTOBER, settings)
    assert len(notice.rows) == 200
    pdf = render_monthly_notice(notice)
    texts = page_texts(pdf)
    assert 3 <= len(texts) <= 8
    lines = all_lines(pdf)
    ranking = totals.branch_ranking(large_store, 2026, month=10)
    ranking_names = {row.name for row in ranking.rows}
    _assert_ranking_rows(lines, ranking)
    assert "欧阳司马长孙无忌" in lines and "𠮷祥云" in lines
    for number, text in enumerate(texts, start=1):
        assert f"第 {number} 页 共 {len(texts)} 页" in text
        # two columns, the headings repeated at the top of each (the last page may need only one)
        headings = _heading_count(text)
        assert headings == 2 if number < len(texts) else headings in (1, 2)
    last = page_lines(texts[-1])
    assert last[-4:-2] == ["红旗社区党委", "2026年11月23日"] and last[-1].startswith("台账校验码 ")
    assert sum(line in ranking_names for line in last) >= 3, "the sign-off is kept with the last rows"
    _assert_ranking_rows(all_lines(render_monthly_notice(notice, paper="A3")), ranking)


def test_star_notice_groups_members_under_their_stars(demo_store, settings):
    notice = report_data.star_notice(demo_store, 2026, settings)
    pdf = render_star_notice(notice, invariant=True)
    lines = all_lines(pdf)
    ranking = totals.branch_ranking(demo_store, 2026)
    headings = {}
    for level in notice.levels:
        heading = f"{stars_text(level.stars)} {star_title(level.stars)}（共 {len(level.members)} 名）"
        matches = [i for i, line in enumerate(lines) if re.sub(r"\s+", " ", line) == heading]
        assert len(matches) == 1, heading
        headings[level.stars] = matches[0]
    order = [headings[stars] for stars in (5, 4, 3, 2, 1)]
    assert order == sorted(order)
    bounds = dict(zip((5, 4, 3, 2, 1), zip(order, order[1:] + [len(lines)])))
    for row in ranking.rows:
        if row.vetoed or row.name == "薛华秀":  # vetoed, or transferred out on 30 June: not rated here
            assert row.name not in lines
            continue
        start, end = bounds[row.stars]
        assert lines.count(row.name) == 1 and start < lines.index(row.name) < end, row.name
    flat = "".join(lines)
    # no rating round yet: the stars are the points so far, and the paper says so instead of
    # claiming 个人申报、支部审核评星 and a notice period
    assert not notice.assessed
    assert "2026年度星级预评名单" in flat and "按截至2026年11月23日已审核的积分测算" in flat and "不作公示" in flat
    assert "评定结果公示" not in flat and "经个人申报" not in flat and "公示时间" not in flat
    assert f"本支部{notice.rated_count}名党员列入" in flat.replace(" ", "")
    assert "另有 1 名党员因一票否决不参加评星" in flat
    assert_only_bundled_fonts(pdf)
    assert {(round(w), round(h)) for w, h in page_sizes(pdf)} == {(595, 842)}
    assert dark_share(pdf) > 0.005


def test_star_notice_of_a_large_branch_pages(large_store, settings):
    notice = report_data.star_notice(large_store, 2026, settings)
    lines = all_lines(render_star_notice(notice))
    for level in notice.levels:
        for member in level.members:
            assert lines.count(member.name) == 1


def test_star_notice_says_who_the_quota_moved_down_and_why(demo_store, settings):
    import dataclasses
    from decimal import Decimal

    from app.reports.data import StarQuotaMove

    base = report_data.star_notice(demo_store, 2026, settings)
    tied = "五星名额 2 名只剩 1 名，年度积分同为 93 分的 2 人同分同星，不能只评其中一部分，一起降为四星"
    below = "五星名额 2 名只剩 1 名，积分更高的 2 人（同为 93 分）已因同分一起降为四星，积分较低者不能越过他们评五星，降为四星"
    notice = dataclasses.replace(base, five_star_quota=2, quota_moves=(
        StarQuotaMove("王建国", "第一党小组", Decimal("93"), tied),
        StarQuotaMove("李秀英", "第二党小组", Decimal("93"), tied),
        StarQuotaMove("赵立新", "", Decimal("91"), below),
    ))
    pdf = render_star_notice(notice, invariant=True)
    flat = "".join(all_lines(pdf))
    assert "五星党员名额不超过 2 名。因名额限制，3 名党员由五星调为四星，名单和原因列在表后。" in flat
    assert "因五星名额限制由五星调为四星的党员（共 3 名）" in flat
    assert f"王建国（第一党小组，年度积分 93 分）：{tied}。" in flat
    assert f"李秀英（第二党小组，年度积分 93 分）：{tied}。" in flat
    assert f"赵立新（年度积分 91 分）：{below}。" in flat
    # The section follows the one-star level and comes before the sign-off.
    assert flat.index("一星党员") < flat.index("因五星名额限制") < flat.index("2026年11月23日", flat.index("因五星名额限制"))
    # Without moves there is no such section.
    plain = "".join(all_lines(render_star_notice(dataclasses.replace(base, five_star_quota=2, quota_moves=()))))
    assert "五星党员名额不超过 2 名。" in plain and "因五星名额限制" not in plain and "调为四星" not in plain
