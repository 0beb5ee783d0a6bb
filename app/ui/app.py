"""Start the GUI: Qt application, Chinese font and translations, the store, the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import AppError
from app.services import organisation
from app.services.township import gather
from app.services.accounts import operators
from app.services.paths import database_url
from app.ui.errors import describe, show_error
from app.ui.fonts import install_bundled_font
from app.ui.main_window import MainWindow
from app.ui.pages.township_window import TownshipWindow
from db.store import Store


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("党员积分管理")  # the program's name, not a UI string (settings, window class)
    app.setOrganizationName("dangyuan-jifen")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    if not getattr(app, "_dyjf_translators", None):
        translators = []
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in ("qtbase_zh_CN", "qt_zh_CN"):
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                translators.append(translator)
        app._dyjf_translators = translators  # keep them alive, install once
    install_bundled_font(app)
    return app


def install_error_hook(window: MainWindow | TownshipWindow) -> None:
    """An unexpected error in a slot becomes one plain sentence with details to copy, not a silent traceback."""
    previous = sys.excepthook

    def hook(kind, value, trace):
        previous(kind, value, trace)
        try:
            show_error(window, value)
        except Exception:  # the window may be gone; the traceback was printed above
            pass

    sys.excepthook = hook


def run_gui(db_path: str | None = None, operator: str | None = None) -> int:
    """Open the window on the database (a township's gathering database gets the township window);
    when the clerk opens another file, reopen on that one."""
    app = make_application()
    while True:
        try:
            store = Store(database_url(db_path))
            actor = operators.actor_for(store, operator)
            township = gather.is_township_database(store)  # no branch of its own: never the village wizard
            needs_setup = not township and organisation.current_branch_id(store) is None
        except AppError as exc:
            message, details = describe(exc)
            box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("app", "无法打开数据库"), message)
            box.setDetailedText(details)
            box.exec()
            return 1
        window = TownshipWindow(store, actor) if township else MainWindow(store, actor)
        install_error_hook(window)
        window.show()
        if needs_setup:
            window.start_first_run()
        try:
            code = app.exec()
        finally:
            window.ctx.jobs.wait()
            store.close()
        if getattr(window, "reopen_same", False):
            continue  # the same database in the other kind of window (village ↔ township)
        if not window.next_database:
            return code
        db_path = window.next_database
