"""The main window: for now the branch and its ranking for the year (the desktop issue builds it out)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import AppError
from app.domain.points import format_points
from app.services import demo, organisation, totals
from app.services.context import Actor
from app.ui.errors import show_error
from app.ui.table_models import RowTableModel
from db.store import Store

RANKING_COLUMNS = [
    ("名次", lambda r: r.rank),
    ("姓名", lambda r: r.name),
    ("党小组", lambda r: r.group_name),
    ("类别", lambda r: r.member_class.label),
    ("积分", lambda r: format_points(r.period_points)),
    ("年度累计", lambda r: format_points(r.year_to_date)),
    ("等次", lambda r: r.grade),
    ("星级", lambda r: "★" * r.stars),
    ("提示", lambda r: "；".join(r.flags)),
]


class MainWindow(QMainWindow):
    def __init__(self, store: Store, actor: Actor, today: date | None = None) -> None:
        super().__init__()
        self.store, self.actor = store, actor
        self.today = today or date.today()
        self.setWindowTitle(self.tr("党员积分管理"))
        self.resize(1000, 680)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.branch_label = QLabel()
        self.branch_label.setObjectName("branchLabel")
        layout.addWidget(self.branch_label)
        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("统计期间：")))
        self.period_box = QComboBox()
        self.period_box.addItem(self.tr("{0}年全年").format(self.today.year), None)
        for month in range(self.today.month, 0, -1):
            self.period_box.addItem(self.tr("{0}年{1}月").format(self.today.year, month), month)
        self.period_box.currentIndexChanged.connect(self.refresh)
        controls.addWidget(self.period_box)
        controls.addStretch(1)
        self.demo_button = QPushButton(self.tr("生成演示数据"))
        self.demo_button.clicked.connect(self.load_demo)
        controls.addWidget(self.demo_button)
        layout.addLayout(controls)
        self.model = RowTableModel([(self.tr(h), f) for h, f in RANKING_COLUMNS], self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self.refresh()

    def refresh(self) -> None:
        try:
            branch_id = organisation.current_branch_id(self.store)
            self.demo_button.setVisible(branch_id is None)
            if branch_id is None:
                self.branch_label.setText(self.tr("这个数据库还没有设置支部。可以先生成演示数据看看。"))
                self.model.set_rows([])
                return
            branch = organisation.get_branch(self.store, branch_id)
            self.branch_label.setText(f"{branch.township}　{branch.name}")
            ranking = totals.branch_ranking(self.store, self.today.year, month=self.period_box.currentData())
            self.model.set_rows(ranking.rows)
            self.table.resizeColumnsToContents()
            self.statusBar().showMessage(self.tr("{0}：共 {1} 人").format(ranking.label, len(ranking.rows)))
        except AppError as exc:
            self.model.set_rows([])
            self.statusBar().showMessage(exc.message)

    def load_demo(self) -> None:
        try:
            summary = demo.create_demo_branch(self.store, self.actor, today=self.today)
        except AppError as exc:
            show_error(self, exc)
            return
        self.refresh()
        self.statusBar().showMessage(self.tr("已生成演示支部，共 {0} 名党员").format(summary.members))
