"""Start the GUI: Qt application, Chinese font and translations, the store, the main window.

Also what a first start on a bare machine needs: a plain sentence instead of Qt's abort when
the X11 platform plugin cannot load, the icon and version, the portable mode's title, and a
crash hook that writes a log into the data folder and tells the clerk where it is.
DYJF_QUIT_AFTER_MS (for the smoke test of the frozen build) closes the window after so many
milliseconds, as the clerk would.
"""

from __future__ import annotations

import os
import sys
import traceback

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QtMsgType, QTimer, QTranslator, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.domain.errors import AppError
from app.locations import ICONS_DIR, VERSION
from app.services import startup
from app.services import organisation
from app.services.township import gather
from app.services.paths import database_url
from app.ui.dialogs.login_dialogs import sign_in
from app.ui.errors import ErrorDialog, describe, show_error
from app.ui.jobs import JobRunner
from app.ui.fonts import install_bundled_font
from app.ui.main_window import MainWindow
from app.ui.pages.township_window import TownshipWindow
from db.store import Store


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("党员积分管理")  # the program's name, not a UI string (settings, window class)
    app.setOrganizationName("dangyuan-jifen")
    app.setApplicationVersion(VERSION)
    app.setWindowIcon(QIcon(str(ICONS_DIR / "dangyuan-jifen.png")))
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


_crash_parent: list[QWidget | None] = [None]


def install_error_hook(window: MainWindow | TownshipWindow | None) -> None:
    """An unexpected error anywhere (a slot, start-up) is written to a log file in the data folder,
    and the clerk reads one sentence saying where the log is; the traceback is only in the details."""
    _crash_parent[0] = window
    sys.excepthook = _crash_hook


def _crash_hook(kind, value, trace) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, value, trace)
        return
    log = startup.write_crash_log(kind, value, trace)
    if sys.stderr is not None:  # a terminal, when there is one (never in the Windows build)
        sys.stderr.write(f"{startup.crash_sentence(log)}\n")
    try:
        _show_crash(value, log, "".join(traceback.format_exception(kind, value, trace)))
    except Exception:  # noqa: BLE001 - the window may be gone; the log is written
        pass


def _show_crash(value: BaseException, log, details: str) -> None:
    if QApplication.instance() is None:
        return
    parent = _crash_parent[0]
    message = value.message if isinstance(value, AppError) else startup.crash_sentence(log)
    if isinstance(value, AppError):
        details = f"{value.details}\n\n{log}" if value.details else str(log)
    box = ErrorDialog(parent, QCoreApplication.translate("app", "出错了"), message, details)
    if parent is not None and parent.isVisible():
        box.open()  # the window goes on
    else:
        box.exec()  # nothing else on screen: keep the sentence until the clerk has read it


def _refuse_missing_platform() -> int | None:
    """Before Qt aborts on a machine without the xcb plugin's libraries: say it in plain words (exit 3)."""
    if not startup.uses_x11():
        return None
    missing = startup.missing_xcb_packages()

    def on_qt_message(kind, _context, message) -> None:
        if kind == QtMsgType.QtFatalMsg and "platform plugin" in message:
            sys.stderr.write(startup.platform_plugin_sentence(missing) + "\n")
            os._exit(3)
        sys.stderr.write(message + "\n")

    qInstallMessageHandler(on_qt_message)
    if missing and not os.environ.get("DYJF_SKIP_PLATFORM_CHECK"):
        sys.stderr.write(startup.platform_plugin_sentence(missing) + "\n")
        return 3
    return None


def _decorate(window: MainWindow | TownshipWindow) -> None:
    """The portable mode's title, and the smoke test's timed close (DYJF_QUIT_AFTER_MS)."""
    portable = startup.portable_title()
    if portable:
        window.setWindowTitle(f"{window.windowTitle()}（{portable}）")
    quit_after = os.environ.get("DYJF_QUIT_AFTER_MS")
    if quit_after:

        def close_now() -> None:
            window.ctx.jobs.wait()
            print(f"window-title: {window.windowTitle()}", flush=True)  # what the smoke test reads back (not for the clerk)
            window.close()
            QApplication.instance().quit()

        QTimer.singleShot(int(quit_after), close_now)


def _quit_sign_in_after() -> None:
    """The smoke test's timed close (DYJF_QUIT_AFTER_MS) also ends a log-in screen nobody answers."""
    quit_after = os.environ.get("DYJF_QUIT_AFTER_MS")
    if quit_after:

        def close_sign_in() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is not None:
                print(f"window-title: {dialog.windowTitle()}", flush=True)
                dialog.reject()

        QTimer.singleShot(int(quit_after), close_sign_in)


def run_gui(db_path: str | None = None, operator: str | None = None) -> int:
    """Open the window on the database (a township's gathering database gets the township window);
    when the clerk opens another file, reopen on that one."""
    refused = _refuse_missing_platform()
    if refused is not None:
        return refused
    app = make_application()
    install_error_hook(None)
    actor, notice = None, ""
    while True:
        try:
            store = Store(database_url(db_path))
            if actor is None:  # a new file (or a restored one) asks again who is at the keyboard
                _quit_sign_in_after()
                told = {"notice": notice} if notice else {}  # why the log-in is asked again (a restore)
                actor = sign_in(store, JobRunner(app), operator, **told)
                if actor is None:
                    store.close()
                    return 0
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
        _decorate(window)
        window.show()
        if needs_setup:
            window.start_first_run()
        try:
            code = app.exec()
        finally:
            window.ctx.jobs.wait()
            store.close()
        if getattr(window, "reopen_same", False):
            continue  # the same database in the other kind of window (village ↔ township), the same person
        if not window.next_database:
            return code
        db_path, actor, notice = window.next_database, None, getattr(window, "log_in_notice", "")
        install_error_hook(None)  # the ended session's window is let go before the next log-in; the next
        window = None  # window gets only the actor that log-in returns
