"""帮助 → 使用说明: the clerk's work, step by step, with pictures of the real window.

Each window names its own page (ShellWindow.HELP_PAGE): the village's month is
resources/help/month.html, the township organiser's work resources/help/township.html. Their
pictures, resources/help/images/*.png, are made by the test suite (tests/ui/test_help_page.py renders
the windows offscreen), so they show the window as it is. Non-modal, capped to the screen like every dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.locations import RESOURCES_DIR

HELP_DIR = RESOURCES_DIR / "help"
HELP_PAGE = HELP_DIR / "month.html"  # the village clerk's month
TOWNSHIP_HELP_PAGE = HELP_DIR / "township.html"  # the township organiser's gathering and 验星


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, page: str = HELP_PAGE.name) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用说明"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(HELP_DIR)])
        self.page = HELP_DIR / page
        if self.page.exists():
            self.browser.setSource(QUrl.fromLocalFile(str(self.page)))
        else:
            self.browser.setPlainText(self.tr("找不到使用说明文件：{0}").format(self.page))
        layout.addWidget(self.browser, 1)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.accept)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(980, 700)
