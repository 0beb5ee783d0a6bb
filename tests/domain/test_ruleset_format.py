"""The readable rule-set format: shipped templates load and round-trip; mistakes are reported
in Chinese with the item they are in."""

from __future__ import annotations

import copy
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.enums import Attendance, Category, CapPeriod, MemberClass, ValueKind
from app.domain.errors import ValidationError
from app.domain.ruleset_format import item_from_dict, item_to_dict, rule_set_from_dict, rule_set_to_dict

D = Decimal
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "rule_templates"
TEMPLATE_NAMES = ["village_100", "post_duty", "rural_deduction"]


def load(name: str) -> dict:
    with open(TEMPLATES / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def test_all_shipped_templates_are_covered():
    assert sorted(p.stem for p in TEMPLATES.glob("*.toml")) == sorted(TEMPLATE_NAMES)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_round_trips(name):
    rule_set = rule_set_from_dict(load(name), 2026)
    data = rule_set_to_dict(rule_set)
    again = rule_set_from_dict(data, 2026)
    assert again == rule_set
    assert rule_set_to_dict(again) == data


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_takes_the_year_given(name):
    assert rule_set_from_dict(load(name), 2027).year == 2027


@pytest.mark.parametrize(
    "name, items, base, codes",
    [
        ("village_100", 19, "20", ["J01", "R01", "R02", "B01", "B05", "K02", "V04"]),
        ("post_duty", 16, "50", ["J01", "G01", "G04", "B04", "K01", "V03"]),
        ("rural_deduction", 23, "100", ["C01", "C08", "C13", "A01", "A06", "V04"]),
    ],
)
def test_template_contents(name, items, base, codes):
    rule_set = rule_set_from_dict(load(name), 2026)
    assert len(rule_set.items) == items
    assert rule_set.base_points == D(base)
    for code in codes:
        assert rule_set.item(code).code == code
    assert rule_set.probation_flag_below == D("85")
    assert rule_set.floor_total_at_zero is True
    assert [b.min_points for b in rule_set.grade_bands] == [D("90"), D("80"), D("60"), D("0")]
    assert [(b.min_points, b.stars) for b in rule_set.star_bands] == [
        (D("90"), 5), (D("80"), 4), (D("70"), 3), (D("60"), 2), (D("0"), 1)
    ]


def test_village_template_scheme_a_numbers():
    rs = rule_set_from_dict(load("village_100"), 2026)
    assert rs.name == "村党员百分制积分细则"
    assert rs.base_carry_share == D("0.2")
    assert rs.category_cap(Category.DUTY).cap == D("70")
    assert rs.category_cap(Category.DUTY).period is CapPeriod.YEAR
    assert rs.category_cap(Category.BONUS).cap == D("10")
    assert rs.category_cap(Category.BASE) is None
    assert rs.appraisal.mode == "none"
    assert rs.five_star_quota is None
    r02 = rs.item("R02")
    assert (r02.value_kind, r02.min_value, r02.max_value, r02.cap, r02.cap_period) == (
        ValueKind.RANGE, D("1"), D("4"), D("4"), CapPeriod.MONTH
    )
    assert rs.item("B05").outside_cap is True
    assert rs.item("J01").exempt_excused is True
    assert rs.item("J05").exempt_excused is False
    assert rs.item("J02").value == D("-0.5")
    assert rs.attendance_item("theme_day", Attendance.ABSENT) == "J03"
    assert rs.attendance_item("theme_day", Attendance.EXCUSED) is None
    assert rs.attendance_item("study", Attendance.LATE) == "J02"


def test_post_duty_template_scheme_b_numbers():
    rs = rule_set_from_dict(load("post_duty"), 2026)
    assert rs.appraisal.mode == "share"
    assert rs.appraisal.share == D("0.2")
    assert rs.category_cap(Category.BONUS).period is CapPeriod.QUARTER
    assert rs.category_cap(Category.BONUS).cap == D("20")
    assert rs.item("G01").classes == frozenset({MemberClass.NO_POST})
    assert rs.item("G04").classes == frozenset({MemberClass.NO_POST, MemberClass.RETIRED})
    assert rs.base_carry_share is None


def test_rural_template_scheme_c_numbers():
    rs = rule_set_from_dict(load("rural_deduction"), 2026)
    assert rs.appraisal.mode == "factor"
    assert rs.appraisal.factor_for("合格") == D("0.95")
    assert rs.appraisal.factor_for("不合格") == D("0.6")
    assert rs.appraisal.factor_for("良好") is None
    base_items = [i for i in rs.items if i.category is Category.BASE]
    bonus_items = [i for i in rs.items if i.category is Category.BONUS]
    assert len(base_items) == 13
    assert len(bonus_items) == 6
    assert rs.item("C08").value == D("-40")


# ---- small hand-written inputs -------------------------------------------------------------


def minimal() -> dict:
    return {
        "scheme": {"name": "测试细则", "base_points": "20"},
        "items": [
            {"code": "J01", "name": "无故缺席", "category": "base", "kind": "fixed", "value": "-2"},
            {
                "code": "B01", "name": "志愿服务", "category": "bonus", "kind": "per_unit",
                "value": "1", "unit": "小时", "cap": "6", "cap_period": "year",
            },
        ],
    }


def test_minimal_loads_with_defaults():
    rs = rule_set_from_dict(minimal(), 2026)
    assert rs.name == "测试细则"
    assert rs.base_points == D("20")
    assert rs.appraisal.mode == "none"
    assert rs.category_caps == ()
    assert rs.item("B01").cap == D("6")
    assert rule_set_from_dict(rule_set_to_dict(rs), 2026) == rs


def test_missing_scheme_name_gets_year_name():
    data = minimal()
    del data["scheme"]["name"]
    assert rule_set_from_dict(data, 2026).name == "2026年积分细则"


def test_chinese_labels_are_accepted_for_enums():
    data = minimal()
    data["items"][0].update(category="基础分", kind="固定分值", classes=["无职党员", "流动党员"])
    item = rule_set_from_dict(data, 2026).item("J01")
    assert item.category is Category.BASE
    assert item.classes == frozenset({MemberClass.NO_POST, MemberClass.MOBILE})


def test_unquoted_toml_floats_are_read_exactly():
    data = tomllib.loads(
        """
        [scheme]
        base_points = 20
        [[items]]
        code = "J02"
        name = "迟到"
        category = "base"
        value = -0.5
        [[items]]
        code = "B01"
        name = "志愿服务"
        category = "bonus"
        kind = "per_unit"
        value = 0.1
        unit = "小时"
        """
    )
    rs = rule_set_from_dict(data, 2026)
    assert rs.item("J02").value == D("-0.50")
    assert rs.item("B01").value == D("0.10")
    assert rs.base_points == D("20")


def test_item_dict_round_trip_keeps_all_flags():
    item = rule_set_from_dict(load("village_100"), 2026).item("B05")
    data = item_to_dict(item)
    assert data["outside_cap"] is True
    assert item_from_dict(data) == item


def mutate(fn):
    data = copy.deepcopy(minimal())
    fn(data)
    return data


def set_item(index, **changes):
    def apply(data):
        data["items"][index].update(changes)

    return apply


def del_item_key(index, key):
    def apply(data):
        del data["items"][index][key]

    return apply


BAD_INPUTS = {
    "unknown field in item": (set_item(0, valu="-2"), ["J01", "不认识的字段", "valu"]),
    "unknown category": (set_item(0, category="bouns"), ["J01", "类别", "bouns", "应为以下之一"]),
    "unknown kind": (set_item(0, kind="ranged"), ["计分方式", "ranged"]),
    "unknown cap period": (set_item(1, cap_period="week"), ["上限周期", "week"]),
    "unknown member class": (set_item(0, classes=["farmer"]), ["适用类别", "farmer"]),
    "range min > max": (
        set_item(1, kind="range", min="5", max="2", value=None, unit="", cap=None, cap_period=None),
        ["B01", "下限必须不大于上限"],
    ),
    "range without max": (
        set_item(1, kind="range", min="2", value=None, unit="", cap=None, cap_period=None),
        ["B01", "下限必须不大于上限"],
    ),
    "range across zero": (
        set_item(1, kind="range", min="-2", max="3", value=None, unit="", cap=None, cap_period=None),
        ["B01", "同时包含加分和扣分"],
    ),
    "positive value in base item": (set_item(0, value="2"), ["J01", "基础分", "只能扣分"]),
    "positive deduction": (set_item(0, category="deduction", value="2"), ["J01", "扣分项", "负数"]),
    "negative bonus": (set_item(1, value="-1"), ["B01", "加分", "正数"]),
    "veto with non-zero value": (set_item(0, category="veto", value="-5"), ["J01", "一票否决", "分值应为 0"]),
    "veto as range": (
        set_item(0, category="veto", kind="range", min="0", max="0", value=None),
        ["J01", "一票否决"],
    ),
    "missing value": (del_item_key(0, "value"), ["J01", "缺少分值"]),
    "non-number value": (set_item(0, value="两分"), ["J01", "应为数字", "两分"]),
    "boolean value": (set_item(0, value=True), ["应为数字"]),
    "per unit without unit": (set_item(1, unit=""), ["B01", "单位"]),
    "cap without cap_period": (del_item_key(1, "cap_period"), ["B01", "上限和上限周期要同时填写"]),
    "cap_period without cap": (del_item_key(1, "cap"), ["B01", "上限和上限周期要同时填写"]),
    "zero cap": (set_item(1, cap="0"), ["B01", "上限必须大于 0"]),
    "missing name": (set_item(0, name=" "), ["编号和名称"]),
    "missing code": (set_item(0, code=""), ["编号和名称"]),
}


BAD_SETS = {
    "duplicate codes": (lambda d: d["items"].append(dict(d["items"][0])), ["编号重复", "J01"]),
    "attendance references missing code": (
        lambda d: d.update(attendance=[{"meeting": "theme_day", "absent": "X99"}]),
        ["考勤规则", "X99", "不存在"],
    ),
    "no items": (lambda d: d.update(items=[]), ["一个项目都没有"]),
    "unknown category cap": (
        lambda d: d.update(category_caps=[{"category": "award", "cap": "10"}]),
        ["分类上限", "award"],
    ),
    "category cap not a number": (
        lambda d: d.update(category_caps=[{"category": "bonus", "cap": "十"}]),
        ["分类上限", "应为数字"],
    ),
    "six stars": (lambda d: d.update(star_bands=[{"min": "95", "stars": 6}]), ["星数应为 1 到 5"]),
    "zero stars": (lambda d: d.update(star_bands=[{"min": "0", "stars": 0}]), ["星数应为 1 到 5"]),
    "appraisal mode unknown": (lambda d: d.update(appraisal={"mode": "vote"}), ["民主评议方式", "vote"]),
    "appraisal share too big": (lambda d: d.update(appraisal={"mode": "share", "share": "20"}), ["0 到 1"]),
    "appraisal share negative": (lambda d: d.update(appraisal={"mode": "share", "share": "-0.1"}), ["0 到 1"]),
    "appraisal factor not a number": (
        lambda d: d.update(appraisal={"mode": "factor", "factors": {"合格": "九五折"}}),
        ["合格", "系数", "应为数字"],
    ),
    "base points not a number": (lambda d: d["scheme"].update(base_points="二十"), ["base_points", "应为数字"]),
}


def _drop_none(data):
    for item in data.get("items", []):
        for key in [k for k, v in item.items() if v is None]:
            del item[key]
    return data


@pytest.mark.parametrize("case", sorted(BAD_INPUTS), ids=sorted(BAD_INPUTS))
def test_bad_item_is_reported_in_chinese(case):
    fn, fragments = BAD_INPUTS[case]
    data = _drop_none(mutate(fn))  # TOML has no null: a None in the table means "key absent"
    with pytest.raises(ValidationError) as excinfo:
        rule_set_from_dict(data, 2026)
    message = excinfo.value.message
    assert CHINESE.search(message), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize("case", sorted(BAD_SETS), ids=sorted(BAD_SETS))
def test_bad_rule_set_is_reported_in_chinese(case):
    fn, fragments = BAD_SETS[case]
    with pytest.raises(ValidationError) as excinfo:
        rule_set_from_dict(mutate(fn), 2026)
    message = excinfo.value.message
    assert CHINESE.search(message), message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_unknown_item_code_lookup_is_reported():
    rs = rule_set_from_dict(minimal(), 2026)
    with pytest.raises(ValidationError) as excinfo:
        rs.item("Z99")
    assert "2026 年细则中没有编号为“Z99”的项目" in excinfo.value.message
