"""The window on a township's gathering database: 汇总总览 and 验星, the backup menu, nothing of a village's own.

run_gui opens this instead of MainWindow when app.services.gather.is_township_database says so.
Like MainWindow it is a thin shell (menus, the left navigation, the stacked pages, the status bar)
and hands a change of database back to run_gui through `next_database` / `reopen_same`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from app.domain.errors import ValidationError
from app.services import gather
from app.services.context import Actor
from app.ui import extensions
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.jobs import JobRunner
from app.ui.pages.base import Page
from app.ui.pages.township_overview import TownshipOverviewPage
from app.ui.pages.township_verify import TownshipVerifyPage
from app.ui.widgets import hint_label
from app.ui.window_state import WindowState
from db.store import Store

TOWNSHIP_PAGE_KEYS = ("overview", "verify")


class TownshipWindow(QMainWindow):
    def __init__(
        self,
        store: Store,
        actor: Actor,
        today: date | None = None,
        jobs: JobRunner | None = None,
        window_state: WindowState | None = None,
    ) -> None:
        super().__init__()
        self.ctx = UiContext(store, actor, jobs=jobs, window_state=window_state, today=today, parent=self)
        self.next_database: str | None = None  # another file to open; run_gui reopens
        self.reopen_same = False  # this database is no longer a township's (a village backup was restored)
        self.backup_dialog = None
        file_name = store.path.name if store.path else store.engine.url.render_as_string(hide_password=True)
        self.setWindowTitle(self.tr("党员积分管理（乡镇汇总）— {0}").format(file_name))
        self.setMinimumSize(QSize(1100, 640))
        self.pages: dict[str, Page] = {"overview": TownshipOverviewPage(self.ctx), "verify": TownshipVerifyPage(self.ctx)}
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self._navigation())
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._menus()
        self.pages["overview"].gather_requested.connect(lambda: self.open_backup("gather"))
        self.pages["overview"].township_named.connect(self._show_township)
        self.operator_label = QLabel(self.tr("操作员：{0}（{1}）").format(actor.display_name, actor.role.label))
        self.statusBar().addPermanentWidget(self.operator_label)
        self.ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        if not self.ctx.window_state.restore_geometry(self, "township"):
            self.resize(1260, 800)
        last = self.ctx.window_state.value("township_page", "overview")
        self.show_page(last if last in self.pages else "overview")

    # -- layout

    def _navigation(self) -> QWidget:
        panel = QWidget()
        panel.setFixedWidth(176)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.branch_label = QLabel(self.tr("乡镇汇总"))
        self.branch_label.setObjectName("branchLabel")
        self.branch_label.setWordWrap(True)
        font = QFont(self.branch_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.branch_label.setFont(font)
        layout.addWidget(self.branch_label)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        nav_font = QFont(self.nav.font())
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.15)
        self.nav.setFont(nav_font)
        self.nav.setSpacing(3)
        for number, key in enumerate(TOWNSHIP_PAGE_KEYS, start=1):
            item = QListWidgetItem(self.pages[key].title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(self.tr("Ctrl+{0}").format(number))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        layout.addWidget(self.nav, 1)
        layout.addWidget(hint_label(self.tr("乡镇汇总数据库：各村的数据只读，由各村交来的备份汇总而来。")))
        self.today_label = hint_label(self.tr("今天：{0}年{1}月{2}日").format(*self.ctx.today().timetuple()[:3]))
        layout.addWidget(self.today_label)
        return panel

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        self._action(file_menu, self.tr("新建数据库…"), self.new_database)
        self._action(file_menu, self.tr("打开数据库…"), self.open_database, QKeySequence.StandardKey.Open)
        file_menu.addSeparator()
        self.import_action = self._action(file_menu, self.tr("导入星级评定上报文件…"), self._import_report)
        file_menu.addSeparator()
        self.backup_actions = extensions.add_backup_actions(self, file_menu)
        for action, kind in zip(self.backup_actions, ("backup", "restore", "gather")):
            # the same dialog, but gathering goes into this very database and refreshes the overview
            action.triggered.disconnect()
            action.triggered.connect(lambda _=False, k=kind: self.open_backup(k))
        file_menu.addSeparator()
        self._action(file_menu, self.tr("退出"), self.close, QKeySequence.StandardKey.Quit)
        view_menu = self.menuBar().addMenu(self.tr("查看(&V)"))
        for number, key in enumerate(TOWNSHIP_PAGE_KEYS, start=1):
            self._action(view_menu, self.pages[key].title, lambda _=False, k=key: self.show_page(k), f"Ctrl+{number}")
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        self._action(help_menu, self.tr("关于党员积分管理"), self._about)

    # -- behaviour

    def _show_township(self, name: str) -> None:
        self.branch_label.setText(self.tr("{0}\n乡镇汇总").format(name))

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(TOWNSHIP_PAGE_KEYS):
            self.stack.setCurrentWidget(self.pages[TOWNSHIP_PAGE_KEYS[row]])
            self.ctx.window_state.set_value("township_page", TOWNSHIP_PAGE_KEYS[row])

    def show_page(self, key: str) -> Page:
        self.nav.setCurrentRow(TOWNSHIP_PAGE_KEYS.index(key))
        return self.pages[key]

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def _import_report(self) -> None:
        self.show_page("verify").import_report()

    def open_backup(self, kind: str):
        """备份 / 恢复 / 汇总 in the backup dialog; gathering goes into this database and refreshes the overview."""
        dialog = extensions.open_backup(self, kind)
        if dialog is None:
            return None
        if self.ctx.store.path is not None:
            dialog.set_township_file(self.ctx.store.path)
            dialog.township_button.setVisible(False)  # this window shows this database; gather here
        dialog.overview_year = self.pages["overview"].year()
        dialog.gathered.connect(self._gathered)
        return dialog

    def _gathered(self, report) -> None:
        self.ctx.changed(report.summary)
        self.show_page("overview")

    def update_branch(self) -> None:
        """After a restore (extensions calls this): a village's backup restored here makes a village window."""
        try:
            still_township = gather.is_township_database(self.ctx.store)
        except Exception as exc:
            show_error(self, exc)
            return
        if not still_township:
            self.reopen_same = True
            if not self.close():
                self.reopen_same = False

    def new_database(self) -> None:
        path = self.ctx.ask_save_path(self, self.tr("新建数据库"), self.tr("乡镇汇总.db"), self.tr("数据库文件 (*.db)"))
        if not path:
            return
        if Path(path).exists():
            show_error(self, ValidationError(self.tr("“{0}”已经存在。要打开它，请用“文件 → 打开数据库”。").format(path)))
            return
        self.switch_database(path)

    def open_database(self) -> None:
        path = self.ctx.ask_open_path(self, self.tr("打开数据库"), self.tr("数据库文件 (*.db);;所有文件 (*)"))
        if path:
            self.switch_database(path)

    def switch_database(self, path: str) -> None:
        if self.ctx.store.path is not None and Path(path).resolve() == self.ctx.store.path.resolve():
            return
        self.next_database = path
        if not self.close():
            self.next_database = None

    def _about(self) -> None:
        self.ctx.inform(self, self.tr("关于"), self.tr(
            "党员积分管理（乡镇汇总）\n汇总各村交来的备份，对比各村积分和星级，给各村的星级评定验星。\n数据保存在本机：{0}"
        ).format(self.ctx.store.path or self.ctx.store.url))

    def closeEvent(self, event) -> None:
        if self.ctx.jobs.busy and not self.ctx.confirm(self, self.tr("还有工作没做完"), self.tr("汇总或导入还在进行，确定要退出吗？")):
            event.ignore()
            return
        self.ctx.window_state.save_geometry(self, "township")
        self.ctx.save_tables()
        super().closeEvent(event)
