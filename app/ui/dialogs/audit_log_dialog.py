"""操作日志: the audit trail with filters (dates, operator, kind of act, words) and an Excel export.

A view over app.services.accounts.audit_trail, which filters in SQL; newest first.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.accounts import audit_trail, operators
from app.ui.context import UiContext
from app.ui.errors import describe
from app.ui.widgets import error_label, show_problem

COLUMNS = (
    QT_TRANSLATE_NOOP("AuditLogDialog", "时间"), QT_TRANSLATE_NOOP("AuditLogDialog", "操作员"),
    QT_TRANSLATE_NOOP("AuditLogDialog", "操作"), QT_TRANSLATE_NOOP("AuditLogDialog", "内容"),
)


class AuditLogDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("操作日志"))
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        today = QDate.fromString(ctx.today().isoformat(), "yyyy-MM-dd")
        self.since, self.until = QDateEdit(today.addMonths(-1)), QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.operator = QComboBox()
        self.operator.addItem(self.tr("全部操作员"), None)
        self.group = QComboBox()
        self.group.addItem(self.tr("全部操作"), None)
        for group in audit_trail.ACTION_GROUPS:
            self.group.addItem(group, group)
        self.words = QLineEdit()
        self.words.setPlaceholderText(self.tr("内容包含…"))
        self.words.setMinimumWidth(140)
        for label, widget in ((self.tr("从"), self.since), (self.tr("到"), self.until), ("", self.operator), ("", self.group), ("", self.words)):
            if label:
                filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        self.search_button = QPushButton(self.tr("查询"))
        self.export_button = QPushButton(self.tr("导出Excel…"))
        self.search_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        filters.addWidget(self.search_button)
        filters.addWidget(self.export_button)
        layout.addLayout(filters)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.count_label = QLabel()
        self.problem = error_label()
        layout.addWidget(self.count_label)
        layout.addWidget(self.problem)
        store = ctx.store
        ctx.read(lambda _control: operators.list_accounts(store), self._fill_operators, parent=self)
        self.refresh()

    def _fill_operators(self, accounts) -> None:
        for account in accounts:
            self.operator.addItem(f"{account.display_name}（{account.username}）", account.id)

    def chosen(self) -> audit_trail.AuditFilter:
        # one record more than is shown tells whether older ones were left off
        return audit_trail.AuditFilter(
            since=self.since.date().toPython(), until=self.until.date().toPython(), operator_id=self.operator.currentData(),
            group=self.group.currentData(), text=self.words.text(), limit=audit_trail.DEFAULT_LIMIT + 1,
        )

    def refresh(self) -> None:
        store, actor, chosen = self.ctx.store, self.ctx.actor, self.chosen()
        self.ctx.read(lambda _control: audit_trail.audit_rows(store, actor, chosen), self._show, parent=self,
                      on_problem=lambda exc: show_problem(self.problem, describe(exc)[0]), latest=self)

    def _show(self, rows: list[audit_trail.AuditRow]) -> None:
        more = len(rows) > audit_trail.DEFAULT_LIMIT
        self.rows = rows = rows[:audit_trail.DEFAULT_LIMIT]
        self.table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            cells = (item.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), item.operator, item.action, item.summary)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if more:
            self.count_label.setText(self.tr("只列出了最新的 {0} 条，更早的没有列出；请缩小日期范围，或导出Excel看全部。").format(len(rows)))
        else:
            self.count_label.setText(self.tr("共 {0} 条（最新的在前）。").format(len(rows)))

    def export(self, path: str | None = None) -> None:
        path = path or self.ctx.ask_save_path(self, self.tr("导出操作日志"), self.tr("操作日志.xlsx"), self.tr("Excel 文件 (*.xlsx)"))
        if not path:
            return
        store, actor, chosen = self.ctx.store, self.ctx.actor, self.chosen()
        self.ctx.read(lambda _control: audit_trail.export_audit(store, actor, path, chosen),
                      lambda count: self.ctx.say(self.tr("已导出操作日志 {0} 条：{1}").format(count, path)), parent=self,
                      on_problem=lambda exc: show_problem(self.problem, describe(exc)[0]))
