"""The honour shop's papers built from a shop year worked by hand, rendered and read back."""

from __future__ import annotations

from datetime import date

import pytest

from reportlab.lib.pagesizes import A3, A4

from app.domain.board import BoardRule
from app.domain.periods import Month
from app.reports.shop_papers import render_board_notice, render_passbooks, render_redemption_slips, render_shop_month_report
from app.services.printing import shop_papers
from app.services.printing.report_data import IssueSettings
from app.services.shop import settings
from tests.reports.report_support import all_lines, assert_only_bundled_fonts, page_sizes
from tests.services.shop_year import approved, worked_year
from conftest import add

PRINTED = date(2026, 11, 23)


def _size(pdf):
    return [tuple(round(v) for v in size) for size in page_sizes(pdf)]


def test_the_redemption_slip_has_two_parts_with_the_same_figures(store, admin, branch):
    _, _, _, towel_out, towel_back = worked_year(store, admin)
    batch = shop_papers.redemption_slips(store, [towel_out, towel_back])
    out, back = batch.slips
    assert (out.slip_no, out.points, out.balance_after, out.reverses_slip) == (2, 5, 2, None)
    assert (back.slip_no, back.points, back.balance_after, back.reverses_slip, back.title) == (3, -5, 7, 2, "积分兑换冲正凭证")
    pdf = render_redemption_slips(batch, invariant=True)
    assert _size(pdf) == [(round(A4[0]), round(A4[1]))] * 2
    text = "\n".join(all_lines(pdf))
    for words in ("积分兑换凭证", "第一联 存根 超市留存", "第二联 党员收执", "No. 000002", "张三", "毛巾", "5 分/条",
                  "兑换后余额", "2 分", "积分兑换冲正凭证", "冲正 No. 000002：尺码不合，退回", "退回 5 分", "沿虚线裁开"):
        assert words in text, words
    assert text.count("No. 000002") >= 3  # both parts of slip 2, and the reversal's note
    assert_only_bundled_fonts(pdf)


def test_the_passbook_page_shows_earned_spent_and_balance(store, admin, branch):
    worked_year(store, admin)
    [page] = shop_papers.passbooks(store, 2026, today=PRINTED).pages
    assert (page.member_name, page.opening, page.earned, page.spent, page.lapsed, page.carried) == ("张三", 1, 6, 0, 7, 0)
    pdf = render_passbooks(shop_papers.passbooks(store, 2026, today=PRINTED), invariant=True)
    lines = all_lines(pdf)
    text = "\n".join(lines)
    for words in ("2026年度党员积分存折", "上年结转", "2月积分入账", "4月积分入账", "兑换 毛巾 1条（No. 000002）",
                  "加分每 1 分折合 2 个兑换积分，年末结余清零", "本年存入 6 分", "现有可兑换积分 7 分"):
        assert words in text, words
    assert_only_bundled_fonts(pdf)


def test_the_passbook_shows_the_year_end_only_once_the_year_is_over(store, admin, branch):
    worked_year(store, admin)
    # printed in November the 7 points can still be spent: no year-end line, the balance is 7
    [during] = shop_papers.passbooks(store, 2026, today=PRINTED).pages
    assert [line.text for line in during.lines][-1] != "年末清零" and during.lines[-1].balance == 7
    text = "\n".join(all_lines(render_passbooks(shop_papers.passbooks(store, 2026, today=PRINTED), invariant=True)))
    assert "年末清零 " not in text and "结转下年" not in text and "2026年截至2026年11月23日" in text
    assert [line for line in text.splitlines() if line.startswith("合计")][0].split()[-1] == "7"
    # printed in the new year the remainder has lapsed
    after = shop_papers.passbooks(store, 2026, today=date(2027, 1, 4))
    assert (after.pages[0].lines[-1].text, after.pages[0].lines[-1].balance) == ("年末清零", 0)
    text = "\n".join(all_lines(render_passbooks(after, invariant=True)))
    assert "年末清零 7 分，结转下年 0 分" in text and "现有可兑换积分" not in text


def test_the_monthly_report_balances_the_stock(store, admin, branch):
    worked_year(store, admin)
    may = shop_papers.shop_month_report(store, Month(2026, 5), today=PRINTED)
    assert [(s.goods_name, s.opening, s.received, s.issued, s.closing) for s in may.stock] == [("毛巾", 2, 0, 1, 1), ("肥皂", 9, 0, 0, 9)]
    june = shop_papers.shop_month_report(store, Month(2026, 6), today=PRINTED)
    assert [(s.goods_name, s.opening, s.issued, s.closing) for s in june.stock] == [("毛巾", 1, -1, 2), ("肥皂", 9, 0, 9)]
    assert june.points_total == -5 and june.members == 0
    pdf = render_shop_month_report(may, invariant=True)
    text = "\n".join(all_lines(pdf))
    for words in ("积分超市2026年5月库存及兑换情况表", "上月结存", "本月兑出", "000002", "张三", "兑换 1 笔", "净使用积分 5 分"):
        assert words in text, words
    assert_only_bundled_fonts(pdf)


