"""The ledger a page at a time (the window's 积分台账): every entry once, in order, each reversal
right after what it reverses, with the count and approved sum of the whole filter."""

from __future__ import annotations

import pytest

from app.domain.enums import EntryStatus
from app.domain.periods import Month
from app.services import demo
from app.services.ledger.queries import EntryFilter, entries_in_page_order, entry_page, list_entries
from conftest import TODAY, behind_the_programs_back


@pytest.fixture
def demo_store(store, admin):
    demo.create_demo_branch(store, admin, today=TODAY)
    return store


def _paged(store, chosen: EntryFilter, size: int) -> list:
    rows, offset = [], 0
    while True:
        page = entry_page(store, chosen, offset, size, with_total=offset == 0)
        assert page.offset == offset and len(page.rows) <= size
        rows += page.rows
        offset += size
        if not page.has_more:
            return rows


@pytest.mark.parametrize("chosen", [
    EntryFilter(year=TODAY.year), EntryFilter(month=Month(TODAY.year, 3)), EntryFilter(year=TODAY.year, item_code="B03"),
    EntryFilter(status=EntryStatus.APPROVED), EntryFilter(year=TODAY.year, search="ly"),
], ids=["year", "month", "item", "approved", "searched"])
def test_the_pages_hold_every_entry_once_newest_first_with_reversals_beside(demo_store, chosen):
    size = 7
    whole = list_entries(demo_store, chosen)
    assert whole, "the demo has entries of every filter asked about"
    paged = _paged(demo_store, chosen, size)
    assert sorted(str(row.id) for row in paged) == sorted(str(row.id) for row in whole)
    assert [row.occurred_on for row in paged] == sorted((row.occurred_on for row in paged), reverse=True)
    place = {row.id: at for at, row in enumerate(paged)}
    reversals = [row for row in paged if row.reverses_id in place]
    assert all(place[row.reverses_id] == place[row.id] - 1 for row in reversals)
    first = entry_page(demo_store, chosen)
    assert list(first.rows) == paged[:len(first.rows)]
    assert first.total == len(whole)
    assert first.approved_total == sum((row.points for row in whole if row.status is EntryStatus.APPROVED), start=0)


def test_the_demo_has_a_reversal_on_the_pages(demo_store):
    paged = _paged(demo_store, EntryFilter(year=TODAY.year), 7)
    assert any(row.reverses_id for row in paged)


def test_a_search_finds_the_entries_of_members_whose_name_or_pinyin_matches(demo_store):
    everything = list_entries(demo_store, EntryFilter(year=TODAY.year))
    by_name = _paged(demo_store, EntryFilter(year=TODAY.year, search="李"), 50)
    assert by_name and {row.id for row in by_name} == {row.id for row in everything if "李" in row.member_name}
    assert "李䶮" in {row.member_name for row in _paged(demo_store, EntryFilter(year=TODAY.year, search="ly"), 50)}
    nobody = entry_page(demo_store, EntryFilter(year=TODAY.year, search="不存在的人"))
    assert nobody.rows == () and nobody.total == 0 and nobody.approved_total == 0 and not nobody.has_more


def test_entries_written_in_the_same_instant_are_paged_each_once(demo_store, db_path):
    """A batch on a coarse clock: many entries of one day share their time of writing; pages cut
    through them must still hold each exactly once (ties are broken by id)."""
    behind_the_programs_back(db_path, "UPDATE points_entries SET created_at = (SELECT min(created_at) FROM points_entries)")
    chosen = EntryFilter(year=TODAY.year)
    whole = list_entries(demo_store, chosen)
    for size in (3, 50):
        paged = _paged(demo_store, chosen, size)
        assert len(paged) == len(whole) and {row.id for row in paged} == {row.id for row in whole}
        place = {row.id: at for at, row in enumerate(paged)}
        assert all(place[row.reverses_id] == at - 1 for at, row in enumerate(paged) if row.reverses_id in place)


@pytest.mark.parametrize("chunk", [1, 4, 1000])
def test_the_entries_read_as_they_are_used_come_in_the_pages_order(demo_store, chunk):
    """What an export writes: the pages' entries in the pages' order, however many are read at a
    time, with the count of them told first."""
    chosen = EntryFilter(year=TODAY.year)
    paged = _paged(demo_store, chosen, 7)
    with entries_in_page_order(demo_store, chosen, chunk=chunk) as (count, entries):
        read = list(entries)
    assert read == paged and count == len(paged)
    with entries_in_page_order(demo_store, EntryFilter(year=TODAY.year, search="不存在的人")) as (count, entries):
        assert count == 0 and list(entries) == []


def test_entries_left_unread_end_with_the_read(demo_store):
    """An export stopped halfway (the clerk's 取消) leaves no read open: its connection is back in the pool."""
    with pytest.raises(KeyboardInterrupt):
        with entries_in_page_order(demo_store, EntryFilter(year=TODAY.year), chunk=2) as (count, entries):
            assert count > 3 and next(entries) and next(entries)
            assert demo_store.engine.pool.checkedout() == 1
            raise KeyboardInterrupt
    assert demo_store.engine.pool.checkedout() == 0
