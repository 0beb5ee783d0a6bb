"""撤销 right after saving: a pending entry is rejected, an approved one reversed, both with the reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.enums import EntryStatus, Role
from app.domain.errors import AppError
from app.services.accounts import operators
from app.services.ledger import entries as ledger
from app.services.ledger.attendance import undo_entry
from app.services.ledger.queries import EntryFilter, list_entries
from conftest import add

DAY = date(2026, 11, 20)
TODAY = date(2026, 11, 23)


@pytest.fixture
def member(store, admin, village_year):
    return add(store, admin, "张三")


def _record(store, actor, member, approve=False):
    change = ledger.record_entry(store, actor, ledger.EntryRequest(member, "B02", DAY), approve=approve, today=TODAY)
    return change.created[0]


def test_a_pending_entry_is_rejected_with_the_reason(store, admin, member):
    clerk = operators.add_operator(store, admin, "clerk1", "王会计", Role.CLERK)
    entry_id = _record(store, clerk, member)
    change = undo_entry(store, clerk, entry_id, "录入错误", today=TODAY)
    assert "已撤销" in change.summary
    [entry] = list_entries(store, EntryFilter(member_id=member))
    assert (entry.status, entry.review_note) == (EntryStatus.REJECTED, "录入错误")
    with pytest.raises(AppError, match="已经驳回"):
        undo_entry(store, clerk, entry_id, "录入错误", today=TODAY)


def test_an_approved_entry_is_reversed(store, admin, member):
    entry_id = _record(store, admin, member, approve=True)
    undo_entry(store, admin, entry_id, "录入错误", today=TODAY)
    points = sorted(e.points for e in list_entries(store, EntryFilter(member_id=member)))
    assert points == [Decimal("-1.00"), Decimal("1.00")]


def test_a_clerk_cannot_take_back_someone_elses_entry(store, admin, member):
    clerk = operators.add_operator(store, admin, "clerk1", "王会计", Role.CLERK)
    other = operators.add_operator(store, admin, "clerk2", "李会计", Role.CLERK)
    entry_id = _record(store, other, member)
    with pytest.raises(AppError):
        undo_entry(store, clerk, entry_id, "录入错误", today=TODAY)
    [entry] = list_entries(store, EntryFilter(member_id=member))
    assert entry.status is EntryStatus.PENDING
