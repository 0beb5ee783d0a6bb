"""A year's rule set (积分细则) and the pricing of one points entry against it.

`price_entry` is the single place that decides whether an entry is allowed and what it is
worth; every way of recording points (one entry, a batch, a meeting) goes through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable, Sequence

from app.domain.enums import Attendance, Category, CapPeriod, MemberClass, MemberStatus, ValueKind
from app.domain.errors import CapExceeded, RuleViolation, ValidationError
from app.domain.periods import period_bounds, period_in_year, period_label
from app.domain.points import ZERO, format_points, points
from app.domain.board import BoardRule
from app.domain.shop import ShopRule
from app.domain.dates import day_text


@dataclass(frozen=True)
class RuleItem:
    code: str
    name: str
    category: Category
    value_kind: ValueKind
    value: Decimal | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    unit: str = ""
    cap: Decimal | None = None
    cap_period: CapPeriod | None = None
    classes: frozenset[MemberClass] = frozenset()
    exempt_excused: bool = False
    outside_cap: bool = False
    description: str = ""
    active: bool = True

    def __post_init__(self) -> None:
        check_rule_item(self)

    @property
    def is_veto(self) -> bool:
        return self.category is Category.VETO

    @property
    def sign(self) -> int:
        """+1 for items that add points, -1 for items that take them away, 0 for vetoes."""
        probe = self.value if self.value_kind is not ValueKind.RANGE else (self.min_value + self.max_value)
        return (probe > 0) - (probe < 0)

    def value_text(self) -> str:
        if self.value_kind is ValueKind.FIXED:
            return f"{format_points(self.value)} 分/次"
        if self.value_kind is ValueKind.RANGE:
            return f"{format_points(self.min_value)} 至 {format_points(self.max_value)} 分"
        return f"{format_points(self.value)} 分/{self.unit or '单位'}"

    def cap_text(self) -> str:
        if self.cap is None:
            return ""
        return f"{self.cap_period.label}最多 {format_points(self.cap)} 分"

    def applies_to(self, member_class: MemberClass) -> bool:
        return not self.classes or member_class in self.classes


def check_rule_item(item: RuleItem) -> None:
    """Raise ValidationError when an item's own numbers contradict each other."""
    if not item.code.strip() or not item.name.strip():
        raise ValidationError("细则项目必须有编号和名称。")
    where = f"细则项目 {item.code}“{item.name}”"
    _check_value(item, where)
    _check_cap(item, where)
    _check_sign_for_category(item, where)


def _check_value(item: RuleItem, where: str) -> None:
    if item.value_kind is ValueKind.RANGE:
        if item.min_value is None or item.max_value is None or item.min_value > item.max_value:
            raise ValidationError(f"{where}的取值区间不对：下限必须不大于上限。")
        if item.min_value < 0 < item.max_value:
            raise ValidationError(f"{where}的取值区间不能同时包含加分和扣分。")
    elif item.value is None:
        raise ValidationError(f"{where}缺少分值。")
    if item.value_kind is ValueKind.PER_UNIT and not item.unit:
        raise ValidationError(f"{where}按单位计分，需要写明单位（如“小时”）。")


def _check_cap(item: RuleItem, where: str) -> None:
    if (item.cap is None) != (item.cap_period is None):
        raise ValidationError(f"{where}的上限和上限周期要同时填写。")
    if item.cap is not None and item.cap <= 0:
        raise ValidationError(f"{where}的上限必须大于 0。")


def _check_sign_for_category(item: RuleItem, where: str) -> None:
    if item.category is Category.VETO:
        if item.value_kind is not ValueKind.FIXED or item.value != 0:
            raise ValidationError(f"{where}是一票否决项，分值应为 0（否决的效果是全年积分清零）。")
    elif item.category is Category.BASE and item.sign > 0:
        raise ValidationError(f"{where}属于基础分，只能扣分（扣完为止）。")
    elif item.category is Category.DEDUCTION and item.sign > 0:
        raise ValidationError(f"{where}属于扣分项，分值应为负数。")
    elif item.category in (Category.DUTY, Category.BONUS) and item.sign < 0:
        raise ValidationError(f"{where}属于{item.category.label}，分值应为正数。")


@dataclass(frozen=True)
class CategoryCap:
    category: Category
    cap: Decimal
    period: CapPeriod


@dataclass(frozen=True)
class Band:
    """A lower bound on the year's total and what reaching it earns (a grade or a star count)."""

    min_points: Decimal
    label: str
    stars: int = 0


@dataclass(frozen=True)
class AppraisalRule:
    """How the democratic appraisal (民主评议) enters the year's result."""

    mode: str = "none"  # AppraisalMode value
    share: Decimal = ZERO  # for "share": final = total × (1 − share) + appraisal score × share
    factors: tuple[tuple[str, Decimal], ...] = ()  # for "factor": grade → multiplier

    def factor_for(self, grade: str) -> Decimal | None:
        return dict(self.factors).get(grade)


