"""验星 (township database): the villages' star-rating reports received, what each reported, and the decision.

A village sends its round as a .jfrating file (上报验星); the township imports it here, reads the
candidates, the steps and the objections as they were reported, and verifies it or returns it with
comments. The decision is written to a .jfverify file that the village applies on its own computer.
"""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import Role
from app.services.rating import exchange as rating_exchange
from app.services.rating.exchange import VerificationDetail, VerificationRow
from app.services.township.report_check import GatheredCheck, check_against_gathered
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.rating_round_dialogs import with_suffix
from app.ui.dialogs.township_decision import TownshipDecisionDialog, answer_file_name
from app.ui.errors import show_error
from app.ui.models.township_models import (
    candidate_model,
    decision_text,
    objection_model,
    step_model,
    verification_model,
)
from app.ui.pages.base import Page
from app.ui.pages.township_overview import fit_height
from app.ui.widgets import fit_columns, hint_label, make_table, title_label


class TownshipVerifyPage(Page):
    depends_on = Kind.RATING | Kind.TOWNSHIP  # the villages' reports and the decisions on them

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("验星")
        self.detail: VerificationDetail | None = None
        self._fitted = False
        self._wanted: uuid.UUID | None = None  # select this report after the next reload
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.import_button = QPushButton(self.tr("导入上报文件…"))
        self.import_button.clicked.connect(self.import_report)
        self.import_button.setEnabled(ctx.actor.holds(Role.REVIEWER, Role.VERIFIER))  # 验星: reviewers, 验星 and administrators
        controls.addWidget(self.import_button)
        self.verify_button = QPushButton(self.tr("验星通过…"))
        self.verify_button.clicked.connect(lambda: self.decide(True))
        controls.addWidget(self.verify_button)
        self.return_button = QPushButton(self.tr("退回…"))
        self.return_button.clicked.connect(lambda: self.decide(False))
        controls.addWidget(self.return_button)
        self.export_again_button = QPushButton(self.tr("重新导出结果文件…"))
        self.export_again_button.setToolTip(self.tr("交回村里的结果文件丢了：再保存一份同样的结果文件"))
        self.export_again_button.clicked.connect(self.export_answer_again)
        controls.addWidget(self.export_again_button)
        controls.addStretch(1)
        self.summary_label = QLabel()
        controls.addWidget(self.summary_label)
        layout.addLayout(controls)

        self.body = QStackedWidget()
        self.body.addWidget(self._content())
        self.empty_page = self._empty_page()
        self.body.addWidget(self.empty_page)
        layout.addWidget(self.body, 1)
        layout.addWidget(hint_label(self.tr(
            "村党支部在“星级评定”中上报验星后会得到一个上报文件（.jfrating），拿来后点“导入上报文件…”。"
            "验星通过或退回后保存的结果文件（.jfverify）请交回村里，由村里登记。"
        )))
        self.ctx.remember_table(self.table, "township_reports")
        self.ctx.remember_table(self.candidate_table, "township_candidates")
        self._show_detail(None)

    def _content(self) -> QWidget:
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = verification_model(self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._row_chosen)
        splitter.addWidget(self.table)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.detail_title = QLabel()
        self.detail_title.setObjectName("reportTitle")
        bold = QFont(self.detail_title.font())
        bold.setBold(True)
        self.detail_title.setFont(bold)
        lower_layout.addWidget(self.detail_title)
        self.detail_info = QLabel()
        self.detail_info.setTextFormat(Qt.TextFormat.RichText)  # the five-star quota in red when over it
        self.detail_info.setWordWrap(True)
        self.detail_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lower_layout.addWidget(self.detail_info)
        self.check_label = QLabel()  # the reported totals beside the gathered ledger's
        self.check_label.setWordWrap(True)
        self.check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lower_layout.addWidget(self.check_label)
        self.tabs = QTabWidget()
        self.candidate_model = candidate_model(self)
        self.candidate_table = make_table(self)
        self.candidate_table.setModel(self.candidate_model)
        self.tabs.addTab(self.candidate_table, self.tr("候选人"))
        self.step_model = step_model(self)
        self.step_table = make_table(self)
        self.step_table.setModel(self.step_model)
        self.tabs.addTab(self.step_table, self.tr("评定步骤"))
        self.objection_model = objection_model(self)
        self.objection_table = make_table(self)
        self.objection_table.setModel(self.objection_model)
        self.tabs.addTab(self.objection_table, self.tr("公示异议"))
        lower_layout.addWidget(self.tabs, 1)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 450])
        return splitter

    def _empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title_label(self.tr("还没有收到村里的星级评定上报材料")), 0, Qt.AlignmentFlag.AlignHCenter)
        hint = hint_label(self.tr("村里公示期满、上报验星后，会把上报文件（.jfrating）用 U 盘交上来。"))
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        button = QPushButton(self.tr("导入上报文件…"))
        button.clicked.connect(self.import_report)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    # -- the list

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Ask for the received reports on the database worker; show them when they come."""
        wanted = self._wanted or (self.selected_row().id if self.selected_row() else None)
        self._wanted = None
        store = self.ctx.store
        self.ctx.read(
            lambda _control: rating_exchange.township_verifications(store),
            lambda rows: self._show_rows(rows, wanted), parent=self, on_problem=self._list_failed, latest=(self, "list"),
        )

    def _list_failed(self, exc: BaseException) -> None:
        self.model.set_rows([])
        self._show_detail(None)
        show_error(self, exc)

    def _show_rows(self, rows: list[VerificationRow], wanted) -> None:
        self.model.set_rows(rows)
        self.body.setCurrentWidget(self.empty_page if not rows else self.body.widget(0))
        if rows and not self._fitted:
            self._fitted = True
            fit_height(self.splitter, self.table, min(len(rows), 6), share=0.35)
        waiting = sum(1 for r in rows if r.decision is None)
        self.summary_label.setText(self.tr("共收到 {0} 份，待验星 {1} 份").format(len(rows), waiting))
        if rows:
            self.select_report(wanted if wanted is not None else next((r.id for r in rows if r.decision is None), rows[0].id))
        else:
            self._show_detail(None)

    def selected_row(self) -> VerificationRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_report(self, verification_id: uuid.UUID) -> bool:
        for index, row in enumerate(self.model.rows()):
            if row.id == verification_id:
                self.table.selectRow(index)
                return True
        if self.model.rowCount():
            self.table.selectRow(0)
        return False

    def _row_chosen(self) -> None:
        row = self.selected_row()
        if row is None:
            self._show_detail(None)
            return
        store, chosen = self.ctx.store, row.id
        self.ctx.read(
            lambda _control: (rating_exchange.verification_detail(store, chosen), check_against_gathered(store, chosen)),
            lambda found: self._show_detail(*found), parent=self, on_problem=self._detail_failed, latest=(self, "detail"),
        )

    def _detail_failed(self, exc: BaseException) -> None:
        self._show_detail(None)
        show_error(self, exc)

    def _show_detail(self, detail: VerificationDetail | None, check: GatheredCheck | None = None) -> None:
        self.detail = detail
        self.check_label.setText(check.sentence if check else "")
        self.check_label.setStyleSheet("color: #C00000;" if check and (check.mismatches or check.backup_created_at is None) else "")
        open_for_decision = detail is not None and detail.decision is None and self.ctx.actor.holds(Role.REVIEWER, Role.VERIFIER)
        self.verify_button.setEnabled(open_for_decision)
        self.return_button.setEnabled(open_for_decision)
        self.export_again_button.setEnabled(detail is not None and detail.decision is not None)
        if detail is None:
            self.detail_title.setText(self.tr("选择上面的一份上报材料查看内容。"))
            self.detail_info.clear()
            for model in (self.candidate_model, self.step_model, self.objection_model):
                model.set_rows([])
            return
        self.detail_title.setText(self.tr("{0} {1} 年星级评定（{2}）").format(detail.branch_name, detail.year, decision_text(detail.decision)))
        self.detail_info.setText(self._detail_line(detail))
        self.candidate_model.set_rows(detail.candidates)
        self.step_model.set_rows(detail.steps)
        self.objection_model.set_rows(detail.objections)
        fit_columns(self.step_table)
        fit_columns(self.objection_table)
        self.tabs.setTabText(2, self.tr("公示异议（{0}）").format(len(detail.objections)))

    def _detail_line(self, detail: VerificationDetail) -> str:
        """The report's figures in one line (rich text): the stars given, the five-star quota (red when
        over it), the publicity period, the decision."""
        stars = "，".join(self.tr("{0}星 {1} 人").format(n, detail.count_with_stars(n)) for n in range(5, 0, -1))
        lines = [escape(self.tr("候选人 {0} 人：{1}。").format(len(detail.candidates), stars))]
        quota = self._quota_text(detail)
        if quota:
            lines.append(f'<span style="color: #C00000;">{escape(quota)}</span>' if detail.over_quota else escape(quota))
        if detail.publicity_start:
            lines.append(escape(self.tr("公示期 {0:%Y-%m-%d} 至 {1:%Y-%m-%d}，异议 {2} 条。").format(
                detail.publicity_start, detail.publicity_end or detail.publicity_start, len(detail.objections))))
        if detail.decision:
            lines.append(escape(self.tr("{0}（{1:%Y-%m-%d}）：{2}").format(
                decision_text(detail.decision), detail.decided_on, detail.comments or self.tr("无意见"))))
        return " ".join(lines)

    def _quota_text(self, detail: VerificationDetail) -> str:
        """五星名额 beside the five stars given, as the report's rule states it; '' when it does not say."""
        if not detail.quota_stated:
            return ""
        fives = detail.count_with_stars(5)
        if detail.five_star_share is None:
            return self.tr("五星不限名额，已评 {0} 人。").format(fives)
        share, places = f"{(detail.five_star_share * 100).normalize():f}", detail.five_star_places
        if detail.over_quota:
            return self.tr("五星名额 {0} 人（参评 {1} 人的 {2}%），已评 {3} 人，超过名额 {4} 人。").format(
                places, detail.rated, share, fives, fives - places)
        return self.tr("五星名额 {0} 人（参评 {1} 人的 {2}%），已评 {3} 人。").format(places, detail.rated, share, fives)

    # -- actions

    def import_report(self) -> None:
        path = self.ctx.ask_open_path(self, self.tr("导入村里的星级评定上报文件"), self.tr("星级评定上报文件 (*.jfrating);;所有文件 (*)"))
        if not path:
            return
        store, actor = self.ctx.store, self.ctx.actor

        def done(change) -> None:
            if change.created:
                self.select_report(change.created[0])

        self.ctx.write(
            lambda _control: rating_exchange.import_for_verification(store, actor, path), Kind.RATING, done,
            parent=self, on_problem=lambda exc: show_error(self, exc, self.tr("没有导入")),
        )

    def decide(self, verified: bool) -> TownshipDecisionDialog | None:
        row = self.selected_row()
        if row is None or row.decision is not None:
            return None
        self._wanted = row.id
        return self.open_dialog(TownshipDecisionDialog(self.ctx, row, verified, self))

    def export_answer_again(self) -> None:
        """The answer file that went to the village was lost: the same decision written once more."""
        detail = self.detail
        if detail is None or detail.decision is None:
            return
        suggested = answer_file_name(detail.branch_name, detail.year, detail.decision == "verified")
        chosen = self.ctx.ask_save_path(self, self.tr("重新导出验星结果文件"), suggested, self.tr("验星结果文件 (*.jfverify)"))
        if not chosen:
            return
        store, record_id, target = self.ctx.store, detail.id, with_suffix(chosen, ".jfverify")

        def written(path) -> None:
            self.ctx.say(self.tr("已重新导出验星结果文件“{0}”。").format(path.name))
            self.ctx.inform(self, self.tr("结果文件已导出"), self.tr(
                "验星结果文件已保存为“{0}”，结论、日期和意见与上次的相同。请把它交回{1}，由村里登记。"
            ).format(path, detail.branch_name))

        self.ctx.write(
            lambda _control: rating_exchange.export_verification_again(store, record_id, target), Kind.NONE, written,
            parent=self, summary=lambda _path: "", on_problem=lambda exc: show_error(self, exc, self.tr("没有导出")),
        )
