"""Four eyes: with the option in force, nobody approves an entry he entered himself."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.enums import Attendance, EntryStatus, MeetingKind, Role
from app.domain.errors import PermissionDenied
from app.services.accounts import operators, security_settings
from app.services.ledger import entries as ledger
from app.services.ledger.entries import EntryRequest
from app.services.ledger.queries import list_entries
from conftest import TODAY, add


@pytest.fixture
def zhang(store, admin, village_year):
    return add(store, admin, "张三")


@pytest.fixture
def secretary(store, admin):
    return operators.add_operator(store, admin, "shuji", "王书记", [Role.REVIEWER, Role.CLERK])


@pytest.fixture
def four_eyes(store, admin):
    security_settings.set_security_settings(store, admin, 10, True)


def test_an_entry_is_approved_by_another_account(store, admin, zhang, secretary, four_eyes):
    mine = ledger.record_entry(store, secretary, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    with pytest.raises(PermissionDenied, match="是你录入的.*另一位审核人"):
        ledger.review_entries(store, secretary, [mine], approve=True)
    ledger.review_entries(store, admin, [mine], approve=True)
    assert [row.status for row in list_entries(store)] == [EntryStatus.APPROVED]


def test_entering_approved_in_one_step_is_refused(store, zhang, secretary, four_eyes):
    with pytest.raises(PermissionDenied, match="不能录入时直接审核通过"):
        ledger.record_entry(store, secretary, EntryRequest(zhang, "B02", date(2026, 3, 1)), approve=True, today=TODAY)
    with pytest.raises(PermissionDenied, match="不能录入时直接审核通过"):
        ledger.record_batch(store, secretary, [EntryRequest(zhang, "B02", date(2026, 3, 1))], approve=True, today=TODAY)
    with pytest.raises(PermissionDenied, match="不能录入时直接审核通过"):
        ledger.record_meeting(
            store, secretary, MeetingKind.THEME_DAY, "主题党日", date(2026, 3, 5), {zhang: Attendance.ABSENT}, approve=True, today=TODAY
        )
    assert list_entries(store) == []


def test_rejecting_ones_own_entry_stays_possible(store, zhang, secretary, four_eyes):
    mine = ledger.record_entry(store, secretary, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    ledger.review_entries(store, secretary, [mine], approve=False, note="录错了人")
    assert [row.status for row in list_entries(store)] == [EntryStatus.REJECTED]


def test_switched_off_one_person_may_enter_and_approve(store, admin, zhang, secretary):
    security_settings.set_security_settings(store, admin, 10, False)
    mine = ledger.record_entry(store, secretary, EntryRequest(zhang, "B02", date(2026, 3, 1)), today=TODAY).created[0]
    ledger.review_entries(store, secretary, [mine], approve=True)
    ledger.record_entry(store, secretary, EntryRequest(zhang, "B02", date(2026, 4, 1)), approve=True, today=TODAY)
    assert {row.status for row in list_entries(store)} == {EntryStatus.APPROVED}
