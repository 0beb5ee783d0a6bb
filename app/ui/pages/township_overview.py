"""汇总总览 (township database): the gathered branches side by side for a year, and one ranking across them.

Read-only: the figures are computed from the villages' gathered records the same way each village's
own 积分统计 computes its year ranking. Loading is a query on the job runner (many villages take a while);
a result that arrives after the clerk has already picked another year is dropped.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.points import format_points
from app.services.charts.township import township_charts
from app.services.township import gather
from app.ui.changes import Kind
from app.ui.charts.panel import ChartPanel
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.models.township_models import BRANCH_FIGURE_COLUMNS, BranchLine, branch_model, ranking_model
from app.ui.pages.base import Page
from app.ui.widgets import hint_label, make_table, stretch_column, title_label


def fit_height(splitter: QSplitter, table, rows: int, extra: int = 0, share: float = 0.45) -> None:
    """Give the splitter's first pane the height of `rows` table rows (at most `share` of it), the rest to the second."""
    total = sum(splitter.sizes()) or splitter.height()
    header = table.horizontalHeader().sizeHint().height()
    scroll = table.horizontalScrollBar().sizeHint().height()
    wanted = header + rows * table.verticalHeader().defaultSectionSize() + scroll + 2 * table.frameWidth() + extra + 8
    top = max(min(wanted, int(total * share)), 80)
    splitter.widget(0).setMinimumHeight(min(wanted, header + 3 * table.verticalHeader().defaultSectionSize() + scroll + extra + 8))
    splitter.setSizes([top, max(total - top, 80)])


# A new key: widths saved for the old columns (备份文件 after 提示) would not fit these.
BRANCH_TABLE = "township_branch_lines"


