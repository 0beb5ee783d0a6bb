"""Add or edit a member: the form, checked as the clerk types, saved only when it is right."""

from __future__ import annotations

import uuid
from datetime import date
from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import Gender, MemberClass, Membership
from app.domain.errors import AppError, ValidationError
from app.domain.idcard import birth_date_from_id, gender_from_id, normalise_id_number, validate_id_number
from app.services import organisation
from app.services.roster import queries as member_queries
from app.services.roster import members, personal
from app.services.roster.members import MemberInput
from app.ui.changes import Kind
from app.ui.asking import Asker
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.errors import show_error
from app.ui.widgets import DateField, EnumBox, IdBox, error_label, hint_label, show_problem

# Which field to put the cursor in when the service's sentence mentions it.
FIELD_WORDS = (("转入", "arrival_edit"), ("身份证", "id_edit"), ("电话", "phone_edit"), ("出生", "birth_edit"), ("转正", "full_date_edit"),
               ("入党", "join_edit"), ("姓名", "name_edit"), ("性别", "gender_box"), ("党小组", "group_box"))


@dataclass(frozen=True)
class MemberLoaded:
    """What the form needs from the store: the branch's groups and, to edit, the member and his history."""

    groups: list
    member: MemberInput | None = None
    history: list = field(default_factory=list)
    masked: personal.MaskedPersonal | None = None
    in_branch_since: date | None = None  # the day he came to the branch (his join date: he has been here since)


def _ask_member(store, member_id: uuid.UUID | None, actor) -> MemberLoaded:
    """On the database worker. The member's personal data comes masked: the full values only
    when the clerk asks (`personal.reveal`, audited)."""
    groups = [(g.name, g.id) for g in organisation.get_branch(store).groups]
    if member_id is None:
        return MemberLoaded(groups)
    form = member_queries.member_input_for(store, member_id, keep_personal=True)
    return MemberLoaded(groups, form, members.member_history(store, member_id), personal.masked(store, actor, member_id),
                        members.get_member(store, member_id).in_branch_since)


class MemberDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None, member_id: uuid.UUID | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.saved_id: uuid.UUID | None = None
        self.keep_personal = False  # True while an existing member's personal data shows masked
        self.setWindowTitle(self.tr("修改党员信息") if member_id else self.tr("新增党员"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(820)
        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        columns.addWidget(self._person_box())
        columns.addWidget(self._party_box())
        layout.addLayout(columns)
        self.problem = error_label()
        layout.addWidget(self.problem)
        if member_id:
            layout.addWidget(self._history_box())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.save_button.setEnabled(False)  # until the groups (and the member) are in
        store, actor = ctx.store, ctx.actor
        self.asker = Asker(self, ctx)
        self.asker.read(lambda _control: _ask_member(store, member_id, actor), self._show_loaded, on_problem=self._not_loaded)

    def _show_loaded(self, answer: MemberLoaded) -> None:
        self.group_box.fill(self.tr("（未分组）"), answer.groups)
        if answer.member is not None:
            self._fill(answer.member)
            self._show_masked(answer.masked)
            if answer.in_branch_since != answer.member.join_date:  # blank: here since he joined the party
                self.arrival_edit.set_date(answer.in_branch_since)
        for event in answer.history:
            label = members.EVENT_LABELS.get(event.kind, event.kind)
            where = event.to_unit or event.from_unit
            text = f"{event.occurred_on:%Y-%m-%d}　{label}" + (f"　{where}" if where else "") + (f"　{event.reason}" if event.reason else "")
            self.history_list.addItem(text)
        self.save_button.setEnabled(True)

    def _not_loaded(self, exc: BaseException) -> None:
        show_error(self.parentWidget(), exc)
        QTimer.singleShot(0, self.reject)  # after open(): with the synchronous runner this runs before it

    # -- layout

    def _person_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("基本信息"))
        form = QFormLayout(box)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(50)
        form.addRow(self.tr("姓名（必填）"), self.name_edit)
        self.name_edit.setMinimumWidth(200)
        self.id_edit = QLineEdit()
        self.id_edit.setMinimumWidth(200)
        self.id_edit.setMaxLength(20)
        self.id_edit.setPlaceholderText(self.tr("18 位，填后自动得出生日期和性别"))
        self.id_edit.textChanged.connect(self._check_id_number)
        form.addRow(self.tr("身份证号"), self.id_edit)
        self.id_hint = hint_label()
        form.addRow("", self.id_hint)
        self.gender_box = EnumBox(Gender, none_label=self.tr("（未填）"))
        form.addRow(self.tr("性别"), self.gender_box)
        self.ethnicity_edit = QLineEdit(self.tr("汉族"))
        form.addRow(self.tr("民族"), self.ethnicity_edit)
        self.birth_edit = DateField(self.tr("出生日期"))
        form.addRow(self.tr("出生日期"), self.birth_edit)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(self.tr("手机 11 位，座机带区号"))
        form.addRow(self.tr("联系电话"), self.phone_edit)
        self.reveal_button = QPushButton(self.tr("显示完整信息并修改"))
        self.reveal_button.setToolTip(self.tr("身份证号、电话和出生日期平时打码显示；查看完整信息会记入操作日志。"))
        self.reveal_button.setAutoDefault(False)  # Enter still saves the form
        self.reveal_button.clicked.connect(self.reveal)
        self.reveal_button.hide()
        form.addRow("", self.reveal_button)
        self.note_edit = QLineEdit()
        form.addRow(self.tr("备注"), self.note_edit)
        return box

    def _party_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("党员信息"))
        form = QFormLayout(box)
        self.class_box = EnumBox(MemberClass)
        self.class_box.set_current(MemberClass.NO_POST)
        form.addRow(self.tr("党员类别（必填）"), self.class_box)
        self.membership_box = EnumBox(Membership)
        self.membership_box.currentIndexChanged.connect(self._membership_changed)
        form.addRow(self.tr("正式/预备"), self.membership_box)
        self.join_edit = DateField(self.tr("入党日期"))
        form.addRow(self.tr("入党日期"), self.join_edit)
        self.full_date_edit = DateField(self.tr("转正日期"))
        form.addRow(self.tr("转正日期"), self.full_date_edit)
        self.arrival_edit = DateField(self.tr("转入日期"))
        self.arrival_edit.setPlaceholderText(self.tr("从别处转入的才填"))
        self.arrival_edit.setToolTip(self.tr(
            "从别的党组织转来的党员，填转入本支部的日子：这天以前的月份不算他在册，会议也不记他缺席。"
            "空着：自入党起就在本支部。填错了可以改，但不能晚于他已有积分或考勤的日子。"
        ))
        form.addRow(self.tr("转入日期"), self.arrival_edit)
        self.group_box = IdBox()
        self.group_box.fill(self.tr("（未分组）"), [])
        form.addRow(self.tr("党小组"), self.group_box)
        flags = QGridLayout()
        self.hub_check = QCheckBox(self.tr("党员中心户"))
        self.vanguard_check = QCheckBox(self.tr("先锋岗"))
        flags.addWidget(self.hub_check, 0, 0)
        flags.addWidget(self.vanguard_check, 0, 1)
        form.addRow(self.tr("标记"), flags)
        self.post_edit = QLineEdit()
        self.post_edit.setPlaceholderText(self.tr("如 政策宣传岗"))
        form.addRow(self.tr("岗位"), self.post_edit)
        return box

    def _history_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("变动记录（只增不改）"))
        layout = QVBoxLayout(box)
        self.history_list = QListWidget()
        self.history_list.setMaximumHeight(90)
        layout.addWidget(self.history_list)
        return box

    # -- behaviour

    def _fill(self, data: MemberInput) -> None:
        self.name_edit.setText(data.name)
        self.id_edit.setText(data.id_number)
        self.gender_box.set_current(data.gender)
        self.ethnicity_edit.setText(data.ethnicity)
        self.birth_edit.set_date(data.birth_date)
        self.phone_edit.setText(data.phone)
        self.note_edit.setText(data.note)
        self.class_box.set_current(data.member_class)
        self.membership_box.set_current(data.membership)
        self.join_edit.set_date(data.join_date)
        self.full_date_edit.set_date(data.full_member_date)
        self.group_box.set_current_id(data.group_id)
        self.hub_check.setChecked(data.is_hub_household)
        self.vanguard_check.setChecked(data.is_vanguard_post)
        self.post_edit.setText(data.post_title)

    def _show_masked(self, masked) -> None:
        """An existing member's personal data, masked and read-only until revealed."""
        if masked is None or not masked.present:
            return
        self.keep_personal = True
        hidden = self.tr("（已加密，登录后可见）")
        for edit, text in ((self.id_edit, masked.id_number), (self.phone_edit, masked.phone)):
            edit.setReadOnly(True)
            edit.setText(text)
            edit.setPlaceholderText(hidden)
        self.birth_edit.clear()
        self.birth_edit.setEnabled(False)
        self.birth_edit.setPlaceholderText(masked.birth_year or hidden)
        self.reveal_button.setVisible(True)
        self.reveal_button.setEnabled(personal.may_reveal(self.ctx.actor))

    def reveal(self) -> None:
        """The full values, from the store (audited), into editable fields."""
        store, actor, member_id = self.ctx.store, self.ctx.actor, self.member_id
        self.asker.read(lambda _control: personal.reveal(store, actor, member_id), self._show_revealed,
                        on_problem=lambda exc: show_error(self, exc))

    def _show_revealed(self, fields) -> None:
        self.keep_personal = False
        for edit, text in ((self.id_edit, fields.id_number), (self.phone_edit, fields.phone)):
            edit.setReadOnly(False)
            edit.setText(text)
        self.birth_edit.setEnabled(True)
        self.birth_edit.set_date(fields.birth_date)
        self.reveal_button.hide()

    def _membership_changed(self) -> None:
        probationary = self.membership_box.current() is Membership.PROBATIONARY
        self.full_date_edit.setEnabled(not probationary)
        if probationary:
            self.full_date_edit.clear()

    def _check_id_number(self, text: str) -> None:
        number = normalise_id_number(text)
        if not number or self.keep_personal:
            self.id_hint.setText("")
            return
        if len(number) < 18:
            self.id_hint.setText(self.tr("已输入 {0} 位，还差 {1} 位").format(len(number), 18 - len(number)))
            return
        try:
            number = validate_id_number(number, self.ctx.today())
        except ValidationError as exc:
            short = exc.message.split("，")[0].rstrip("。")  # the whole sentence shows when saving
            self.id_hint.setText(self.tr("<span style='color:#C00000'>✗ {0}</span>").format(short))
            return
        born, gender = birth_date_from_id(number), gender_from_id(number)
        self.id_hint.setText(self.tr("✓ 出生日期 {0}，{1}").format(f"{born:%Y-%m-%d}", gender.label))
        self.birth_edit.set_date(born)
        self.gender_box.set_current(gender)

    def member_input(self) -> MemberInput:
        """What the form says; ValidationError when a date cannot be read. Masked personal data
        is not part of it (kept as it is)."""
        if self.keep_personal:
            return replace(self._form_input(), id_number="", phone="", birth_date=None, keep_personal=True)
        return self._form_input()

    def _form_input(self) -> MemberInput:
        return MemberInput(
            name=self.name_edit.text(),
            member_class=self.class_box.current(),
            membership=self.membership_box.current(),
            gender=self.gender_box.current(),
            ethnicity=self.ethnicity_edit.text(),
            birth_date=None if self.keep_personal else self.birth_edit.date_value(),
            id_number=self.id_edit.text(),
            phone=self.phone_edit.text(),
            join_date=self.join_edit.date_value(),
            full_member_date=self.full_date_edit.date_value() if self.full_date_edit.isEnabled() else None,
            group_id=self.group_box.current_id(),
            is_hub_household=self.hub_check.isChecked(),
            is_vanguard_post=self.vanguard_check.isChecked(),
            post_title=self.post_edit.text(),
            note=self.note_edit.text(),
        )

    def save(self, allow_same_name: bool = False) -> None:
        try:
            data = self.member_input()
            arrival = self.arrival_edit.date_value()
        except AppError as exc:
            show_problem(self.problem, exc.message)
            self._focus_field(exc.message)
            return
        store, actor, today, member_id = self.ctx.store, self.ctx.actor, self.ctx.today(), self.member_id
        added = self.tr("已登记党员{0}。").format(data.name.strip())

        def work(_control):
            if member_id:
                change = members.update_member(store, actor, member_id, data, today=today, allow_same_name=allow_same_name,
                                               in_branch_since=arrival)
                return member_id, change.summary
            added_id = members.add_member(store, actor, data, today=today, joined_on=arrival, allow_same_name=allow_same_name)
            return added_id, added

        save_and_close(
            self, self.ctx, work, Kind.ROSTER, button=self.save_button, problem=self.problem,
            on_done=self._saved, on_refused=self._refused, summary=lambda saved: saved[1],
        )

    def _refused(self, exc: AppError) -> None:
        if isinstance(exc, members.SameNameExists):
            # a village can have two 王伟: asked, not refused
            again = self.tr("确实要再添加一位吗？") if self.member_id is None else self.tr("确实要改用这个姓名吗？")
            if self.ctx.confirm(self, self.tr("已有同名党员"), self.tr("{0}，{1}").format(exc.message, again)):
                self.save(allow_same_name=True)
                return
            show_problem(self.problem, self.tr("没有保存：已有同名党员。"))
            self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._focus_field(exc.message)

    def _saved(self, saved) -> None:
        self.saved_id = saved[0]

    def _focus_field(self, message: str) -> None:
        for word, attribute in FIELD_WORDS:
            if word in message:
                getattr(self, attribute).setFocus(Qt.FocusReason.OtherFocusReason)
                return
