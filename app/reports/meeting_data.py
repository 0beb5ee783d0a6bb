"""Meeting paper data: the sign-in sheet (签到表) printed before a meeting and the meeting
record (会议记录) filed after it. Plain frozen values built by app.services.printing.meeting_papers
and asserted in tests; app.reports.meeting_papers renders them.

No ID or phone numbers. A member whose items the branch adjusted (老弱病残) carries the neutral
mark of month paper (ADJUSTED_MARK), never the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.domain.points import ZERO
from app.reports.data import ADJUSTED_LEGEND, ADJUSTED_MARK

NOT_SCORED = "不记分"


@dataclass(frozen=True)
class SigninRow:
    number: int
    name: str
    group_name: str


@dataclass(frozen=True)
class SigninSheet:
    """签到表: who is expected, one signature box each; the counts are filled in by hand."""

    township: str
    branch: str
    kind: str  # 主题党日 …
    title: str
    held_on: date
    location: str
    scope: str  # 全体党员 or a party group's name
    rows: tuple[SigninRow, ...]

    @property
    def expected(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class StatusGroup:
    """Everyone listed with one status: 出席（3 人） 张三、李四、王五."""

    status: str
    names: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"{self.status}（{len(self.names)} 人）"


@dataclass(frozen=True)
class RecordLine:
    """A member whose attendance produced entries (or was corrected): what it now counts for."""

    number: int
    name: str
    group_name: str
    status: str
    items: str  # J03 无故缺席主题党日; several separated by '；'
    points: Decimal  # net of reversals, pending included
    remark: str = ""  # 补登 / 已更正 / 待审核 / ADJUSTED_MARK


@dataclass(frozen=True)
class MeetingRecordPaper:
    """会议记录: the meeting, the attendance by status, the points it produced, the corrections."""

    township: str
    branch: str
    kind: str
    title: str
    held_on: date
    location: str
    scope: str
    recorded_by: str
    note: str
    statuses: tuple[StatusGroup, ...]  # 出席, 请假, 缺席, 迟到/早退: always all four
    lines: tuple[RecordLine, ...]
    corrections: tuple[str, ...] = ()  # one sentence each, oldest first (additions to the list too)
    adjusted_names: tuple[str, ...] = ()
    has_additions: bool = False  # members added to the list after it was saved (补登)

    @property
    def corrections_heading(self) -> str:
        if self.has_additions:
            return "考勤更正与补登（更正以冲正记录进行，原记录保留；补登的人按细则记分）"
        return "考勤更正（以冲正记录更正，原记录保留）"

    @property
    def expected(self) -> int:
        return sum(len(group.names) for group in self.statuses)

    @property
    def points_total(self) -> Decimal:
        return sum((line.points for line in self.lines), ZERO)

    @property
    def counts_sentence(self) -> str:
        """应到 4 人，出席 2 人，请假 1 人，缺席 1 人，迟到/早退 0 人."""
        return "，".join([f"应到 {self.expected} 人", *(f"{g.status} {len(g.names)} 人" for g in self.statuses)])

    @property
    def legend(self) -> tuple[str, ...]:
        lines = ["分值为本次会议考勤按积分细则生成的记录（已冲正的按冲正后计），待审核的审核通过后才计入积分"]
        if self.adjusted_names:
            lines.append(ADJUSTED_LEGEND)
        return tuple(lines)


__all__ = [
    "ADJUSTED_MARK", "NOT_SCORED", "SigninRow", "SigninSheet", "StatusGroup", "RecordLine", "MeetingRecordPaper",
]
