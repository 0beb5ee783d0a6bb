"""帮助 → 使用说明: the clerk's month, step by step, with pictures of the real window.

The text is resources/help/month.html; its pictures, resources/help/images/*.png, are made by the
test suite (tests/ui/test_help_page.py renders the pages offscreen), so they show the window as it is.
Non-modal, capped to the screen like every dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.locations import RESOURCES_DIR

HELP_DIR = RESOURCES_DIR / "help"
HELP_PAGE = HELP_DIR / "month.html"


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用说明"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(HELP_DIR)])
        if HELP_PAGE.exists():
            self.browser.setSource(QUrl.fromLocalFile(str(HELP_PAGE)))
        else:
            self.browser.setPlainText(self.tr("找不到使用说明文件：{0}").format(HELP_PAGE))
        layout.addWidget(self.browser, 1)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.accept)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(980, 700)
