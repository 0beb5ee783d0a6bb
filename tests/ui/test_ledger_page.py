"""The ledger: filters, the review queue (approve / reject with a note), reversal with a reason beside the original."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.enums import EntryStatus, Role
from app.services.roster import queries as member_queries
from app.services.accounts import operators
from app.domain.points import format_points
from app.services.ledger.queries import PAGE_ROWS, EntryFilter, list_entries
from conftest import keyed_admin

pytestmark = pytest.mark.gui


@pytest.fixture
def page(demo_window):
    return demo_window.show_page("ledger")


def _all_rows(page) -> list:
    """Every entry of the filter, as the clerk gets them by scrolling to the end."""
    while page.model.canFetchMore():
        page.model.fetchMore()
    return [page.model.row_at(r) for r in range(page.model.rowCount())]


def test_the_entries_come_a_page_at_a_time_with_the_count_and_sum_of_them_all(page):
    assert page.model.rowCount() == PAGE_ROWS and page.model.canFetchMore()
    everything = list_entries(page.ctx.store, page.entry_filter())
    assert len(everything) > 600 and page.model.total == len(everything)
    approved = sum(e.points for e in everything if e.status is EntryStatus.APPROVED)
    assert page.count_label.text() == f"共 {len(everything)} 条，已审核合计 {format_points(approved)} 分"
    page.model.fetchMore()
    assert page.model.rowCount() == 2 * PAGE_ROWS
    scrolled = _all_rows(page)
    assert sorted(str(r.id) for r in scrolled) == sorted(str(e.id) for e in everything)


def test_filters_narrow_the_list(page):
    page.month_box.setCurrentIndex(page.month_box.findData(3))
    assert {page.model.row_at(r).occurred_on.month for r in range(page.model.rowCount())} == {3}
    page.item_box.setCurrentIndex(page.item_box.findData("R02"))
    assert {page.model.row_at(r).item_code for r in range(page.model.rowCount())} == {"R02"}
    page.month_box.setCurrentIndex(0)
    page.item_box.setCurrentIndex(0)
    page.status_box.set_current(EntryStatus.PENDING)
    assert page.model.rowCount() == 3  # the demo's queued volunteering (its meetings are recorded approved)
    page.status_box.setCurrentIndex(0)
    page.search.setText("ly")
    shown = {row.member_name for row in _all_rows(page)}
    assert "李䶮" in shown
    assert shown <= {c.name for c in member_queries.find_members(page.ctx.store, "ly")}


def test_the_demo_reversal_sits_right_under_its_original(page):
    rows = _all_rows(page)
    index = next(i for i, row in enumerate(rows) if row.reversed_by_id is not None)
    assert rows[index + 1].reverses_id == rows[index].id
    assert page.model.data(page.model.index(index + 1, 10)) == "↳ 冲正上一条"
    assert page.model.data(page.model.index(index, 10)) == "已冲正"


def test_review_queue_approves_and_rejects_with_a_note(page):
    review = page.review
    assert page.tabs.tabText(1) == "待审核（3）"
    page.tabs.setCurrentWidget(review)
    first = review.model.row_at(0).member_name
    review.table.selectRow(0)
    review.reject_button.click()
    assert "理由" in review.problem.text()
    review.note_edit.setText("时间写错了，请重新录入")
    review.reject_button.click()
    assert review.model.rowCount() == 2
    rejected = list_entries(page.ctx.store, EntryFilter(status=EntryStatus.REJECTED))
    assert [(e.member_name, e.review_note) for e in rejected] == [(first, "时间写错了，请重新录入")]
    review.table.selectAll()
    review.approve_button.click()
    assert review.model.rowCount() == 0
    assert page.tabs.tabText(1) == "待审核"
    assert "已通过 2 条记录" in page.ctx.parent().statusBar().currentMessage()


def test_reversing_an_entry_needs_a_reason_and_shows_the_reversal_beside_it(page):
    page.item_box.setCurrentIndex(page.item_box.findData("B03"))
    assert page.model.rowCount() == 1
    original = page.model.row_at(0)
    page.table.selectRow(0)
    assert page.reverse_button.isEnabled()
    dialog = page.reverse_selected()
    assert "会生成一条 -2 分的记录" in dialog.text_label.text()
    dialog.ok_button.click()
    assert "原因" in dialog.problem.text()
    dialog.reason_edit.setText("表扬通报撤回")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert [r.id for r in rows][0] == original.id and rows[1].reverses_id == original.id
    assert rows[1].points == Decimal("-2.00") and rows[1].note == "冲正：表扬通报撤回"
    page.table.selectRow(0)
    assert not page.reverse_button.isEnabled()  # once only
    page.table.selectRow(1)
    assert not page.reverse_button.isEnabled()  # a reversal is not reversed again


def test_a_clerk_sees_the_queue_but_cannot_review_or_reverse(demo_store, make_window):
    admin = keyed_admin(demo_store)
    clerk = operators.add_operator(demo_store, admin, "clerk1", "王会计", Role.CLERK)
    window = make_window(demo_store, clerk)
    page = window.show_page("ledger")
    assert not page.reverse_button.isVisibleTo(page)
    assert not page.review.approve_button.isEnabled()
    assert page.review.model.rowCount() == 3


def test_a_reversal_far_down_the_list_keeps_the_rows_and_the_selection(page):
    """The clerk scrolled past the first page, reversed an entry there: the list does not fall
    back to its first page, and the entry stays selected and in view."""
    rows = _all_rows(page)
    at = next(i for i, row in enumerate(rows) if i > PAGE_ROWS + 20 and row.status is EntryStatus.APPROVED
              and not row.is_reversal and row.reversed_by_id is None)
    original = rows[at]
    page.table.selectRow(at)
    dialog = page.reverse_selected()
    dialog.reason_edit.setText("录入错误")
    dialog.ok_button.click()
    assert page.model.rowCount() == len(rows) and page.model.total == len(rows) + 1  # as many rows as were shown
    assert page.selected_entry().id == original.id
    assert page.model.row_at(at + 1).reverses_id == original.id
    shown = page.table.visualRect(page.model.index(at, 0))
    assert page.table.viewport().rect().intersects(shown)


def test_after_a_change_the_entry_selected_stays_selected(page):
    rows = _all_rows(page)
    page.table.selectRow(PAGE_ROWS + 5)
    wanted = page.selected_entry().id
    page.refresh()  # as after any change of the ledger, the roster or the rules
    assert page.model.rowCount() == len(rows) and page.selected_entry().id == wanted


def test_a_later_page_that_cannot_be_read_leaves_the_rows_shown(page, monkeypatch):
    from app.domain.errors import AppError
    from app.ui.pages import ledger_page

    shown = page.model.rowCount()

    def refuse(*_args, **_kwargs):
        raise AppError("数据库文件暂时打不开。")

    monkeypatch.setattr(ledger_page, "entry_page", refuse)
    page.model.fetchMore()
    assert page.model.rowCount() == shown and page.count_label.text() == "数据库文件暂时打不开。"
    monkeypatch.undo()
    page.model.fetchMore()  # scrolling asks again
    assert page.model.rowCount() == 2 * shown


def test_a_departed_member_s_entries_are_found_and_exported_alike(page, tmp_path, monkeypatch):
    from datetime import timedelta

    from app.services.roster import members
    from conftest import TODAY
    from tests.ui.test_excel_exports import SaveDialog, _opened

    gone = page.model.row_at(0)
    members.transfer_out(page.ctx.store, page.ctx.actor, gone.member_id, TODAY - timedelta(days=1), "县直机关党委", today=TODAY)
    page.search.setText(gone.member_name)
    found = _all_rows(page)
    assert found and {row.member_name for row in found} == {gone.member_name} and page.model.total == len(found)
    monkeypatch.setattr(page.ctx, "ask_save_path", SaveDialog(tmp_path / "台账.xlsx"))
    page.export_button.click()
    sheet = _opened(tmp_path / "台账.xlsx").active
    assert any(cell.value == f"共 {len(found)} 条记录。" for cell in sheet["A"])
