"""The main window: a thin shell of menus, the left navigation, the stacked pages and the status bar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import AppError, ValidationError
from app.services import auto_backup, gather, organisation
from app.services.context import Actor
from app.ui import extensions
from app.ui.context import UiContext
from app.ui.dialogs.wizard import FirstRunWizard
from app.ui.errors import show_error
from app.ui.jobs import JobRunner
from app.ui.pages.base import Page
from app.ui.pages.entry_page import EntryPage
from app.ui.pages.ledger_page import LedgerPage
from app.ui.pages.members_page import MembersPage
from app.ui.pages.rules_page import RulesPage
from app.ui.pages.rating_page import RatingPage
from app.ui.pages.totals_page import TotalsPage
from app.ui.widgets import hint_label, title_label
from app.ui.window_state import WindowState
from db.store import Store

PAGE_KEYS = ("members", "rules", "entry", "ledger", "totals", "rating")


class MainWindow(QMainWindow):
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
        self.wizard: FirstRunWizard | None = None
        self.next_database: str | None = None  # set when the clerk opens another file; run_gui reopens
        self.reopen_same = False  # set when this database turns out to be a township's; run_gui reopens it so
        self.auto_backup_problem = None  # the message shown when the automatic backup on closing failed
        file_name = store.path.name if store.path else store.engine.url.render_as_string(hide_password=True)
        self.setWindowTitle(self.tr("党员积分管理 — {0}").format(file_name))
        self.setMinimumSize(QSize(1100, 640))
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = {
            "members": MembersPage(self.ctx),
            "rules": RulesPage(self.ctx),
            "entry": EntryPage(self.ctx),
            "ledger": LedgerPage(self.ctx),
            "totals": TotalsPage(self.ctx),
            "rating": RatingPage(self.ctx),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.setup_page = self._setup_needed_page()
        self.stack.addWidget(self.setup_page)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self._navigation())
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._menus()
        self.operator_label = QLabel(self.tr("操作员：{0}（{1}）").format(actor.display_name, actor.role.label))
        self.statusBar().addPermanentWidget(self.operator_label)
        self.ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.ctx.data_changed.connect(self.update_branch)
        search = QShortcut(QKeySequence.StandardKey.Find, self)
        search.activated.connect(self.focus_search)
        if not self.ctx.window_state.restore_geometry(self, "main"):
            self.resize(1260, 800)
        self.update_branch()

    # -- layout

    def _navigation(self) -> QWidget:
        panel = QWidget()
        panel.setFixedWidth(176)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.branch_label = QLabel()
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
        for number, key in enumerate(PAGE_KEYS, start=1):
            item = QListWidgetItem(self.pages[key].title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(self.tr("Ctrl+{0}").format(number))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        layout.addWidget(self.nav, 1)
        self.today_label = hint_label(self.tr("今天：{0}年{1}月{2}日").format(*self.ctx.today().timetuple()[:3]))
        layout.addWidget(self.today_label)
        return panel

    def _setup_needed_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title_label(self.tr("这个数据库还没有设置支部")), 0, Qt.AlignmentFlag.AlignHCenter)
        hint = hint_label(self.tr("先填写支部名称、党小组并选择积分细则，或者生成一个演示支部看看。"))
        hint.setWordWrap(False)
        layout.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        self.setup_button = QPushButton(self.tr("开始设置…"))
        self.setup_button.clicked.connect(self.start_first_run)
        layout.addWidget(self.setup_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _menus(self) -> None:
        members = self.pages["members"]
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        self._action(file_menu, self.tr("新建数据库…"), self.new_database)
        self._action(file_menu, self.tr("打开数据库…"), self.open_database, QKeySequence.StandardKey.Open)
        file_menu.addSeparator()
        self.new_member_action = self._action(file_menu, self.tr("新增党员…"), self._new_member, QKeySequence.StandardKey.New)
        self._action(file_menu, self.tr("从 Excel 导入党员…"), members.files.import_file)
        self._action(file_menu, self.tr("导出党员名册到 Excel…"), members.files.export)
        self._action(file_menu, self.tr("下载党员名册导入模板…"), members.files.save_template)
        file_menu.addSeparator()
        self.backup_actions = extensions.add_backup_actions(self, file_menu)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("退出"), self.close, QKeySequence.StandardKey.Quit)
        print_menu = self.menuBar().addMenu(self.tr("打印(&P)"))
        self.print_actions = extensions.add_print_actions(self, print_menu)
        view_menu = self.menuBar().addMenu(self.tr("查看(&V)"))
        for number, key in enumerate(PAGE_KEYS, start=1):
            self._action(view_menu, self.pages[key].title, lambda _=False, k=key: self.show_page(k), f"Ctrl+{number}")
        view_menu.addSeparator()
        self._action(view_menu, self.tr("查找"), self.focus_search)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        self._action(help_menu, self.tr("关于党员积分管理"), self._about)

    # -- behaviour

    def update_branch(self) -> None:
        try:
            branch_id = organisation.current_branch_id(self.ctx.store)
            branch = organisation.get_branch(self.ctx.store, branch_id) if branch_id else None
        except AppError as exc:
            self.statusBar().showMessage(exc.message)
            branch = None
        self.has_branch = branch is not None
        self.nav.setEnabled(self.has_branch)
        self.new_member_action.setEnabled(self.has_branch)
        if branch is None:
            self.branch_label.setText(self.tr("（尚未设置支部）"))
            self.stack.setCurrentWidget(self.setup_page)
            return
        self.branch_label.setText(f"{branch.township}\n{branch.name}")
        if self.stack.currentWidget() is self.setup_page:
            last = self.ctx.window_state.value("page", "members")
            self.show_page(last if last in self.pages else "members")

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(PAGE_KEYS) and self.has_branch:
            page = self.pages[PAGE_KEYS[row]]
            self.stack.setCurrentWidget(page)
            self.ctx.window_state.set_value("page", PAGE_KEYS[row])

    def show_page(self, key: str) -> Page:
        page = self.pages[key]
        if self.has_branch:
            self.nav.setCurrentRow(PAGE_KEYS.index(key))
            self.stack.setCurrentWidget(page)
        return page

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def focus_search(self) -> None:
        page = self.current_page()
        if isinstance(page, Page):
            page.focus_search()

    def _new_member(self) -> None:
        self.show_page("members").add_member()

    def new_database(self) -> None:
        """Start a new, empty database file (e.g. after trying the demo branch)."""
        path = self.ctx.ask_save_path(self, self.tr("新建数据库"), self.tr("新支部.db"), self.tr("数据库文件 (*.db)"))
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
        """Close this window; run_gui opens `path` in a fresh one (a new file starts with the wizard)."""
        if self.ctx.store.path is not None and Path(path).resolve() == self.ctx.store.path.resolve():
            return
        self.next_database = path
        if not self.close():
            self.next_database = None

    def start_first_run(self) -> FirstRunWizard | None:
        if self.reopen_as_township():  # a township's database has no branch: never the village wizard
            return None
        self.wizard = FirstRunWizard(self.ctx, self)
        self.wizard.accepted.connect(self.reopen_as_township)  # the clerk chose 乡镇汇总数据库
        self.wizard.open()
        return self.wizard

    def reopen_as_township(self) -> bool:
        """On a township's gathering database, close so that run_gui reopens it in the township window."""
        if not gather.is_township_database(self.ctx.store):
            return False
        self.reopen_same = True
        if not self.close():
            self.reopen_same = False
        return True

    def _about(self) -> None:
        self.ctx.inform(self, self.tr("关于"), self.tr(
            "党员积分管理\n村（社区）党支部党员积分制管理的离线软件。\n数据保存在本机：{0}"
        ).format(self.ctx.store.path or self.ctx.store.url))

    def closeEvent(self, event) -> None:
        if self.ctx.jobs.busy and not self.ctx.confirm(self, self.tr("还有工作没做完"), self.tr("导入或导出还在进行，确定要退出吗？")):
            event.ignore()
            return
        self.ctx.window_state.save_geometry(self, "main")
        self.ctx.save_tables()
        self._auto_backup()
        super().closeEvent(event)

    def _auto_backup(self) -> None:
        """On closing a village's database: at most one automatic backup a day into the data folder.

        A failure never stops the close: it is shown in a box of its own (no parent, not modal), which
        keeps the program running until the clerk has read it.
        """
        if not self.has_branch or self.ctx.store.path is None:
            return
        try:
            auto_backup.auto_backup_if_due(self.ctx.store)
        except Exception as exc:  # noqa: BLE001 - closing goes on; the clerk is told what failed
            self.auto_backup_problem = show_error(None, exc, self.tr("自动备份没有完成"))