@dataclass(frozen=True)
class AttendanceRule:
    """Which rule item a meeting attendance status turns into (None: no entry)."""

    meeting_kind: str
    attendance: Attendance
    item_code: str | None


@dataclass(frozen=True)
class AttendanceEffect:
    """What one member's attendance at a meeting records: an item, or nothing (and why)."""

    item_code: str | None = None
    exempt: bool = False  # an item the branch exempted this member from: nothing recorded


@dataclass(frozen=True)
class RuleSet:
    year: int
    name: str
    items: tuple[RuleItem, ...]
    base_points: Decimal = ZERO
    base_carry_share: Decimal | None = None
    category_caps: tuple[CategoryCap, ...] = ()
    grade_bands: tuple[Band, ...] = ()
    star_bands: tuple[Band, ...] = ()
    five_star_quota: Decimal | None = None
    appraisal: AppraisalRule = field(default_factory=AppraisalRule)
    attendance_rules: tuple[AttendanceRule, ...] = ()
    probation_flag_below: Decimal | None = None
    floor_total_at_zero: bool = True
    dual_report_hours: Decimal | None = None  # 双报到: the year's service hours that meet the duty
    shop: ShopRule = field(default_factory=ShopRule)  # the honour shop's earning and expiry (app/domain/shop.py)
    board: BoardRule = field(default_factory=BoardRule)  # the red-and-black board (app/domain/board.py)

    def __post_init__(self) -> None:
        codes = [item.code for item in self.items]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValidationError(f"细则项目编号重复：{'、'.join(duplicates)}。")
        known = set(codes)
        for rule in self.attendance_rules:
            if rule.item_code is not None and rule.item_code not in known:
                raise ValidationError(f"考勤规则引用了不存在的细则项目 {rule.item_code}。")

    def item(self, code: str) -> RuleItem:
        for item in self.items:
            if item.code == code:
                return item
        raise ValidationError(f"{self.year} 年细则中没有编号为“{code}”的项目。")

    def category_cap(self, category: Category) -> CategoryCap | None:
        for cap in self.category_caps:
            if cap.category is category:
                return cap
        return None

    def attendance_item(self, meeting_kind: str, attendance: Attendance) -> str | None:
        for rule in self.attendance_rules:
            if rule.meeting_kind == meeting_kind and rule.attendance is attendance:
                return rule.item_code
        return None

    def attendance_effect(self, meeting_kind: str, attendance: Attendance, member_class: MemberClass) -> AttendanceEffect:
        """The item a member's attendance turns into, both ways: absent or late deduct, present
        earns where the rule set says so (e.g. `present = "R01"`), excused nothing.

        A member the branch exempted (老弱病残) gets nothing from an item marked exempt_excused
        and earns nothing by attending; an earning item that does not apply to the member's
        class records nothing either (attending is never an error).
        """
        code = self.attendance_item(meeting_kind, attendance)
        if code is None:
            return AttendanceEffect()
        item = self.item(code)
        earns = item.sign > 0
        if member_class is MemberClass.EXEMPT_FRAIL and (item.exempt_excused or earns):
            return AttendanceEffect(exempt=True)
        if earns and not item.applies_to(member_class):
            return AttendanceEffect()
        return AttendanceEffect(code)


@dataclass(frozen=True)
class MemberFacts:
    """What pricing needs to know about the member an entry is for."""

    name: str
    member_class: MemberClass
    status: MemberStatus = MemberStatus.ACTIVE
    in_branch_since: date | None = None
    left_on: date | None = None


# The items that carry the months a branch kept before going live (期初导入). A cap never cuts
# them (the branch scored those months already), yet they count towards their category's cap:
# outside it, six points a month imported for January–August and six typed in from September
# made 72 任务分 under a cap of 70.
OPENING_EARNED_CODE, OPENING_LOST_CODE = "QC1", "QC2"


def outside_caps_when_counted(item_code: str, outside_cap: bool) -> bool:
    """Whether an entry already on the ledger is left out of the caps that later entries meet."""
    return outside_cap and item_code not in (OPENING_EARNED_CODE, OPENING_LOST_CODE)


@dataclass(frozen=True)
class CountedLine:
    """An entry already on the member's ledger that counts towards caps (pending or approved)."""

    item_code: str
    category: Category
    occurred_on: date
    points: Decimal
    outside_cap: bool = False


