"""双报到 worked by hand: a year's service hours against the 50-hour threshold, a reversal, an
override with a reason, and the decision reaching the star rating's candidates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import MemberClass
from app.domain.errors import ConflictError, ValidationError
from app.services.practice import dual_report
from app.services.rating import rounds as rating
from app.services.rating.queries import load_view
from conftest import add

D = Decimal
LATER = date(2026, 12, 31)


@pytest.fixture
def in_service(store, admin, village_year):
    ids = {name: add(store, admin, name, member_class=MemberClass.IN_SERVICE) for name in ("赵在职", "钱在职")}
    ids["孙无职"] = add(store, admin, "孙无职")
    dual_report.save_profile(store, admin, ids["赵在职"], "城关镇东街社区", "县财政局", "办公室 李主任")
    return ids


def test_hours_cross_the_threshold_and_the_round_reads_them(store, admin, in_service):
    zhao, qian = in_service["赵在职"], in_service["钱在职"]
    dual_report.set_threshold(store, admin, 2026, "50")
    # One event for both (a batch), then their own records.
    change = dual_report.record_service(store, admin, [zhao, qian], date(2026, 3, 5), "8", "社区环境整治", "社区书记 王某", today=LATER)
    assert len(change.created) == 2
    for day, hours in ((date(2026, 5, 10), "20"), (date(2026, 7, 1), "16")):
        dual_report.record_service(store, admin, [zhao], day, hours, "疫苗接种志愿服务", "社区主任 刘某", today=LATER)
    for day, hours in ((date(2026, 6, 2), "20"), (date(2026, 9, 9), "20")):
        dual_report.record_service(store, admin, [qian], day, hours, "网格巡查", "网格员 陈某", today=LATER)
    wrong = dual_report.record_service(store, admin, [qian], date(2026, 10, 1), "5", "重复登记", "网格员 陈某", today=LATER)
    dual_report.reverse_service(store, admin, wrong.created[0], "与 9 月 9 日重复")
    with pytest.raises(ConflictError, match="已经冲正过"):
        dual_report.reverse_service(store, admin, wrong.created[0], "再冲一次")

    # By hand: 赵 8 + 20 + 16 = 44 so far, 钱 8 + 20 + 20 + 5 − 5 = 48.
    rows = {row.name: row for row in dual_report.year_rows(store, 2026)}
    assert set(rows) == {"赵在职", "钱在职"}  # only in-service members
    assert (rows["赵在职"].hours, rows["赵在职"].decision.served) == (D(44), False)
    assert (rows["钱在职"].hours, rows["钱在职"].decision.served) == (D(48), False)
    assert rows["赵在职"].decision.ground == "全年服务 44 小时，未达到 50 小时的要求"
    dual_report.record_service(store, admin, [zhao], date(2026, 11, 1), "6", "助老服务", "社区书记 王某", today=LATER)
    rows = {row.name: row for row in dual_report.year_rows(store, 2026)}
    assert (rows["赵在职"].hours, rows["赵在职"].decision.served) == (D(50), True)  # exactly 50 meets it
    assert rows["赵在职"].home_community == "城关镇东街社区" and rows["赵在职"].records == 4

    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    served = {c.name: c.dual_report_served for c in load_view(store, 2026).candidates}
    assert (served["赵在职"], served["钱在职"], served["孙无职"]) == (True, False, None)

    # The hand tick against the hours needs a reason, and is then kept as an override.
    with pytest.raises(ValidationError, match="钱在职全年 48 小时；要改变认定结果，请写明原因"):
        rating.set_dual_report(store, admin, 2026, qian, True)
    rating.set_dual_report(store, admin, 2026, qian, True, reason="9 月抗洪值守 2 天，社区出具证明")
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    served = {c.name: c.dual_report_served for c in load_view(store, 2026).candidates}
    assert (served["赵在职"], served["钱在职"]) == (True, True)
    row = {r.name: r for r in dual_report.year_rows(store, 2026)}["钱在职"]
    assert row.decision.overridden and "抗洪值守" in row.decision.ground


def test_service_records_are_checked(store, admin, in_service):
    zhao = in_service["赵在职"]
    with pytest.raises(ValidationError, match="只登记在职党员"):
        dual_report.record_service(store, admin, [in_service["孙无职"]], date(2026, 3, 5), "2", "清扫", "王某", today=LATER)
    with pytest.raises(ValidationError, match="0 到 24 小时"):
        dual_report.record_service(store, admin, [zhao], date(2026, 3, 5), "25", "清扫", "王某", today=LATER)
    with pytest.raises(ValidationError, match="还没到"):
        dual_report.record_service(store, admin, [zhao], date(2027, 1, 5), "2", "清扫", "王某", today=LATER)
    with pytest.raises(ValidationError, match="由社区哪位同志确认"):
        dual_report.record_service(store, admin, [zhao], date(2026, 3, 5), "2", "清扫", " ", today=LATER)
    with pytest.raises(ValidationError, match="只登记在职党员"):
        dual_report.save_profile(store, admin, in_service["孙无职"], "东街社区", "无")


def test_without_a_threshold_the_hand_tick_stands(store, admin, in_service):
    zhao = in_service["赵在职"]
    dual_report.record_service(store, admin, [zhao], date(2026, 3, 5), "2", "清扫", "王某", today=LATER)
    rating.start_round(store, admin, 2026, date(2026, 11, 20), today=LATER)
    rating.set_dual_report(store, admin, 2026, zhao, True)
    rating.assess(store, admin, 2026, date(2026, 11, 21), today=LATER)
    assert {c.name: c.dual_report_served for c in load_view(store, 2026).candidates}["赵在职"] is True


def test_the_quarters_feedback_letter_worked_by_hand(store, admin, in_service):
    from app.services.printing.practice_papers import feedback_letters

    zhao = in_service["赵在职"]
    dual_report.set_threshold(store, admin, 2026, "50")
    for day, hours in ((date(2026, 3, 5), "8"), (date(2026, 5, 10), "20"), (date(2026, 7, 1), "16"), (date(2026, 8, 2), "3")):
        dual_report.record_service(store, admin, [zhao], day, hours, "社区服务", "王某", today=LATER)
    wrong = dual_report.record_service(store, admin, [zhao], date(2026, 8, 2), "3", "重复", "王某", today=LATER)
    dual_report.reverse_service(store, admin, wrong.created[0], "重复登记")
    dual_report.record_service(store, admin, [zhao], date(2026, 10, 9), "4", "第四季度", "王某", today=LATER)

    # Q3: 7-01 16 h and 8-02 3 h stand (the reversed pair shows neither) = 19 h; to 30 September 8 + 20 + 19 = 47 h.
    [letter] = feedback_letters(store, 2026, 3, issued_on=date(2026, 10, 8)).letters
    assert (letter.name, letter.employer, letter.employer_contact) == ("赵在职", "县财政局", "办公室 李主任")
    assert [(line.served_on, line.hours) for line in letter.lines] == [(date(2026, 7, 1), D(16)), (date(2026, 8, 2), D(3))]
    assert (letter.quarter_hours, letter.year_hours, letter.requirement) == (D(19), D(47), "全年服务满 50 小时")
    assert letter.verdict == "截至本季度末累计服务 47 小时，距全年要求还差 3 小时"
    [q4] = feedback_letters(store, 2026, 4).letters
    assert (q4.quarter_hours, q4.year_hours, q4.verdict) == (D(4), D(51), "截至本季度末累计服务 51 小时，已达到全年要求")
