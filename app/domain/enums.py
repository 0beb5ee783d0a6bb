"""Closed vocabularies of the domain, each with the Chinese label the clerk reads."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Chinese label."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def from_label_or_value(cls, text: str):
        """Accept either the stored value or the Chinese label (as typed in Excel)."""
        text = text.strip()
        for member in cls:
            if text in (member.value, member.label):
                return member
        raise ValueError(text)


class MemberClass(LabelledEnum):
    IN_SERVICE = "in_service", "在职党员"
    NO_POST = "no_post", "无职党员"
    MOBILE = "mobile", "流动党员"
    RETIRED = "retired", "离退休党员"
    EXEMPT_FRAIL = "exempt_frail", "老弱病残党员"
    CADRE = "cadre", "村（社区）两委/支委"


class Membership(LabelledEnum):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class MemberStatus(LabelledEnum):
    ACTIVE = "active", "在册"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    DECEASED = "deceased", "已去世"


class Gender(LabelledEnum):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Category(LabelledEnum):
    BASE = "base", "基础分"
    DUTY = "duty", "履职分"
    BONUS = "bonus", "加分"
    DEDUCTION = "deduction", "扣分"
    VETO = "veto", "一票否决"


class ValueKind(LabelledEnum):
    FIXED = "fixed", "固定分值"
    RANGE = "range", "区间取值"
    PER_UNIT = "per_unit", "按单位计分"


class CapPeriod(LabelledEnum):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class EntryStatus(LabelledEnum):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已审核"
    REJECTED = "rejected", "已驳回"


class Attendance(LabelledEnum):
    PRESENT = "present", "出席"
    EXCUSED = "excused", "请假"
    ABSENT = "absent", "缺席"
    LATE = "late", "迟到/早退"


class MeetingKind(LabelledEnum):
    BRANCH_ASSEMBLY = "branch_assembly", "支部党员大会"
    COMMITTEE = "committee", "支部委员会"
    GROUP_MEETING = "group_meeting", "党小组会"
    PARTY_LECTURE = "party_lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    STUDY = "study", "集中学习"


class OrgKind(LabelledEnum):
    TOWNSHIP = "township", "乡镇党委"
    BRANCH = "branch", "党支部"
    GENERAL_BRANCH = "general_branch", "党总支"
    GROUP = "group", "党小组"
    GRID = "grid", "网格"


class Role(LabelledEnum):
    """What an account may do. A person can hold several; an administrator may do everything.

    In a village: 录入员 enters points, meetings and roster changes; 审核人 (the branch secretary)
    reviews and runs the star rating; 管理员 keeps accounts, rule sets, settings and restores.
    In the township's gathering database: 验星 verifies star ratings, 汇总 gathers backups."""

    ADMIN = "admin", "管理员"
    CLERK = "clerk", "录入员"
    REVIEWER = "reviewer", "审核人"
    VERIFIER = "verifier", "验星"
    GATHERER = "gatherer", "汇总"
    VIEWER = "viewer", "查看"


# Most privileged first: the order in which an account's roles are listed.
ROLE_ORDER = (Role.ADMIN, Role.REVIEWER, Role.CLERK, Role.VERIFIER, Role.GATHERER, Role.VIEWER)


class AppraisalMode(LabelledEnum):
    NONE = "none", "不计民主评议"
    SHARE = "share", "按比例折算"
    FACTOR = "factor", "按等次系数"
