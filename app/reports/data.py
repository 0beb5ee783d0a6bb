"""Report data: plain, frozen values built by app.services.printing.report_data and asserted in tests.

Nothing here knows about the database or about reportlab. Points are Decimals exactly as the
scoring engine computed them; the renderers only format them. No ID numbers or phone numbers
of members are carried (the objection phone is the branch's public contact, typed by the clerk).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.domain.errors import ValidationError
from app.domain.periods import Month

NOTICE_DAYS = 5
DEFAULT_OBJECTION_CONTACT = "党支部委员会"
MAX_OFFSET_MM = 50
STAR_WORDS = {1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


def star_title(stars: int) -> str:
    """The honour a star count carries: 五星党员."""
    return f"{STAR_WORDS.get(stars, f'{stars}星')}党员"


# ---- Month paper (积分卡, 积分公示表): what its marks and columns mean ----
#
# The rule set's grade bands (优秀, 合格 …) and star bands are for the whole year, so month
# paper prints no grade: the year's grade belongs to the annual summary and the star notice.
# A member's circumstances are never printed in words on it: a member whose items the branch
# meeting adjusted (老弱病残 exempt_frail) carries a neutral mark with a neutral legend.

ADJUSTED_MARK = "△"
ADJUSTED_LEGEND = f"{ADJUSTED_MARK} 经支部会议决定调整考核项目"
VETO_MARK = "一票否决"
VETO_LEGEND = f"{VETO_MARK}：本年度积分按 0 分计，不得评星，不得评先评优"
NO_GRADE_NOTE = "年度等次和星级在年度总评后另行公示"


def year_to_date_basis(month: Month) -> str:
    """What the year to date on month paper covers: 截至11月 (January to the end of the month)."""
    return f"截至{month.month}月"


def year_to_date_title(month: Month) -> str:
    """The heading of the year-to-date figure on month paper: 本年累计（截至11月）."""
    return f"本年累计（{year_to_date_basis(month)}）"


def year_to_date_note(month: Month) -> str:
    """One sentence saying what 本年累计 adds up."""
    months = "1月" if month.month == 1 else f"1月至{month.month}月"
    return f"本年累计为{months}已审核的积分，含基础分"


@dataclass(frozen=True)
class IssueInfo:
    """Who issues the paper, when, and the notice period and contact for objections."""

    issuing_org: str
    issued_on: date
    notice_start: date
    notice_end: date
    objection_contact: str = DEFAULT_OBJECTION_CONTACT
    objection_phone: str = ""
    check_code: str = ""  # the ledger chain's head as printed (app.domain.chain.paper_code); "" prints none

    def __post_init__(self) -> None:
        if not self.issuing_org.strip():
            raise ValidationError("请填写落款单位。")
        if self.notice_end < self.notice_start:
            raise ValidationError("公示结束日期不能早于开始日期。")

    @property
    def notice_days(self) -> int:
        return (self.notice_end - self.notice_start).days + 1

    @classmethod
    def make(
        cls,
        issuing_org: str,
        issued_on: date,
        notice_days: int = NOTICE_DAYS,
        notice_start: date | None = None,
        objection_contact: str = DEFAULT_OBJECTION_CONTACT,
        objection_phone: str = "",
        check_code: str = "",
    ) -> "IssueInfo":
        if not 1 <= notice_days <= 60:
            raise ValidationError(f"公示天数应在 1 到 60 天之间，收到的是 {notice_days}。")
        start = notice_start or issued_on
        return cls(
            issuing_org=issuing_org.strip(),
            issued_on=issued_on,
            notice_start=start,
            notice_end=start + timedelta(days=notice_days - 1),
            objection_contact=(objection_contact or "").strip() or DEFAULT_OBJECTION_CONTACT,
            objection_phone=(objection_phone or "").strip(),
            check_code=check_code,
        )


# ---- 积分卡 ----


@dataclass(frozen=True)
class CardEntry:
    occurred_on: date
    item_name: str
    category: str
    points: Decimal
    note: str = ""
    is_reversal: bool = False
    reversed_later: bool = False


@dataclass(frozen=True)
class Scorecard:
    """One member's month: every approved entry, subtotals, month total and rank, year to date and rank.

    No grade: the rule set grades the whole year only. `member_class` is the class as printed,
    empty for a member whose items the branch adjusted (`adjusted`: printed as ADJUSTED_MARK).
    `vetoed` is a veto up to the end of the month (the year to date is then 0).
    """

    month: Month
    township: str
    branch: str
    member_name: str
    group_name: str
    member_class: str
    membership: str
    entries: tuple[CardEntry, ...]
    category_totals: tuple[tuple[str, Decimal], ...]
    month_total: Decimal
    year_to_date: Decimal
    month_rank: int
    year_rank: int
    ranked_count: int
    vetoed: bool = False
    adjusted: bool = False
    pending_count: int = 0


@dataclass(frozen=True)
class ScorecardBatch:
    month: Month
    branch: str
    issue: IssueInfo
    cards: tuple[Scorecard, ...]


# ---- 积分公示表 ----


@dataclass(frozen=True)
class NoticeRow:
    """One member on the board: month rank and points, year to date, and neutral marks only."""

    rank: int  # by the month's points
    name: str
    group_name: str
    month_points: Decimal
    year_to_date: Decimal  # January to the end of the month, base included; 0 once vetoed
    adjusted: bool = False  # items adjusted by the branch meeting: ADJUSTED_MARK
    vetoed: bool = False  # a veto up to the end of the month: VETO_MARK

    @property
    def remark(self) -> str:
        """The 备注 cell: the marks, never words about a member's circumstances."""
        return " ".join(mark for mark, shown in ((ADJUSTED_MARK, self.adjusted), (VETO_MARK, self.vetoed)) if shown)


