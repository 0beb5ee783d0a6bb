"""民主评议: counting the ballots (党员测评表) and converting one member's votes into the
appraisal the rule set folds into the year's total (app.domain.scoring.apply_appraisal).

The conversion is fixed here so that the printed result sheet can state it word for word:
the score is the weighted average of the votes cast for the member (优秀 100, 合格 80,
基本合格 60, 不合格 0); the grade follows the share of the ballots returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domain.enums import AppraisalMode
from app.domain.errors import ValidationError
from app.domain.points import format_points
from app.domain.rules import AppraisalRule

GRADES = ("优秀", "合格", "基本合格", "不合格")
WEIGHTS = (Decimal(100), Decimal(80), Decimal(60), Decimal(0))
CONVERSION_RULES = (
    "评议得分 =（优秀票×100 + 合格票×80 + 基本合格票×60 + 不合格票×0）÷ 该党员的有效票数，保留两位小数",
    "不合格票超过收回票数三分之一的，评为不合格",
    "不是不合格，但基本合格票与不合格票合计超过收回票数三分之一的，评为基本合格",
    "以上都不是，且优秀票超过收回票数一半的，评为优秀；其余评为合格",
)


@dataclass(frozen=True)
class Votes:
    """One member's votes on the returned ballots, in the order of GRADES."""

    excellent: int = 0
    competent: int = 0
    basic: int = 0
    incompetent: int = 0

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.excellent, self.competent, self.basic, self.incompetent)

    @property
    def cast(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Converted:
    score: Decimal | None  # None when nobody voted for the member (all ballots blank for him)
    grade: str | None


def check_ballots(issued: int, returned: int) -> None:
    if issued <= 0:
        raise ValidationError("发出的测评票数应大于 0。")
    if returned < 0:
        raise ValidationError("收回的测评票数不能是负数。")
    if returned > issued:
        raise ValidationError(f"收回的测评票（{returned} 张）比发出的（{issued} 张）还多，请核对票数。")


def check_votes(name: str, votes: Votes, returned: int) -> None:
    """A member's votes cannot exceed the ballots returned: each ballot marks him once at most."""
    if any(count < 0 for count in votes.counts):
        raise ValidationError(f"{name}的票数不能是负数。")
    if votes.cast > returned:
        raise ValidationError(
            f"{name}的得票合计 {votes.cast} 票，比收回的测评票（{returned} 张）还多，请核对计票。"
        )


def convert(votes: Votes, returned: int) -> Converted:
    """The member's appraisal score and grade by CONVERSION_RULES."""
    if votes.cast == 0 or returned == 0:
        return Converted(None, None)
    weighted = sum((w * c for w, c in zip(WEIGHTS, votes.counts)), Decimal(0))
    score = (weighted / votes.cast).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if votes.incompetent * 3 > returned:
        grade = "不合格"
    elif (votes.basic + votes.incompetent) * 3 > returned:
        grade = "基本合格"
    elif votes.excellent * 2 > returned:
        grade = "优秀"
    else:
        grade = "合格"
    return Converted(score, grade)


def folding_sentence(rule: AppraisalRule) -> str:
    """How this year's rule set folds the appraisal into the total, as printed on the result sheet."""
    if rule.mode == AppraisalMode.SHARE:
        share = rule.share * 100
        return (
            f"本年度细则按比例折算：年度总分 = 积分 ×（1 − {format_points(share)}%）"
            f"+ 评议得分 × {format_points(share)}%"
        )
    if rule.mode == AppraisalMode.FACTOR:
        factors = "，".join(f"{grade} {format_points(factor)}" for grade, factor in rule.factors)
        return f"本年度细则按等次系数折算：年度总分 = 积分 × 等次系数（{factors}）"
    return "本年度细则不计民主评议，评议结果只作记录，不进入年度总分"
