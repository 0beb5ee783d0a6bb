"""Window geometry and table column widths, remembered between sessions.

Kept in its own INI file (`window-state.ini` in the data folder), apart from any preference
the clerk chooses, so that resetting the layout never loses a setting. Tests get a fresh
data folder (DYJF_DATA_DIR), so they never touch the user's file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QMargins, QObject, QSettings, QSize
from PySide6.QtWidgets import QDialog, QHeaderView, QWidget

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


def available_size(widget: QWidget) -> QSize | None:
    """The usable size of the screen the widget is on (without the task bar), or None offscreen-less."""
    screen = widget.screen()
    return screen.availableGeometry().size() if screen is not None else None


def fit_to_screen(widget: QWidget, default: QSize) -> bool:
    """Size a top-level window to `default`, never larger than the screen; True when the screen is
    smaller than `default` and the window should open maximised (the 1366×768 laptop)."""
    screen = available_size(widget)
    if screen is None:
        widget.resize(default)
        return False
    widget.resize(default.boundedTo(screen))
    minimum = widget.minimumSize()
    if minimum.width() > screen.width() or minimum.height() > screen.height():
        widget.setMinimumSize(minimum.boundedTo(screen))
    return screen.width() < default.width() or screen.height() < default.height()


# A window's title bar and borders lie outside the size Qt gives it (on Windows 10 about 31 px above and 8 around).
# Qt knows them only once the window is on a screen (the tests' offscreen one says 2 px): at least this much is
# kept free for them.
FRAME = QMargins(8, 31, 8, 8)


def room_on_screen(widget: QWidget) -> QSize | None:
    """The largest size a window's inside may have with its title bar and borders on the usable screen too."""
    screen = available_size(widget)
    if screen is None:
        return None
    handle = widget.windowHandle()
    known = handle.frameMargins() if handle is not None else QMargins()
    left, top = max(known.left(), FRAME.left()), max(known.top(), FRAME.top())
    right, bottom = max(known.right(), FRAME.right()), max(known.bottom(), FRAME.bottom())
    return QSize(screen.width() - left - right, screen.height() - top - bottom)


def cap_to_screen(widget: QWidget) -> None:
    """A dialog never larger than the screen it opens on, its title bar included: a dialog as high as the
    screen had its title bar at the top and its bottom row (使用说明's 关闭) under the task bar."""
    screen = room_on_screen(widget)
    if screen is None:
        return
    widget.setMaximumSize(widget.maximumSize().boundedTo(screen))
    if widget.minimumWidth() > screen.width() or widget.minimumHeight() > screen.height():
        widget.setMinimumSize(widget.minimumSize().boundedTo(screen))
    widget.resize(widget.size().boundedTo(screen))



class DialogsFitTheScreen(QObject):
    """Installed on the application by the window: every dialog, when shown, is capped to its screen,
    whichever module made it (a 1280×720 laptop must never get a dialog whose buttons are off-screen)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            cap_to_screen(watched)
        return False
