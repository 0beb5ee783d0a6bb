"""The red-and-black board (红黑榜): the top and the bottom of a period's ranking, by the branch's rule.

The rule set's `board` table says how many go up: a count (the top 5, the bottom 3) or a share
of the members ranked (10 %, rounded half up, at least one when the share is above zero).
Members tied with the last place that qualifies go up with it, so the board can be longer
than the count. Nobody is on both lists: with few members, the black list leaves out anyone
already on the red one. A vetoed member goes on the black list whatever his points (or is left
off, as the rule says); a member exempted from assessment (老弱病残) is left off or ranked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from app.domain.errors import ValidationError
from app.domain.points import format_points

MODES = {"count": "按名次", "share": "按比例"}
VETOED_PLACES = {"black": "列入黑榜", "omit": "不上榜"}
EXEMPT_PLACES = {"omit": "不上榜", "rank": "照常排名"}


@dataclass(frozen=True)
class BoardRule:
    mode: str = "count"
    red: Decimal = Decimal("5")
    black: Decimal = Decimal("3")
    vetoed: str = "black"
    exempt: str = "omit"

    def places(self, ranked: int) -> tuple[int, int]:
        """(red, black) places for `ranked` members before ties are added."""
        if self.mode == "count":
            return int(self.red), int(self.black)
        return _share_places(self.red, ranked), _share_places(self.black, ranked)

    def describe(self, posted: bool = False) -> str:
        """The rule in one sentence; `posted`: as the board itself prints it, which the whole village
        reads, naming the adjusted members as the notice marks them (△), never by their circumstances."""
        if self.mode == "count":
            red, black = f"前 {int(self.red)} 名", f"后 {int(self.black)} 名"
        else:
            red, black = f"前 {format_points(self.red * 100)}%", f"后 {format_points(self.black * 100)}%"
        vetoed = "受一票否决的党员列入黑榜" if self.vetoed == "black" else "受一票否决的党员不上榜"
        if posted:
            exempt = "经支部会议决定调整考核项目的党员" + ("不上榜" if self.exempt == "omit" else "照常排名")
        else:
            exempt = "免于考核的老弱病残党员不上榜" if self.exempt == "omit" else "老弱病残党员照常排名"
        return f"红榜取本期积分{red}，黑榜取{black}，与末位同分者一并上榜；{vetoed}；{exempt}。"


def _share_places(share: Decimal, ranked: int) -> int:
    if share <= 0 or ranked == 0:
        return 0
    return max(1, int((share * ranked).quantize(Decimal("1"), rounding=ROUND_HALF_UP)))


def board_rule_from_dict(data: dict) -> BoardRule:
    where = "红黑榜规则"
    unknown = sorted(set(data) - {"mode", "red", "black", "vetoed", "exempt"})
    if unknown:
        raise ValidationError(f"{where}有不认识的字段：{'、'.join(unknown)}。")
    default = BoardRule()
    rule = BoardRule(
        mode=str(data.get("mode", default.mode)),
        red=_number(data.get("red", default.red), f"{where}的红榜名额"),
        black=_number(data.get("black", default.black), f"{where}的黑榜名额"),
        vetoed=str(data.get("vetoed", default.vetoed)),
        exempt=str(data.get("exempt", default.exempt)),
    )
    for value, choices, what in ((rule.mode, MODES, "方式"), (rule.vetoed, VETOED_PLACES, "一票否决"), (rule.exempt, EXEMPT_PLACES, "免考核")):
        if value not in choices:
            raise ValidationError(f"{where}的{what}写成了“{value}”，应为以下之一：{'、'.join(choices)}。")
    if rule.mode == "share" and not (rule.red <= 1 and rule.black <= 1):
        raise ValidationError(f"{where}按比例时名额应在 0 到 1 之间，例如 0.1 表示 10%。")
    if rule.mode == "count" and (rule.red != int(rule.red) or rule.black != int(rule.black)):
        raise ValidationError(f"{where}按名次时名额应为整数。")
    return rule


def _number(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(f"{where}应为数字，写成了“{value}”。") from None
    if number < 0:
        raise ValidationError(f"{where}不能为负数。")
    return number


def board_rule_to_dict(rule: BoardRule) -> dict:
    return {"mode": rule.mode, "red": str(rule.red), "black": str(rule.black), "vetoed": rule.vetoed, "exempt": rule.exempt}


@dataclass(frozen=True)
class BoardCandidate:
    key: object
    name: str
    total: Decimal
    vetoed: bool = False
    exempt: bool = False
    sort_key: str = ""  # how ties are listed (the roster's pinyin); the name when empty


@dataclass(frozen=True)
class BoardLine:
    key: object
    name: str
    total: Decimal
    rank: int | None  # None for a vetoed member put on the black list
    tied: bool = False  # shares its place with someone else on the board
    vetoed: bool = False


@dataclass(frozen=True)
class Board:
    red: tuple[BoardLine, ...]
    black: tuple[BoardLine, ...]
    ranked: int  # how many members were ranked
    exempt_left_out: int = 0  # exempted members the rule leaves off the board
    vetoed_unranked: int = 0  # vetoed members given no place (on the black list without one, or left off)


def make_board(rule: BoardRule, candidates: Iterable[BoardCandidate]) -> Board:
    """Red list best first, black list worst first, vetoed members (if listed) last on the black."""
    # Imported here: app.domain.rules holds a BoardRule, and standing imports rules.
    from app.domain.standing import rank

    candidates = list(candidates)
    people = [c for c in candidates if not (c.exempt and rule.exempt == "omit")]
    order = {c.key: (c.sort_key or c.name, str(c.key)) for c in people}
    ranked = rank(((c.key, c.total) for c in people if not c.vetoed), tie_order=order.get)
    red_places, black_places = rule.places(len(ranked))
    red = _down_to(ranked, red_places, lambda row, cut: row.value >= cut)
    worst_first = sorted(ranked, key=lambda row: (row.value, order[row.key]))
    red_keys = {row.key for row in red}
    black = [row for row in _down_to(worst_first, black_places, lambda row, cut: row.value <= cut) if row.key not in red_keys]
    black_lines = _lines(black, people, ranked)
    if rule.vetoed == "black":
        vetoed = sorted((c for c in people if c.vetoed), key=lambda c: order[c.key])
        black_lines += tuple(BoardLine(c.key, c.name, c.total, None, vetoed=True) for c in vetoed)
    red_lines = _lines(red, people, ranked)
    return Board(red_lines, black_lines, len(ranked), *_unplaced(candidates, people))


def _unplaced(candidates: list[BoardCandidate], people: list[BoardCandidate]) -> tuple[int, int]:
    """(the exempted the rule leaves off, the vetoed: never given a place, listed or not)."""
    return len(candidates) - len(people), sum(1 for c in people if c.vetoed)


def _lines(rows: list, people: list[BoardCandidate], ranked: list) -> tuple[BoardLine, ...]:
    names = {c.key: c.name for c in people}
    shared = Counter(row.rank for row in ranked)
    return tuple(BoardLine(r.key, names[r.key], r.value, r.rank, shared[r.rank] > 1) for r in rows)


def _down_to(rows: list, places: int, reaches) -> list:
    """The first `places` rows and every later row tied with the last of them."""
    if places <= 0 or not rows:
        return []
    cut = rows[min(places, len(rows)) - 1].value
    return [row for row in rows if reaches(row, cut)]
