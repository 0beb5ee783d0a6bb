"""What the honour shop's papers show, as plain data (built by app/services/printing/shop_papers.py).

兑换凭证 (a redemption slip in two parts: the shop's counterfoil (存根) and the member's copy), 积分存折 (a
member's passbook page for a year: earned, spent, balance), the shop's monthly stock and
redemption report, and the 红黑榜 notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.periods import Month
from app.domain.shop import PassbookLine
from app.reports.data import IssueInfo


@dataclass(frozen=True)
class RedemptionSlip:
    township: str
    branch: str
    slip_no: int
    member_name: str
    group_name: str
    goods_name: str
    unit: str
    quantity: int  # negative on a reversal
    unit_price: Decimal
    points: Decimal  # negative on a reversal
    redeemed_on: date
    operator: str
    balance_after: Decimal
    reverses_slip: int | None = None
    note: str = ""

    @property
    def title(self) -> str:
        return "积分兑换冲正凭证" if self.reverses_slip else "积分兑换凭证"


@dataclass(frozen=True)
class SlipBatch:
    slips: tuple[RedemptionSlip, ...]


@dataclass(frozen=True)
class PassbookPage:
    township: str
    branch: str
    member_name: str
    group_name: str
    year: int
    rule_text: str
    lines: tuple[PassbookLine, ...]
    opening: Decimal
    earned: Decimal
    spent: Decimal
    lapsed: Decimal
    carried: Decimal
    printed_on: date

    @property
    def year_over(self) -> bool:
        """Printed after 31 December: the year-end lapse or carry has happened (before, the
        page shows the balance the member can still spend)."""
        return self.printed_on > date(self.year, 12, 31)

    @property
    def balance(self) -> Decimal:
        """What the member has to spend now (the year's closing balance, before anything lapses)."""
        return self.opening + self.earned - self.spent


@dataclass(frozen=True)
class PassbookBatch:
    pages: tuple[PassbookPage, ...]


@dataclass(frozen=True)
class StockLine:
    goods_name: str
    unit: str
    price: Decimal
    donor: str
    opening: int
    received: int
    issued: int

    @property
    def closing(self) -> int:
        return self.opening + self.received - self.issued


@dataclass(frozen=True)
class ReportRedemption:
    slip_no: int
    redeemed_on: date
    member_name: str
    goods_name: str
    quantity: int
    points: Decimal
    operator: str
    note: str


@dataclass(frozen=True)
class ShopMonthReport:
    township: str
    branch: str
    month: Month
    stock: tuple[StockLine, ...]
    redemptions: tuple[ReportRedemption, ...]
    printed_on: date

    @property
    def points_total(self) -> Decimal:
        return sum((r.points for r in self.redemptions), Decimal("0"))

    @property
    def members(self) -> int:
        return len({r.member_name for r in self.redemptions if r.quantity > 0})


@dataclass(frozen=True)
class BoardNoticeLine:
    rank_text: str
    name: str
    group_name: str
    points_text: str
    remark: str = ""


@dataclass(frozen=True)
class BoardNotice:
    branch: str
    label: str  # 2026年10月
    rule_text: str
    ranked: int
    red: tuple[BoardNoticeLine, ...]
    black: tuple[BoardNoticeLine, ...]
    issue: IssueInfo
    # who the ranking behind the board leaves out and why, so that its places can be read beside
    # the points notice's (which ranks everyone): printed as the 说明 under the lists
    left_out: str = ""
