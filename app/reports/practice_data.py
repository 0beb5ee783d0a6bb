"""Paper data of the practice around the ledger (issue 15): the 双报到 feedback letter to an
employer, the 民主评议 ballot and its result sheet, the resident cadre's month card and year's
assessment sheet. Plain frozen values built by app.services.printing.practice_papers and
asserted in tests; app.reports.practice_papers renders them. No ID numbers on any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ServiceLineRow:
    served_on: date
    activity: str
    hours: Decimal
    confirmed_by: str


@dataclass(frozen=True)
class FeedbackLetter:
    """双报到反馈单: one member's service in his home community in a quarter, to his employer."""

    township: str
    branch: str
    year: int
    quarter: int
    name: str
    home_community: str
    employer: str
    employer_contact: str
    lines: tuple[ServiceLineRow, ...]
    quarter_hours: Decimal
    year_hours: Decimal  # from 1 January to the quarter's end
    requirement: str  # "全年服务满 50 小时" or how the branch decides
    verdict: str  # where he stands against it at the quarter's end
    issuer: str
    issued_on: date


@dataclass(frozen=True)
class FeedbackBatch:
    year: int
    quarter: int
    letters: tuple[FeedbackLetter, ...]


@dataclass(frozen=True)
class BallotRow:
    number: int
    name: str
    group_name: str


@dataclass(frozen=True)
class BallotPaper:
    """民主评议党员测评表: every member, one mark among the four grades each."""

    township: str
    branch: str
    year: int
    grades: tuple[str, ...]
    rows: tuple[BallotRow, ...]


@dataclass(frozen=True)
class TallySheetRow:
    number: int
    name: str
    group_name: str
    votes: tuple[int, int, int, int]
    cast: int
    score: Decimal | None
    grade: str | None


@dataclass(frozen=True)
class TallySheet:
    """民主评议结果: ballots, each member's votes, score and grade, and the rules that made them."""

    township: str
    branch: str
    year: int
    held_on: date
    ballots_issued: int
    ballots_returned: int
    counters: str
    grades: tuple[str, ...]
    rows: tuple[TallySheetRow, ...]
    conversion_rules: tuple[str, ...]
    folding: str
    grade_counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CadreLineRow:
    occurred_on: date
    item: str
    points: Decimal
    note: str


@dataclass(frozen=True)
class CadreCard:
    """驻村干部月度积分卡: the month's lines, the month's points and the year to the month's end."""

    township: str
    branch: str
    name: str
    kind: str
    sent_by: str
    post: str
    month_label: str
    lines: tuple[CadreLineRow, ...]
    month_points: Decimal
    base_points: Decimal
    year_to_date: Decimal
    ten_point: Decimal
    band: str
    conversion: str


@dataclass(frozen=True)
class CadreAssessment:
    """驻村干部年度考核表: base, points per item, the total, the ten-point score and the band."""

    township: str
    branch: str
    name: str
    kind: str
    sent_by: str
    post: str
    period: str
    year: int
    base_points: Decimal
    items: tuple[tuple[str, Decimal], ...]  # item name, net points
    total: Decimal
    ten_point: Decimal
    band: str
    conversion: str


@dataclass(frozen=True)
class CadreBatch:
    title: str
    cards: tuple[CadreCard, ...] = ()
    assessments: tuple[CadreAssessment, ...] = ()
