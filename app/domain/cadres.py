"""Resident and liaison cadres (驻村干部 / 包村干部): their year's points under a rule set of task
and discipline items, and the county's ten-point conversion.

Cadres are not members of the branch; their items are priced by the same `price_entry` as the
members' (values, ranges, caps), under a rule set of their own. The year's points are the base
plus every recorded line; the ten-point score maps them onto 0–10 (full points = 10) and a
band table names the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from app.domain.enums import LabelledEnum
from app.domain.errors import ValidationError
from app.domain.points import ZERO, format_points, points
from app.domain.ruleset_format import item_from_dict, item_to_dict
from app.domain.rules import RuleItem, RuleSet

TEN = Decimal(10)


class CadreKind(LabelledEnum):
    RESIDENT = "resident", "驻村干部"
    LIAISON = "liaison", "包村联络干部"


@dataclass(frozen=True)
class TenPointBand:
    min_score: Decimal  # on the ten-point scale
    label: str


@dataclass(frozen=True)
class CadreScheme:
    """The year's cadre rule set: items, base points, the points that make ten, and the bands."""

    year: int
    name: str
    items: tuple[RuleItem, ...]
    base_points: Decimal
    full_points: Decimal
    bands: tuple[TenPointBand, ...]

    def __post_init__(self) -> None:
        if self.full_points <= 0:
            raise ValidationError("折算满分（十分制的 10 分对应的积分）必须大于 0。")
        if not self.bands:
            raise ValidationError("十分制折算需要至少一档等次。")
        if any(not ZERO <= band.min_score <= TEN for band in self.bands):
            raise ValidationError("十分制等次的分数线应在 0 到 10 之间。")

    @property
    def rule_set(self) -> RuleSet:
        """The items as a RuleSet, so that pricing and caps work exactly as for members."""
        return RuleSet(year=self.year, name=self.name, items=self.items, base_points=self.base_points)

    def item(self, code: str) -> RuleItem:
        return self.rule_set.item(code)

    def ten_point(self, year_points: Decimal) -> Decimal:
        """The year's points on the county's ten-point scale: points ÷ full points × 10, within 0–10."""
        value = (year_points / self.full_points * TEN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return min(TEN, max(ZERO, value))

    def band(self, ten_point: Decimal) -> str:
        for band in sorted(self.bands, key=lambda b: -b.min_score):
            if ten_point >= band.min_score:
                return band.label
        return "—"

    def bands_text(self) -> str:
        ordered = sorted(self.bands, key=lambda b: -b.min_score)
        parts = []
        for index, band in enumerate(ordered):
            if index == 0:
                parts.append(f"{format_points(band.min_score)} 分及以上为{band.label}")
            else:
                upper = format_points(ordered[index - 1].min_score)
                parts.append(f"{format_points(band.min_score)} 分至不足 {upper} 分为{band.label}")
        return "；".join(parts)

    def conversion_text(self) -> str:
        return (
            f"十分制得分 = 年度积分 ÷ {format_points(self.full_points)} × 10（最高 10 分，最低 0 分，保留两位小数）；"
            + self.bands_text()
        )


def year_points(scheme: CadreScheme, lines: Iterable[Decimal]) -> Decimal:
    """Base plus every line (reversals carry the opposite sign), never below zero."""
    return max(ZERO, scheme.base_points + sum(lines, ZERO))


def scheme_from_dict(data: dict, year: int) -> CadreScheme:
    head = data.get("scheme", {})
    items = tuple(item_from_dict(item) for item in data.get("items", []))
    if not items:
        raise ValidationError("驻村干部考核细则中一个项目都没有。")
    for item in items:
        if item.classes:
            raise ValidationError(f"驻村干部考核项目 {item.code} 不应限定党员类别。")
    try:
        bands = tuple(TenPointBand(points(b["min"]), str(b["label"])) for b in data.get("bands", []))
        base, full = points(head.get("base_points", "0")), points(head.get("full_points", "100"))
    except (KeyError, ValueError, TypeError):
        raise ValidationError("驻村干部考核细则的基础分、满分或等次分数线应为数字。") from None
    return CadreScheme(year, str(head.get("name", "")).strip() or f"{year}年驻村干部积分考核细则", items, base, full, bands)


def scheme_to_dict(scheme: CadreScheme, description: str = "") -> dict:
    head = {"name": scheme.name, "base_points": str(scheme.base_points), "full_points": str(scheme.full_points)}
    if description:
        head["description"] = description
    return {
        "scheme": head,
        "bands": [{"min": str(b.min_score), "label": b.label} for b in scheme.bands],
        "items": [item_to_dict(item) for item in scheme.items],
    }
