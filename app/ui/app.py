"""Start the GUI: Qt application, Chinese font and translations, the store, the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import AppError
from app.services import operators
from app.services.paths import database_url
from app.ui.errors import describe
from app.ui.fonts import install_bundled_font
from app.ui.main_window import MainWindow
from db.store import Store


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("党员积分管理")
    app.setOrganizationName("dangyuan-jifen")
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    if translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    install_bundled_font(app)
    return app


def run_gui(db_path: str | None = None, operator: str | None = None) -> int:
    app = make_application()
    try:
        store = Store(database_url(db_path))
        actor = operators.actor_for(store, operator)
    except AppError as exc:
        message, details = describe(exc)
        box = QMessageBox(QMessageBox.Icon.Critical, "无法打开数据库", message)
        box.setDetailedText(details)
        box.exec()
        return 1
    window = MainWindow(store, actor)
    window.show()
    try:
        return app.exec()
    finally:
        store.close()
