"""星级评定: the year's star rating round, step by step — 申报创星 → 审核评星 → 公示亮星 → 上报验星 → 动态调星.

The page shows the round (`load_view`) as a step strip with each step's buttons, the
candidates table, and under it the selected member's star history, the objections and the
评先评优 list. Which buttons are enabled is decided in controllers/rating_state.py; each
button opens a dialog (dialogs/rating_*.py) whose service call runs on the job runner; the
files for the township go through controllers/rating_files.py. Every write is a
`ctx.write(..., Kind.RATING)`: this page reloads, and the other pages that show the rating.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.domain.errors import AppError, NotFound
from app.services import organisation
from app.services.exports import tables as exports
from app.services.rating import rated
from app.services.rating.queries import CandidateRow, RoundView, load_view
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.controllers.excel_out import ExcelOut
from app.ui.controllers.rating_files import RatingFiles
from app.ui.controllers.rating_state import (
    ADJUST, APPLY, ASSESS, PUBLICISE, REPORT, action_states, banner_text, scheme_text, step_states,
)
from app.ui.dialogs import rating_member_dialogs as member_dialogs
from app.ui.dialogs import rating_round_dialogs as round_dialogs
from app.ui.dialogs.rating_print_dialog import CERTIFICATES, NOTICE, RatingPrintDialog
from app.ui.models.rating_models import CandidateTableModel, candidate_lines
from app.ui.pages.base import Page
from app.ui.pages.rating_start import RatingStartPanel, StartAnswer, ask_start
from app.ui.pages.rating_steps import ElidedLabel, StepStrip
from app.ui.pages.rating_tabs import RatingTabs, ask_awards
from app.ui.widgets import make_table, title_label


@dataclass(frozen=True)
class RoundAnswer:
    """Everything the page shows for a year, read in one go on the database worker."""

    year: int
    view: RoundView | None
    problem: str = ""
    live: dict = field(default_factory=dict)  # before the assessment: member id → (rank, points) today
    start: StartAnswer | None = None  # before the round: the scheme it would use
    awards: tuple[list, str] = ([], "")
    branch_name: str = ""  # for the names of the files handed to the township


def ask_round(store, year: int) -> RoundAnswer:
    try:
        view = load_view(store, year)
    except NotFound:
        return RoundAnswer(year, None, start=ask_start(store, year))
    except AppError as exc:
        return RoundAnswer(year, None, exc.message, start=ask_start(store, year))
    try:
        branch_name = organisation.get_branch(store).name
    except AppError:
        branch_name = ""
    return RoundAnswer(year, view, live=_live_ranking(store, view), awards=ask_awards(store, view), branch_name=branch_name)


def _live_ranking(store, view: RoundView) -> dict:
    """Before the assessment freezes them: today's places among the rated and totals, for orientation only."""
    if any(c.final_total is not None for c in view.candidates):
        return {}
    try:
        rows = rated.rated_rows(store, view.year)
    except AppError:
        return {}
    places = rated.rated_places(rows)
    return {row.member_id: (places[row.member_id], row.period_points) for row in rows}


