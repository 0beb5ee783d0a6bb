"""What every page has: the shared context, refresh when shown after a change it shows, Ctrl+F."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from app.ui.changes import EVERYTHING, Kind, concerns
from app.ui.context import UiContext


class Page(QWidget):
    title = ""
    # The kinds of data the page shows: a change of any other kind leaves it as it is.
    depends_on: Kind = EVERYTHING

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stale = True
        self.active_dialog: QDialog | None = None
        ctx.data_changed.connect(self._data_changed)

    def _data_changed(self, kinds: Kind) -> None:
        if not concerns(kinds, self.depends_on):
            return
        self.stale = True
        if self.isVisible():
            self.refresh_if_stale()

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.stale = False
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh_if_stale()

    def refresh(self) -> None:
        """Reload what the page shows from the store."""

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the page's search box."""

    def open_dialog(self, dialog: QDialog) -> QDialog:
        """Open window-modal without blocking (tests reach it as `page.active_dialog`)."""
        self.active_dialog = dialog
        dialog.open()
        return dialog
