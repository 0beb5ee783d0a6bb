"""打印: choose a report and its period; the PDF is built off the UI thread, then previewed.

The preview, printing and saving as PDF are app/ui/dialogs/print_preview.py's; this dialog only
chooses what to print and builds it, on the window's job runner, with the report data services
and renderers (the building and the buttons are app/ui/dialogs/report_dialog.py's, shared with
the rating round's print dialog).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.periods import Month
from app.reports.data import DEFAULT_OBJECTION_CONTACT, MAX_OFFSET_MM, NOTICE_DAYS, CertificateOptions
from app.services.printing import report_data
from app.ui.context import UiContext
from app.ui.dialogs.print_members import MemberChoice
from app.ui.dialogs.report_dialog import ReportDialog
from app.ui.widgets import hint_label

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: str
    monthly: bool
    hint: str


def report_kinds() -> list[ReportKind]:
    """Labels and hints are marked for translation here and translated where they are shown."""
    return [
        ReportKind("scorecards", QT_TRANSLATE_NOOP("PrintDialog", "积分卡（每人一张）"), True,
                   QT_TRANSLATE_NOOP("PrintDialog", "每名党员当月的积分卡，A4 纵向。")),
        ReportKind("notice", QT_TRANSLATE_NOOP("PrintDialog", "积分公示表"), True,
                   QT_TRANSLATE_NOOP("PrintDialog", "全支部当月积分排名，贴在公示栏，A4 或 A3 横向。")),
        ReportKind("stars", QT_TRANSLATE_NOOP("PrintDialog", "星级评定公示"), False,
                   QT_TRANSLATE_NOOP("PrintDialog", "全年星级评定结果公示，A4 或 A3 纵向。")),
        ReportKind("certificates", QT_TRANSLATE_NOOP("PrintDialog", "荣誉证书（五星党员）"), False,
                   QT_TRANSLATE_NOOP("PrintDialog", "五星党员的荣誉证书，A4 横向，每人一页。")),
        ReportKind("annual", QT_TRANSLATE_NOOP("PrintDialog", "年度积分汇总"), False,
                   QT_TRANSLATE_NOOP("PrintDialog", "每名党员全年每月的积分、总分、等次和星级。")),
        # Last in the list: the rows above keep the numbers remembered in the clerk's preferences.
        ReportKind("board", QT_TRANSLATE_NOOP("PrintDialog", "红黑榜"), True,
                   QT_TRANSLATE_NOOP("PrintDialog", "当月或当季积分红榜、黑榜，按本年细则的红黑榜规则，贴在公示栏，A4 或 A3 纵向。")),
    ]


@dataclass(frozen=True)
class PrintOptions:
    """Every printing option the command line has (app/cli/report_verbs.py), chosen in the window."""

    paper: str = "A4"
    per_page: int = 1
    min_stars: int = 5
    certificate: CertificateOptions = CertificateOptions()
    issue: report_data.IssueSettings = report_data.IssueSettings()
    charts: bool = False  # the notice's chart page; a page of charts after each annual summary
    quarterly: bool = False  # the board of the chosen month's quarter instead of the month's
    member_id: uuid.UUID | None = None  # one member's scorecard (report scorecards --member); None: everyone's


def build_report(store, kind: str, month: Month, year: int, options: PrintOptions | str = PrintOptions()) -> Callable:
    """The job: report data, then the renderer (runs on the worker thread, opens its own sessions)."""
    from app import reports  # reportlab and the charts on paper: loaded when something is printed, not at start
    from app.services.charts import paper as chart_paper

    if isinstance(options, str):  # the paper alone, as before
        options = PrintOptions(paper=options)
    settings, paper = options.issue, options.paper

    def build(control) -> tuple[bytes, str]:
        progress = control.progress
        if kind == "scorecards":
            batch = report_data.scorecards(store, month, None if options.member_id is None else [options.member_id], settings)
            pdf = reports.render_scorecards(batch, per_page=options.per_page, progress=progress)
            whose = batch.cards[0].member_name if options.member_id is not None and batch.cards else ""
            return pdf, translate("PrintDialog", "{0}{1}积分卡").format(whose, month.label)
        if kind == "notice":
            notice = report_data.monthly_notice(store, month, settings)
            pdf = reports.render_monthly_notice(notice, paper=paper, progress=progress)
            if options.charts:
                pdf = chart_paper.append_pages(
                    pdf, chart_paper.notice_chart_pages(store, month, chart_paper.issue_line(notice.issue), paper)
                )
            return pdf, translate("PrintDialog", "{0}积分公示表").format(month.label)
        if kind == "stars":
            notice = report_data.star_notice(store, year, settings)
            return reports.render_star_notice(notice, paper=paper, progress=progress), (translate("PrintDialog", "{0}年度星级评定公示") if notice.assessed else translate("PrintDialog", "{0}年度星级预评名单")).format(year)
        if kind == "board":
            return _board(store, month, options), _board_title(month, options.quarterly)
        if kind == "certificates":
            batch = report_data.certificates(store, year, None, options.min_stars, settings)
            pdf = reports.render_certificates(batch, options.certificate, progress=progress)
            return pdf, translate("PrintDialog", "{0}年度荣誉证书").format(year)
        batch = report_data.annual_summaries(store, year, None, settings)
        charts = chart_paper.annual_chart_sets(store, year) if options.charts else None
        return reports.render_annual(batch, progress=progress, charts=charts), translate("PrintDialog", "{0}年度积分汇总").format(year)

    return build


def _board(store, month: Month, options: PrintOptions) -> bytes:
    from app.reports.shop_papers import render_board_notice
    from app.services.printing.shop_papers import board_notice

    quarter = (month.month - 1) // 3 + 1
    notice = board_notice(store, month.year, None if options.quarterly else month.month, quarter if options.quarterly else None,
                          options.issue)
    return render_board_notice(notice, options.paper)


def _board_title(month: Month, quarterly: bool) -> str:
    if quarterly:
        return translate("PrintDialog", "{0}年第{1}季度红黑榜").format(month.year, (month.month - 1) // 3 + 1)
    return translate("PrintDialog", "{0}红黑榜").format(month.label)


ISSUED = ("stars", "notice", "board")  # the sheets with a publicity period and an objection contact
SIGNED = ("scorecards", "notice", "stars", "certificates", "annual", "board")
WITH_CHARTS = ("notice", "annual")  # the papers that can carry chart pages


class PrintDialog(ReportDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.kinds = report_kinds()
        self.prefs = PrintPreferences(ctx.window_state, ctx.store)
        self.setMinimumWidth(640)
        self.setWindowTitle(self.tr("打印"))
        layout = QVBoxLayout(self)
        self.kind_list = QListWidget()
        for kind in self.kinds:
            self.kind_list.addItem(self.tr(kind.label))
        self.kind_list.setFixedHeight(self.kind_list.sizeHintForRow(0) * len(self.kinds) + 8)  # every kind in sight
        self.kind_list.setCurrentRow(self.prefs.kind_row(len(self.kinds)))
        self.kind_list.currentRowChanged.connect(self._kind_changed)
        layout.addWidget(self.kind_list)
        self.kind_hint = hint_label()
        layout.addWidget(self.kind_hint)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(self._period_form(ctx.today()))
        left.addWidget(self._certificate_box())
        left.addStretch(1)
        columns.addLayout(left)
        columns.addWidget(self._issue_box(ctx.today()))
        layout.addLayout(columns)
        self.add_foot(layout)
        self._kind_changed(self.kind_list.currentRow())

    def _period_form(self, today) -> QFormLayout:
        form = QFormLayout()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(self.tr(" 年"))
        form.addRow(self.tr("年度"), self.year_spin)
        self.month_box = QComboBox()
        for number in range(1, 13):
            self.month_box.addItem(self.tr("{0}月").format(number), number)
        # Early in a month the clerk prints the month just finished.
        last = Month(today.year, today.month) if today.day > 10 or today.month == 1 else Month(today.year, today.month - 1)
        self.month_box.setCurrentIndex(last.month - 1)
        form.addRow(self.tr("月份"), self.month_box)
        self.quarter_check = QCheckBox(self.tr("红黑榜按季度（所选月份所在的季度）"))
        form.addRow("", self.quarter_check)
        self.paper_box = QComboBox()
        self.paper_box.addItems(["A4", "A3"])
        self.paper_box.setCurrentText(self.prefs.text("paper", "A4"))
        form.addRow(self.tr("纸张"), self.paper_box)
        self.per_page_box = QComboBox()
        self.per_page_box.addItem(self.tr("每页一张"), 1)
        self.per_page_box.addItem(self.tr("每页两张（上下两张，沿虚线裁开）"), 2)
        self.per_page_box.setCurrentIndex(max(0, self.per_page_box.findData(self.prefs.number("per_page", 1))))
        form.addRow(self.tr("积分卡"), self.per_page_box)
        self.members = MemberChoice(self.ctx, self)
        self.member_box = self.members.box
        form.addRow(self.tr("党员"), self.member_box)
        form.addRow("", self.members.note)
        self.year_spin.valueChanged.connect(self._show_members)
        self.month_box.currentIndexChanged.connect(self._show_members)
        # the whole sentence did not fit the dialog's column at 1366×768 and was cut off mid-word
        self.charts_check = QCheckBox(self.tr("附上图表页"))
        self.charts_check.setToolTip(self.tr("积分公示表附党小组和会议出席率图表；年度积分汇总每人附一页全年图表。"))
        self.charts_check.setChecked(self.prefs.flag("charts"))
        form.addRow(self.tr("图表"), self.charts_check)
        return form

    def _show_members(self, *_changed) -> None:
        """The members on the chosen month's ranking, whose cards that month prints: one who has
        left since is among them, one who came later is not."""
        self.members.show(Month(self.year_spin.value(), self.month_box.currentData()), self.kind.key == "scorecards")

    def _certificate_box(self) -> QGroupBox:
        self.certificate_group = QGroupBox(self.tr("荣誉证书"))
        form = QFormLayout(self.certificate_group)
        self.stars_spin = QSpinBox()
        self.stars_spin.setRange(1, 5)
        self.stars_spin.setValue(self.prefs.number("min_stars", 5))
        self.stars_spin.setSuffix(self.tr(" 星及以上"))
        form.addRow(self.tr("发给"), self.stars_spin)
        self.right_spin, self.down_spin = (self._offset_spin("offset_right"), self._offset_spin("offset_down"))
        form.addRow(self.tr("向右移动"), self.right_spin)
        form.addRow(self.tr("向下移动"), self.down_spin)
        self.variable_check = QCheckBox(self.tr("只打印姓名等文字（套打预印证书纸）"))
        self.variable_check.setChecked(self.prefs.flag("variable_only"))
        form.addRow(self.variable_check)
        return self.certificate_group

    def _offset_spin(self, name: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)
        spin.setDecimals(1)
        spin.setSuffix(self.tr(" 毫米"))
        spin.setValue(self.prefs.decimal(name))
        return spin

    def _issue_box(self, today) -> QGroupBox:
        self.issue_group = QGroupBox(self.tr("落款与公示"))
        form = QFormLayout(self.issue_group)
        self.issuer_edit = QLineEdit(self.prefs.text("issuer", ""))
        self.issuer_edit.setPlaceholderText(self.tr("默认本支部名称"))
        form.addRow(self.tr("落款单位"), self.issuer_edit)
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("落款日期"), self.date_edit)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(1, 30)
        self.days_spin.setValue(self.prefs.number("notice_days", NOTICE_DAYS))
        self.days_spin.setSuffix(self.tr(" 天"))
        form.addRow(self.tr("公示天数"), self.days_spin)
        self.contact_edit = QLineEdit(self.prefs.text("contact", "") or DEFAULT_OBJECTION_CONTACT)
        form.addRow(self.tr("受理异议"), self.contact_edit)
        self.phone_edit = QLineEdit(self.prefs.text("phone", ""))
        self.phone_edit.setPlaceholderText(self.tr("支部或乡镇的公开电话"))
        form.addRow(self.tr("联系电话"), self.phone_edit)
        return self.issue_group

    @property
    def kind(self) -> ReportKind:
        return self.kinds[max(0, self.kind_list.currentRow())]

    def _kind_changed(self, _row: int) -> None:
        kind = self.kind
        self.kind_hint.setText(self.tr(kind.hint))
        self.month_box.setEnabled(kind.monthly)
        self.paper_box.setEnabled(kind.key in ("notice", "stars", "board"))
        self.quarter_check.setEnabled(kind.key == "board")
        self.per_page_box.setEnabled(kind.key == "scorecards")
        self._show_members()
        self.charts_check.setEnabled(kind.key in WITH_CHARTS)
        self.certificate_group.setEnabled(kind.key == "certificates")
        for widget in (self.days_spin, self.contact_edit, self.phone_edit):
            widget.setEnabled(kind.key in ISSUED)

    def options(self) -> PrintOptions:
        day = self.date_edit.date()
        issue = report_data.IssueSettings(
            issuing_org=self.issuer_edit.text().strip() or None,
            issued_on=date(day.year(), day.month(), day.day()),
            notice_days=self.days_spin.value(),
            objection_contact=self.contact_edit.text().strip() or DEFAULT_OBJECTION_CONTACT,
            objection_phone=self.phone_edit.text().strip(),
        )
        certificate = CertificateOptions(self.right_spin.value(), self.down_spin.value(), self.variable_check.isChecked())
        return PrintOptions(self.paper_box.currentText(), self.per_page_box.currentData(), self.stars_spin.value(), certificate, issue,
                            self.charts_check.isChecked() and self.kind.key in WITH_CHARTS,
                            self.quarter_check.isChecked() and self.kind.key == "board",
                            self.members.current_id())

    def make_preview(self) -> None:
        kind, options = self.kind, self.options()
        self.prefs.remember(self.kind_list.currentRow(), options)
        month = Month(self.year_spin.value(), self.month_box.currentData())
        build = build_report(self.ctx.store, kind.key, month, self.year_spin.value(), options)
        self.build_and_preview(build, self.tr(kind.label))


class PrintPreferences:
    """The clerk's printing choices, remembered per branch (per database file) in the window state's
    preferences (not its geometry): issuer, publicity days, objection contact and phone, paper…
    The issue date is not remembered: it is the day of printing."""

    def __init__(self, state, store) -> None:
        self.state = state
        where = str(store.path.resolve()) if store.path else store.url
        self.prefix = "print/" + hashlib.sha1(where.encode("utf-8")).hexdigest()[:12]

    def _value(self, name: str, default):
        return self.state.value(f"{self.prefix}/{name}", default)

    def text(self, name: str, default: str) -> str:
        value = self._value(name, default)
        return value if isinstance(value, str) else default

    def number(self, name: str, default: int) -> int:
        try:
            return int(self._value(name, default))
        except (TypeError, ValueError):
            return default

    def decimal(self, name: str) -> float:
        try:
            return float(self._value(name, 0))
        except (TypeError, ValueError):
            return 0.0

    def flag(self, name: str) -> bool:
        return str(self._value(name, "false")).lower() == "true"

    def kind_row(self, count: int) -> int:
        row = self.number("kind", 1)
        return row if 0 <= row < count else 1

    def remember(self, kind_row: int, options: PrintOptions) -> None:
        issue, certificate = options.issue, options.certificate
        for name, value in (
            ("kind", kind_row), ("paper", options.paper), ("per_page", options.per_page), ("min_stars", options.min_stars),
            ("offset_right", certificate.offset_right_mm), ("offset_down", certificate.offset_down_mm),
            ("variable_only", "true" if certificate.variable_only else "false"),
            ("issuer", issue.issuing_org or ""), ("notice_days", issue.notice_days),
            ("contact", issue.objection_contact), ("phone", issue.objection_phone),
            ("charts", "true" if options.charts else "false"),
        ):
            self.state.set_value(f"{self.prefix}/{name}", value)
        self.state.sync()
