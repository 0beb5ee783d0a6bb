"""What the village window and the township window share: the left navigation, the menus' frame,
changing database and closing.

Both are thin shells around a stack of pages and hand a change of database back to run_gui through
`next_database` / `reopen_same`, so that part must behave the same in either window.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.services import startup
from app.services.context import Actor
from app.ui import menu_actions
from app.ui.account_menu import add_account_menu
from app.ui.lock import WindowLock
from app.ui.context import UiContext
from app.ui.dialogs.help_dialog import HelpDialog
from app.ui.errors import show_error
from app.ui.jobs import JobRunner
from app.ui.pages.base import Page
from app.ui.widgets import hint_label
from app.ui.window_state import DialogsFitTheScreen, WindowState, fit_to_screen

DEFAULT_SIZE = QSize(1260, 800)
from db.store import Store


class ShellWindow(QMainWindow):
    """The frame both windows share. A window defines what differs: `_window_title`,
    `_create_pages`, `_about_text`, `_new_file_name` and `_busy_question` (checked when the
    class is defined, so a missing one fails at import, not when the clerk clicks)."""

    REQUIRED_HOOKS = ("_window_title", "_create_pages", "_about_text", "_new_file_name", "_busy_question")
    PAGE_KEYS: tuple[str, ...] = ()
    PAGE_STATE_KEY = "page"  # kept apart per window so each reopens on its own last page
    GEOMETRY_KEY = "main"
    HELP_PAGE = "month.html"  # 帮助 → 使用说明: the file in resources/help this window's clerk reads

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        missing = [name for name in cls.REQUIRED_HOOKS if not callable(getattr(cls, name, None))]
        if missing:
            raise TypeError(f"{cls.__name__} must define {', '.join(missing)}")

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
        self.reopen_same = False  # this database belongs in the other kind of window; run_gui reopens it so
        self.log_in_notice = ""  # why run_gui asks again who is at the keyboard (after a restore)
        file_name = store.path.name if store.path else store.engine.url.render_as_string(hide_password=True)
        self.setWindowTitle(self._window_title().format(file_name))
        self.setMinimumSize(QSize(1000, 600))  # 1280×720 less the task bar still fits
        self.stack = QStackedWidget()
        self.pages: dict[str, Page] = self._create_pages()
        for page in self.pages.values():
            self.stack.addWidget(page)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 0)
        row.addWidget(self._navigation())
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.lock = WindowLock(self)  # before the menus, which offer it
        self._menus()
        self.dialog_cap = DialogsFitTheScreen(self)
        QApplication.instance().installEventFilter(self.dialog_cap)
        self.operator_label = QLabel(self.tr("操作员：{0}（{1}）").format(actor.display_name, actor.roles_label))
        self.statusBar().addPermanentWidget(self.operator_label)
        self.ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 15000))
        if not self.ctx.window_state.restore_geometry(self, self.GEOMETRY_KEY) and fit_to_screen(self, DEFAULT_SIZE):
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)  # a laptop smaller than the default
        else:
            fit_to_screen(self, self.size())  # a saved size from a larger screen never exceeds this one
        self._ready()

    # -- what each window fills in

    def _ready(self) -> None:
        """Wiring that needs the whole shell (pages, navigation, menus) in place."""

    def _navigation_footer(self, layout: QVBoxLayout) -> None:
        pass

    def _file_actions(self, file_menu: QMenu) -> None:
        pass

    def _middle_menus(self) -> None:
        pass

    def _view_actions(self, view_menu: QMenu) -> None:
        pass




    def _pages_enabled(self) -> bool:
        return True

    def _closing(self) -> None:
        pass

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
        for number, key in enumerate(self.PAGE_KEYS, start=1):
            item = QListWidgetItem(self.pages[key].title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(self.tr("Ctrl+{0}").format(number))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        layout.addWidget(self.nav, 1)
        self._navigation_footer(layout)
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
        self._file_actions(file_menu)
        file_menu.addSeparator()
        self.backup_actions = menu_actions.add_backup_actions(self, file_menu)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("退出"), self.close, QKeySequence.StandardKey.Quit)
        self._middle_menus()
        view_menu = self.menuBar().addMenu(self.tr("查看(&V)"))
        for number, key in enumerate(self.PAGE_KEYS, start=1):
            self._action(view_menu, self.pages[key].title, lambda _=False, k=key: self.show_page(k), f"Ctrl+{number}")
        self._view_actions(view_menu)
        self.account_actions = add_account_menu(self)
        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        self.help_action = self._action(help_menu, self.tr("使用说明"), self.open_help, QKeySequence.StandardKey.HelpContents)
        self._action(help_menu, self.tr("关于党员积分管理"), self._about)

    # -- behaviour

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < len(self.PAGE_KEYS) and self._pages_enabled():
            key = self.PAGE_KEYS[row]
            self.stack.setCurrentWidget(self.pages[key])
            self.ctx.window_state.set_value(self.PAGE_STATE_KEY, key)

    def show_page(self, key: str) -> Page:
        page = self.pages[key]
        if self._pages_enabled():
            self.nav.setCurrentRow(self.PAGE_KEYS.index(key))
            self.stack.setCurrentWidget(page)  # the row may already be current, and then no signal comes
        return page

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def new_database(self) -> None:
        """Start a new, empty database file (e.g. after trying the demo branch); refuses an existing one."""
        path = self.ctx.ask_save_path(self, self.tr("新建数据库"), self._new_file_name(), self.tr("数据库文件 (*.db)"))
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

    def log_in_again(self, notice: str) -> None:
        """The open file was replaced by a restored backup, which has its own accounts, passwords and
        data key: this session ends (the window closes); run_gui reopens the file behind its log-in
        screen, which says `notice`, and the next window holds only that log-in's actor."""
        self.next_database, self.log_in_notice = str(self.ctx.store.path), notice
        if not self.close():
            self.next_database, self.log_in_notice = None, ""

    def open_help(self) -> HelpDialog:
        """帮助 → 使用说明 (F1): this window's clerk's work, step by step, with pictures of this window."""
        self.help_dialog = HelpDialog(self, self.HELP_PAGE)
        self.help_dialog.show()
        return self.help_dialog

    def _about(self) -> None:
        database = self.ctx.store.path or self.ctx.store.url
        facts = "\n".join(startup.about_lines(database))  # version, data folder, database, the font's licence
        self.ctx.inform(self, self.tr("关于"), self._about_text() + "\n\n" + facts)  # the facts name the database

    def closeEvent(self, event) -> None:
        if self.ctx.jobs.busy and not self.ctx.confirm(self, self.tr("还有工作没做完"), self._busy_question()):
            event.ignore()
            return
        self.ctx.window_state.save_geometry(self, self.GEOMETRY_KEY)
        self.ctx.save_tables()
        self._closing()
        super().closeEvent(event)
