"""Every table model of the window passes Qt's own QAbstractItemModelTester."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from app.domain.enums import Attendance, MemberClass
from app.domain.periods import Month
from app.services.roster import queries as member_queries
from app.ui.models.attendance_model import STATUS_COLUMN, AttendanceModel, AttendanceRow
from app.ui.models.roster_model import PAGE_SIZE, RosterTableModel
from app.ui.models.table_models import ROW_ROLE, RowTableModel
from conftest import TODAY, add

pytestmark = pytest.mark.gui

FATAL = QAbstractItemModelTester.FailureReportingMode.Fatal


def _check(model):
    return QAbstractItemModelTester(model, FATAL)


def test_every_model_on_every_page(app, demo_window):
    models = []
    for key in ("members", "rules", "ledger", "totals"):
        page = demo_window.show_page(key)
        models.append(page.model)
    entry = demo_window.show_page("entry")
    models.append(entry.meeting.model)
    ledger = demo_window.pages["ledger"]
    models.append(ledger.review.model)
    totals = demo_window.pages["totals"]
    demo_window.show_page("totals")
    totals.table.selectRow(0)
    totals.detail.select_month(10)
    models += [totals.detail.month_model, totals.detail.entry_model]
    for model in models:
        assert model.rowCount() > 0, model
        _check(model)
    # and again while they change under the tester
    _testers = [_check(model) for model in models]  # fatal on any broken model signal while they live
    demo_window.pages["members"].search.setText("z")
    demo_window.pages["ledger"].month_box.setCurrentIndex(4)
    totals.set_period("month", 10)
    entry.meeting.all_present()


def test_row_model_roles(app):
    model = RowTableModel([("姓名", lambda r: r["name"]), ("积分", lambda r: None)])
    _tester = _check(model)
    model.set_rows([{"name": "张三"}, {"name": "李四"}])
    assert model.data(model.index(1, 0)) == "李四"
    assert model.data(model.index(1, 1)) == ""
    assert model.data(model.index(0, 0), ROW_ROLE) == {"name": "张三"}
    assert model.headerData(0, Qt.Orientation.Horizontal) == "姓名"
    assert model.data(model.index(5, 0)) is None
    model.set_rows([])


def test_the_roster_model_pages_and_sorts_in_sql(app, store, admin, branch):
    for number in range(PAGE_SIZE + 30):
        add(store, admin, f"党员{number:03d}")
    model = RosterTableModel(
        lambda query, offset, limit, with_total, deliver: deliver(
            member_queries.roster_page(store, query, Month.of(TODAY), offset, limit, with_total))
    )
    _tester = _check(model)
    model.set_query(member_queries.RosterQuery())
    assert model.rowCount() == PAGE_SIZE and model.total is None  # not counted while typing
    model.set_query(member_queries.RosterQuery(), with_total=True)
    assert model.rowCount() == PAGE_SIZE and model.total == PAGE_SIZE + 30
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == PAGE_SIZE + 30 and not model.canFetchMore(QModelIndex())
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.row_at(0).name == f"党员{PAGE_SIZE + 29:03d}"
    model.set_query(member_queries.RosterQuery(text="001"))
    assert [model.row_at(r).name for r in range(model.rowCount())] == ["党员001"]


def test_the_attendance_model_is_editable_in_its_status_column_only(app, store):
    import uuid

    rows = [AttendanceRow(uuid.uuid4(), name, "第一党小组", MemberClass.NO_POST) for name in ("张三", "李四")]
    model = AttendanceModel(lambda row: "不记分" if row.status is Attendance.PRESENT else "-2 分")
    _tester = _check(model)
    model.set_rows(rows)
    status = model.index(1, STATUS_COLUMN)
    assert model.flags(status) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(status, "缺席")
    assert model.data(status) == "缺席" and model.data(model.index(1, STATUS_COLUMN + 1)) == "-2 分"
    assert not model.setData(status, "不认识")
    assert not model.setData(model.index(1, 0), "王五")
    model.set_status([0, 1], Attendance.EXCUSED)
    assert model.counts()[Attendance.EXCUSED] == 2
