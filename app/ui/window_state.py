"""Window geometry and table column widths, remembered between sessions.

Kept in its own INI file (`window-state.ini` in the data folder), apart from any preference
the clerk chooses, so that resetting the layout never loses a setting. Tests get a fresh
data folder (DYJF_DATA_DIR), so they never touch the user's file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QWidget

from app.services.paths import data_dir

STATE_FILE_NAME = "window-state.ini"


class WindowState:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / STATE_FILE_NAME
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def restore_geometry(self, widget: QWidget, key: str) -> bool:
        value = self._settings.value(f"geometry/{key}")
        return isinstance(value, QByteArray) and widget.restoreGeometry(value)

    def save_geometry(self, widget: QWidget, key: str) -> None:
        self._settings.setValue(f"geometry/{key}", widget.saveGeometry())

    def restore_header(self, header: QHeaderView, key: str) -> bool:
        value = self._settings.value(f"columns/{key}")
        return isinstance(value, QByteArray) and header.restoreState(value)

    def save_header(self, header: QHeaderView, key: str) -> None:
        self._settings.setValue(f"columns/{key}", header.saveState())

    def value(self, key: str, default=None):
        return self._settings.value(f"state/{key}", default)

    def set_value(self, key: str, value) -> None:
        self._settings.setValue(f"state/{key}", value)

    def sync(self) -> None:
        self._settings.sync()
