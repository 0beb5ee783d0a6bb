"""What every page shares: the store, the operator, the job runner, window state, today.

Every service call goes through the one job runner: `ctx.read(fn, on_result)` for a query,
`ctx.write(fn, kinds, ...)` for a change (after Anki's QueryOp and CollectionOp). Both run
`fn(control)` on the database worker and call back on the UI thread; an error goes to
`on_problem`, or to `show_error`. After a write succeeds, `changed(kinds, summary)` puts the
summary in the status bar and emits `data_changed(kinds)`; a page refreshes only when a kind
it shows changed (app/ui/changes.py). Pages never talk to each other.

File dialogs and yes/no questions go through methods here, so tests can replace them
(a test must never block on a modal dialog).
"""

from __future__ import annotations

import re
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTableView, QWidget

from app.domain.enums import Role
from app.domain.errors import PermissionDenied
from app.services.context import Actor
from app.ui.changes import Kind
from app.ui.errors import show_error
from app.ui.jobs import Job, JobCancelled, JobControl, JobRunner, run_with_progress
from app.ui.widgets import fit_columns
from app.ui.window_state import WindowState
from db.store import Store


def file_kind(file_filter: str) -> str:
    """The kind of file a dialog asks for, by its filter's first extension: 'xlsx', 'db', 'pdf'…"""
    found = re.search(r"\*\.(\w+)", file_filter or "")
    return found.group(1).lower() if found else "other"


class UiContext(QObject):
    data_changed = Signal(object)  # the Kind flags of what changed
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
        self._asked = count()
        self._latest: dict[object, int] = {}

    def today(self) -> date:
        """The day the program works on (fixed in tests, the real date otherwise)."""
        return self._today or date.today()

    # -- who may do what: the services' own rule (Actor.require), asked, not restated

    def refusal(self, *roles: Role, action: str) -> str:
        """'' when the operator may do `action` (a service requiring `roles`), else the service's sentence."""
        try:
            self.actor.require(*roles, action=action)
        except PermissionDenied as exc:
            return exc.message
        return ""

    @property
    def can_review(self) -> bool:
        """审核积分, 冲正, 验星 and the rating's decisions: what ledger.review_entries requires."""
        return not self.refusal(Role.REVIEWER, action=self.tr("审核积分"))

    @property
    def can_enter(self) -> bool:
        """录入积分: what ledger.record_entry requires."""
        return not self.refusal(Role.CLERK, Role.REVIEWER, action=self.tr("录入积分"))

    # -- the one way to call a service

    def read(
        self,
        fn: Callable[[JobControl], Any],
        on_result: Callable[[Any], None],
        *,
        parent: QWidget | None = None,
        on_problem: Callable[[BaseException], None] | None = None,
        latest: object = None,
        progress: tuple[str, str] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Job:
        """A query on the database worker; `on_result` gets its answer on the UI thread.

        With `latest` set (any key, e.g. the page), only the answer to the last query asked
        under that key is delivered: an older one that comes back later is dropped.
        `progress` and `on_cancelled` are as for `write` (a report is built as a query).
        """
        asked = next(self._asked)
        if latest is not None:
            self._latest[latest] = asked

        def wanted() -> bool:
            return latest is None or self._latest.get(latest) == asked

        def answered(result) -> None:
            if wanted():
                on_result(result)

        def failed(exc: BaseException) -> None:
            if wanted():
                self._problem(exc, parent, on_problem, on_cancelled)

        return self._submit(fn, answered, failed, parent, progress, True, is_work=False)

    def write(
        self,
        fn: Callable[[JobControl], Any],
        kinds: Kind,
        on_done: Callable[[Any], None] | None = None,
        *,
        parent: QWidget | None = None,
        on_problem: Callable[[BaseException], None] | None = None,
        summary: Callable[[Any], str] | None = None,
        progress: tuple[str, str] | None = None,
        cancellable: bool = True,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Job:
        """A change on the database worker. On success the pages showing `kinds` are told first
        (with `summary(result)`, by default the service's `Change.summary`), then `on_done(result)`.

        `progress=(title, label)` shows a window-modal progress dialog over `parent`, whose 取消
        cancels the job (unless `cancellable` is False); a cancelled job calls `on_cancelled`.
        """

        def done(result) -> None:
            text = summary(result) if summary else getattr(result, "summary", "")
            self.changed(kinds, text)
            if on_done:
                on_done(result)

        return self._submit(
            fn, done, lambda exc: self._problem(exc, parent, on_problem, on_cancelled), parent, progress, cancellable,
            is_work=True,
        )

    def _submit(self, fn, on_result, on_error, parent, progress, cancellable: bool, is_work: bool) -> Job:
        if progress is None:
            return self.jobs.submit(fn, on_result=on_result, on_error=on_error, is_work=is_work)
        title, label = progress
        job, _dialog = run_with_progress(
            parent, self.jobs, title, label, fn, on_result=on_result, on_error=on_error,
            on_cancelled=lambda: on_error(JobCancelled()), cancellable=cancellable, is_work=is_work,
        )
        return job

    @staticmethod
    def _problem(exc: BaseException, parent, on_problem, on_cancelled) -> None:
        if isinstance(exc, JobCancelled):
            if on_cancelled:
                on_cancelled()
        elif on_problem:
            on_problem(exc)
        else:
            show_error(parent, exc)

    def changed(self, kinds: Kind, summary: str = "") -> None:
        """Something of `kinds` was saved: tell the clerk what, and the pages that show it."""
        if summary:
            self.status_message.emit(summary)
        self.data_changed.emit(kinds)

    def say(self, text: str) -> None:
        self.status_message.emit(text)

    # -- things tests replace

    def ask_open_path(self, parent: QWidget, title: str, file_filter: str, folder: str = "", key: str = "") -> str:
        """The file to open ('' when cancelled); starts in the folder last used for this kind of file
        (`key`, by default the filter's first extension) unless `folder` is given, and remembers it."""
        key = key or file_kind(file_filter)
        path, _ = QFileDialog.getOpenFileName(parent, title, folder or self.last_folder(key), file_filter)
        self._remember_folder(key, path)
        return path

    def ask_save_path(self, parent: QWidget, title: str, suggested: str, file_filter: str, key: str = "") -> str:
        """The file to save to; a bare suggested name starts in the folder last used for this kind of file."""
        key = key or file_kind(file_filter)
        folder = self.last_folder(key)
        if folder and suggested and not Path(suggested).is_absolute() and Path(suggested).parent == Path("."):
            suggested = str(Path(folder) / suggested)
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
        self._remember_folder(key, path)
        return path

    def last_folder(self, key: str) -> str:
        folder = self.window_state.value(f"folders/{key}", "")
        return folder if isinstance(folder, str) and folder and Path(folder).is_dir() else ""

    def _remember_folder(self, key: str, path: str) -> None:
        if path:
            self.window_state.set_value(f"folders/{key}", str(Path(path).parent))

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

    def table_restored(self, key: str) -> bool:
        """The table's column widths came from the clerk's last session (remember_table)."""
        return key in self._restored

    def save_tables(self) -> None:
        for key, view in self._tables.items():
            try:
                # Widths fitted to an empty table say nothing; keep fitting until rows were seen.
                if key in self._restored or view.model().rowCount() > 0:
                    self.window_state.save_header(view.horizontalHeader(), key)
            except RuntimeError:  # the view was already destroyed
                pass
        self.window_state.sync()
