"""Resident cadres worked by hand: a year of points under the shipped template, a cap, a reversal,
and the ten-point conversion with its band; the cadres stay off the member roster."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.cadres import CadreKind
from app.domain.errors import CapExceeded, ConflictError, NotFound, RuleViolation, ValidationError
from app.domain.periods import Month
from app.services.practice import cadres
from app.services.totals import ranking as totals
from conftest import add

D = Decimal
LATER = date(2026, 12, 31)


@pytest.fixture
def cadre(store, admin, village_year):
    cadres.create_scheme(store, admin, 2026)
    change = cadres.save_cadre(store, admin, cadres.CadreInput("张驻村", CadreKind.RESIDENT, "县农业农村局", "第一书记",
                                                                started_on=date(2026, 1, 1)))
    return change.created[0]


def test_a_cadres_year_on_the_ten_point_scale(store, admin, cadre):
    for month in range(1, 11):  # 到岗到位 Jan–Oct: 10 × 1
        cadres.record_points(store, admin, cadre, "Z01", date(2026, month, 28), today=LATER)
    for day in (date(2026, 3, 1), date(2026, 6, 1), date(2026, 9, 1)):  # 宣讲 3 × 1
        cadres.record_points(store, admin, cadre, "Z02", day, today=LATER)
    for day in (date(2026, 4, 1), date(2026, 8, 1)):  # 帮建强组织 3 + 3 = 6, its yearly cap
        cadres.record_points(store, admin, cadre, "Z03", day, chosen_points="3", today=LATER)
    with pytest.raises(CapExceeded, match="本次最多还能记 0 分"):
        cadres.record_points(store, admin, cadre, "Z03", date(2026, 10, 1), chosen_points="1", today=LATER)
    cadres.record_points(store, admin, cadre, "Z04", date(2026, 7, 1), chosen_points="2.5", today=LATER)
    cadres.record_points(store, admin, cadre, "K01", date(2026, 5, 6), quantity="2", note="未请假回单位", today=LATER)  # −2
    wrong = cadres.record_points(store, admin, cadre, "K02", date(2026, 5, 20), today=LATER)  # −2, reversed below
    cadres.reverse_points(store, admin, wrong.created[0], "当天在乡镇开会，有会议通知为证")
    with pytest.raises(ConflictError):
        cadres.reverse_points(store, admin, wrong.created[0], "再冲一次")
    with pytest.raises(RuleViolation, match="1 至 3 分"):
        cadres.record_points(store, admin, cadre, "Z04", date(2026, 7, 2), chosen_points="5", today=LATER)

    # By hand: 60 + 10 + 3 + 6 + 2.5 − 2 + (−2 + 2) = 79.5 → 79.5 ÷ 100 × 10 = 7.95 → 称职 (7.5 to under 9).
    year = cadres.cadre_year(store, cadre, 2026)
    assert (year.total, year.ten_point, year.band) == (D("79.5"), D("7.95"), "称职")
    assert (year.base_points, year.task_points, year.deductions) == (D(60), D("21.5"), D(-2))
    assert [code for code, _, _ in year.by_item] == ["Z01", "Z02", "Z03", "Z04", "K01"]  # K02 nets out
    assert sum(1 for line in year.lines if line.reversed) == 1

    # The month card of May: the year to May's end, 60 + 5 (Z01) + 1 (Z02) + 3 (Z03) − 2 = 67 → 6.7 → 基本称职.
    may = cadres.cadre_year(store, cadre, 2026, up_to=Month(2026, 5))
    assert (may.total, may.ten_point, may.band) == (D(67), D("6.70"), "基本称职")

    scheme = cadres.get_scheme(store, 2026)
    assert scheme.conversion_text() == (
        "十分制得分 = 年度积分 ÷ 100 × 10（最高 10 分，最低 0 分，保留两位小数）；"
        "9 分及以上为优秀；7.5 分至不足 9 分为称职；6 分至不足 7.5 分为基本称职；0 分至不足 6 分为不称职"
    )
    assert scheme.ten_point(D(130)) == D(10)


def test_cadres_are_not_members_and_leave_with_a_date(store, admin, cadre):
    add(store, admin, "王党员")
    assert [row.name for row in totals.branch_ranking(store, 2026).rows] == ["王党员"]  # the cadre is no member
    cadres.save_cadre(store, admin, cadres.CadreInput("李联络", CadreKind.LIAISON, "乡政府", ended_on=date(2026, 6, 30)))
    liaison = next(c for c in cadres.list_cadres(store) if c.name == "李联络")
    with pytest.raises(ValidationError, match="已于2026年6月30日离村"):
        cadres.record_points(store, admin, liaison.id, "Z01", date(2026, 7, 28), today=LATER)
    with pytest.raises(NotFound, match="2027 年的驻村干部考核细则还没有建立"):
        cadres.record_points(store, admin, cadre, "Z01", date(2027, 1, 28), today=date(2027, 2, 1))
    assert [c.name for c in cadres.list_cadres(store)] == ["张驻村", "李联络"]


def test_a_cadres_phone_is_sealed_masked_and_revealed_only_with_the_right(store, admin, village_year):
    import dataclasses

    from app.domain.enums import Role
    from app.domain.errors import PermissionDenied, PersonalDataLocked
    from db.models import AuditRecord
    from db.practice_models import ResidentCadre

    cadre = cadres.save_cadre(store, admin, cadres.CadreInput("周振华", CadreKind.RESIDENT, phone=" 13837600001 ")).created[0]
    with store.session() as session:
        sealed = session.get(ResidentCadre, cadre).phone_sealed
        assert sealed and b"13837600001" not in sealed and b"37600001" not in sealed
    [row] = cadres.list_cadres(store, admin)
    assert (row.masked_phone, row.has_phone) == ("138****0001", True)
    [locked_row] = cadres.list_cadres(store)  # without a key: nothing opened, but it is known to be there
    assert (locked_row.masked_phone, locked_row.has_phone) == ("", True)

    locked = admin.__class__(admin.id, admin.username, admin.display_name, admin.roles)
    with pytest.raises(PersonalDataLocked):
        cadres.save_cadre(store, locked, cadres.CadreInput("孙丽娟", CadreKind.LIAISON, phone="13837600002"))
    with pytest.raises(PersonalDataLocked):
        cadres.reveal_phone(store, locked, cadre)
    # Without a key the rest of a cadre may still be changed, his sealed phone kept as it is.
    cadres.save_cadre(store, locked, cadres.CadreInput("周振华", CadreKind.RESIDENT, post="第一书记", keep_phone=True), cadre)
    viewer = dataclasses.replace(admin, roles=frozenset({Role.VIEWER}))
    with pytest.raises(PermissionDenied):
        cadres.reveal_phone(store, viewer, cadre)
    assert cadres.reveal_phone(store, admin, cadre) == "13837600001"

    cadres.save_cadre(store, admin, cadres.CadreInput("周振华", CadreKind.RESIDENT, phone="13900139000"), cadre)
    assert cadres.reveal_phone(store, admin, cadre) == "13900139000"
    cadres.save_cadre(store, admin, cadres.CadreInput("周振华", CadreKind.RESIDENT, phone=""), cadre)
    assert cadres.list_cadres(store, admin)[0].has_phone is False
    with store.session() as session:
        assert session.get(ResidentCadre, cadre).phone_sealed is None
        audits = session.query(AuditRecord).filter_by(entity="resident_cadre").order_by(AuditRecord.chain_seq).all()
        assert [a.action for a in audits] == ["create", "update", "reveal", "update", "reveal", "update"]
        texts = [f"{a.summary}{a.details}" for a in audits]
        assert not any(phone in text for text in texts for phone in ("13837600001", "13900139000"))
        assert "138****0001" in texts[0] and "139****9000" in texts[3]


def test_the_assessment_sheet_gives_the_period_in_chinese_dates(store, admin, cadre):
    """驻村干部年度考核表's 考核期间 printed 2026-01-01 至 2026-12-31; papers write 2026年1月1日."""
    from app.services.printing import practice_papers

    cadres.save_cadre(store, admin, cadres.CadreInput("李联络", CadreKind.LIAISON, "乡政府", ended_on=date(2026, 6, 30)))
    periods = {sheet.name: sheet.period for sheet in practice_papers.cadre_assessments(store, 2026).assessments}
    assert periods == {"张驻村": "2026年1月1日至2026年12月31日", "李联络": "2026年1月1日至2026年6月30日"}
