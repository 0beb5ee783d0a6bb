"""Totals: month / quarter / year rankings with star bands, the near-edge list, a member's months."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from app.domain.enums import EntryStatus
from app.domain.points import format_points
from app.services.ledger.queries import EntryFilter, list_entries

pytestmark = pytest.mark.gui


@pytest.fixture
def page(demo_window):
    return demo_window.show_page("totals")


def test_the_page_opens_on_the_current_month_and_remembers_the_kind(page, demo_store, make_window):
    assert page.kind_box.currentData() == "month" and page.period_box.currentData() == 11  # TODAY is in November 2026
    assert "2026年11月" in page.summary_label.text()
    page.set_period("quarter")
    page.ctx.window_state.sync()
    again = make_window(demo_store).show_page("totals")
    assert again.kind_box.currentData() == "quarter" and again.period_box.currentData() == 4


def test_the_year_ranking_shows_stars_and_who_is_near_the_next_band(page, monkeypatch):
    page.set_period("year")
    assert page.model.rowCount() == 36
    top = page.model.row_at(0)
    assert top.rank == 1
    stars = page.model.data(page.model.index(0, 7))
    assert stars.count("★") == top.stars and len(stars) == 5
    page.near_edge_check.setChecked(True)
    near = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert near and all(any(f.startswith("差") for f in row.flags) for row in near)
    assert "离下一星级只差几分" in page.summary_label.text()
    # on 23 November the year's band and stars are an estimate, headed as the Excel export heads them
    assert [page.model.headerData(c, Qt.Orientation.Horizontal) for c in (6, 7)] == ["预计等次", "预计星级"]
    assert "按截至今天的积分测算" in page.model.headerData(7, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    monkeypatch.setattr(page.ctx, "today", lambda: date(2027, 1, 5))  # once the year is over, the year's own
    page.reload()
    assert "2026年度：共 36 人" in page.summary_label.text()
    assert [page.model.headerData(c, Qt.Orientation.Horizontal) for c in (6, 7)] == ["等次", "星级"]


def test_month_and_quarter_rankings(page):
    page.set_period("month", 10)
    assert "2026年10月" in page.summary_label.text()
    assert not page.near_edge_check.isChecked()
    assert page.model.row_at(0).period_points > 0
    page.set_period("quarter", 3)
    assert "2026年第3季度" in page.summary_label.text()
    page.near_edge_check.setChecked(True)  # band edges belong to the year
    assert page.kind_box.currentData() == "year"


def test_a_members_months_and_entries(page):
    page.table.selectRow(0)
    row = page.selected_row()
    detail = page.detail
    assert row.name in detail.title.text()
    assert f"年度累计 {format_points(row.year_to_date)} 分" in detail.summary.text()
    detail.select_month(10)
    october = [e for e in list_entries(page.ctx.store, EntryFilter(member_id=row.member_id, month=None, year=2026)) if e.occurred_on.month == 10]
    assert detail.entry_model.rowCount() == len(october) > 0
    assert "2026年10月的记录" in detail.entries_label.text()



def test_a_member_chosen_in_a_months_ranking_shows_that_months_entries(page):
    """The October ranking's first member showed the entries of November (the month it is), so the
    clerk checking why he came first in October read another month's lines."""
    page.set_period("month", 10)
    page.table.selectRow(0)
    assert "2026年10月的记录" in page.detail.entries_label.text()
    page.set_period("quarter", 2)
    page.table.selectRow(1)
    assert "2026年6月的记录" in page.detail.entries_label.text()  # a quarter's last month
    page.set_period("year")
    page.table.selectRow(0)
    assert "2026年11月的记录" in page.detail.entries_label.text()  # the year so far: the month it is

def test_approving_entries_moves_the_ranking(page, demo_window):
    page.set_period("month", 11)
    before = {page.model.row_at(r).name: page.model.row_at(r).period_points for r in range(page.model.rowCount())}
    pending = list_entries(page.ctx.store, EntryFilter(status=EntryStatus.PENDING))
    volunteer = next(e for e in pending if e.item_code == "B01")
    ledger_page = demo_window.show_page("ledger")
    ledger_page.review.refresh()
    ledger_page.review.select_member_entries(volunteer.member_name)
    ledger_page.review.approve_button.click()
    demo_window.show_page("totals")
    after = {page.model.row_at(r).name: page.model.row_at(r).period_points for r in range(page.model.rowCount())}
    assert after[volunteer.member_name] == before[volunteer.member_name] + volunteer.points
    ranks = {page.model.row_at(r).name: page.model.row_at(r).rank for r in range(page.model.rowCount())}
    assert all(ranks[name] < ranks[volunteer.member_name] for name, value in after.items() if value > after[volunteer.member_name])
