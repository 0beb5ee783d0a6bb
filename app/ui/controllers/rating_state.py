"""What the star-rating page shows and allows for a round in a given state (no widgets here).

`step_states` describes the five-step strip (done, current, to do, returned) with each
finished step's date and operator; `action_states` says which buttons are enabled and, when
one is not, why, in a sentence the page puts in the button's tooltip. Both are plain
functions of the round (`RoundView`, or None before it starts), today and the clerk's role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QCoreApplication

from app.domain.enums import MemberClass
from app.domain.points import format_points
from app.domain.rating import LOCKED, NEXT_STATUS, REOPENABLE, RatingScheme, RoundStatus, StarStage
from app.services.rating.queries import RoundView

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls

APPLY, ASSESS, PUBLICISE, REPORT, ADJUST = range(5)
DONE, CURRENT, UPCOMING, PROBLEM = "done", "current", "upcoming", "problem"

# The step each status is at; a verified round is at 动态调星, which never finishes.
STATUS_STEP = {
    RoundStatus.APPLYING: APPLY,
    RoundStatus.ASSESSING: ASSESS,
    RoundStatus.PUBLICISING: PUBLICISE,
    RoundStatus.REPORTED: REPORT,
    RoundStatus.RETURNED: REPORT,
    RoundStatus.VERIFIED: ADJUST,
}

ACTIONS = (
    "declare", "dual_report", "assess", "override", "publicise", "print_notice", "objection", "answer",
    "report", "export_again", "apply_verification", "reopen", "adjust", "certificates",
)


def step_titles() -> tuple[str, ...]:
    return (
        translate("RatingState", "申报创星"), translate("RatingState", "审核评星"), translate("RatingState", "公示亮星"),
        translate("RatingState", "上报验星"), translate("RatingState", "动态调星"),
    )


@dataclass(frozen=True)
class StepState:
    title: str
    state: str  # DONE, CURRENT, UPCOMING or PROBLEM
    detail: str


@dataclass(frozen=True)
class ActionState:
    enabled: bool
    why_not: str = ""


def _short(day: date) -> str:
    return f"{day:%Y-%m-%d}"


def _signed(step) -> str:
    """A finished step: month-day (the year is the page's) and who did it."""
    return f"{step.on_date:%m-%d}　{step.operator}".strip()


def step_states(view: RoundView | None) -> list[StepState]:
    titles = step_titles()
    if view is None:
        return [StepState(title, UPCOMING, translate("RatingState", "尚未开始") if i == 0 else "") for i, title in enumerate(titles)]
    current = STATUS_STEP[view.status]
    last: dict[int, object] = {}
    for step in view.steps:
        last[STATUS_STEP[step.status_after] if step.status_after is not RoundStatus.VERIFIED else REPORT] = step
    states = []
    for index, title in enumerate(titles):
        if index < current:
            step = last.get(index)
            detail = _signed(step) if step else ""
            if index == REPORT and view.status is RoundStatus.VERIFIED:
                detail = translate("RatingState", "{0:%m-%d} 验星通过").format(step.on_date) if step else ""
            states.append(StepState(title, DONE, detail))
        elif index == current:
            states.append(_current(view, title, last.get(index)))
        else:
            states.append(StepState(title, UPCOMING, ""))
    return states


def _applying(view: RoundView, _step) -> tuple[str, str]:
    declared = sum(1 for c in view.candidates if c.declared_stars)
    return CURRENT, translate("RatingState", "已申报 {0}/{1} 人").format(declared, len(view.candidates))


def _assessing(_view: RoundView, _step) -> tuple[str, str]:
    return CURRENT, translate("RatingState", "支委会审核中")


def _publicising(view: RoundView, _step) -> tuple[str, str]:
    text = translate("RatingState", "公示 {0:%m-%d} 至 {1:%m-%d}").format(view.publicity_start, view.publicity_end)
    if view.objections:
        waiting = sum(1 for o in view.objections if o.answered_on is None)
        text += translate("RatingState", "\n异议 {0} 条，待答复 {1} 条").format(len(view.objections), waiting)
    return CURRENT, text


def _reported(_view: RoundView, step) -> tuple[str, str]:
    return CURRENT, translate("RatingState", "{0:%m-%d} 已上报，待验星").format(step.on_date) if step else ""


def _returned(_view: RoundView, step) -> tuple[str, str]:
    return PROBLEM, translate("RatingState", "{0:%m-%d} 乡镇退回").format(step.on_date) if step else ""


def _verified(view: RoundView, _step) -> tuple[str, str]:
    adjusted = sum(1 for c in view.candidates for h in c.history if h.stage is StarStage.ADJUSTMENT)
    if not adjusted:
        return CURRENT, translate("RatingState", "验星后可随时调星")
    return CURRENT, translate("RatingState", "已调星 {0} 次").format(adjusted)


# The current step's state and detail, by the round's status.
CURRENT_DETAIL = {
    RoundStatus.APPLYING: _applying,
    RoundStatus.ASSESSING: _assessing,
    RoundStatus.PUBLICISING: _publicising,
    RoundStatus.REPORTED: _reported,
    RoundStatus.RETURNED: _returned,
    RoundStatus.VERIFIED: _verified,
}


def _current(view: RoundView, title: str, step) -> StepState:
    state, detail = CURRENT_DETAIL[view.status](view, step)
    return StepState(title, state, detail)


def banner_text(view: RoundView | None) -> tuple[str, bool]:
    """(a sentence above the table, whether it is a warning): township comments, the last reopening."""
    if view is None:
        return "", False
    if view.status is RoundStatus.RETURNED:
        return translate("RatingState", "乡镇退回意见：{0}　请点“重新打开评定”，按意见修改后重新公示、上报。").format(
            view.township_comments or translate("RatingState", "（没有写意见）")), True
    if view.status is RoundStatus.VERIFIED and view.township_comments:
        return translate("RatingState", "乡镇验星意见：{0}").format(view.township_comments), False
    reopened = [s for s in view.steps if s.action == "reopen"]
    if reopened and view.status is RoundStatus.ASSESSING:
        step = reopened[-1]
        return translate("RatingState", "{0} 由 {1} 重新打开：{2}　修改后请重新公示、上报。").format(
            _short(step.on_date), step.operator, step.note), False
    return "", False


def scheme_text(scheme: RatingScheme) -> str:
    bands = "、".join(
        translate("RatingState", "{0}分以上{1}星").format(format_points(band.min_points), band.stars)
        for band in sorted(scheme.star_bands, key=lambda b: -b.min_points)
    )
    parts = [bands]
    if scheme.five_star_quota is not None:
        parts.append(translate("RatingState", "五星不超过{0}%").format(format_points(scheme.five_star_quota * 100)))
    parts.append(translate("RatingState", "在职党员未落实双报到最高{0}星").format(scheme.dual_report_max_stars))
    parts.append(translate("RatingState", "{0}星及以上可评先评优").format(scheme.award_min_stars))
    parts.append(translate("RatingState", "公示{0}天").format(scheme.publicity_days))
    return translate("RatingState", "评定办法：") + "；".join(parts) + "。"


# The round's moves are the domain's (app/domain/rating.py); these ask its tables, never a list of statuses.


def may_become(status: RoundStatus, target: RoundStatus) -> bool:
    """The step to `target` is allowed now (a returned round has none: it is reopened instead)."""
    return target in NEXT_STATUS[status]


def awaiting_township(status: RoundStatus) -> bool:
    """Reported: the township may still verify it (or return it)."""
    return may_become(status, RoundStatus.VERIFIED)


def verified_for_good(status: RoundStatus) -> bool:
    """Locked with no step left: only 动态调星 (and reopening) remain."""
    return status in LOCKED and not NEXT_STATUS[status]


def action_states(view: RoundView | None, today: date, can_review: bool) -> dict[str, ActionState]:
    """Every action of the page: enabled, or why not."""
    if view is None:
        return {key: ActionState(False, translate("RatingState", "请先开始本年度的星级评定。")) for key in ACTIONS}
    status = view.status
    stage = translate("RatingState", "评定现在处于“{0}”阶段。").format(status.label)
    reviewer = translate("RatingState", "只有审核人可以做这一步。")

    def when(condition: bool, why: str = "", review: bool = False) -> ActionState:
        if not condition:
            return ActionState(False, why or stage)
        if review and not can_review:
            return ActionState(False, reviewer)
        return ActionState(True)

    assessed = status is not RoundStatus.APPLYING
    in_service = any(c.member_class is MemberClass.IN_SERVICE for c in view.candidates)
    waiting = sum(1 for o in view.objections if o.answered_on is None)
    publicising = status is RoundStatus.PUBLICISING
    states = {
        "declare": when(status is RoundStatus.APPLYING, translate("RatingState", "申报只能在“申报创星”阶段登记。")),
        "dual_report": when(
            status in (RoundStatus.APPLYING, RoundStatus.ASSESSING) and in_service,
            translate("RatingState", "名单中没有在职党员。") if not in_service
            else translate("RatingState", "双报到情况只能在申报或审核阶段登记。"),
        ),
        "assess": when(may_become(status, RoundStatus.ASSESSING), _assess_why_not(view), True),
        "override": when(status is RoundStatus.ASSESSING, translate("RatingState", "只有在“审核评星”阶段才能调整测评结果。"), True),
        "publicise": when(may_become(status, RoundStatus.PUBLICISING), translate("RatingState", "测评、审核之后才能发布公示。"), True),
        "print_notice": when(assessed, translate("RatingState", "测评星级之后才能打印公示。")),
        "objection": when(publicising and today >= view.publicity_start,
                          translate("RatingState", "只有在公示期间才能登记异议。")),
        "answer": when(publicising and waiting > 0, translate("RatingState", "没有待答复的异议。") if publicising else stage, True),
        "report": when(*_can_report(view, today, waiting), review=True),
        "export_again": when(awaiting_township(status), translate("RatingState", "只有已上报、等待验星的评定才能重新导出上报文件。")),
        "apply_verification": when(awaiting_township(status), _apply_why_not(status), True),
        "reopen": when(status in REOPENABLE, translate("RatingState", "评定还没有上报，不需要重新打开。"), True),
        "adjust": when(verified_for_good(status), translate("RatingState", "动态调星只能在乡镇验星之后进行。"), True),
        "certificates": when(assessed, translate("RatingState", "测评星级之后才能打印荣誉证书。")),
    }
    return states


def _apply_why_not(status: RoundStatus) -> str:
    if status in (RoundStatus.VERIFIED, RoundStatus.RETURNED):
        return translate("RatingState", "乡镇的验星结果已经登记过了（{0}）。").format(status.label)
    return translate("RatingState", "上报乡镇之后，才能登记乡镇的验星结果。")


def _assess_why_not(view: RoundView) -> str:
    status = view.status
    if status is RoundStatus.RETURNED:
        return translate("RatingState", "乡镇退回的评定，请先点“重新打开评定”写明原因。")
    return translate("RatingState", "评定现在处于“{0}”阶段，不能重新测评。").format(status.label)


def _can_report(view: RoundView, today: date, waiting: int) -> tuple[bool, str]:
    if not may_become(view.status, RoundStatus.REPORTED):
        return False, translate("RatingState", "公示期满、异议都答复后才能上报。")
    if today <= view.publicity_end:
        return False, translate("RatingState", "公示期到 {0} 才结束，公示期满后才能上报。").format(_short(view.publicity_end))
    if waiting:
        return False, translate("RatingState", "还有 {0} 条异议没有答复，答复后才能上报。").format(waiting)
    return True, ""
