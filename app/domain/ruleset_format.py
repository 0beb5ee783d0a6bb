"""The readable rule-set format (a plain mapping, written as TOML by templates and exports).

A township can edit a template file by hand, so every field is checked here and a mistake
is reported with the item it is in, in Chinese.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain.enums import Attendance, Category, CapPeriod, MemberClass, ValueKind
from app.domain.errors import ValidationError
from app.domain.points import points
from app.domain.board import board_rule_from_dict, board_rule_to_dict
from app.domain.service_hours import check_threshold
from app.domain.rules import AppraisalRule, AttendanceRule, Band, CategoryCap, RuleItem, RuleSet
from app.domain.shop import shop_rule_from_dict, shop_rule_to_dict


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(f"{where}应为数字，写成了“{value}”。")
    try:
        return points(str(value) if isinstance(value, float) else value)
    except (ValueError, TypeError):
        raise ValidationError(f"{where}应为数字，写成了“{value}”。") from None


def _optional_number(data: dict, key: str, where: str) -> Decimal | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    return _number(value, f"{where}的“{key}”")


def _enum(enum_cls, value: Any, where: str):
    try:
        return enum_cls.from_label_or_value(str(value))
    except ValueError:
        choices = "、".join(member.value for member in enum_cls)
        raise ValidationError(f"{where}写成了“{value}”，应为以下之一：{choices}。") from None


def item_from_dict(data: dict) -> RuleItem:
    code = str(data.get("code", "")).strip()
    where = f"细则项目“{code or data.get('name', '?')}”"
    known = {
        "code", "name", "category", "kind", "value", "min", "max", "unit", "cap", "cap_period",
        "classes", "exempt_excused", "outside_cap", "description", "active",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationError(f"{where}有不认识的字段：{'、'.join(unknown)}。")
    cap_period = data.get("cap_period")
    return RuleItem(
        code=code,
        name=str(data.get("name", "")).strip(),
        category=_enum(Category, data.get("category", ""), f"{where}的类别"),
        value_kind=_enum(ValueKind, data.get("kind", "fixed"), f"{where}的计分方式"),
        value=_optional_number(data, "value", where),
        min_value=_optional_number(data, "min", where),
        max_value=_optional_number(data, "max", where),
        unit=str(data.get("unit", "")),
        cap=_optional_number(data, "cap", where),
        cap_period=_enum(CapPeriod, cap_period, f"{where}的上限周期") if cap_period else None,
        classes=frozenset(_enum(MemberClass, c, f"{where}的适用类别") for c in data.get("classes", [])),
        exempt_excused=bool(data.get("exempt_excused", False)),
        outside_cap=bool(data.get("outside_cap", False)),
        description=str(data.get("description", "")),
        active=bool(data.get("active", True)),
    )


def item_to_dict(item: RuleItem) -> dict:
    data: dict[str, Any] = {
        "code": item.code,
        "name": item.name,
        "category": item.category.value,
        "kind": item.value_kind.value,
    }
    for key, value in (("value", item.value), ("min", item.min_value), ("max", item.max_value), ("cap", item.cap)):
        if value is not None:
            data[key] = str(value)
    if item.unit:
        data["unit"] = item.unit
    if item.cap_period is not None:
        data["cap_period"] = item.cap_period.value
    if item.classes:
        data["classes"] = [c.value for c in MemberClass if c in item.classes]
    if item.exempt_excused:
        data["exempt_excused"] = True
    if item.outside_cap:
        data["outside_cap"] = True
    if item.description:
        data["description"] = item.description
    if not item.active:
        data["active"] = False
    return data


def rule_set_from_dict(data: dict, year: int) -> RuleSet:
    """Build the rule set for `year` from a template or export mapping."""
    scheme = data.get("scheme", {})
    where = "细则"
    items = tuple(item_from_dict(item) for item in data.get("items", []))
    if not items:
        raise ValidationError("细则中一个项目都没有。")
    caps = category_caps_from(data.get("category_caps", []))
    grade_bands = tuple(
        Band(_number(band.get("min"), "等次分数线"), str(band.get("label", ""))) for band in data.get("grade_bands", [])
    )
    star_bands = _star_bands_from(data.get("star_bands", []))
    appraisal = _appraisal_from(data.get("appraisal", {}))
    attendance = _attendance_rules_from(data.get("attendance", []))
    return RuleSet(
        year=year,
        name=str(scheme.get("name", "")).strip() or f"{year}年积分细则",
        items=items,
        base_points=_optional_number(scheme, "base_points", where) or points(0),
        base_carry_share=_optional_number(scheme, "base_carry_share", where),
        category_caps=caps,
        grade_bands=grade_bands,
        star_bands=star_bands,
        five_star_quota=_optional_number(scheme, "five_star_quota", where),
        appraisal=appraisal,
        attendance_rules=attendance,
        probation_flag_below=_optional_number(scheme, "probation_flag_below", where),
        floor_total_at_zero=bool(scheme.get("floor_total_at_zero", True)),
        dual_report_hours=check_threshold(_optional_number(scheme, "dual_report_hours", where)),
        shop=shop_rule_from_dict(data.get("shop", {})),
        board=board_rule_from_dict(data.get("board", {})),
    )


def category_caps_from(rows: list) -> tuple[CategoryCap, ...]:
    return tuple(
        CategoryCap(
            category=_enum(Category, cap.get("category", ""), "分类上限的类别"),
            cap=_number(cap.get("cap"), "分类上限"),
            period=_enum(CapPeriod, cap.get("period", "year"), "分类上限的周期"),
        )
        for cap in rows
    )


def _star_bands_from(rows: list) -> tuple[Band, ...]:
    star_bands = tuple(
        Band(_number(band.get("min"), "星级分数线"), f"{int(band.get('stars', 0))}星", int(band.get("stars", 0)))
        for band in rows
    )
    for band in star_bands:
        if not 1 <= band.stars <= 5:
            raise ValidationError("星级分数线中的星数应为 1 到 5。")
    return star_bands


def _appraisal_from(appraisal_data: dict) -> AppraisalRule:
    appraisal = AppraisalRule(
        mode=str(appraisal_data.get("mode", "none")),
        share=_optional_number(appraisal_data, "share", "民主评议") or Decimal("0"),
        # Highest factor first, so the order of a hand-edited table or a JSON copy never matters.
        factors=tuple(
            sorted(
                ((str(grade), _number(factor, f"民主评议等次“{grade}”的系数")) for grade, factor in appraisal_data.get("factors", {}).items()),
                key=lambda pair: (-pair[1], pair[0]),
            )
        ),
    )
    if appraisal.mode not in ("none", "share", "factor"):
        raise ValidationError(f"民主评议方式“{appraisal.mode}”不认识，应为 none、share 或 factor。")
    if not Decimal("0") <= appraisal.share < Decimal("1"):
        raise ValidationError("民主评议所占比例应在 0 到 1 之间，例如 0.2 表示 20%。")
    return appraisal


def _attendance_rules_from(rows: list) -> tuple[AttendanceRule, ...]:
    """One rule per meeting kind and attendance status: the item it turns into, or None."""
    attendance = []
    for rule in rows:
        meeting = str(rule.get("meeting", ""))
        for status in Attendance:
            code = rule.get(status.value)
            attendance.append(AttendanceRule(meeting, status, str(code) if code else None))
    return tuple(attendance)


def rule_set_to_dict(rule_set: RuleSet, description: str = "") -> dict:
    scheme: dict[str, Any] = {"name": rule_set.name, "base_points": str(rule_set.base_points)}
    if description:
        scheme["description"] = description
    for key in ("base_carry_share", "five_star_quota", "probation_flag_below", "dual_report_hours"):
        value = getattr(rule_set, key)
        if value is not None:
            scheme[key] = str(value)
    scheme["floor_total_at_zero"] = rule_set.floor_total_at_zero
    meetings: dict[str, dict[str, str]] = {}
    for rule in rule_set.attendance_rules:
        entry = meetings.setdefault(rule.meeting_kind, {"meeting": rule.meeting_kind})
        if rule.item_code:
            entry[rule.attendance.value] = rule.item_code
    return {
        "scheme": scheme,
        "appraisal": {
            "mode": rule_set.appraisal.mode,
            "share": str(rule_set.appraisal.share),
            "factors": {grade: str(f) for grade, f in rule_set.appraisal.factors},
        },
        "category_caps": [
            {"category": c.category.value, "cap": str(c.cap), "period": c.period.value} for c in rule_set.category_caps
        ],
        "grade_bands": [{"min": str(b.min_points), "label": b.label} for b in rule_set.grade_bands],
        "star_bands": [{"min": str(b.min_points), "stars": b.stars} for b in rule_set.star_bands],
        "attendance": list(meetings.values()),
        "shop": shop_rule_to_dict(rule_set.shop),
        "board": board_rule_to_dict(rule_set.board),
        "items": [item_to_dict(item) for item in rule_set.items],
    }