def price_entry(
    rule_set: RuleSet,
    item: RuleItem,
    member: MemberFacts,
    occurred_on: date,
    quantity: Decimal,
    chosen_points: Decimal | None,
    counted: Sequence[CountedLine],
    today: date,
) -> Decimal:
    """Return the points this entry is worth, or raise a RuleViolation saying why it is not allowed."""
    if not item.active:
        raise RuleViolation(f"细则项目 {item.code}“{item.name}”已停用，不能再记分。")
    if occurred_on.year != rule_set.year:
        raise RuleViolation(
            f"日期{day_text(occurred_on)}不在 {rule_set.year} 年细则的范围内，请选择该年度的细则或改正日期。"
        )
    if occurred_on > today:
        raise RuleViolation(f"日期{day_text(occurred_on)}还没到，不能提前记分。")
    if member.in_branch_since and occurred_on < member.in_branch_since:
        raise RuleViolation(
            f"{member.name}于{day_text(member.in_branch_since)}才在本支部，不能记之前的分。"
        )
    if member.status is not MemberStatus.ACTIVE and member.left_on and occurred_on >= member.left_on:
        raise RuleViolation(
            f"{member.name}已于{day_text(member.left_on)}{member.status.label.removeprefix('已')}，之后不能再记分。"
        )
    if not item.applies_to(member.member_class):
        allowed = "、".join(c.label for c in sorted(item.classes, key=list(MemberClass).index))
        raise RuleViolation(
            f"“{item.name}”只适用于{allowed}，{member.name}是{member.member_class.label}。"
        )
    if item.exempt_excused and member.member_class is MemberClass.EXEMPT_FRAIL:
        raise RuleViolation(f"{member.name}经支部决定免于“{item.name}”的考核，不记此项。")

    value = _entry_value(item, quantity, chosen_points)
    _check_item_cap(rule_set, item, member, occurred_on, value, quantity, counted)
    _check_category_cap(rule_set, item, member, occurred_on, value, counted)
    return value


# A clerk's typing, not a sum: 9999 absences at −2 each were saved as one −19998 entry, and the
# month's ranking showed it. A month's times or hours of one event stay well below this.
MOST_IN_ONE_ENTRY = 100


def _entry_value(item: RuleItem, quantity: Decimal, chosen_points: Decimal | None) -> Decimal:
    if quantity is None or quantity <= 0:
        raise ValidationError(f"数量必须大于 0（收到 {quantity}）。")
    if quantity > MOST_IN_ONE_ENTRY:
        shown = format_points(points(quantity))  # a number past all reason (1E+27, infinity) has its own sentence
        raise ValidationError(
            f"一条记录的次数（数量）最多 {MOST_IN_ONE_ENTRY}，{shown} 不合理，请检查是否多输了位数"
            "（确实更多的，请按日期分开录入）。"
        )
    if item.value_kind is ValueKind.FIXED:
        if quantity != quantity.to_integral_value():
            raise ValidationError(f"“{item.name}”按次计分，次数必须是整数。")
        if chosen_points is not None and points(chosen_points) != points(item.value * quantity):
            raise RuleViolation(
                f"“{item.name}”是固定分值 {format_points(item.value)} 分/次，不能改成 {format_points(chosen_points)} 分。"
            )
        return points(item.value * quantity)
    if item.value_kind is ValueKind.RANGE:
        if quantity != 1:
            raise ValidationError(f"“{item.name}”按区间取值，每条记录只记一次。")
        if chosen_points is None:
            raise ValidationError(
                f"“{item.name}”需要在 {item.value_text()} 之间选定分值。"
            )
        value = points(chosen_points)
        if not item.min_value <= value <= item.max_value:
            raise RuleViolation(
                f"“{item.name}”的分值应在 {item.value_text()} 之间，{format_points(value)} 分超出了范围。"
            )
        return value
    if chosen_points is not None and points(chosen_points) != points(item.value * quantity):
        raise RuleViolation(f"“{item.name}”按{item.unit}计分，分值由数量算出，不能手填。")
    return points(item.value * quantity)


def _sum_in_period(counted: Iterable[CountedLine], start: date, end: date, keep) -> Decimal:
    return sum((line.points for line in counted if start <= line.occurred_on <= end and keep(line)), ZERO)


def beyond_cap(total: Decimal, cap: Decimal, sign: int) -> bool:
    """A cap limits points in the item's own direction: at most +cap of bonus, or −cap of deductions."""
    return total * sign > cap


def _remaining(cap: Decimal, used: Decimal, sign: int) -> Decimal:
    return max(ZERO, cap - used * sign)


@dataclass(frozen=True)
class CapHit:
    """The cap an entry would go past, in numbers: an item's (`what` is its code) or its
    category's (`what` is the category's name), in the period containing the entry's day."""

    what: str
    period: str  # inside the year: 11月, 第4季度, 全年
    cap: Decimal
    used: Decimal  # the member's points under this cap so far, without sign
    left: Decimal  # what pricing still allows from the item (both caps considered)
    sign: int  # +1: a cap on points earned, -1: on points deducted


