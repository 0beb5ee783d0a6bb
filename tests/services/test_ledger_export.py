"""积分台账 out to Excel: the entries in the window's order, read as they are written, with the
progress the export dialog shows and its 取消, which leaves neither the file nor scraps of it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.services import demo
from app.services.exports import tables
from app.services.ledger.queries import EntryFilter, entry_page
from conftest import TODAY


class Stop(Exception):
    pass


@pytest.fixture
def demo_store(store, admin):
    demo.create_demo_branch(store, admin, today=TODAY)
    return store


def _sheet_scraps() -> set[str]:
    """The temporary files the sheets are written to before the workbook is put together."""
    return {str(path) for path in Path(tempfile.gettempdir()).glob("jf-xlsx-*/*")}


def test_the_file_lists_the_entries_as_the_window_does_with_their_count(demo_store, tmp_path):
    chosen = EntryFilter(year=TODAY.year)
    shown = entry_page(demo_store, chosen, limit=10_000).rows
    out = tmp_path / "台账.xlsx"
    told = []
    assert tables.export_ledger(demo_store, out, chosen, today=TODAY, progress=lambda done, total: told.append((done, total))) == len(shown)
    sheet = load_workbook(out).active
    first = 4  # title, the line under it, the header
    rows = list(sheet.iter_rows(min_row=first, max_row=first + len(shown) - 1, values_only=True))
    assert [(row[0].date(), row[1], row[2], row[6]) for row in rows] == [
        (entry.occurred_on, entry.member_name, entry.item_code, float(entry.points)) for entry in shown
    ]
    reversal = next(at for at, entry in enumerate(shown) if entry.reverses_id)
    assert rows[reversal][11] == "冲正记录" and "已冲正" in rows[reversal - 1][11]
    assert sheet.cell(row=first + len(shown), column=1).value == f"共 {len(shown)} 条记录。"
    assert len(shown) > 200 and told == [(done, len(shown)) for done in range(200, len(shown) + 1, 200)]


def test_a_cancelled_export_writes_nothing_and_leaves_no_scraps(demo_store, tmp_path):
    out = tmp_path / "台账.xlsx"
    before = _sheet_scraps()

    def cancel_halfway(done: int, total: int) -> None:
        assert total > 200 and _sheet_scraps() - before, "the rows so far are in a temporary file"
        raise Stop

    with pytest.raises(Stop):
        tables.export_ledger(demo_store, out, EntryFilter(year=TODAY.year), today=TODAY, progress=cancel_halfway)
    assert not out.exists() and _sheet_scraps() == before
    assert demo_store.engine.pool.checkedout() == 0


def test_an_export_over_an_old_file_stopped_halfway_leaves_the_old_file(demo_store, tmp_path):
    out = tmp_path / "台账.xlsx"
    out.write_bytes(b"last month's file")

    def cancel(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        tables.export_ledger(demo_store, out, EntryFilter(year=TODAY.year), today=TODAY, progress=cancel)
    assert out.read_bytes() == b"last month's file"
