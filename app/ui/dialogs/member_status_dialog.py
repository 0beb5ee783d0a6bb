"""Transfer a member out or back in, or record a death. The member and his history stay on record."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app.services.roster import members
from app.services.roster.queries import RosterRow
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.widgets import calendar_edit, date_of, dialog_buttons, error_label, hint_label

TRANSFER_OUT, TRANSFER_IN, DECEASED = "transfer_out", "transfer_in", "deceased"


class MemberStatusDialog(QDialog):
    def __init__(self, ctx: UiContext, member: RosterRow, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.member, self.kind = ctx, member, kind
        titles = {
            TRANSFER_OUT: self.tr("办理转出：{0}"),
            TRANSFER_IN: self.tr("办理转入：{0}"),
            DECEASED: self.tr("登记去世：{0}"),
        }
        self.setWindowTitle(titles[kind].format(member.name))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        explanations = {
            TRANSFER_OUT: self.tr("组织关系转到别的党组织。{0}和他的积分记录都会保留，之后不能再给他记分。"),
            TRANSFER_IN: self.tr("{0}的组织关系转回本支部，从转入日期起可以继续记分。"),
            DECEASED: self.tr("{0}的信息和积分记录都会保留，之后不能再记分。"),
        }
        layout.addWidget(hint_label(explanations[kind].format(member.name)))
        form = QFormLayout()
        self.date_edit = calendar_edit(ctx.today())
        form.addRow({TRANSFER_OUT: self.tr("转出日期"), TRANSFER_IN: self.tr("转入日期"), DECEASED: self.tr("去世日期")}[kind], self.date_edit)
        self.unit_edit = QLineEdit()
        if kind == TRANSFER_OUT:
            self.unit_edit.setPlaceholderText(self.tr("如 广东省东莞市长安镇党委"))
            form.addRow(self.tr("转往党组织（必填）"), self.unit_edit)
        elif kind == TRANSFER_IN:
            form.addRow(self.tr("从哪个党组织转回"), self.unit_edit)
        self.reason_edit = QLineEdit()
        form.addRow(self.tr("原因或说明"), self.reason_edit)
        layout.addLayout(form)
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons, self.ok_button = dialog_buttons(self.tr("确定"), self.save, self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        on, reason, unit, kind, member_id = date_of(self.date_edit), self.reason_edit.text(), self.unit_edit.text(), self.kind, self.member.id

        def work(_control):
            if kind == TRANSFER_OUT:
                return members.transfer_out(store, actor, member_id, on, unit, reason, today=today)
            if kind == TRANSFER_IN:
                return members.transfer_in(store, actor, member_id, on, unit, reason, today=today)
            return members.mark_deceased(store, actor, member_id, on, reason, today=today)

        save_and_close(self, self.ctx, work, Kind.ROSTER, button=self.ok_button, problem=self.problem)
