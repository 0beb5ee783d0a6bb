"""会议记录: the month's meetings as records — open one to see who came and what it scored,
correct one member's attendance (reviewers, through reversing entries, with a reason), add a
member left off its list (补登考勤, reviewers, with a reason), and print its 签到表 and 会议记录.

Every read and write goes through the worker (ctx.read / ctx.write); the list and the open
meeting are plain data from app.services.ledger.meetings.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import Attendance, EntryStatus, MemberClass, Role
from app.domain.errors import AppError
from app.domain.periods import Month
from app.domain.points import format_points
from app.services.exports import tables as exports
from app.services.ledger import attendance, meetings
from app.services.ledger.meetings import MeetingDetail, MeetingRow
from app.services.printing import meeting_papers
from app.ui.asking import Asker
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.controllers.excel_out import ExcelOut
from app.ui.dialogs import print_preview
from app.ui.dialogs.add_attendance_dialog import AddAttendanceDialog
from app.ui.errors import show_error
from app.ui.widgets import EnumBox, error_label, fit_columns, hint_label, make_table, show_problem


def _item(text: str, data=None, align_right: bool = False) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setToolTip(text)
    if data is not None:
        item.setData(str(data), Qt.ItemDataRole.UserRole)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class MeetingsTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        self.out = ExcelOut(ctx, self)
        self.detail: MeetingDetail | None = None
        self.active_dialog: QDialog | None = None  # the 补登考勤 dialog, opened without blocking
        self._wanted: uuid.UUID | None = None  # the meeting to open again when the list comes back
        self._done: tuple[uuid.UUID | None, str] = (None, "")  # the last correction's sentence, shown with its meeting
        layout = QVBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._list_side())
        splitter.addWidget(self._detail_side())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([540, 580])  # the counts stay in sight at 1366×768
        layout.addWidget(splitter)

    # -- layout

    def _list_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("月份")))
        self.month_edit = QDateEdit(QDate(self.ctx.today().year, self.ctx.today().month, 1))
        self.month_edit.setDisplayFormat(self.tr("yyyy年M月"))
        self.month_edit.dateChanged.connect(self.refresh)
        top.addWidget(self.month_edit)
        top.addStretch(1)
        self.export_button = QPushButton(self.tr("导出Excel…"))
        self.export_button.clicked.connect(self.export_meetings)
        top.addWidget(self.export_button)
        column.addLayout(top)
        self.list_model = QStandardItemModel(0, 0, self)
        self.list_table = make_table(self)
        self.list_table.setModel(self.list_model)
        self.list_table.selectionModel().selectionChanged.connect(self._open_selected)
        column.addWidget(self.list_table, 1)
        self.list_hint = hint_label()
        column.addWidget(self.list_hint)
        return side

    def _detail_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel(self.tr("请在左边选择一次会议。"))
        self.heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        column.addWidget(self.heading)
        self.counts_label = QLabel()
        column.addWidget(self.counts_label)
        self.detail_model = QStandardItemModel(0, 0, self)
        self.detail_table = make_table(self)
        self.detail_table.setModel(self.detail_model)
        column.addWidget(self.detail_table, 1)
        column.addLayout(self._correction_row())
        self.problem = error_label()
        column.addWidget(self.problem)
        self.done_label = hint_label()
        column.addWidget(self.done_label)
        prints = QHBoxLayout()
        self.add_button = QPushButton(self.tr("补登考勤…"))
        self.add_button.setToolTip(self.tr("把漏登或误移出名单的党员补进这次会议的考勤名单"))
        self.add_button.clicked.connect(self.add_member)
        self.add_button.setVisible(not self.ctx.refusal(Role.REVIEWER, action=self.tr("补登考勤")))
        prints.addWidget(self.add_button)
        prints.addStretch(1)
        self.signin_button = QPushButton(self.tr("打印签到表"))
        self.signin_button.clicked.connect(self.print_signin)
        self.record_button = QPushButton(self.tr("打印会议记录"))
        self.record_button.clicked.connect(self.print_record)
        prints.addWidget(self.signin_button)
        prints.addWidget(self.record_button)
        column.addLayout(prints)
        self._enable()
        return side

    def _correction_row(self) -> QHBoxLayout:
        """Reviewers get the correction; anyone else one sentence saying why not."""
        row = QHBoxLayout()
        refusal = self.ctx.refusal(Role.REVIEWER, action=self.tr("更正考勤"))
        self.correction_refusal = hint_label(self.tr("只有审核人可以更正考勤（会冲正原来的积分记录）。") if refusal else "")
        self.correction_refusal.setVisible(bool(refusal))
        row.addWidget(self.correction_refusal, 1)
        self.status_box = EnumBox(Attendance)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("更正原因（必填），如 补交请假条"))
        self.correct_button = QPushButton(self.tr("更正考勤"))
        self.correct_button.clicked.connect(self.correct)
        self.correction_widgets = (QLabel(self.tr("把选中的人改为")), self.status_box, self.reason_edit, self.correct_button)
        for widget in self.correction_widgets:
            row.addWidget(widget, 2 if widget is self.reason_edit else 0)
            widget.setVisible(not refusal)
        return row

    def _enable(self) -> None:
        opened = self.detail is not None
        self.signin_button.setEnabled(opened)
        self.record_button.setEnabled(opened)
        self.correct_button.setEnabled(opened)
        self.add_button.setEnabled(opened)

    # -- reading

    def export_meetings(self) -> None:
        """The month's meetings with their attendance counts out to .xlsx."""
        store, month, today = self.ctx.store, self.month(), self.ctx.today()
        self.out.export(
            self.tr("导出会议列表"), self.tr("{0}会议列表.xlsx").format(month.label),
            lambda target, _control: exports.export_meetings(store, target, month.year, month=month.month, today=today),
            lambda count, target: self.tr("已导出 {0} 次会议到 {1}。").format(count, target),
        )

    def month(self) -> Month:
        chosen = self.month_edit.date()
        return Month.of(date(chosen.year(), chosen.month(), 1))

    def refresh(self) -> None:
        store, month = self.ctx.store, self.month()
        self._wanted = self.current_meeting_id() or self._wanted
        self.asker.read(lambda _control: meetings.list_meetings(store, month), self._show_list, key="list",
                        on_problem=self._list_refused)

    def _list_refused(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self._show_list([])
        self.list_hint.setText(exc.message)

    def _show_list(self, rows: list[MeetingRow]) -> None:
        self.list_model.clear()
        headers = [self.tr("日期"), self.tr("会议类型"), self.tr("范围")] + [s.label for s in Attendance]
        self.list_model.setHorizontalHeaderLabels(headers + [self.tr("更正")])
        for row in rows:
            counts = [_item(str(row.count(status)), align_right=True) for status in Attendance]
            self.list_model.appendRow(
                [_item(f"{row.held_on:%m-%d}", row.id), _item(row.kind.label), _item(row.scope), *counts,
                 _item(str(row.corrections) if row.corrections else "", align_right=True)]
            )
        fit_columns(self.list_table)
        header = self.list_table.horizontalHeader()
        for column in range(3, self.list_model.columnCount()):  # the counts: as narrow as their headings
            header.resizeSection(column, header.fontMetrics().horizontalAdvance(headers[column] if column < len(headers) else self.tr("更正")) + 14)
        self.list_hint.setText(
            self.tr("{0} 共登记 {1} 次会议。").format(self.month().label, len(rows)) if rows
            else self.tr("{0} 还没有登记会议；在“会议考勤”里保存后会列在这里。").format(self.month().label)
        )
        self._reselect()

    def _reselect(self) -> None:
        wanted, self._wanted = self._wanted, None
        for number in range(self.list_model.rowCount()):
            if self.list_model.item(number, 0).data(Qt.ItemDataRole.UserRole) == str(wanted):
                self.list_table.selectRow(number)
                self.open_meeting(wanted)
                return
        self._show_detail(None)

    def current_meeting_id(self) -> uuid.UUID | None:
        rows = self.list_table.selectionModel().selectedRows()
        if not rows:
            return None
        return uuid.UUID(self.list_model.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def _open_selected(self, *_args) -> None:
        meeting_id = self.current_meeting_id()
        if meeting_id is not None and (self.detail is None or self.detail.meeting.id != meeting_id):
            self.open_meeting(meeting_id)

    def open_meeting(self, meeting_id: uuid.UUID) -> None:
        store = self.ctx.store
        self.asker.read(lambda _control: meetings.meeting_detail(store, meeting_id), self._show_detail, key="detail")

    def _show_detail(self, detail: MeetingDetail | None) -> None:
        self.detail = detail
        self.detail_model.clear()
        self.detail_model.setHorizontalHeaderLabels(
            [self.tr("姓名"), self.tr("党小组"), self.tr("考勤"), self.tr("积分记录"), self.tr("计分"), self.tr("更正记录")]
        )
        show_problem(self.problem, "")
        done_for, done_text = self._done
        self.done_label.setText(done_text if detail is not None and detail.meeting.id == done_for else "")
        self._enable()
        if detail is None:
            self.heading.setText(self.tr("请在左边选择一次会议。"))
            self.counts_label.setText("")
            return
        row = detail.meeting
        self.heading.setText(self.tr("{0:%Y-%m-%d} {1}（{2}）").format(row.held_on, row.title, row.scope))
        self.counts_label.setText(row.counts_text)
        for line in detail.lines:
            self.detail_model.appendRow(self._line_items(line))
        fit_columns(self.detail_table)

    def _line_items(self, line) -> list[QStandardItem]:
        entries = self.tr("；").join(self._entry_text(e) for e in line.entries)
        changes = self.tr("；").join(self._change_text(c) for c in line.changes)
        points = format_points(line.points) + (self.tr("（待审核）") if line.pending else "")
        status = line.status.label + (self.tr("（免考核）") if line.member_class is MemberClass.EXEMPT_FRAIL else "")
        return [_item(line.name, line.member_id), _item(line.group_name), _item(status), _item(entries),
                _item(points, align_right=True), _item(changes)]

    def _change_text(self, change) -> str:
        """缺席改为请假（reason）, or 补登为出席（reason）: the service's words, as the paper has them."""
        return self.tr("{0}（{1}）").format(change.what, change.reason)

    def _entry_text(self, entry) -> str:
        text = self.tr("{0} {1} 分").format(entry.item_code, format_points(entry.points))
        if entry.reverses_id is not None:
            return self.tr("冲正 {0}").format(text)
        return text if entry.status is EntryStatus.APPROVED else text + self.tr("（{0}）").format(entry.status.label)

    # -- correcting

    def selected_member_id(self) -> uuid.UUID | None:
        rows = self.detail_table.selectionModel().selectedRows()
        if not rows:
            return None
        return uuid.UUID(self.detail_model.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))

    def select_member(self, name: str) -> bool:
        for number in range(self.detail_model.rowCount()):
            if self.detail_model.item(number, 0).text() == name:
                self.detail_table.selectRow(number)
                return True
        return False

    def correct(self) -> None:
        member_id = self.selected_member_id()
        if self.detail is None or member_id is None:
            show_problem(self.problem, self.tr("请先在考勤名单里选中要更正的人。"))
            return
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        meeting_id, status, reason = self.detail.meeting.id, self.status_box.current(), self.reason_edit.text()
        self._wanted = meeting_id
        self.correct_button.setEnabled(False)
        self.ctx.write(
            lambda _control: attendance.correct_attendance(store, actor, meeting_id, member_id, status, reason, today=today),
            Kind.LEDGER, self._corrected, parent=self, on_problem=self._correction_refused,
        )

    def _corrected(self, change) -> None:
        self.reason_edit.clear()
        self._added(change)

    def _added(self, change) -> None:
        """After a correction or an addition: its sentence shown with the meeting, read again."""
        self._done = (change.meeting_id, change.summary)
        self.done_label.setText(change.summary)
        self.refresh()

    def _correction_refused(self, exc: BaseException) -> None:
        self.correct_button.setEnabled(self.detail is not None)
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)

    # -- adding a member left off the list

    def add_member(self) -> None:
        """Read who may be added on the worker, then open 补登考勤 with them."""
        if self.detail is None:
            return
        store, row = self.ctx.store, self.detail.meeting
        self.ctx.read(lambda _control: meetings.members_to_add(store, row.id), lambda found: self._open_add(row, found),
                      parent=self, on_problem=self._correction_refused)

    def _open_add(self, row: MeetingRow, candidates) -> None:
        dialog = AddAttendanceDialog(self.ctx, row, candidates, self)
        dialog.saved.connect(self._added)
        self._wanted = row.id
        self.active_dialog = dialog
        dialog.open()

    # -- printing

    def print_signin(self) -> None:
        if self.detail is None:
            return
        store, meeting_id = self.ctx.store, self.detail.meeting.id
        title = self.tr("签到表 {0}").format(self.detail.meeting.title)
        self._preview(lambda: meeting_renderers().render_signin_sheet(meeting_papers.signin_sheet_for_meeting(store, meeting_id)), title)

    def print_record(self) -> None:
        if self.detail is None:
            return
        store, meeting_id = self.ctx.store, self.detail.meeting.id
        title = self.tr("会议记录 {0}").format(self.detail.meeting.title)
        self._preview(lambda: meeting_renderers().render_meeting_record(meeting_papers.meeting_record(store, meeting_id)), title)

    def _preview(self, build, title: str) -> None:
        open_preview(self, self.ctx, build, title)


def open_preview(parent: QWidget, ctx: UiContext, build, title: str) -> None:
    """Build the PDF on the worker, then open the print preview (never blocking)."""
    ctx.read(
        lambda _control: build(),
        lambda pdf: print_preview.open_print_preview(parent, pdf, title, f"{title}.pdf"),
        parent=parent,
    )


def meeting_renderers():
    """The meeting papers' renderers, with reportlab: loaded when a paper is printed, not at the window's start."""
    from app.reports import meeting_papers as renderers

    return renderers