def test_the_board_notice_states_its_rule_and_prints_on_a3(store, admin, branch):
    worked_year(store, admin)
    li = add(store, admin, "李四")
    approved(store, admin, li, "B02", date(2026, 4, 2))
    settings.save_board_rule(store, admin, 2026, BoardRule("count", 1, 1))
    notice = shop_papers.board_notice(store, 2026, quarter=2, settings=IssueSettings(issued_on=PRINTED))
    # Second quarter: 张三 B03 +2 and K01 −2 in April → 0; 李四 B02 +1.
    assert [(l.name, l.points_text, l.rank_text) for l in notice.red] == [("李四", "1", "第1名")]
    assert [(l.name, l.points_text) for l in notice.black] == [("张三", "0")]
    for paper, size in (("A4", A4), ("A3", A3)):
        pdf = render_board_notice(notice, paper, invariant=True)
        assert _size(pdf) == [(round(size[0]), round(size[1]))]
        text = "\n".join(all_lines(pdf))
        for words in ("2026年第2季度党员积分红黑榜", "红榜（1 名）", "黑榜（1 名）", "李四", "张三", "红榜取本期积分前 1 名"):
            assert words in text, words
        assert_only_bundled_fonts(pdf)


def test_the_board_says_whom_it_leaves_out_of_its_ranking(tmp_path_factory):
    """The demo's October: the notice ranks 35 (戴强春 第31名), the board 30 (戴强春 第30名), four
    adjusted members left off and 邹兵 (vetoed) on the black list without a place; neither paper said
    why the places differ. The board's 说明 now counts them, naming the adjusted by the notice's △."""
    from app.services.printing import report_data
    from db.store import Store
    from tests.reports.report_support import demo_database

    with Store.open_file(demo_database(tmp_path_factory)) as demo:
        notice = report_data.monthly_notice(demo, Month(2026, 10))
        board = shop_papers.board_notice(demo, 2026, month=10, settings=IssueSettings(issued_on=PRINTED))
    adjusted = sum(1 for row in notice.rows if row.adjusted)
    vetoed = sum(1 for row in notice.rows if row.vetoed)
    assert (len(notice.rows), adjusted, vetoed, board.ranked) == (35, 4, 1, 30)
    assert board.left_out == "本榜名次只在参加排名的30名党员中排出，经支部会议决定调整考核项目的党员（积分公示表中标△）4名不上榜，受一票否决的党员1名列入黑榜但不排名次，所以名次与积分公示表不同"
    text = "".join(all_lines(render_board_notice(board, invariant=True)))
    assert "说明：本榜名次只在参加排名的30名党员中排出" in text and "所以名次与积分公示表不同。" in text
    # the village reads the board: its rule names the adjusted as the notice does, not by their circumstances
    assert "经支部会议决定调整考核项目的党员不上榜" in board.rule_text and "老弱病残" not in text


def test_a_board_that_leaves_nobody_out_has_no_such_line(store, admin, branch):
    worked_year(store, admin)
    li = add(store, admin, "李四")
    approved(store, admin, li, "B02", date(2026, 4, 2))
    notice = shop_papers.board_notice(store, 2026, quarter=2, settings=IssueSettings(issued_on=PRINTED))
    assert notice.left_out == "" and "说明" not in "".join(all_lines(render_board_notice(notice, invariant=True)))


def test_a_period_nobody_has_points_in_gets_no_board_and_no_notice(store, admin, branch):
    """October has no entries: the board put everyone on the red list as 并列第1名 with 0 points,
    and the notice ranked everyone first."""
    from app.domain.errors import ValidationError
    from app.services.printing import report_data

    worked_year(store, admin)
    add(store, admin, "李四")
    for make in (lambda: shop_papers.board_notice(store, 2026, month=10), lambda: report_data.monthly_notice(store, Month(2026, 10))):
        with pytest.raises(ValidationError, match="2026年10月还没有已审核的积分"):
            make()
    assert shop_papers.board_notice(store, 2026, month=2).red  # February has points
    assert shop_papers.board_notice(store, 2026, month=4).ranked == 2  # April's +2 and −2 net to nothing: still entries
    assert report_data.monthly_notice(store, Month(2026, 2)).rows[0].month_points > 0


def test_the_black_list_is_never_continued_under_no_heading():
    """A long red list (ties) pushed three of the black list onto page 2 with no heading over them."""
    from app.reports.data import IssueInfo
    from app.reports.shop_data import BoardNotice, BoardNoticeLine
    from tests.reports.report_support import page_texts

    red = tuple(BoardNoticeLine("并列第1名", f"红{n:02d}", "第一党小组", "3") for n in range(1, 29))
    black = tuple(BoardNoticeLine(f"第{30 + n}名", f"黑{n}", "第二党小组", "0") for n in range(1, 5))
    issue = IssueInfo("红星村党支部", PRINTED, PRINTED, date(2026, 11, 30))
    pages = page_texts(render_board_notice(BoardNotice("红星村党支部", "2026年11月", "规则。", 32, red, black, issue), invariant=True))
    assert len(pages) == 2
    for page in pages:
        if any(f"黑{n}" in page for n in range(1, 5)):
            assert "黑榜（4 名）" in page and all(f"黑{n}" in page for n in range(1, 5))
