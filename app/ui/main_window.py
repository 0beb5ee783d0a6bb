"""The main window: a thin shell of menus, the left navigation, the stacked pages and the status bar."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from app.domain.enums import Role
from app.domain.errors import AppError
from app.services import organisation
from app.services.backup import automatic as auto_backup
from app.services.instance import claim_window
from app.services.ledger import watch
from app.services.township import gather
from app.ui import menu_actions
from app.ui.changes import Kind, concerns
from app.ui.dialogs.opening_points_dialog import OpeningPointsDialog
from app.ui.dialogs.organisation_dialog import OrganisationDialog
from app.ui.dialogs.wizard import FirstRunWizard
from app.ui.errors import ErrorDialog, show_error
from app.ui.pages.base import Page
from app.ui.pages.entry_page import EntryPage
from app.ui.pages.ledger_page import LedgerPage
from app.ui.pages.members_page import MembersPage
from app.ui.pages.rules_page import RulesPage
from app.ui.pages.practice_page import PracticePage
from app.ui.pages.shop_page import ShopPage
from app.ui.pages.rating_page import RatingPage
from app.ui.pages.totals_page import TotalsPage
from app.ui.shell import ShellWindow
from app.ui.widgets import hint_label, title_label

PAGE_KEYS = ("members", "rules", "entry", "ledger", "totals", "rating", "practice", "shop")


class MainWindow(ShellWindow):
    PAGE_KEYS = PAGE_KEYS
    PAGE_STATE_KEY = "page"
    GEOMETRY_KEY = "main"
    has_branch = False  # until update_branch has looked, the pages stay out of reach

    def _ready(self) -> None:
        self.wizard: FirstRunWizard | None = None
        self.auto_backup_problem = None  # the message shown when the automatic backup on closing failed
        self.chain_check_started = False
        self.closed = False
        self.chain_warning: ErrorDialog | None = None  # shown when the weekly chain check fails
        # how far the weekly chain check is (minutes on a county's file): closing the window stops it
        self.chain_check_label = QLabel()
        self.chain_check_label.setToolTip(self.tr("每周一次在后台核对积分台账和操作日志有没有被改动过，不影响使用；关闭窗口会中止，下次打开时重新检查。"))
        self.chain_check_label.hide()
        self.statusBar().addPermanentWidget(self.chain_check_label)
        self.window_claim, self.other_window = claim_window(self.ctx.store.path)
        if self.window_claim is None:
            self._say_other_window()
        self.setup_page = self._setup_needed_page()
        self.stack.addWidget(self.setup_page)
        self.ctx.data_changed.connect(self._data_changed)
        search = QShortcut(QKeySequence.StandardKey.Find, self)
        search.activated.connect(self.focus_search)
        self.update_branch()

    # -- layout

    def _window_title(self) -> str:
        return self.tr("党员积分管理 — {0}")

    def _create_pages(self) -> dict[str, Page]:
        return {
            "members": MembersPage(self.ctx),
            "rules": RulesPage(self.ctx),
            "entry": EntryPage(self.ctx),
            "ledger": LedgerPage(self.ctx),
            "totals": TotalsPage(self.ctx),
            "rating": RatingPage(self.ctx),
            "practice": PracticePage(self.ctx),
            "shop": ShopPage(self.ctx),
        }

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

    def _file_actions(self, file_menu: QMenu) -> None:
        members = self.pages["members"]
        self.new_member_action = self._action(file_menu, self.tr("新增党员…"), self._new_member, QKeySequence.StandardKey.New)
        self._action(file_menu, self.tr("从 Excel 导入党员…"), members.files.import_file)
        self._action(file_menu, self.tr("导出党员名册到 Excel…"), members.files.export)
        self._action(file_menu, self.tr("下载党员名册导入模板…"), members.files.save_template)
        file_menu.addSeparator()
        self._action(file_menu, self.tr("导入期初积分（上线前各月）…"), self.open_opening_points)
        self._action(file_menu, self.tr("下载期初积分导入模板…"), lambda: self.open_opening_points().save_template())
        file_menu.addSeparator()
        self.organisation_action = self._action(file_menu, self.tr("支部名称和党小组…"), self.open_organisation)
        self.organisation_action.setObjectName("action_organisation")
        if Role.ADMIN not in self.ctx.actor.roles:
            self.organisation_action.setToolTip(self.tr("只有管理员可以修改支部名称和党小组。"))

    def _middle_menus(self) -> None:
        print_menu = self.menuBar().addMenu(self.tr("打印(&P)"))
        self.print_actions = menu_actions.add_print_actions(self, print_menu)

    def _view_actions(self, view_menu: QMenu) -> None:
        view_menu.addSeparator()
        self._action(view_menu, self.tr("查找"), self.focus_search)

    def _about_text(self) -> str:
        return self.tr("党员积分管理\n村（社区）党支部党员积分制管理的离线软件，数据只保存在本机。")

    def _new_file_name(self) -> str:
        return self.tr("新支部.db")

    def _busy_question(self) -> str:
        return self.tr("导入或导出还在进行，确定要退出吗？")

    # -- behaviour

    def _pages_enabled(self) -> bool:
        return self.has_branch  # without a branch only the setup page makes sense

    def _data_changed(self, kinds: Kind) -> None:
        if concerns(kinds, Kind.SETTINGS):
            self.update_branch()

    def update_branch(self) -> None:
        """Ask which branch this database holds (on the database worker); the pages open once it is known."""
        store = self.ctx.store

        def ask(_control):
            branch_id = organisation.current_branch_id(store)
            return organisation.get_branch(store, branch_id) if branch_id else None

        self.ctx.read(ask, self._show_branch, parent=self, on_problem=self._branch_problem, latest=(self, "branch"))

    def _branch_problem(self, exc: BaseException) -> None:
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        self.statusBar().showMessage(exc.message)
        self._show_branch(None)

    def _show_branch(self, branch) -> None:
        self.has_branch = branch is not None
        self.nav.setEnabled(self.has_branch)
        self.new_member_action.setEnabled(self.has_branch)
        self.organisation_action.setEnabled(self.has_branch and Role.ADMIN in self.ctx.actor.roles)
        if branch is None:
            self.branch_label.setText(self.tr("（尚未设置支部）"))
            self.stack.setCurrentWidget(self.setup_page)
            return
        self.branch_label.setText(f"{branch.township}\n{branch.name}")
        if self.stack.currentWidget() is self.setup_page:
            last = self.ctx.window_state.value(self.PAGE_STATE_KEY, "members")
            self.show_page(last if last in self.pages else "members")
        if not self.chain_check_started:  # after the first page's reads: on a county's file it takes seconds
            self.chain_check_started = True
            self._check_ledger_chain()

    def _check_ledger_chain(self) -> None:
        """Once a week, in the background: is the ledger's hash chain whole (app.services.ledger.watch)?

        The check goes to the database worker a short step at a time, each step asked for when the
        one before has answered: the pages' questions asked meanwhile are answered in between."""
        store, today = self.ctx.store, self.ctx.today()
        self.ctx.read(  # the folder, too, is found on the worker: it asks the store for the branch
            lambda _control: watch.ScheduledChainCheck.begin(store, today, auto_backup.auto_backup_folder(store)),
            self._next_chain_step, on_problem=self._chain_check_problem,
        )

    def _next_chain_step(self, run) -> None:
        if run is None or self.closed:
            self.chain_check_label.hide()
            return
        self.chain_check_label.setText(self.tr("台账防篡改检查 {0}%").format(int(run.share_done * 100)))
        self.chain_check_label.show()
        self.ctx.read(lambda _control: run.step(watch.STEP_SECONDS), lambda known: self._chain_stepped(run, known), on_problem=self._chain_check_problem)

    def _chain_stepped(self, run, known: bool) -> None:
        if not known:
            self._next_chain_step(run)
            return
        self.chain_check_label.hide()
        if self.closed:
            return
        actor = self.ctx.actor
        self.ctx.write(
            lambda _control: run.record(actor), Kind.NONE, self._chain_checked, summary=lambda result: "",
            cancellable=False, on_problem=self._chain_check_problem,
        )

    def _chain_check_problem(self, exc: BaseException) -> None:
        self.chain_check_label.hide()
        if not self.closed:
            self.statusBar().showMessage(self.tr("台账防篡改检查没有完成：{0}").format(getattr(exc, "message", str(exc))))

    def _chain_checked(self, result) -> None:
        if not result.ran or result.verdict.ok:
            return
        self.chain_warning = ErrorDialog(
            self, self.tr("积分台账可能被改动过"),
            self.tr("{0}请不要再录入，先联系乡镇核对最近一次备份。").format(result.verdict.sentence), result.verdict.details,
        )
        self.chain_warning.open()

    def focus_search(self) -> None:
        page = self.current_page()
        if isinstance(page, Page):
            page.focus_search()

    def open_opening_points(self) -> OpeningPointsDialog:
        """期初积分: the months before go-live from the branch's Excel register, with its template."""
        self.opening_dialog = OpeningPointsDialog(self.ctx, self)
        self.opening_dialog.open()
        return self.opening_dialog

    def open_organisation(self) -> OrganisationDialog:
        """支部名称和党小组: rename the branch or its township, add, rename or remove party groups."""
        self.organisation_dialog = OrganisationDialog(self.ctx, self)
        self.organisation_dialog.open()
        return self.organisation_dialog

    def _new_member(self) -> None:
        self.show_page("members").add_member()

    def start_first_run(self) -> FirstRunWizard | None:
        """The first-run wizard, unless the file is a township's gathering database (asked on the
        worker); returns the wizard at once with the tests' synchronous runner."""
        self.wizard = None
        store = self.ctx.store
        self.ctx.read(lambda _control: gather.is_township_database(store), self._first_run_or_township, parent=self)
        return self.wizard

    def _first_run_or_township(self, township: bool) -> None:
        if township:  # a township's database has no branch: never the village wizard
            self._reopen_as_township()
            return
        self.wizard = FirstRunWizard(self.ctx, self)
        self.wizard.accepted.connect(self.reopen_as_township)  # the clerk chose 乡镇汇总数据库
        self.wizard.open()

    def reopen_as_township(self) -> None:
        """On a township's gathering database, close so that run_gui reopens it in the township window."""
        store = self.ctx.store
        self.ctx.read(
            lambda _control: gather.is_township_database(store),
            lambda township: self._reopen_as_township() if township else None, parent=self,
        )

    def _reopen_as_township(self) -> None:
        self.reopen_same = True
        if not self.close():
            self.reopen_same = False

    def _say_other_window(self) -> None:
        """Two windows on one file lose nothing (writes wait for each other), but confuse the clerk."""
        text = self.tr("这个数据库已经在{0}中打开了。两个窗口可以同时使用，数据不会丢失，"
                       "但一个窗口里看到的可能不是另一个窗口刚改过的内容；最好先关掉其中一个。").format(self.other_window)
        self.statusBar().showMessage(text)
        self.ctx.inform(self, self.tr("数据库已在别的窗口中打开"), text)

    def _closing(self) -> None:
        self.closed = True  # the weekly chain check asks for no further step
        self._auto_backup()
        if self.window_claim is not None:
            self.window_claim.release()

    def _auto_backup(self) -> None:
        """On closing a village's database: at most one automatic backup a day into the data folder.

        A failure never stops the close: it is shown in a box of its own (no parent, not modal), which
        keeps the program running until the clerk has read it.
        """
        if not self.has_branch or self.ctx.store.path is None:
            return
        store, failed = self.ctx.store, []

        def backup(_control) -> None:  # on the database worker, like every service call
            try:
                auto_backup.auto_backup_if_due(store)
            except Exception as exc:  # noqa: BLE001 - closing goes on; the clerk is told what failed
                failed.append(exc)

        self.ctx.jobs.submit(backup)
        self.ctx.jobs.wait()  # the window is closing: the backup must be done before the program ends
        QCoreApplication.processEvents()  # deliver the finished job now, while the window still exists
        if failed:
            self.auto_backup_problem = show_error(None, failed[0], self.tr("自动备份没有完成"))
