"""Star-rating steps of the whole round: 测评星级, 发布公示, 答复异议, 上报乡镇, 重新打开.

The dialogs read their fields and hand the service call to the job runner (rating_form.py).
上报乡镇 asks where to write the report file once the clerk presses 确定.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QRadioButton, QSpinBox, QWidget

from app.domain.errors import ValidationError
from app.domain.rating import RoundStatus
from app.services.rating import rounds as rating
from app.services.rating import exchange as rating_exchange
from app.services.rating.queries import RoundView
from app.ui.context import UiContext
from app.ui.dialogs.rating_form import RatingFormDialog
from app.ui.dialogs.rating_member_dialogs import _text_edit, stars_box
from app.ui.models.rating_models import stars_word
from app.ui.widgets import calendar_edit, date_of, hint_label

REPORT_SUFFIX = ".jfrating"


class AssessDialog(RatingFormDialog):
    """审核评星: freeze the year's totals and let the program propose everyone's stars."""

    def __init__(self, ctx: UiContext, view: RoundView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("测评星级"), "", parent)
        text = self.tr(
            "按 {0} 名党员到今天为止已审核的年度积分，依照评定办法测评星级。测评时积分冻结，公示和证书都用冻结的结果；"
            "之后补记的积分不会改变评定结果。测评后由支委会审核，必要时写明理由调整。"
        ).format(len(view.candidates))
        if view.status is not RoundStatus.APPLYING:
            text += self.tr("\n重新测评会按目前的积分重新冻结，之前的调整不再保留为当前星级（调整记录仍在）。")
        self.set_explanation(text)
        self.year = view.year
        self.date_edit = calendar_edit(ctx.today())
        self.form.addRow(self.tr("测评日期"), self.date_edit)

    def work(self):
        store, actor, today, year, on = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year, date_of(self.date_edit)
        return lambda: rating.assess(store, actor, year, on, today=today)


class PublicityDialog(RatingFormDialog):
    """公示亮星: the notice goes up on the board for the publicity period."""

    def __init__(self, ctx: UiContext, view: RoundView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("发布公示"), self.tr(
            "把评定结果在公示栏公示。公示期内群众可以提出异议；公示期满、异议都答复后才能上报乡镇。"
            "发布后可点“打印公示”打印公示表。"
        ), parent)
        self.year = view.year
        self.start_edit = calendar_edit(ctx.today())
        self.start_edit.dateChanged.connect(self._update_end)
        self.form.addRow(self.tr("公示开始日期"), self.start_edit)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 30)
        self.days_spin.setValue(view.scheme.publicity_days)
        self.days_spin.setSuffix(self.tr(" 天"))
        self.days_spin.valueChanged.connect(self._update_end)
        self.form.addRow(self.tr("公示天数"), self.days_spin)
        self.end_label = hint_label()
        self.form.addRow("", self.end_label)
        self.contact_edit = QLineEdit(view.objection_contact)
        self.contact_edit.setPlaceholderText(self.tr("如 村党群服务中心 王书记 13800000000"))
        self.form.addRow(self.tr("异议受理"), self.contact_edit)
        self._update_end()

    def _update_end(self) -> None:
        end = date_of(self.start_edit) + timedelta(days=self.days_spin.value() - 1)
        self.end_label.setText(self.tr("公示到 {0:%Y-%m-%d} 为止，之后才能上报乡镇。").format(end))

    def work(self):
        store, actor, today, year = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year
        start, days, contact = date_of(self.start_edit), self.days_spin.value(), self.contact_edit.text()
        return lambda: rating.publicise(store, actor, year, start, days, contact, today=today)


class AnswerDialog(RatingFormDialog):
    """答复异议: the committee's answer; an upheld objection may change the member's stars."""

    def __init__(self, ctx: UiContext, view: RoundView, chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("答复异议"), self.tr(
            "支委会核实后答复。异议成立的，可以同时改变该党员的星级，答复内容就是调整理由。"
        ), parent, width=560)
        self.view = view
        self.objections = [o for o in view.objections if o.answered_on is None]
        self.objection_box = QComboBox()
        for objection in self.objections:  # who and when; what was said goes whole into the line below
            self.objection_box.addItem(self.tr("{0}（{1}，{2:%Y-%m-%d}提出）").format(
                objection.member_name, objection.raised_by, objection.raised_on))
        index = next((i for i, o in enumerate(self.objections) if o.id == chosen), 0)
        self.objection_box.setCurrentIndex(index)
        self.objection_box.currentIndexChanged.connect(self._objection_changed)
        self.form.addRow(self.tr("异议"), self.objection_box)
        self.content_label = hint_label()
        self.form.addRow("", self.content_label)
        self.answer_edit = _text_edit(self.tr("如 经核实情况属实，维持测评结果四星"))
        self.form.addRow(self.tr("答复"), self.answer_edit)
        row = QHBoxLayout()
        self.upheld_radio = QRadioButton(self.tr("异议成立"))
        self.rejected_radio = QRadioButton(self.tr("异议不成立"))
        self.rejected_radio.setChecked(True)
        self.verdict = QButtonGroup(self)
        for radio in (self.upheld_radio, self.rejected_radio):
            self.verdict.addButton(radio)
            row.addWidget(radio)
        row.addStretch(1)
        self.form.addRow(self.tr("结论"), row)
        stars_row = QHBoxLayout()
        self.change_check = QCheckBox(self.tr("同时调整星级为"))
        self.stars_box = stars_box(0)
        stars_row.addWidget(self.change_check)
        stars_row.addWidget(self.stars_box, 1)
        self.form.addRow("", stars_row)
        self.current_label = hint_label()
        self.form.addRow("", self.current_label)
        self.date_edit = calendar_edit(ctx.today())
        self.form.addRow(self.tr("答复日期"), self.date_edit)
        self.upheld_radio.toggled.connect(self._verdict_changed)
        self.change_check.toggled.connect(self._verdict_changed)
        self._objection_changed()
        self._verdict_changed()

    def _candidate(self):
        objection = self.objections[self.objection_box.currentIndex()] if self.objections else None
        return next((c for c in self.view.candidates if objection and c.member_id == objection.member_id), None)

    def _objection_changed(self) -> None:
        objection = self.objections[self.objection_box.currentIndex()] if self.objections else None
        self.content_label.setText(objection.content if objection else "")
        self.content_label.setVisible(objection is not None)
        candidate = self._candidate()
        if candidate is not None:
            self.current_label.setText(self.tr("{0}现在是{1}。").format(candidate.name, stars_word(candidate.stars)))
            self.stars_box.setCurrentIndex(max(0, self.stars_box.findData(candidate.stars or 0)))

    def _verdict_changed(self) -> None:
        upheld = self.upheld_radio.isChecked()
        self.change_check.setEnabled(upheld)
        if not upheld:
            self.change_check.setChecked(False)
        self.stars_box.setEnabled(upheld and self.change_check.isChecked())

    def work(self):
        if not self.objections:
            raise ValidationError(self.tr("没有待答复的异议。"))
        objection = self.objections[self.objection_box.currentIndex()]
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        answer, upheld, on = self.answer_edit.toPlainText(), self.upheld_radio.isChecked(), date_of(self.date_edit)
        new_stars = self.stars_box.currentData() if upheld and self.change_check.isChecked() else None
        return lambda: rating.answer_objection(store, actor, objection.id, answer, upheld, on, new_stars=new_stars, today=today)


class ReportDialog(RatingFormDialog):
    """上报验星: lock the round and write the report file the clerk carries to the township."""

    def __init__(self, ctx: UiContext, view: RoundView, branch_name: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("上报乡镇验星"), self.tr(
            "上报后，{0} 年的评定和积分都会锁定：不能再补记、审核或冲正积分，除非重新打开评定（会留下记录）。"
            "按“确定”后选择保存上报文件的位置（可以直接存到U盘），再把文件交给乡镇党委。"
        ).format(view.year), parent)
        self.year = view.year
        self.date_edit = calendar_edit(ctx.today())
        self.form.addRow(self.tr("上报日期"), self.date_edit)
        self.path: Path | None = None
        self.branch_name = branch_name  # read with the round, on the worker

    def suggested_name(self) -> str:
        return self.tr("{0}{1}年星级评定上报{2}").format(self.branch_name, self.year, REPORT_SUFFIX)

    def work(self):
        store, actor, today, year, on = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year, date_of(self.date_edit)
        chosen = self.ctx.ask_save_path(self, self.tr("保存上报文件"), self.suggested_name(), self.tr("星级评定上报文件 (*.jfrating)"))
        if not chosen:
            return None
        path = with_suffix(chosen, REPORT_SUFFIX)
        self.path = path
        return lambda: rating_exchange.report_to_township(store, actor, year, on, path, today=today)


class ReopenDialog(RatingFormDialog):
    """重新打开: a reported, returned or verified round goes back to 审核评星; the reason is recorded."""

    def __init__(self, ctx: UiContext, view: RoundView, parent: QWidget | None = None) -> None:
        super().__init__(ctx, self.tr("重新打开评定"), self.tr(
            "重新打开后，{0} 年的积分可以补记、审核和冲正，星级可以重新调整；改完后要重新公示、重新上报乡镇。"
            "打开的原因会记录在评定的步骤中。"
        ).format(view.year), parent)
        self.year = view.year
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("如 按乡镇意见补充双报到证明"))
        self.form.addRow(self.tr("原因（必填）"), self.reason_edit)
        self.date_edit = calendar_edit(ctx.today())
        self.form.addRow(self.tr("日期"), self.date_edit)

    def work(self):
        store, actor, today, year = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year
        reason, on = self.reason_edit.text(), date_of(self.date_edit)
        return lambda: rating.reopen(store, actor, year, reason, on, today=today)


def with_suffix(path: str, suffix: str) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)
