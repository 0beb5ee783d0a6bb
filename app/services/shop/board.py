"""The red-and-black board (红黑榜) of a month or a quarter, from the branch's ranking.

The period's points come from the one ranking (app/services/totals/ranking.py, itself fed by
the one scorer); the rule set's `board` settings pick who goes up (app/domain/board.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.domain.board import Board, BoardCandidate, BoardRule, make_board
from app.domain.enums import MemberClass
from app.domain.errors import ValidationError
from app.services.rules.rulesets import get_rule_set
from app.services.totals.ranking import branch_ranking, require_entries_in_period
from db.store import Store


@dataclass(frozen=True)
class PeriodBoard:
    year: int
    label: str  # 2026年10月 / 2026年第3季度
    rule: BoardRule
    board: Board
    groups: dict[uuid.UUID, str]  # member → party group, for the notice


def period_board(store: Store, year: int, month: int | None = None, quarter: int | None = None) -> PeriodBoard:
    """The board of one month or one quarter (a board is never of a whole year: that is the star notice)."""
    if (month is None) == (quarter is None):
        raise ValidationError("红黑榜按月或按季度发布，请选择月份或季度。")
    ranking = branch_ranking(store, year, month=month, quarter=quarter)  # first: a year without rules says so
    require_entries_in_period(store, year, month, quarter)
    rule = get_rule_set(store, year).rule_set.board
    candidates = [
        BoardCandidate(
            row.member_id, row.name, row.period_points, row.vetoed, row.member_class is MemberClass.EXEMPT_FRAIL, row.name_pinyin
        )
        for row in ranking.rows
    ]
    groups = {row.member_id: row.group_name for row in ranking.rows}
    return PeriodBoard(year, ranking.label, rule, make_board(rule, candidates), groups)
