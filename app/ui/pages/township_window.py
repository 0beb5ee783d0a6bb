"""The window on a township's gathering database: 汇总总览 and 验星, the backup menu, nothing of a village's own.

run_gui opens this instead of MainWindow when app.services.township.gather.is_township_database says so.
Like MainWindow it is a thin shell (app.ui.shell: menus, the left navigation, the stacked pages, the
status bar) and hands a change of database back to run_gui through `next_database` / `reopen_same`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QVBoxLayout

from app.services.township import gather
from app.ui import menu_actions
from app.ui.changes import Kind
from app.ui.errors import show_error
from app.ui.pages.base import Page
from app.ui.pages.township_cadres import TownshipCadresPage
from app.ui.pages.township_overview import TownshipOverviewPage
from app.ui.pages.township_verify import TownshipVerifyPage
from app.ui.shell import ShellWindow
from app.ui.widgets import hint_label

TOWNSHIP_PAGE_KEYS = ("overview", "verify", "cadres")


class TownshipWindow(ShellWindow):
    PAGE_KEYS = TOWNSHIP_PAGE_KEYS
    PAGE_STATE_KEY = "township_page"
    GEOMETRY_KEY = "township"
    HELP_PAGE = "township.html"  # gathering, 汇总总览, 验星: none of the village's entering of points

    def _ready(self) -> None:
        self.backup_dialog = None
        self.branch_label.setText(self.tr("乡镇汇总"))
        for action, kind in zip(self.backup_actions, ("backup", "restore", "gather")):
            # the same dialog, but gathering goes into this very database and refreshes the overview
            action.triggered.disconnect()
            action.triggered.connect(lambda _=False, k=kind: self.open_backup(k))
        self.pages["overview"].gather_requested.connect(lambda: self.open_backup("gather"))
        self.pages["overview"].township_named.connect(self._show_township)
        last = self.ctx.window_state.value(self.PAGE_STATE_KEY, "overview")
        self.show_page(last if last in self.pages else "overview")
        # the overview names the committee once it has loaded; opened on another page it would not yet
        store = self.ctx.store
        self.ctx.read(lambda _control: gather.township_name(store), lambda name: name and self._show_township(name), parent=self)

    # -- layout

    def _window_title(self) -> str:
        return self.tr("党员积分管理（乡镇汇总）— {0}")

    def _create_pages(self) -> dict[str, Page]:
        return {"overview": TownshipOverviewPage(self.ctx), "verify": TownshipVerifyPage(self.ctx), "cadres": TownshipCadresPage(self.ctx)}

    def _navigation_footer(self, layout: QVBoxLayout) -> None:
        layout.addWidget(hint_label(self.tr("乡镇汇总数据库：各村的数据只读，由各村交来的备份汇总而来。")))

    def _file_actions(self, file_menu: QMenu) -> None:
        self.import_action = self._action(file_menu, self.tr("导入星级评定上报文件…"), self._import_report)

    def _about_text(self) -> str:
        return self.tr("党员积分管理（乡镇汇总）\n汇总各村交来的备份，对比各村积分和星级，给各村的星级评定验星；数据只保存在本机。")

    def _new_file_name(self) -> str:
        return self.tr("乡镇汇总.db")

    def _busy_question(self) -> str:
        return self.tr("汇总或导入还在进行，确定要退出吗？")

    # -- behaviour

    def _show_township(self, name: str) -> None:
        self.branch_label.setText(self.tr("{0}\n乡镇汇总").format(name))

    def _import_report(self) -> None:
        self.show_page("verify").import_report()

    def open_backup(self, kind: str):
        """备份 / 恢复 / 汇总 in the backup dialog; gathering goes into this database and refreshes the overview."""
        dialog = menu_actions.open_backup(self, kind)
        if self.ctx.store.path is not None:
            dialog.set_township_file(self.ctx.store.path)
            dialog.township_button.setVisible(False)  # this window shows this database; gather here
        dialog.overview_year = self.pages["overview"].year()
        dialog.gathered.connect(self._gathered)
        return dialog

    def _gathered(self, report) -> None:
        self.ctx.changed(Kind.TOWNSHIP, report.summary)
        self.show_page("overview")

    def update_branch(self) -> None:
        """After a restore (menu_actions calls this): a village's backup restored here makes a village window."""
        store = self.ctx.store
        self.ctx.read(lambda _control: gather.is_township_database(store), self._township_or_not, parent=self)

    def _township_or_not(self, still_township: bool) -> None:
        if not still_township:
            self.reopen_same = True
            if not self.close():
                self.reopen_same = False
