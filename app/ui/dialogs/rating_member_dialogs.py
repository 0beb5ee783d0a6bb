"""Star-rating steps about one member: 登记申报, 调整星级 / 动态调星, 登记异议, and 双报到 for all in-service members.

Each dialog opens on the member selected in the page's table and lets the clerk pick another.
The services decide what is allowed; these dialogs only read the fields (see rating_form.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QScrollArea, QVBoxLayout, QWidget

from app.domain.enums import MemberClass
from app.domain.points import format_points
from app.services.rating import rounds as rating
from app.services.context import Change
from app.services.rating.queries import RoundView
from app.ui.context import UiContext
from app.ui.dialogs.rating_form import CandidateBox, RatingFormDialog
from app.ui.models.rating_models import star_text, stars_word
from app.ui.widgets import calendar_edit, date_of, hint_label

OVERRIDE, ADJUST = "override", "adjust"


def stars_box(low: int, chosen: int | None = None) -> QComboBox:
    """0 (不评星) or 1 to 5 stars, drawn as ★."""
    box = QComboBox()
    for stars in range(low, 6):
        box.addItem(f"{star_text(stars)}　{stars_word(stars)}" if stars else stars_word(0), stars)
    if chosen is not None:
        box.setCurrentIndex(max(0, box.findData(chosen)))
    return box


def _text_edit(placeholder: str, height: int = 72) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


class DeclareDialog(RatingFormDialog):
    """申报创星: the stars a member aims for and his statement."""

    def __init__(self, ctx: UiContext, view: RoundView, chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("登记创星申报"), self.tr(
            "党员本人（或由你代为）申报今年争创的星级，并写明承诺或理由。申报不决定星级，测评仍按积分进行。"
        ), parent)
        self.year = view.year
        self.member_box = CandidateBox(view.candidates, chosen)
        self.member_box.currentIndexChanged.connect(self._member_changed)
        self.form.addRow(self.tr("党员"), self.member_box)
        self.stars_box = stars_box(1, 5)
        self.form.addRow(self.tr("申报星级"), self.stars_box)
        self.statement_edit = _text_edit(self.tr("如 全年按时参加组织生活，带头参加志愿服务"))
        self.form.addRow(self.tr("申报承诺"), self.statement_edit)
        self.date_edit = calendar_edit(ctx.today())
        self.form.addRow(self.tr("申报日期"), self.date_edit)
        self._member_changed()

    def _member_changed(self) -> None:
        """Show what the chosen member declared before (a new declaration replaces it)."""
        candidate = self.member_box.current()
        declared = candidate is not None and bool(candidate.declared_stars)
        self.stars_box.setCurrentIndex(self.stars_box.findData(candidate.declared_stars if declared else 5))
        self.statement_edit.setPlainText(candidate.declaration if declared else "")

    def work(self):
        candidate = self.member_box.current()
        store, actor, today, year = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year
        stars, statement, on = self.stars_box.currentData(), self.statement_edit.toPlainText(), date_of(self.date_edit)
        return lambda: rating.declare(store, actor, year, candidate.member_id, stars, statement, on, today=today)


class StarChangeDialog(RatingFormDialog):
    """调整星级 (the committee, before publicity) or 动态调星 (after verification): always with a written reason."""

    def __init__(self, ctx: UiContext, view: RoundView, kind: str, chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "", "", parent, width=540)
        if kind == OVERRIDE:
            self.setWindowTitle(self.tr("调整星级（支委会审核）"))
            self.set_explanation(self.tr(
                "支委会审核时可以调整系统测评的星级，但必须写明理由；理由会记入该党员的星级变动记录，并随上报材料报乡镇。"
            ))
        else:
            self.setWindowTitle(self.tr("动态调星"))
            self.set_explanation(self.tr("乡镇验星之后，党员受到表彰或处分等，可升星、降星或摘星（不评星），必须写明理由和日期。"))
        self.kind, self.year = kind, view.year
        self.member_box = CandidateBox(view.candidates, chosen)
        self.member_box.currentIndexChanged.connect(self._member_changed)
        self.form.addRow(self.tr("党员"), self.member_box)
        self.current_label = hint_label()
        self.form.addRow(self.tr("现在"), self.current_label)
        self.stars_box = stars_box(0)
        self.form.addRow(self.tr("调整为"), self.stars_box)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            self.tr("如 抗洪抢险中表现突出，支委会讨论通过") if kind == OVERRIDE else self.tr("如 受到党内警告处分，降为三星")
        )
        self.form.addRow(self.tr("理由（必填）"), self.reason_edit)
        self.date_edit = calendar_edit(ctx.today())
        self.form.addRow(self.tr("日期"), self.date_edit)
        self._member_changed()

    def _member_changed(self) -> None:
        candidate = self.member_box.current()
        if candidate is None:
            return
        text = self.tr("{0}（测评 {1}，年度积分 {2}）").format(
            stars_word(candidate.stars), stars_word(candidate.proposed_stars),
            format_points(candidate.final_total) if candidate.final_total is not None else "—",
        )
        self.current_label.setText(text)
        self.stars_box.setCurrentIndex(max(0, self.stars_box.findData(candidate.stars or 0)))

    def work(self):
        candidate = self.member_box.current()
        store, actor, today, year = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year
        stars, reason, on = self.stars_box.currentData(), self.reason_edit.text(), date_of(self.date_edit)
        service = rating.override if self.kind == OVERRIDE else rating.adjust
        return lambda: service(store, actor, year, candidate.member_id, stars, reason, on, today=today)


class ObjectionDialog(RatingFormDialog):
    """公示期间群众对某名党员评星提出的异议。"""

    def __init__(self, ctx: UiContext, view: RoundView, chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("登记异议"), self.tr(
            "公示期（{0:%Y-%m-%d} 至 {1:%Y-%m-%d}）内有人对评星结果提出异议，登记下来，由支委会核实后答复。"
        ).format(view.publicity_start, view.publicity_end), parent)
        self.year = view.year
        self.member_box = CandidateBox(view.candidates, chosen)
        self.form.addRow(self.tr("对哪名党员"), self.member_box)
        self.raised_by_edit = QLineEdit()
        self.raised_by_edit.setPlaceholderText(self.tr("如 群众李某、第二党小组党员"))
        self.form.addRow(self.tr("提出人"), self.raised_by_edit)
        self.date_edit = calendar_edit(min(ctx.today(), view.publicity_end))
        self.form.addRow(self.tr("提出日期"), self.date_edit)
        self.content_edit = _text_edit(self.tr("异议的内容"))
        self.form.addRow(self.tr("异议内容"), self.content_edit)

    def work(self):
        candidate = self.member_box.current()
        store, actor, today, year = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year
        raised_by, on, content = self.raised_by_edit.text(), date_of(self.date_edit), self.content_edit.toPlainText()
        return lambda: rating.record_objection(store, actor, year, candidate.member_id, raised_by, on, content, today=today)


class DualReportDialog(RatingFormDialog):
    """双报到: tick the in-service members who served in their home community this year."""

    def __init__(self, ctx: UiContext, view: RoundView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("登记双报到"), self.tr(
            "在职党员应到居住地社区报到并参加服务（双报到）。没有落实的，最高评{0}星，也不能评先评优。勾选已经落实的党员："
        ).format(view.scheme.dual_report_max_stars), parent)
        self.year = view.year
        self.candidates = [c for c in view.candidates if c.member_class is MemberClass.IN_SERVICE]
        holder = QWidget()
        column = QVBoxLayout(holder)
        self.checks: list[QCheckBox] = []
        for candidate in self.candidates:
            check = QCheckBox(f"{candidate.name}　{candidate.group_name}".strip())
            check.setChecked(bool(candidate.dual_report_served))
            column.addWidget(check)
            self.checks.append(check)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setMinimumHeight(min(360, 40 + 30 * len(self.candidates)))
        self.form.addRow(scroll)
        # Where the rule set decides 双报到 by service hours, a tick against the hours needs a reason.
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("细则按服务时长认定时，改变认定结果须写明原因"))
        self.form.addRow(self.tr("原因"), self.reason_edit)

    def check_for(self, name: str) -> QCheckBox | None:
        return next((check for check, c in zip(self.checks, self.candidates) if c.name == name), None)

    def work(self):
        store, actor, year, reason = self.ctx.store, self.ctx.actor, self.year, self.reason_edit.text()
        changes = [(c.member_id, check.isChecked()) for c, check in zip(self.candidates, self.checks)
                   if check.isChecked() != bool(c.dual_report_served)]
        if not changes:
            self.reject()
            return None

        summary = self.tr("已登记 {0} 名在职党员的双报到情况。").format(len(changes))

        def save() -> Change:
            for member_id, served in changes:
                last = rating.set_dual_report(store, actor, year, member_id, served, reason)
            return last if len(changes) == 1 else Change(summary)

        return save