class RatingPage(Page):
    depends_on = Kind.RATING | Kind.LEDGER | Kind.ROSTER | Kind.RULES  # the round; before assessing, the live ranking

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("星级评定")
        self.view: RoundView | None = None
        self.branch_name = ""
        self._wanted_member: uuid.UUID | None = None  # the member to select once the round comes back
        self.files = RatingFiles(ctx, self)
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_row())
        self.strip = StepStrip()
        self._step_buttons()
        layout.addWidget(self.strip)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)
        self.scheme_label = ElidedLabel()
        self.scheme_label.setStyleSheet("color: #555;")
        layout.addWidget(self.scheme_label)
        self.stack = QStackedWidget()
        self.start_panel = RatingStartPanel(ctx)
        self.stack.addWidget(self.start_panel)
        self.stack.addWidget(self._round_widget())
        layout.addWidget(self.stack, 1)
        self.ctx.remember_table(self.table, "rating")

    # -- layout

    def _top_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度")))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(self.ctx.today().year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.valueChanged.connect(self.reload)
        row.addWidget(self.year_spin)
        row.addSpacing(12)
        self.status_label = title_label("")
        row.addWidget(self.status_label)
        row.addStretch(1)
        self.count_label = QLabel()
        row.addWidget(self.count_label)
        self.reopen_button = QPushButton(self.tr("重新打开评定…"))
        self.reopen_button.clicked.connect(lambda: self.reopen())
        self.buttons["reopen"] = self.reopen_button
        row.addWidget(self.reopen_button)
        self.export_button = QPushButton(self.tr("导出Excel…"))
        self.export_button.clicked.connect(self.export_round)
        row.addWidget(self.export_button)
        return row

    def _step_buttons(self) -> None:
        entries = [
            (APPLY, "declare", self.tr("登记申报…"), self.declare),
            (APPLY, "dual_report", self.tr("登记双报到…"), self.dual_report),
            (ASSESS, "assess", self.tr("测评星级…"), self.assess),
            (ASSESS, "override", self.tr("调整星级…"), self.override),
            (PUBLICISE, "publicise", self.tr("发布公示…"), self.publicise),
            (PUBLICISE, "print_notice", self.tr("打印公示…"), self.print_notice),
            (PUBLICISE, "objection", self.tr("登记异议…"), self.objection),
            (PUBLICISE, "answer", self.tr("答复异议…"), self.answer),
            (REPORT, "report", self.tr("上报乡镇…"), self.report),
            (REPORT, "export_again", self.tr("重新导出上报文件…"), self.export_again),
            (REPORT, "apply_verification", self.tr("登记验星结果…"), self.apply_verification),
            (ADJUST, "adjust", self.tr("动态调星…"), self.adjust),
            (ADJUST, "certificates", self.tr("打印荣誉证书…"), self.certificates),
        ]
        for step, key, text, slot in entries:
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, s=slot: s())
            self.buttons[key] = button
            self.strip.add_button(step, button)

    def _round_widget(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = CandidateTableModel(self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.default_action())
        splitter.addWidget(self.table)
        self.tabs = RatingTabs(self.ctx)
        self.tabs.objection_table.doubleClicked.connect(lambda _index: self.answer())
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([360, 170])
        splitter.setChildrenCollapsible(False)
        return splitter

    # -- data

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        store, year = self.ctx.store, self.year_spin.value()
        self.read(lambda _control: ask_round(store, year), self._show_round)

    def _show_round(self, answer: RoundAnswer) -> None:
        year, view = answer.year, answer.view
        selected = self._wanted_member or self.selected_member_id()
        self._wanted_member = None
        self.view = view
        self.branch_name = answer.branch_name
        self.strip.set_states(step_states(view))
        text, warning = banner_text(view)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self.banner.setStyleSheet("color: #C00000; font-weight: bold;" if warning else "color: #1F4E79;")
        if view is None:
            self.status_label.setText(self.tr("{0} 年星级评定").format(year))
            self.scheme_label.setText("")
            self.scheme_label.setVisible(False)
            self.count_label.setText(answer.problem)
            self.start_panel.show(year, answer.start)
            self.stack.setCurrentIndex(0)
            self.model.set_rows([])
            self.tabs.load(None)
        else:
            self.status_label.setText(self.tr("{0} 年星级评定：{1}").format(year, view.status.label))
            self.scheme_label.setText(scheme_text(view.scheme))
            self.scheme_label.setVisible(True)
            self.stack.setCurrentIndex(1)
            self.model.set_rows(candidate_lines(view, answer.live))
            self.count_label.setText(self._counts(view))
            self.tabs.load(view, answer.awards)
            if not self._select_member_now(selected):
                self.tabs.show_member(None)
        self.export_button.setEnabled(view is not None)
        self.update_actions()

    def _counts(self, view: RoundView) -> str:
        text = self.tr("共 {0} 人").format(len(view.candidates))
        groups = view.by_stars()
        if any(c.stars is not None for c in view.candidates):
            parts = [self.tr("{0}星{1}").format(stars, len(groups.get(stars, []))) for stars in (5, 4, 3, 2, 1)]
            text += "：" + "，".join(parts)
        return text

    def update_actions(self) -> None:
        states = action_states(self.view, self.ctx.today(), self.ctx.can_review)
        for key, button in self.buttons.items():
            state = states[key]
            button.setEnabled(state.enabled)
            button.setToolTip(state.why_not)

    # -- selection

    def selected_member_id(self) -> uuid.UUID | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).member_id if rows else None

    def selected_candidate(self) -> CandidateRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).candidate if rows else None

    def select_member(self, member_id) -> bool:
        """Select the member; when the round is still being read again (after a write), once it is in."""
        self._wanted_member = member_id if self.loading() else None
        return self._select_member_now(member_id)

    def _select_member_now(self, member_id) -> bool:
        row = self.model.row_of(member_id) if member_id else -1
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        return row >= 0

    def select_member_named(self, name: str) -> bool:
        line = self.model.line_named(name)
        return self.select_member(line.member_id) if line else False

    def _selection_changed(self) -> None:
        self.tabs.show_member(self.selected_candidate())

    def focus_search(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def default_action(self):
        """Double-click on a member: the step's own action for him, when it is allowed."""
        states = action_states(self.view, self.ctx.today(), self.ctx.can_review)
        for key, slot in (("declare", self.declare), ("override", self.override), ("objection", self.objection),
                          ("adjust", self.adjust)):
            if states[key].enabled:
                return slot()
        return None

    # -- actions (each returns the dialog it opened, for tests)

    def _allowed(self, key: str) -> bool:
        return action_states(self.view, self.ctx.today(), self.ctx.can_review)[key].enabled

    def declare(self):
        if self._allowed("declare"):
            return self.open_dialog(member_dialogs.DeclareDialog(self.ctx, self.view, self.selected_member_id(), self))
        return None

    def dual_report(self):
        if self._allowed("dual_report"):
            return self.open_dialog(member_dialogs.DualReportDialog(self.ctx, self.view, self))
        return None

    def assess(self):
        if self._allowed("assess"):
            return self.open_dialog(round_dialogs.AssessDialog(self.ctx, self.view, self))
        return None

    def override(self):
        if self._allowed("override"):
            return self.open_dialog(member_dialogs.StarChangeDialog(
                self.ctx, self.view, member_dialogs.OVERRIDE, self.selected_member_id(), self))
        return None

    def adjust(self):
        if self._allowed("adjust"):
            return self.open_dialog(member_dialogs.StarChangeDialog(
                self.ctx, self.view, member_dialogs.ADJUST, self.selected_member_id(), self))
        return None

    def publicise(self):
        if self._allowed("publicise"):
            return self.open_dialog(round_dialogs.PublicityDialog(self.ctx, self.view, self))
        return None

    def objection(self):
        if self._allowed("objection"):
            return self.open_dialog(member_dialogs.ObjectionDialog(self.ctx, self.view, self.selected_member_id(), self))
        return None

    def answer(self):
        if self._allowed("answer"):
            chosen = self.tabs.selected_objection()
            return self.open_dialog(round_dialogs.AnswerDialog(self.ctx, self.view, chosen.id if chosen else None, self))
        return None

    def report(self):
        if not self._allowed("report"):
            return None
        dialog = round_dialogs.ReportDialog(self.ctx, self.view, self.branch_name, self)
        dialog.saved.connect(lambda change: self.ctx.inform(self, self.tr("已上报"), change.summary))
        return self.open_dialog(dialog)

    def export_again(self) -> None:
        if self._allowed("export_again"):
            self.files.export_again(self.view.year, self.branch_name)

    def apply_verification(self) -> None:
        if self._allowed("apply_verification"):
            self.files.apply_verification()

    def export_round(self) -> None:
        """The year's round out to .xlsx: candidates with the totals it froze, its steps and objections."""
        store, year, today = self.ctx.store, self.year_spin.value(), self.ctx.today()
        ExcelOut(self.ctx, self).export(
            self.tr("导出星级评定"), self.tr("{0}年度星级评定.xlsx").format(year),
            lambda target, _control: exports.export_rating(store, target, year, today=today),
            lambda count, target: self.tr("已导出 {0} 年星级评定（{1} 名党员）到 {2}。").format(year, count, target),
        )

    def reopen(self):
        if self._allowed("reopen"):
            return self.open_dialog(round_dialogs.ReopenDialog(self.ctx, self.view, self))
        return None

    def print_notice(self):
        if self._allowed("print_notice"):
            return self.open_dialog(RatingPrintDialog(self.ctx, self.view, NOTICE, self))
        return None

    def certificates(self):
        if self._allowed("certificates"):
            return self.open_dialog(RatingPrintDialog(self.ctx, self.view, CERTIFICATES, self))
        return None