@dataclass(frozen=True)
class MonthlyNotice:
    """积分公示表: the month's ranking with the year to date; no grade (the year is graded once)."""

    month: Month
    township: str
    branch: str
    rule_set_name: str
    issue: IssueInfo
    rows: tuple[NoticeRow, ...]

    @property
    def year_to_date_title(self) -> str:
        return year_to_date_title(self.month)

    @property
    def legend(self) -> tuple[str, ...]:
        """What the figures and marks on this notice mean: the year to date, then each mark used."""
        lines = [year_to_date_note(self.month)]
        if any(row.adjusted for row in self.rows):
            lines.append(ADJUSTED_LEGEND)
        if any(row.vetoed for row in self.rows):
            lines.append(VETO_LEGEND)
        return tuple(lines)


# ---- 星级党员评定结果公示 ----


@dataclass(frozen=True)
class StarMember:
    name: str
    group_name: str
    final_total: Decimal


@dataclass(frozen=True)
class StarLevel:
    stars: int
    members: tuple[StarMember, ...]


@dataclass(frozen=True)
class StarQuotaMove:
    """A member the five-star quota moved down to four stars, and the one sentence why."""

    name: str
    group_name: str
    final_total: Decimal
    reason: str


@dataclass(frozen=True)
class StarNotice:
    year: int
    township: str
    branch: str
    rule_set_name: str
    issue: IssueInfo
    levels: tuple[StarLevel, ...]  # five stars first; every level 5…1 present, possibly empty
    rated_count: int
    vetoed_count: int = 0
    five_star_quota: int | None = None
    quota_moves: tuple[StarQuotaMove, ...] = ()  # highest total first; each still holds four stars
    assessed: bool = True  # the rating round's stars; False: estimated from the points so far, before any round

    def level(self, stars: int) -> StarLevel:
        for level in self.levels:
            if level.stars == stars:
                return level
        return StarLevel(stars, ())


# ---- 荣誉证书 ----


@dataclass(frozen=True)
class Certificate:
    name: str
    year: int
    stars: int
    honour: str  # e.g. 五星党员
    issuing_org: str
    issued_on: date


@dataclass(frozen=True)
class CertificateOptions:
    """Printing on pre-printed certificate paper: shift everything, or print only the variable text.

    Offsets move every element right and down, in millimetres (negative: left and up).
    With `variable_only` the border, the title 荣誉证书, the rule under the name and the
    seal circle are left off, because the bought paper already carries them; the name, the
    sentence, the stars, 特发此证, the issuing organisation and the date are printed where
    they always are.
    """

    offset_right_mm: float = 0
    offset_down_mm: float = 0
    variable_only: bool = False

    def __post_init__(self) -> None:
        for value in (self.offset_right_mm, self.offset_down_mm):
            if abs(value) > MAX_OFFSET_MM:
                raise ValidationError(f"打印偏移最多 {MAX_OFFSET_MM} 毫米，收到的是 {value}。")


@dataclass(frozen=True)
class CertificateBatch:
    year: int
    certificates: tuple[Certificate, ...]


# ---- 年度积分汇总 ----


@dataclass(frozen=True)
class AnnualMonth:
    month: int
    by_category: tuple[tuple[str, Decimal], ...]
    total: Decimal
    year_to_date: Decimal
    has_entries: bool


@dataclass(frozen=True)
class AnnualSummary:
    year: int
    township: str
    branch: str
    member_name: str
    group_name: str
    member_class: str
    membership: str
    categories: tuple[str, ...]
    months: tuple[AnnualMonth, ...]
    year_by_category: tuple[tuple[str, Decimal], ...]
    base_start: Decimal
    base_carried: bool
    base_component: Decimal
    points_total: Decimal
    appraisal: str
    final_total: Decimal
    grade: str  # "" while the year is not over and no round has assessed it
    stars: int | None  # None while the year is not over and no round has assessed it
    rank: int
    ranked_count: int
    vetoed: bool = False
    flags: tuple[str, ...] = field(default_factory=tuple)
    # “2026年6月30日转出” for a member who left the branch within the year: he is listed for the
    # points he had here, and the page must not read as if he were still a member.
    left_note: str = ""


@dataclass(frozen=True)
class AnnualBatch:
    year: int
    branch: str
    issue: IssueInfo
    summaries: tuple[AnnualSummary, ...]
    stars_from: str = "round"  # "round": the assessed round's; "estimate": the round engine's after the year; "": none yet
    so_far: date | None = None  # the year so far, up to this day (inside the year, before a round)
