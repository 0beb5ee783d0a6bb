"""积分统计: the branch ranking for a month, a quarter or the year, star bands, near-edge members, one member's year."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.domain.periods import Month
from app.domain.points import format_points
from app.services.charts.branch import branch_charts
from app.services.exports import tables as exports
from app.services.totals import ranking as totals
from app.services.totals.ranking import RankingRow
from app.ui.changes import Kind
from app.ui.charts.panel import ChartPanel
from app.ui.context import UiContext
from app.ui.controllers.excel_out import ExcelOut
from app.ui.errors import show_error
from app.ui.member_detail import MemberDetail
from app.ui.pages.base import Page
from app.ui.models.table_models import CENTER, RIGHT, Column, RowTableModel
from app.ui.widgets import hint_label, make_table

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KIND_STATE_KEY = "totals/kind"  # the kind of ranking last looked at (the period itself is always the current one)


def star_text(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars) if stars else "—"


def is_near_edge(row: RankingRow) -> bool:
    return any(flag.startswith("差") and "分到" in flag for flag in row.flags)


class TotalsPage(Page):
    depends_on = Kind.LEDGER | Kind.ROSTER | Kind.RULES | Kind.SETTINGS  # points, who is in the branch and its groups, the bands

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("积分统计")
        self.ranking: totals.Ranking | None = None
        self.out = ExcelOut(ctx, self)
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.kind_box = QComboBox()
        for key, label in ((MONTH, self.tr("月度排名")), (QUARTER, self.tr("季度排名")), (YEAR, self.tr("年度排名"))):
            self.kind_box.addItem(label, key)
        # The clerk's work is monthly: the current month, unless the clerk last looked at a quarter or the year.
        remembered = ctx.window_state.value(KIND_STATE_KEY, MONTH)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(remembered)))
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        controls.addWidget(self.kind_box)
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(ctx.today().year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.valueChanged.connect(self.reload)
        controls.addWidget(self.year_spin)
        self.period_box = QComboBox()
        self.period_box.currentIndexChanged.connect(self.reload)
        controls.addWidget(self.period_box)
        self.near_edge_check = QCheckBox(self.tr("只看离下一星级差几分的党员"))
        self.near_edge_check.toggled.connect(self._near_edge_toggled)
        controls.addWidget(self.near_edge_check)
        controls.addStretch(1)
        self.summary_label = QLabel()
        controls.addWidget(self.summary_label)
        self.export_button = QPushButton(self.tr("导出Excel…"))
        self.export_button.clicked.connect(self.export_ranking)
        controls.addWidget(self.export_button)
        self.charts_button = QPushButton(self.tr("图表"))
        self.charts_button.setCheckable(True)
        self.charts_button.setToolTip(self.tr("本支部的图表：各党小组、星级分布、扣分项目、会议出席率"))
        controls.addWidget(self.charts_button)
        layout.addLayout(controls)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = RowTableModel(self._columns(), self)
        self.table = make_table(self)
        self.table.setObjectName("totals:ranking")  # shares the height with the member detail below
        self.table.setModel(self.model)
        self.table.selectionModel().selectionChanged.connect(self._show_member)
        splitter.addWidget(self.table)
        self.detail = MemberDetail(ctx)
        splitter.addWidget(self.detail)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([420, 280])
        self.views = QStackedWidget(self)  # the ranking with one member's year, or (图表) the branch as charts
        self.views.addWidget(splitter)
        self.charts = ChartPanel(ctx)
        self.views.addWidget(self.charts)
        self.charts_button.toggled.connect(lambda on: self.views.setCurrentWidget(self.charts if on else splitter))
        layout.addWidget(self.views, 1)
        layout.addWidget(hint_label(self.tr(
            "只计已审核的记录。年度累计含基础分；年度排名还计入民主评议、一票否决和五星名额。点一行查看该党员每月的积分和记录。"
        )))
        self._fill_periods()
        self.ctx.remember_table(self.table, "totals")

    def _columns(self, estimated: bool = False) -> list[Column]:
        """`estimated`: the year is not over, so its band and stars are what the points so far would
        give (预计, as the Excel export says), not the year's."""
        estimate = self.tr("年度还没有过完：按截至今天的积分测算，以年度总评为准") if estimated else ""
        return [
            Column(self.tr("名次"), lambda r: r.rank, CENTER),
            Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("党小组"), lambda r: r.group_name),
            Column(self.tr("类别"), lambda r: r.member_class.label),
            Column(self.tr("本期积分"), lambda r: format_points(r.period_points), RIGHT),
            Column(self.tr("年度累计"), lambda r: format_points(r.year_to_date), RIGHT),
            Column(self.tr("预计等次") if estimated else self.tr("等次"), lambda r: r.grade, CENTER, header_tooltip=estimate),
            Column(self.tr("预计星级") if estimated else self.tr("星级"), lambda r: star_text(r.stars),
                   colour=lambda r: "#C00000" if r.stars >= 4 else "#B35C00", header_tooltip=estimate),
            Column(self.tr("提示"), lambda r: "；".join(r.flags), tooltip=lambda r: "；".join(r.flags),
                   colour=lambda r: "#C00000" if r.vetoed else ("#1F4E79" if is_near_edge(r) else None)),
        ]

    def _fill_periods(self) -> None:
        kind = self.kind_box.currentData()
        today = self.ctx.today()
        self.period_box.blockSignals(True)
        self.period_box.clear()
        if kind == MONTH:
            for month in range(1, 13):
                self.period_box.addItem(self.tr("{0}月").format(month), month)
            self.period_box.setCurrentIndex(today.month - 1 if self.year_spin.value() == today.year else 11)
        elif kind == QUARTER:
            for quarter in range(1, 5):
                self.period_box.addItem(self.tr("第{0}季度").format(quarter), quarter)
            self.period_box.setCurrentIndex((today.month - 1) // 3 if self.year_spin.value() == today.year else 3)
        self.period_box.setVisible(kind != YEAR)
        self.period_box.blockSignals(False)

    def _kind_changed(self) -> None:
        self.ctx.window_state.set_value(KIND_STATE_KEY, self.kind_box.currentData())
        self._fill_periods()
        if self.kind_box.currentData() != YEAR:
            self.near_edge_check.setChecked(False)
        self.reload()

    def _near_edge_toggled(self, checked: bool) -> None:
        if checked and self.kind_box.currentData() != YEAR:
            self.kind_box.setCurrentIndex(self.kind_box.findData(YEAR))  # band edges are a matter of the year
        else:
            self.reload()

    def set_period(self, kind: str, period: int | None = None) -> None:
        self.kind_box.setCurrentIndex(self.kind_box.findData(kind))
        if period is not None:
            self.period_box.setCurrentIndex(self.period_box.findData(period))

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        store, kind, period, year = self.ctx.store, self.kind_box.currentData(), self.period_box.currentData(), self.year_spin.value()
        month, quarter = (period if kind == MONTH else None), (period if kind == QUARTER else None)
        self.read(lambda _control: totals.branch_ranking(store, year, month=month, quarter=quarter),
                  self._show_ranking, on_problem=self._ranking_problem)
        today = self.ctx.today()
        up_to = Month(year, today.month) if year == today.year and today.month < 12 else None
        self.charts.show_charts(lambda _control: branch_charts(store, year, up_to))

    def _ranking_problem(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.ranking = None
        self.model.set_rows([])
        self.summary_label.setText(exc.message)
        self.detail.clear()

    def _show_ranking(self, ranking: totals.Ranking) -> None:
        selected = self.selected_row()
        self.ranking = ranking
        rows = [r for r in ranking.rows if is_near_edge(r)] if self.near_edge_check.isChecked() else list(ranking.rows)
        self.model.relabel(self._columns(estimated=self.ctx.today() <= date(ranking.year, 12, 31)))
        self.model.set_rows(rows)
        text = self.tr("{0}：共 {1} 人").format(ranking.label, len(ranking.rows))
        if self.near_edge_check.isChecked():
            text += self.tr("，其中 {0} 人离下一星级只差几分").format(len(rows))
        if ranking.five_star_quota is not None:
            text += self.tr("；五星名额 {0} 人").format(ranking.five_star_quota)
        self.summary_label.setText(text)
        if selected is not None:
            self.select_member(selected.member_id)
        else:
            self.detail.clear()

    def export_ranking(self) -> None:
        """The ranking shown (month, quarter or year) out to .xlsx, as the scorer ranks it."""
        store, kind, period, year = self.ctx.store, self.kind_box.currentData(), self.period_box.currentData(), self.year_spin.value()
        month, quarter = (period if kind == MONTH else None), (period if kind == QUARTER else None)
        label, today = (self.period_box.currentText() if kind != YEAR else ""), self.ctx.today()
        self.out.export(
            self.tr("导出积分排名"), self.tr("{0}年{1}积分排名.xlsx").format(year, label),
            lambda target, _control: exports.export_ranking(store, target, year, month=month, quarter=quarter, today=today),
            lambda count, target: self.tr("已导出 {0} 人的积分排名到 {1}。").format(count, target),
        )

    def selected_row(self) -> RankingRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_member(self, member_id) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).member_id == member_id:
                self.table.selectRow(row)
                return True
        return False

    def row_named(self, name: str) -> RankingRow | None:
        return next((r for r in self.model.rows() if r.name == name), None)

    def _show_member(self) -> None:
        row = self.selected_row()
        if row is None:
            self.detail.clear()
        else:
            kind, period = self.kind_box.currentData(), self.period_box.currentData()
            month = period if kind == MONTH else period * 3 if kind == QUARTER else None  # a quarter: its last month
            self.detail.show_member(row.member_id, row.name, self.year_spin.value(), month)
