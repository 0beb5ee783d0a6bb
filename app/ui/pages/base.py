"""What every page has: the shared context, refresh when shown after a change it shows, Ctrl+F.

A page never calls a service on the UI thread: `refresh` asks through `self.read(ask, show, key)`
(app/ui/asking.py) and shows the answer when it comes.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QDialog, QWidget

from app.ui.changes import EVERYTHING, Kind, concerns
from app.ui.context import UiContext
from app.ui.asking import Asker
from app.ui.jobs import Job, JobControl


class Page(QWidget):
    title = ""
    # The kinds of data the page shows: a change of any other kind leaves it as it is.
    depends_on: Kind = EVERYTHING

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stale = True
        self.active_dialog: QDialog | None = None
        self.asker = Asker(self, ctx)
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
        """Ask the store again for what the page shows (the answer is shown when it comes)."""

    def read(
        self,
        ask: Callable[[JobControl], Any],
        show: Callable[[Any], None],
        key: str = "rows",
        on_problem: Callable[[BaseException], None] | None = None,
    ) -> Job:
        """`ask` on the database worker, then `show(answer)` here, unless a later read under `key` was asked."""
        return self.asker.read(ask, show, key, on_problem)

    def loading(self, key: str = "rows") -> bool:
        """An answer under `key` is still on its way."""
        return self.asker.loading(key)

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the page's search box."""

    def open_dialog(self, dialog: QDialog) -> QDialog:
        """Open window-modal without blocking (tests reach it as `page.active_dialog`)."""
        self.active_dialog = dialog
        dialog.open()
        return dialog