def _check_item_cap(rule_set, item, member, occurred_on, value, quantity, counted) -> None:
    if item.cap is None or value == 0:
        return
    start, end = period_bounds(item.cap_period, occurred_on)
    used = _sum_in_period(counted, start, end, lambda line: line.item_code == item.code)
    sign = 1 if value > 0 else -1
    if beyond_cap(used + value, item.cap, sign):
        # The clerk is told what is really left: the category cap may allow even less.
        remaining = remaining_cap(rule_set, item, occurred_on, counted)
        what = f"{format_points(remaining)} 分"
        if item.value_kind is ValueKind.PER_UNIT and item.value:
            units = (remaining / abs(item.value)).quantize(Decimal("0.01"))
            what += f"（{format_points(units)} {item.unit}）"
        raise CapExceeded(
            f"“{item.name}”{item.cap_text()}，{member.name}在{period_label(item.cap_period, occurred_on)}"
            f"已记 {format_points(abs(used))} 分，本次最多还能记 {what}。",
            allowed=remaining,
            hit=CapHit(item.code, period_in_year(item.cap_period, occurred_on), item.cap, abs(used), remaining, sign),
        )


def _check_category_cap(rule_set, item, member, occurred_on, value, counted) -> None:
    cap = rule_set.category_cap(item.category)
    if cap is None or item.outside_cap or value == 0:
        return
    start, end = period_bounds(cap.period, occurred_on)
    used = _sum_in_period(
        counted, start, end, lambda line: line.category is item.category and not line.outside_cap
    )
    sign = 1 if value > 0 else -1
    if beyond_cap(used + value, cap.cap, sign):
        remaining = remaining_cap(rule_set, item, occurred_on, counted)
        raise CapExceeded(
            f"{item.category.label}{cap.period.label}最多 {format_points(cap.cap)} 分，{member.name}在"
            f"{period_label(cap.period, occurred_on)}已记 {format_points(abs(used))} 分，"
            f"本次最多还能记 {format_points(remaining)} 分。",
            allowed=remaining,
            hit=CapHit(item.category.label, period_in_year(cap.period, occurred_on), cap.cap, abs(used), remaining, sign),
        )


def remaining_cap(
    rule_set: RuleSet, item: RuleItem, occurred_on: date, counted: Sequence[CountedLine]
) -> Decimal | None:
    """How many points the member may still receive from `item` around `occurred_on` (None: no cap)."""
    limits: list[Decimal] = []
    sign = item.sign or 1
    if item.cap is not None:
        start, end = period_bounds(item.cap_period, occurred_on)
        used = _sum_in_period(counted, start, end, lambda line: line.item_code == item.code)
        limits.append(_remaining(item.cap, used, sign))
    cap = rule_set.category_cap(item.category)
    if cap is not None and not item.outside_cap:
        start, end = period_bounds(cap.period, occurred_on)
        used = _sum_in_period(
            counted, start, end, lambda line: line.category is item.category and not line.outside_cap
        )
        limits.append(_remaining(cap.cap, used, sign))
    return min(limits) if limits else None


@dataclass(frozen=True)
class CapOverrun:
    """A cap that a member's recorded entries go beyond (found by `check`, never allowed by pricing)."""

    member_id: object
    what: str  # the item's code, or the category's label
    period: str
    used: Decimal
    cap: Decimal


def cap_overruns(rule_set: RuleSet, counted: Iterable[tuple[object, CountedLine]]) -> list[CapOverrun]:
    """Every item and category cap of `rule_set` that the (member, line) pairs exceed, measured as pricing does."""
    used: dict[tuple, Decimal] = {}
    limits: dict[tuple, tuple[Decimal, int, str]] = {}
    for member_id, line in counted:
        item = rule_set.item(line.item_code)
        sign = item.sign or 1
        if item.cap is not None:
            key = (member_id, item.code, period_bounds(item.cap_period, line.occurred_on))
            used[key] = used.get(key, ZERO) + line.points
            limits[key] = (item.cap, sign, period_label(item.cap_period, line.occurred_on))
        cap = rule_set.category_cap(item.category)
        if cap is not None and not item.outside_cap:
            key = (member_id, item.category.label, period_bounds(cap.period, line.occurred_on))
            used[key] = used.get(key, ZERO) + line.points
            limits[key] = (cap.cap, sign, period_label(cap.period, line.occurred_on))
    overruns = []
    for key, total in used.items():
        cap, sign, period = limits[key]
        if beyond_cap(total, cap, sign):
            overruns.append(CapOverrun(key[0], key[1], period, total, cap))
    return overruns
