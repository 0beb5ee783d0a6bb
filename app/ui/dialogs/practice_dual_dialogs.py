"""双报到 forms: where a member reports (home community, employer), service hours one by one or
for everyone at one event, the branch's decision with a reason, the year's hour requirement.

Each is a RatingFormDialog (app/ui/dialogs/rating_form.py): `work()` reads the fields on the
UI thread and returns the one service call, run on the job runner; a refusal stays in the dialog.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QListWidget, QListWidgetItem, QWidget

from app.domain.points import format_points
from app.services.practice import dual_report
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.rating_form import RatingFormDialog
from app.ui.widgets import calendar_edit, date_of, require


class ProfileDialog(RatingFormDialog):
    kinds = Kind.ROSTER

    def __init__(self, ctx: UiContext, row: dual_report.DualReportRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("登记双报到信息"), self.tr("{0}：居住地所在社区和工作单位，反馈单寄往工作单位。").format(row.name), parent)
        self.member_id = row.member_id
        self.home_edit, self.employer_edit, self.contact_edit = QLineEdit(row.home_community), QLineEdit(row.employer), QLineEdit(row.employer_contact)
        self.contact_edit.setPlaceholderText(self.tr("如“办公室 李主任”，可不填"))
        self.form.addRow(self.tr("居住地社区"), self.home_edit)
        self.form.addRow(self.tr("工作单位"), self.employer_edit)
        self.form.addRow(self.tr("单位联系人"), self.contact_edit)

    def work(self):
        store, actor, member_id = self.ctx.store, self.ctx.actor, self.member_id
        home, employer, contact = self.home_edit.text(), self.employer_edit.text(), self.contact_edit.text()
        return lambda: dual_report.save_profile(store, actor, member_id, home, employer, contact)


class ServiceDialog(RatingFormDialog):
    """One service record, for one member or ticked for everyone who served at the event."""

    kinds = Kind.LEDGER

    def __init__(self, ctx: UiContext, rows, chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("登记社区服务"), self.tr(
            "在职党员到居住地社区参加服务的记录，由社区确认。同一次活动可以勾选多名党员一次登记。"), parent)
        self.day_edit = calendar_edit(ctx.today())
        self.hours_edit = QLineEdit()
        self.hours_edit.setPlaceholderText(self.tr("小时，如 4 或 2.5"))
        self.activity_edit = QLineEdit()
        self.activity_edit.setPlaceholderText(self.tr("如“社区环境整治”"))
        self.confirmed_edit = QLineEdit()
        self.confirmed_edit.setPlaceholderText(self.tr("如“社区书记 王某”"))
        self.members = QListWidget()
        for row in rows:
            item = QListWidgetItem(f"{row.name}　{row.home_community}".strip())
            item.setData(Qt.ItemDataRole.UserRole, str(row.member_id))
            item.setCheckState(Qt.CheckState.Checked if chosen is not None and row.member_id == chosen else Qt.CheckState.Unchecked)
            self.members.addItem(item)
        self.members.setMinimumHeight(min(260, 30 + 24 * len(rows)))
        self.form.addRow(self.tr("服务日期"), self.day_edit)
        self.form.addRow(self.tr("时长（小时）"), self.hours_edit)
        self.form.addRow(self.tr("服务内容"), self.activity_edit)
        self.form.addRow(self.tr("社区确认人"), self.confirmed_edit)
        self.form.addRow(self.tr("参加的党员"), self.members)

    def tick(self, name: str) -> bool:
        for index in range(self.members.count()):
            item = self.members.item(index)
            if item.text().split("　")[0] == name:
                item.setCheckState(Qt.CheckState.Checked)
                return True
        return False

    def ticked(self) -> list:
        return [uuid.UUID(self.members.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.members.count())
                if self.members.item(i).checkState() == Qt.CheckState.Checked]

    def work(self):
        ids = self.ticked()
        require(bool(ids), self.tr("请勾选参加服务的党员。"))
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        day, hours, activity, confirmed = date_of(self.day_edit), self.hours_edit.text().strip(), self.activity_edit.text(), self.confirmed_edit.text()
        require(bool(hours), self.tr("请填写服务时长（小时）。"))
        return lambda: dual_report.record_service(store, actor, ids, day, hours, activity, confirmed, today=today)


class OverrideDialog(RatingFormDialog):
    kinds = Kind.LEDGER | Kind.RATING

    def __init__(self, ctx: UiContext, year: int, row: dual_report.DualReportRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("支部认定双报到"), self.tr(
            "{0} {1} 年：{2}。支部可以不按服务时长认定，但必须写明原因，并记入操作日志。").format(row.name, year, row.decision.ground), parent)
        self.year, self.member_id = year, row.member_id
        self.served_box = QComboBox()
        self.served_box.addItem(self.tr("已落实"), True)
        self.served_box.addItem(self.tr("未落实"), False)
        self.served_box.setCurrentIndex(1 if row.decision.served else 0)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("如“9 月抗洪值守两天，社区出具证明”"))
        self.form.addRow(self.tr("认定为"), self.served_box)
        self.form.addRow(self.tr("原因"), self.reason_edit)

    def work(self):
        store, actor, year, member_id = self.ctx.store, self.ctx.actor, self.year, self.member_id
        served, reason = bool(self.served_box.currentData()), self.reason_edit.text()
        return lambda: dual_report.override(store, actor, year, member_id, served, reason)


class ThresholdDialog(RatingFormDialog):
    kinds = Kind.RULES | Kind.RATING

    def __init__(self, ctx: UiContext, year: int, current, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("双报到时长要求"), self.tr(
            "{0} 年在职党员全年到社区服务满多少小时算落实双报到；不填则由支部在星级评定中逐人勾选。").format(year), parent)
        self.year = year
        self.hours_edit = QLineEdit("" if current is None else format_points(current))
        self.hours_edit.setPlaceholderText(self.tr("如 50"))
        self.form.addRow(self.tr("全年服务满（小时）"), self.hours_edit)

    def work(self):
        store, actor, year, text = self.ctx.store, self.ctx.actor, self.year, self.hours_edit.text().strip()
        return lambda: dual_report.set_threshold(store, actor, year, text or None)


def today_quarter(today: date) -> int:
    return (today.month - 1) // 3 + 1
