"""Register the bundled Chinese font so the window reads the same on any machine."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.services.paths import FONTS_DIR

UI_FONT_FILES = ("LXGWWenKai-Regular.ttf", "LXGWWenKai-Bold.ttf")


def install_bundled_font(app: QApplication, point_size: int = 11) -> str:
    """Load the bundled faces and make them the application font; returns the family name."""
    family = ""
    for file_name in UI_FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(FONTS_DIR / file_name))
        if font_id < 0:
            raise RuntimeError(f"cannot load bundled font {file_name}")
        family = family or QFontDatabase.applicationFontFamilies(font_id)[0]
    app.setFont(QFont(family, point_size))
    return family
