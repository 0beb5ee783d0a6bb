"""补登考勤: put a member left off a recorded meeting's list on it, with his status and a reason.

The dialog offers only who may be added (app.services.ledger.meetings.members_to_add, read by
the caller on the worker): on the roll on the meeting's day and not listed. Saving runs
attendance.add_to_meeting as one write; a refusal stays in the dialog's problem line.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.enums import Attendance, MemberClass
from app.services.ledger import attendance
from app.services.ledger.meetings import MeetingRow, ScopeMember
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.widgets import EnumBox, IdBox, dialog_buttons, error_label, hint_label


class AddAttendanceDialog(QDialog):
    """`saved` carries the service's AttendanceAdded."""

    saved = Signal(object)

    def __init__(self, ctx: UiContext, meeting: MeetingRow, candidates: list[ScopeMember], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.meeting = ctx, meeting
        self.setWindowTitle(self.tr("补登考勤"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self.tr("{0:%Y-%m-%d} {1}（{2}）").format(meeting.held_on, meeting.title, meeting.scope))
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.heading)
        layout.addWidget(QLabel(self.tr("现在名单上：{0}").format(meeting.counts_text)))
        layout.addWidget(hint_label(self.tr(
            "把保存考勤时漏登或误移出名单的党员补进这次会议：按积分细则记分，和当时就在名单上一样；"
            "补登写入操作日志，会议记录上注明补登的日期、原因和经办人。"
        )))
        form = QFormLayout()
        self.member_box = IdBox()
        for member in candidates:
            self.member_box.add_id(self._member_label(member), member.id)
        form.addRow(self.tr("党员"), self.member_box)
        self.status_box = EnumBox(Attendance)
        form.addRow(self.tr("考勤"), self.status_box)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("补登原因（必填），如 签到表漏登"))
        form.addRow(self.tr("原因"), self.reason_edit)
        layout.addLayout(form)
        self.nobody = hint_label(self.tr("会议当天在册的党员都已在名单上，没有可以补登的人。") if not candidates else "")
        self.nobody.setVisible(not candidates)
        layout.addWidget(self.nobody)
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons, self.ok_button = dialog_buttons(self.tr("补登"), self.save, self.reject)
        self.ok_button.setEnabled(bool(candidates))
        self.member_box.setEnabled(bool(candidates))
        layout.addWidget(buttons)

    def _member_label(self, member: ScopeMember) -> str:
        parts = [member.name]
        if member.group_name:
            parts.append(self.tr("（{0}）").format(member.group_name))
        if member.member_class is MemberClass.EXEMPT_FRAIL:
            parts.append(self.tr("（免考核）"))
        return "".join(parts)

    def select_member(self, name: str) -> bool:
        for index in range(self.member_box.count()):
            if self.member_box.itemText(index).split("（")[0] == name:
                self.member_box.setCurrentIndex(index)
                return True
        return False

    def choices(self) -> list[str]:
        return [self.member_box.itemText(index) for index in range(self.member_box.count())]

    def save(self) -> None:
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        meeting_id, member_id = self.meeting.id, self.member_box.current_id()
        status, reason = self.status_box.current(), self.reason_edit.text()
        save_and_close(
            self, self.ctx, lambda _control: _add(store, actor, meeting_id, member_id, status, reason, today),
            Kind.LEDGER, button=self.ok_button, problem=self.problem, on_done=self.saved.emit,
        )


def _add(store, actor, meeting_id, member_id, status: Attendance, reason: str, today: date):
    return attendance.add_to_meeting(store, actor, meeting_id, member_id, status, reason, today=today)
