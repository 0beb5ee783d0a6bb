"""What every page shares: the store, the operator, the job runner, window state, today.

Pages never talk to each other. After a write, a page calls `ctx.changed(summary)`; the main
window shows the summary in the status bar and every page refreshes when it is next shown.
File dialogs and yes/no questions go through methods here, so tests can replace them
(a test must never block on a modal dialog).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTableView, QWidget

from app.domain.enums import Role
from app.services.context import Actor
from app.ui.jobs import JobRunner
from app.ui.widgets import fit_columns
from app.ui.window_state import WindowState
from db.store import Store


class UiContext(QObject):
    data_changed = Signal()
    status_message = Signal(str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        jobs: JobRunner | None = None,
        window_state: WindowState | None = None,
        today: date | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.jobs = jobs or JobRunner(self)
        self.window_state = window_state or WindowState()
        self._today = today
        self._tables: dict[str, QTableView] = {}
        self._restored: set[str] = set()

    def today(self) -> date:
        """The day the program works on (fixed in tests, the real date otherwise)."""
        return self._today or date.today()

    @property
    def can_review(self) -> bool:
        return self.actor.role in (Role.ADMIN, Role.REVIEWER)

    @property
    def can_enter(self) -> bool:
        return self.actor.role in (Role.ADMIN, Role.CLERK, Role.REVIEWER)

    def changed(self, summary: str = "") -> None:
        """A page saved something: tell the clerk what, and let every page know it is stale."""
        if summary:
            self.status_message.emit(summary)
        self.data_changed.emit()

    def say(self, text: str) -> None:
        self.status_message.emit(text)

    # -- things tests replace

    def ask_open_path(self, parent: QWidget, title: str, file_filter: str) -> str:
        path, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
        return path

    def ask_save_path(self, parent: QWidget, title: str, suggested: str, file_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
        return path

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def inform(self, parent: QWidget, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
        box.open()

    # -- remembered column widths

    def remember_table(self, view: QTableView, key: str) -> None:
        """Restore the table's saved column widths and save them on exit.

        Without saved widths, the columns are fitted to the headers and to the first rows shown.
        """
        self._tables[key] = view
        if self.window_state.restore_header(view.horizontalHeader(), key):
            self._restored.add(key)
            return
        fit_columns(view)
        model = view.model()

        def fit_first_rows() -> None:
            if model.rowCount() > 0:
                fit_columns(view)
                model.modelReset.disconnect(fit_first_rows)

        model.modelReset.connect(fit_first_rows)

    def save_tables(self) -> None:
        for key, view in self._tables.items():
            try:
                # Widths fitted to an empty table say nothing; keep fitting until rows were seen.
                if key in self._restored or view.model().rowCount() > 0:
                    self.window_state.save_header(view.horizontalHeader(), key)
            except RuntimeError:  # the view was already destroyed
                pass
        self.window_state.sync()
