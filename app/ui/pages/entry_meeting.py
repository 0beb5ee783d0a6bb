"""会议考勤: a meeting (三会一课, 主题党日 …) recorded once; its attendance grid makes everyone's entries."""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import Attendance, MeetingKind
from app.domain.errors import AppError
from app.domain.points import format_points
from app.domain.rules import RuleSet
from app.services.ledger import entries as ledger
from app.services.ledger.meetings import SameMeetingExists
from app.services.ledger import meetings
from app.services.ledger.entries import AttendanceOutlook
from app.services.ledger.meeting_outlook import attendance_outlook
from app.services.rules import rulesets
from app.ui.changes import Kind
from app.ui.asking import Asker
from app.ui.context import UiContext
from app.services.printing import meeting_papers
from app.ui.pages.entry_meetings import meeting_renderers, open_preview
from app.ui.pages.entry_save_row import SaveRow
from app.ui.pickers import group_choices
from app.ui.models.attendance_model import EFFECT_COLUMN, STATUS_COLUMN, AttendanceDelegate, AttendanceModel, AttendanceRow
from app.ui.widgets import EnumBox, IdBox, calendar_edit, date_of, fit_columns, hint_label, make_table, show_problem


class MeetingTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.asker = Asker(self, ctx)
        self.rule_set: RuleSet | None = None
        # What the clerk did to the list of this meeting, kept through every reload until it is saved:
        # each member's mark (also of one a change of date drops for a while) and who was taken off.
        self._marks: dict[uuid.UUID, Attendance] = {}
        self._removed: set[uuid.UUID] = set()
        layout = QHBoxLayout(self)
        left = QFormLayout()
        self.kind_box = EnumBox(MeetingKind)
        self.kind_box.set_current(MeetingKind.THEME_DAY)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        left.addRow(self.tr("会议类型"), self.kind_box)
        self.title_edit = QLineEdit()
        self._auto_title = ""
        left.addRow(self.tr("会议名称"), self.title_edit)
        self.date_edit = calendar_edit(ctx.today())
        self.date_edit.dateChanged.connect(self._load_rules)
        self.date_edit.dateChanged.connect(self._retitle)
        self.date_edit.dateChanged.connect(self.load_members)  # the roll of the meeting's day
        left.addRow(self.tr("日期"), self.date_edit)
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText(self.tr("如 村党群服务中心"))
        left.addRow(self.tr("地点"), self.location_edit)
        self.group_box = IdBox()
        self.group_box.currentIndexChanged.connect(self._scope_changed)
        left.addRow(self.tr("参会范围"), self.group_box)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setMaximumHeight(70)
        left.addRow(self.tr("备注"), self.note_edit)
        self.approve_button_hint = hint_label(self.tr("保存后按细则为每人生成积分记录（缺席、迟到扣分，出席按细则记分），等待审核。"))
        left.addRow(self.approve_button_hint)
        self.signin_button = QPushButton(self.tr("打印签到表（会前）"))
        self.signin_button.setToolTip(self.tr("按上面的会议类型、日期、地点和参会范围打印签到表（移出名单的人不列），开会时让大家签到"))
        self.signin_button.clicked.connect(self.print_signin)
        left.addRow(self.signin_button)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setMaximumWidth(380)
        layout.addWidget(left_box)
        layout.addLayout(self._grid(), 1)
        self._kind_changed(load=False)  # the members come with refresh()

    def _grid(self) -> QVBoxLayout:
        right = QVBoxLayout()
        marks = QHBoxLayout()
        marks.addWidget(QLabel(self.tr("把选中的人设为：")))
        self.mark_buttons = {}
        for status in Attendance:
            button = QPushButton(status.label)
            button.clicked.connect(lambda _=False, s=status: self.mark_selected(s))
            marks.addWidget(button)
            self.mark_buttons[status] = button
        self.remove_button = QPushButton(self.tr("移出名单"))
        self.remove_button.setToolTip(self.tr("选中的人不参加这次会议：不登记他的考勤，也不记分；换会议类型或参会范围会重新列出"))
        self.remove_button.clicked.connect(self.remove_selected)
        marks.addWidget(self.remove_button)
        marks.addStretch(1)
        self.all_present_button = QPushButton(self.tr("全部出席"))
        self.all_present_button.clicked.connect(self.all_present)
        marks.addWidget(self.all_present_button)
        right.addLayout(marks)
        self.committee_hint = hint_label(self.tr(
            "支部委员会列出类别为“村（社区）两委/支委”的党员；不是支委的，选中后点“移出名单”。"
        ))
        self.committee_hint.setVisible(False)
        right.addWidget(self.committee_hint)
        self.model = AttendanceModel(self._effect, self, effect_colour=self._effect_colour)
        self.model.dataChanged.connect(self._update_counts)
        self.model.modelReset.connect(self._update_counts)
        self.table = make_table(self, multi_select=True)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(STATUS_COLUMN, AttendanceDelegate(self.table))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.SelectedClicked)
        right.addWidget(self.table, 1)
        self.counts_label = QLabel()
        right.addWidget(self.counts_label)
        self.save_row = SaveRow(self.tr("保存会议和考勤"), self.save, list_height=120)
        self.problem, self.problem_list, self.save_button = self.save_row.problem, self.save_row.problem_list, self.save_row.save_button
        right.addWidget(self.save_row)
        return right

    # -- data

    def refresh(self) -> None:
        store = self.ctx.store
        self.asker.read(lambda _control: group_choices(store), self._show_groups, key="groups")
        self._load_rules()
        self.load_members()

    def _show_groups(self, groups: list) -> None:
        chosen = self.group_box.current_id()
        self.group_box.fill(self._whole_scope(), groups)
        if self.group_box.current_id() != chosen:  # the group shown is gone
            self._scope_changed()

    def _load_rules(self) -> None:
        store, year = self.ctx.store, date_of(self.date_edit).year

        def ask(_control) -> tuple[RuleSet | None, str]:
            try:
                return rulesets.get_rule_set(store, year).rule_set, ""
            except AppError as exc:
                return None, exc.message

        self.asker.read(ask, self._show_rules, key="rules")

    def _show_rules(self, answer: tuple[RuleSet | None, str]) -> None:
        self.rule_set, problem = answer
        show_problem(self.problem, problem)
        self.model.effects_changed()

    def load_members(self) -> None:
        """Those on the roll on the meeting's day (as its sign-in sheet lists them): one who came
        after it, or left before it, is not asked about. With them, what saving would record for
        each under every status, caps included (one question for the whole list: a change of
        status needs none)."""
        store, group_id, held_on, kind = self.ctx.store, self.group_box.current_id(), date_of(self.date_edit), self.kind_box.current()
        today = self.ctx.today()

        def ask(_control) -> list[AttendanceRow]:
            try:
                _scope, expected = meetings.members_in_scope(store, held_on, group_id, kind)
            except AppError:
                expected = []
            try:
                outlooks = attendance_outlook(store, kind, held_on, [m.id for m in expected], today=today) if expected else {}
            except AppError:  # no rule set for the year, or the year locked: said by _show_rules and by saving
                outlooks = {}
            return [AttendanceRow(m.id, m.name, m.group_name, m.member_class, outlooks=outlooks.get(m.id, {})) for m in expected]

        self.asker.read(ask, self._show_members, key="members")

    def _show_members(self, rows: list[AttendanceRow]) -> None:
        # a marking the clerk made stays with the member through a change of date or scope, also when
        # a date he was not on the roll dropped him for a while; one taken off stays off
        self._marks.update((row.member_id, row.status) for row in self.model.rows())
        self.model.set_rows([
            replace(row, status=self._marks.get(row.member_id, row.status)) for row in rows if row.member_id not in self._removed
        ])
        fit_columns(self.table)
        header = self.table.horizontalHeader()
        widest = max(header.fontMetrics().horizontalAdvance(status.label) for status in Attendance) + 28
        header.resizeSection(STATUS_COLUMN, max(header.sectionSize(STATUS_COLUMN), widest))
        header.resizeSection(EFFECT_COLUMN, max(header.sectionSize(EFFECT_COLUMN), header.fontMetrics().horizontalAdvance(self.tr("不记分（R01 10月上限 2 分已记满）")) + 28))  # a typical effect

    def _kind_changed(self, *_index, load: bool = True) -> None:
        self._retitle()
        self.model.effects_changed()
        committee = self.kind_box.current() is MeetingKind.COMMITTEE
        self.committee_hint.setVisible(committee)
        self.group_box.setItemText(0, self._whole_scope())
        if load:
            self._scope_changed()  # a 支部委员会 lists its committee

    def _scope_changed(self, *_index) -> None:
        """Another kind of meeting or party group: its list afresh, with those taken off back on it."""
        self._removed.clear()
        self.load_members()

    def _whole_scope(self) -> str:
        """The scope's first choice: the whole branch, or for a 支部委员会 its committee."""
        return self.tr("支委会成员") if self.kind_box.current() is MeetingKind.COMMITTEE else self.tr("全体党员")

    def _retitle(self) -> None:
        """The title follows the kind and the date's month, unless the clerk wrote a title of his own."""
        if self.title_edit.text() not in ("", self._auto_title):
            return
        kind, month = self.kind_box.current(), date_of(self.date_edit).month
        self._auto_title = self.tr("{0}月{1}").format(month, kind.label)
        self.title_edit.setText(self._auto_title)

    def _effect(self, row: AttendanceRow) -> str:
        """What saving records for him with his status, as the service priced it (caps included)."""
        outlook: AttendanceOutlook | None = row.outlooks.get(row.status)
        if outlook is None:
            return ""
        hit = outlook.capped
        if outlook.refused:
            if hit is not None:
                return self.tr("保存不了（{0} {1}最多扣 {2} 分，已扣 {3} 分）").format(
                    hit.what, hit.period, format_points(hit.cap), format_points(hit.used))
            return self.tr("保存不了：{0}").format(outlook.refused)
        if outlook.exempt:
            return self.tr("免考核，不记分")
        if hit is not None:
            if hit.left > 0:
                return self.tr("不记分（{0} {1}上限内只剩 {2} 分，不够记一次）").format(hit.what, hit.period, format_points(hit.left))
            return self.tr("不记分（{0} {1}上限 {2} 分已记满）").format(hit.what, hit.period, format_points(hit.cap))
        if outlook.points is None:
            return self.tr("不记分")
        return self.tr("{0} 分（{1}）").format(format_points(outlook.points), outlook.item_code)

    @staticmethod
    def _effect_colour(row: AttendanceRow) -> str | None:
        """Red where the save would be refused, brown where a full cap leaves him without points."""
        outlook: AttendanceOutlook | None = row.outlooks.get(row.status)
        if outlook is None:
            return None
        if outlook.refused:
            return "#C00000"
        return "#B35C00" if outlook.capped is not None else None

    def _update_counts(self, *_args) -> None:
        counts = self.model.counts()
        text = self.tr("，").join(self.tr("{0} {1} 人").format(status.label, counts.get(status, 0)) for status in Attendance)
        outlooks = [row.outlooks.get(row.status) for row in self.model.rows()]
        capped = sum(1 for o in outlooks if o is not None and o.capped is not None and not o.refused)
        refused = sum(1 for o in outlooks if o is not None and o.refused)
        if capped:  # a long list is not read to its end: the grid's 不记分 lines counted here
            text += self.tr("；其中 {0} 人记分已到上限，这次不记分").format(capped)
        if refused:
            text += self.tr("；{0} 人的记分保存不了（见“将记分”一栏）").format(refused)
        self.counts_label.setText(text)

    # -- actions

    def selected_rows(self) -> list[int]:
        return sorted(index.row() for index in self.table.selectionModel().selectedRows())

    def mark_selected(self, status: Attendance) -> None:
        self.model.set_status(self.selected_rows(), status)

    def remove_selected(self) -> None:
        rows, chosen = self.model.rows(), self.selected_rows()
        self._removed.update(rows[at].member_id for at in chosen if at < len(rows))
        self.model.remove_rows(chosen)

    def all_present(self) -> None:
        self.model.set_status(list(range(self.model.rowCount())), Attendance.PRESENT)

    def print_signin(self) -> None:
        """签到表 before the meeting: the scope's members on the roll that day, as the grid lists them
        (without those taken off it)."""
        store, kind, on, group_id = self.ctx.store, self.kind_box.current(), date_of(self.date_edit), self.group_box.current_id()
        location, title, left_out = self.location_edit.text(), self.title_edit.text(), frozenset(self._removed)
        open_preview(
            self, self.ctx,
            lambda: meeting_renderers().render_signin_sheet(
                meeting_papers.signin_sheet(store, kind, on, location, group_id, title, leaving_out=left_out)
            ),
            self.tr("签到表 {0}").format(title),
        )

    def save(self, allow_duplicate: bool = False) -> None:
        store, actor, today, kind = self.ctx.store, self.ctx.actor, self.ctx.today(), self.kind_box.current()
        title, on, attendance = self.title_edit.text(), date_of(self.date_edit), self.model.attendance()
        location, note = self.location_edit.text(), self.note_edit.toPlainText()
        self.save_button.setEnabled(False)
        self.ctx.write(
            lambda _control: ledger.record_meeting(
                store, actor, kind, title, on, attendance, location=location, note=note, today=today,
                allow_duplicate=allow_duplicate),
            Kind.LEDGER, self._saved, parent=self, on_problem=self._refused, summary=self._summary,
        )

    def _summary(self, result) -> str:
        summary = result.summary
        if result.excused:
            summary += self.tr("（{0} 免考核，未记分）").format("、".join(result.excused))
        if result.capped:  # attended, but his cap for the period was full
            names = "、".join(result.capped[:5]) + (self.tr("等") if len(result.capped) > 5 else "")
            summary += self.tr("（{0} 人记分已到上限，这次未记分：{1}）").format(len(result.capped), names)
        return summary

    def _saved(self, _result) -> None:
        self.save_button.setEnabled(True)
        self.save_row.clear()
        self.title_edit.clear()  # the next meeting starts from its own title …
        self._retitle()
        self._marks.clear()  # … with everyone present and on the list …
        self.all_present()
        if self.group_box.currentIndex() != 0:
            self.group_box.setCurrentIndex(0)  # … of the whole branch (reloads the grid)
        else:
            self._scope_changed()

    def _refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, SameMeetingExists):
            # Saving the same meeting twice would deduct the absentees twice: ask first.
            question = self.tr("{0}\n\n确实是另一次会议、要再记一次吗？").format(exc.message)
            if self.ctx.confirm(self, self.tr("这次会议已经记过了"), question):
                self.save(allow_duplicate=True)
                return
        self.save_row.refused(exc)
