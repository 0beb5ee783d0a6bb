"""The branch adjusts its cadres' rule set after the template: an item added and used, a used item
kept at its worth (renamed and retired only), the base and the points that make ten changed;
the administrator alone, every change in the audit log. Figures worked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from app.domain.cadres import CadreKind
from app.domain.enums import CapPeriod, Category, Role, ValueKind
from app.domain.errors import CapExceeded, ConflictError, PermissionDenied, RuleViolation, ValidationError
from app.domain.rules import RuleItem
from app.services.accounts import audit_trail, operators
from app.services.practice import cadre_rules, cadres

D = Decimal
LATER = date(2026, 12, 31)
NIGHT_PATROL = RuleItem(code="Z10", name="防汛值守（每晚）", category=Category.DUTY, value_kind=ValueKind.PER_UNIT,
                        value=D("0.5"), unit="晚", cap=D(2), cap_period=CapPeriod.YEAR)


@pytest.fixture
def cadre(store, admin, village_year):
    cadres.create_scheme(store, admin, 2026)
    return cadres.save_cadre(store, admin, cadres.CadreInput("李驻村", CadreKind.RESIDENT, "县水利局", "工作队员",
                                                             started_on=date(2026, 1, 1))).created[0]


def test_an_added_item_is_priced_and_capped_like_the_templates(store, admin, cadre):
    cadre_rules.save_cadre_item(store, admin, 2026, NIGHT_PATROL)
    assert "Z10" in {i.code for i in cadres.get_scheme(store, 2026).items}
    cadres.record_points(store, admin, cadre, "Z10", date(2026, 7, 10), quantity=3, today=LATER)  # 3 × 0.5 = 1.5
    with pytest.raises(CapExceeded, match="本次最多还能记 0.5 分"):  # the yearly cap of 2
        cadres.record_points(store, admin, cadre, "Z10", date(2026, 7, 20), quantity=2, today=LATER)
    cadres.record_points(store, admin, cadre, "Z10", date(2026, 7, 20), quantity=1, today=LATER)  # + 0.5
    year = cadres.cadre_year(store, cadre, 2026)
    assert (year.total, year.ten_point, year.band) == (D(62), D("6.20"), "基本称职")  # 60 + 2 → 6.2


def test_a_used_item_keeps_its_worth_and_may_be_renamed_or_retired(store, admin, cadre):
    cadres.record_points(store, admin, cadre, "Z02", date(2026, 3, 1), today=LATER)
    z02 = cadres.get_scheme(store, 2026).item("Z02")
    with pytest.raises(ConflictError, match="已有 1 条驻村干部积分记录使用"):
        cadre_rules.save_cadre_item(store, admin, 2026, replace(z02, value=D(2)))
    cadre_rules.save_cadre_item(store, admin, 2026, replace(z02, name="宣：宣讲党的创新理论"))
    cadre_rules.save_cadre_item(store, admin, 2026, replace(z02, name="宣：宣讲党的创新理论", active=False))
    assert cadre_rules.get_scheme_view(store, 2026).used_codes == {"Z02"}
    with pytest.raises(RuleViolation, match="已停用"):
        cadres.record_points(store, admin, cadre, "Z02", date(2026, 4, 1), today=LATER)
    year = cadres.cadre_year(store, cadre, 2026)
    assert year.total == D(61) and year.by_item == (("Z02", "宣：宣讲党的创新理论", D(1)),)  # the recorded point stays
    # An unused item may change its worth: K03 −1 → −3.
    k03 = cadres.get_scheme(store, 2026).item("K03")
    cadre_rules.save_cadre_item(store, admin, 2026, replace(k03, value=D(-3)))
    cadres.record_points(store, admin, cadre, "K03", date(2026, 5, 1), today=LATER)
    assert cadres.cadre_year(store, cadre, 2026).total == D(58)  # 60 + 1 − 3


def test_the_base_and_the_points_that_make_ten(store, admin, cadre):
    for month in (1, 2, 3):
        cadres.record_points(store, admin, cadre, "Z01", date(2026, month, 28), today=LATER)
    assert cadres.cadre_year(store, cadre, 2026).ten_point == D("6.30")  # 63 ÷ 100 × 10
    cadre_rules.save_cadre_scale(store, admin, 2026, "50", "80")
    year = cadres.cadre_year(store, cadre, 2026)
    assert (year.total, year.ten_point, year.band) == (D(53), D("6.63"), "基本称职")  # 53 ÷ 80 × 10 = 6.625 → 6.63
    assert "÷ 80 × 10" in cadres.get_scheme(store, 2026).conversion_text()
    with pytest.raises(ValidationError, match="基础分应在 0 到折算满分之间"):
        cadre_rules.save_cadre_scale(store, admin, 2026, "90", "80")
    with pytest.raises(ValidationError, match="数字"):
        cadre_rules.save_cadre_scale(store, admin, 2026, "五十", "80")


def test_refused_items_change_nothing(store, admin, cadre):
    before = cadres.get_scheme(store, 2026)
    with pytest.raises(ValidationError, match="不分党员类别"):
        cadre_rules.save_cadre_item(store, admin, 2026, replace(NIGHT_PATROL, exempt_excused=True))
    with pytest.raises(ValidationError, match="只分履职、加分和扣分三类"):
        cadre_rules.save_cadre_item(store, admin, 2026, replace(NIGHT_PATROL, category=Category.BASE, value=D("-0.5")))
    with pytest.raises(ValidationError):  # a range whose lowest is above its highest
        cadre_rules.save_cadre_item(store, admin, 2026, replace(NIGHT_PATROL, value_kind=ValueKind.RANGE, value=None,
                                                                 min_value=D(3), max_value=D(1), unit=""))
    assert cadres.get_scheme(store, 2026) == before


def test_only_the_administrator_adjusts_it_and_each_change_is_in_the_log(store, admin, cadre):
    clerk = operators.add_operator(store, admin, "clerk1", "录入员小王", Role.CLERK)
    with pytest.raises(PermissionDenied, match="没有修改驻村干部考核细则的权限"):
        cadre_rules.save_cadre_item(store, clerk, 2026, NIGHT_PATROL)
    with pytest.raises(PermissionDenied):
        cadre_rules.save_cadre_scale(store, clerk, 2026, "50", "100")
    cadre_rules.save_cadre_item(store, admin, 2026, NIGHT_PATROL)
    cadre_rules.save_cadre_scale(store, admin, 2026, "55", "100")
    summaries = [row.summary for row in audit_trail.audit_rows(store, admin, audit_trail.AuditFilter(text="驻村干部细则"))]
    assert summaries == ["2026 年驻村干部细则：基础分 55，折算满分 100", "2026 年驻村干部细则新增项目 Z10 防汛值守（每晚）"]
