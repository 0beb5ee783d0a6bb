"""The red-and-black board: counts and shares, ties at the edge, vetoed and exempt members."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.board import BoardCandidate, BoardRule, board_rule_from_dict, make_board
from app.domain.errors import ValidationError

D = Decimal

BRANCH = [
    BoardCandidate("a", "安", D("10")), BoardCandidate("b", "白", D("9")), BoardCandidate("c", "陈", D("9")),
    BoardCandidate("d", "丁", D("7")), BoardCandidate("e", "鄂", D("5")), BoardCandidate("f", "冯", D("3")),
    BoardCandidate("g", "郭", D("3")), BoardCandidate("h", "何", D("8"), vetoed=True),
    BoardCandidate("i", "伊", D("1"), exempt=True),
]


def _names(lines):
    return [(line.name, line.rank, line.tied, line.vetoed) for line in lines]


def test_ties_at_both_edges_go_up_together_and_the_vetoed_member_goes_on_the_black_list():
    board = make_board(BoardRule("count", D("2"), D("1")), BRANCH)
    # Ranked: 安 10 (1), 白 9 (2), 陈 9 (2), 丁 7 (4), 鄂 5 (5), 冯 3 (6), 郭 3 (6); 伊 exempt, 何 vetoed.
    assert board.ranked == 7
    assert _names(board.red) == [("安", 1, False, False), ("白", 2, True, False), ("陈", 2, True, False)]
    assert _names(board.black) == [("冯", 6, True, False), ("郭", 6, True, False), ("何", None, False, True)]


def test_a_share_is_rounded_half_up_and_the_rule_can_leave_vetoed_members_off_and_rank_exempt_ones():
    rule = BoardRule("share", D("0.3"), D("0.2"), vetoed="omit", exempt="rank")
    board = make_board(rule, BRANCH)
    # 8 ranked (伊 now ranked at 1 point): red 0.3 × 8 = 2.4 → 2 places (+ the tie), black 0.2 × 8 = 1.6 → 2.
    assert board.ranked == 8
    assert [line.name for line in board.red] == ["安", "白", "陈"]
    assert [line.name for line in board.black] == ["伊", "冯", "郭"]
    assert "前 30%" in rule.describe() and "不上榜" in rule.describe()


def test_nobody_is_on_both_lists_in_a_small_branch():
    board = make_board(BoardRule("count", D("2"), D("2")), [BoardCandidate(k, k, D("4")) for k in "xyz"])
    assert [line.name for line in board.red] == ["x", "y", "z"] and board.black == ()


def test_a_hand_edited_board_rule_is_checked():
    with pytest.raises(ValidationError, match="方式"):
        board_rule_from_dict({"mode": "top"})
    with pytest.raises(ValidationError, match="0 到 1"):
        board_rule_from_dict({"mode": "share", "red": "10"})
    with pytest.raises(ValidationError, match="整数"):
        board_rule_from_dict({"mode": "count", "red": "2.5"})
    assert board_rule_from_dict({}) == BoardRule()


def test_the_board_counts_whom_its_ranking_leaves_out():
    """The board's places differ from the notice's (which ranks everyone): it must say how many it
    leaves out, the exempted as the rule says and the vetoed, who never have a place."""
    board = make_board(BoardRule("count", D("2"), D("1")), BRANCH)
    assert (board.ranked, board.exempt_left_out, board.vetoed_unranked) == (7, 1, 1)
    ranked_exempt = make_board(BoardRule("count", D("2"), D("1"), vetoed="omit", exempt="rank"), iter(BRANCH))
    assert (ranked_exempt.ranked, ranked_exempt.exempt_left_out, ranked_exempt.vetoed_unranked) == (8, 0, 1)
