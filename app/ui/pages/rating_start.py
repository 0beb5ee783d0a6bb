"""Before the year's round exists: the scheme it will use (editable where it may be) and 开始评定."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.domain.points import format_points
from app.domain.rating import RatingScheme
from app.services.rating import rounds as rating
from app.services.rating.rated import rated_rows
from app.services.rules import rulesets
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.models.rating_models import star_text
from app.ui.widgets import calendar_edit, date_of, error_label, hint_label, show_problem, title_label


def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(110)
    return spin


@dataclass(frozen=True)
class StartAnswer:
    """What the panel shows before the round starts: the scheme and how many members, or why not."""

    scheme: RatingScheme | None
    count: int = 0
    problem: str = ""


def ask_start(store, year: int) -> StartAnswer:
    """The year's scheme and the number of members the round will rate (on the roster at the
    year's end, as start_round takes them), on the database worker."""
    try:
        scheme = RatingScheme.from_rule_set(rulesets.get_rule_set(store, year).rule_set)
        count = len(rated_rows(store, year))
    except AppError as exc:
        return StartAnswer(None, problem=exc.message)
    return StartAnswer(scheme, count)


class RatingStartPanel(QWidget):
    started = Signal(object)  # the service's Change

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.year = ctx.today().year
        self.job = None
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        self.heading = title_label("")
        outer.addWidget(self.heading, 0, Qt.AlignmentFlag.AlignHCenter)
        self.intro = hint_label()
        self.intro.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        outer.addWidget(self.intro)
        box = QGroupBox(self.tr("评定办法（开始后随本轮评定保存，不再随积分细则变化）"))
        box.setMinimumWidth(620)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.bands_label = QLabel()
        self.bands_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(self.tr("星级分数线"), self.bands_label)
        quota_row = QHBoxLayout()
        self.quota_check = QCheckBox(self.tr("限制五星名额，不超过全支部评星人数的"))
        self.quota_spin = _spin(1, 100, 20, " %")
        self.quota_check.toggled.connect(self.quota_spin.setEnabled)
        quota_row.addWidget(self.quota_check)
        quota_row.addWidget(self.quota_spin)
        quota_row.addStretch(1)
        form.addRow(self.tr("五星名额"), quota_row)
        self.dual_spin = _spin(0, 5, 3, self.tr(" 星"))
        form.addRow(self.tr("未落实双报到最高"), self.dual_spin)
        self.award_spin = _spin(1, 5, 4, self.tr(" 星及以上"))
        form.addRow(self.tr("评先评优需要"), self.award_spin)
        self.days_spin = _spin(1, 30, 5, self.tr(" 天"))
        form.addRow(self.tr("公示期"), self.days_spin)
        self.probation_label = QLabel()
        form.addRow(self.tr("预备党员"), self.probation_label)
        self.date_edit = calendar_edit(ctx.today())
        form.addRow(self.tr("开始日期"), self.date_edit)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        self.problem = error_label()
        self.problem.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        outer.addWidget(self.problem)
        self.start_button = QPushButton(self.tr("开始评定"))
        self.start_button.setMinimumWidth(160)
        self.start_button.clicked.connect(self.start)
        outer.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def show(self, year: int, answer: StartAnswer) -> None:
        """Show the year's rule-set scheme with the program's defaults for what the round adds."""
        self.year = year
        self.heading.setText(self.tr("{0} 年星级评定还没有开始").format(year))
        show_problem(self.problem, answer.problem)
        scheme = answer.scheme
        if scheme is None:
            self.bands_label.setText("—")
            self.probation_label.setText("—")
            self.intro.setText("")
            self.start_button.setEnabled(False)
            return
        self.intro.setText(self.tr(
            "开始后，{0} 名在册党员都列入评定名单，可以登记创星申报和双报到情况；之后按步骤测评、公示、上报乡镇。"
        ).format(answer.count))
        lines = [
            self.tr("{0} 分及以上　{1}").format(format_points(band.min_points), star_text(band.stars))
            for band in sorted(scheme.star_bands, key=lambda b: -b.min_points)
        ]
        # One line: five lines would not fit a 1280×720 laptop with the rest of the form below.
        self.bands_label.setText("　　".join(lines))
        self.quota_check.setChecked(scheme.five_star_quota is not None)
        self.quota_spin.setEnabled(scheme.five_star_quota is not None)
        if scheme.five_star_quota is not None:
            self.quota_spin.setValue(int(scheme.five_star_quota * 100))
        if scheme.probation_flag_below is not None:
            self.probation_label.setText(self.tr("年度积分低于 {0} 分的，不能评先评优").format(format_points(scheme.probation_flag_below)))
        else:
            self.probation_label.setText(self.tr("不另设要求"))
        self.start_button.setEnabled(self.ctx.can_review)
        if not self.ctx.can_review:
            show_problem(self.problem, self.tr("只有审核人可以开始星级评定。"))

    def overrides(self) -> dict:
        quota = Decimal(self.quota_spin.value()) / 100 if self.quota_check.isChecked() else None
        return {
            "five_star_quota": quota,
            "dual_report_max_stars": self.dual_spin.value(),
            "award_min_stars": self.award_spin.value(),
            "publicity_days": self.days_spin.value(),
        }

    def start(self) -> None:
        store, actor, today, year = self.ctx.store, self.ctx.actor, self.ctx.today(), self.year
        on, overrides = date_of(self.date_edit), self.overrides()
        self.start_button.setEnabled(False)
        self.job = self.ctx.write(
            lambda _control: rating.start_round(store, actor, year, on, today=today, **overrides), Kind.RATING,
            self._started, parent=self, on_problem=self._failed,
        )

    def _started(self, change) -> None:
        self.start_button.setEnabled(True)
        self.started.emit(change)

    def _failed(self, exc: BaseException) -> None:
        self.start_button.setEnabled(True)
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)