def narrow_figure_columns(table, columns) -> None:
    """Columns that hold a figure of a few digits (党员, 记录数, the totals, the stars, 否决): as wide
    as their header text or their widest figure, not the generous width fitted to every column,
    so that at 1366×768 the whole 各村对比 row fits the page and 提示 keeps room to be read."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    model = table.model()
    for column in columns:
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        widest = max((metrics.horizontalAdvance(str(model.data(model.index(row, column)) or "")) for row in range(model.rowCount())), default=0)
        header.resizeSection(column, max(metrics.horizontalAdvance(title), widest) + 18)


class TownshipOverviewPage(Page):
    depends_on = Kind.TOWNSHIP | Kind.SETTINGS  # the gathered villages; the township's name

    gather_requested = Signal()
    township_named = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("汇总总览")
        self.overview: gather.TownshipOverview | None = None
        self._fitted = False  # the branch table's height is fitted to its rows once, then left to the clerk
        self._charted_branch: str | None = None  # the branch whose months the charts show
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(ctx.today().year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.year_spin.valueChanged.connect(self.reload)
        controls.addWidget(self.year_spin)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("overviewSummary")
        controls.addWidget(self.summary_label, 1)
        self.gather_button = QPushButton(self.tr("汇总各村备份…"))
        self.gather_button.clicked.connect(self.gather_requested)
        controls.addWidget(self.gather_button)
        self.charts_button = QPushButton(self.tr("图表"))
        self.charts_button.setCheckable(True)
        self.charts_button.setToolTip(self.tr("各支部并排：人均积分、星级占比、会议出席率；在图表右上方选一个支部，看它逐月的位置"))
        controls.addWidget(self.charts_button)
        layout.addLayout(controls)

        self.body = QStackedWidget()
        self.views = QStackedWidget()  # the tables, or (图表) the branches side by side as charts
        tables = self._tables()
        self.views.addWidget(tables)
        self.charts = ChartPanel(ctx)
        self.chart_branch = QComboBox()  # the same choice as the ranking's filter: whose months to follow
        self.chart_branch.setMinimumWidth(180)
        self.chart_branch.setToolTip(self.tr("选一个支部，看它逐月的人均积分和名次"))
        self.chart_branch.currentIndexChanged.connect(lambda index: self.branch_filter.setCurrentIndex(index))
        self.charts.add_control(self.chart_branch)
        self.views.addWidget(self.charts)
        self.charts_button.toggled.connect(lambda on: self.views.setCurrentWidget(self.charts if on else tables))
        self.body.addWidget(self.views)
        self.empty_page = self._empty_page()
        self.body.addWidget(self.empty_page)
        layout.addWidget(self.body, 1)
        layout.addWidget(hint_label(self.tr(
            "只计已审核的记录。各村按本村当年的积分细则、民主评议、一票否决和五星名额计算，与村里“积分统计”的年度排名一致。"
            "汇总数据只读：要更正，请村里改好后重新交备份再汇总。"
        )))
        self.ctx.remember_table(self.branch_table, BRANCH_TABLE)
        stretch_column(self.branch_table, self.branch_model.columnCount() - 1)  # 提示: the width the figures leave
        self.ctx.remember_table(self.ranking_table, "township_ranking")

    def _tables(self) -> QWidget:
        self.splitter = splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel(self.tr("各村对比")))
        self.branch_model = branch_model(self)
        self.branch_table = make_table(self)
        self.branch_table.setModel(self.branch_model)
        self.branch_table.selectionModel().selectionChanged.connect(self._branch_chosen)
        top_layout.addWidget(self.branch_table)
        splitter.addWidget(top)

        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("全乡镇排名")))
        self.branch_filter = QComboBox()
        self.branch_filter.setMinimumWidth(180)
        self.branch_filter.currentIndexChanged.connect(self._filter_ranking)
        row.addWidget(self.branch_filter)
        row.addStretch(1)
        self.ranking_label = QLabel()
        row.addWidget(self.ranking_label)
        bottom_layout.addLayout(row)
        self.ranking_model = ranking_model(self)
        self.ranking_table = make_table(self)
        self.ranking_table.setModel(self.ranking_model)
        bottom_layout.addWidget(self.ranking_table)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 0)  # a bigger window gives the ranking the room
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 360])
        return splitter

    def _empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title_label(self.tr("还没有汇总任何村的数据")), 0, Qt.AlignmentFlag.AlignHCenter)
        hint = hint_label(self.tr(
            "请各村用“文件 → 备份到U盘”把数据备份到 U 盘交上来，再点“汇总各村备份…”选择这些 U 盘或文件夹。\n"
            "汇总后，这里会并排列出各村的人数、积分和星级，以及全乡镇的排名。"
        ))
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        button = QPushButton(self.tr("汇总各村备份…"))
        button.clicked.connect(self.gather_requested)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    # -- loading

    def year(self) -> int:
        return self.year_spin.value()

    def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        store, year = self.ctx.store, self.year()
        self.summary_label.setText(self.tr("正在计算 {0} 年的汇总……").format(year))

        def load(_control):
            return gather.township_overview(store, year), gather.gathered_branches(store)

        # latest=self: when the clerk asks for another year meanwhile, the older answer is dropped
        self.ctx.read(load, lambda result: self._loaded(*result), parent=self, on_problem=self._failed, latest=self)
        self._ask_charts()

    def _ask_charts(self) -> None:
        """The branches side by side, and the branch chosen in the ranking's filter month by month."""
        store, year, chosen = self.ctx.store, self.year(), self.branch_filter.currentData()
        self._charted_branch = chosen
        branch_id = uuid.UUID(chosen) if chosen else None
        # the whole year, as the tables beside it score it (months not reached yet stay blank)
        self.charts.show_charts(lambda _control: township_charts(store, year, None, branch_id))

    def _loaded(self, overview: gather.TownshipOverview, gathered: list[gather.GatheredBranch]) -> None:
        self.overview = overview
        by_id = {b.branch_id: b for b in gathered}
        lines = [BranchLine(overview.year, summary, by_id.get(summary.branch_id), overview.shop.get(summary.branch_id))
                 for summary in overview.branches]
        chosen = self.branch_filter.currentData()
        self.branch_model.set_rows(lines)
        self.branch_filter.blockSignals(True)
        self.branch_filter.clear()
        self.branch_filter.addItem(self.tr("全部支部"), None)
        for summary in overview.branches:
            self.branch_filter.addItem(summary.name, str(summary.branch_id))
        index = self.branch_filter.findData(chosen) if chosen else 0
        self.branch_filter.setCurrentIndex(max(index, 0))
        self.branch_filter.blockSignals(False)
        self.chart_branch.blockSignals(True)
        self.chart_branch.clear()
        self.chart_branch.addItem(self.tr("逐月对比：不选支部"), None)
        for summary in overview.branches:
            self.chart_branch.addItem(summary.name, str(summary.branch_id))
        self.chart_branch.blockSignals(False)
        self._filter_ranking()
        self.body.setCurrentWidget(self.empty_page if not lines else self.body.widget(0))
        members = sum(s.rated for s in overview.branches)
        township = overview.township or self.tr("乡镇汇总")
        if not lines:
            text = self.tr("{0}：还没有汇总的村").format(township)
        else:
            text = self.tr("{0} {1} 年：{2} 个支部，{3} 名党员，年度总分合计 {4}").format(
                township, overview.year, len(lines), members, format_points(overview.total))
        if members:
            text += self.tr("，人均 {0}").format(format_points((overview.total / members).quantize(Decimal("0.01"))))
        self.summary_label.setText(text)
        if lines and not self._fitted:
            self._fitted = True
            fit_height(self.splitter, self.branch_table, len(lines), QLabel().sizeHint().height())
            if not self.ctx.table_restored(BRANCH_TABLE):  # the clerk's own widths are left as he set them
                narrow_figure_columns(self.branch_table, BRANCH_FIGURE_COLUMNS)
        if overview.township:
            self.township_named.emit(overview.township)

    def _failed(self, exc: BaseException) -> None:
        self.overview = None
        self.branch_model.set_rows([])
        self.ranking_model.set_rows([])
        self.summary_label.setText(self.tr("汇总数据没有读出来。"))
        show_error(self, exc)

    # -- the ranking

    def _filter_ranking(self) -> None:
        if self.overview is None:
            self.ranking_model.set_rows([])
            self.ranking_label.clear()
            return
        branch = self.branch_filter.currentData()
        if self.chart_branch.currentIndex() != self.branch_filter.currentIndex():
            self.chart_branch.blockSignals(True)
            self.chart_branch.setCurrentIndex(self.branch_filter.currentIndex())
            self.chart_branch.blockSignals(False)
        if branch != self._charted_branch:
            self._ask_charts()
        rows = [r for r in self.overview.rows if branch is None or str(r.branch_id) == branch]
        self.ranking_model.set_rows(rows)
        fives = sum(1 for r in rows if r.stars == 5)
        self.ranking_label.setText(self.tr("共 {0} 人，五星 {1} 人（名次为全乡镇名次）").format(len(rows), fives))

    def _branch_chosen(self) -> None:
        rows = self.branch_table.selectionModel().selectedRows()
        if rows:
            line = self.branch_model.row_at(rows[0].row())
            self.branch_filter.setCurrentIndex(max(self.branch_filter.findData(str(line.summary.branch_id)), 0))

    def show_branch(self, name: str | None) -> None:
        """Only `name`'s members in the ranking (None: everyone)."""
        index = self.branch_filter.findText(name) if name else 0
        self.branch_filter.setCurrentIndex(max(index, 0))

    def line_named(self, name: str) -> BranchLine | None:
        return next((line for line in self.branch_model.rows() if line.summary.name == name), None)
