"""How a form dialog saves: its OK runs one write on the job runner; the dialog closes when it succeeded.

While the write runs, the button that started it is disabled. A refusal of the service (an
`AppError`: a field missing, a wrong stage…) is shown in the dialog's problem line and the
dialog keeps what the clerk typed; anything unexpected goes to `show_error`.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QAbstractButton, QDialog, QLabel

from app.domain.errors import AppError
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.jobs import Job, JobControl
from app.ui.widgets import show_problem


def save_and_close(
    dialog: QDialog,
    ctx: UiContext,
    fn: Callable[[JobControl], Any],
    kinds: Kind,
    *,
    button: QAbstractButton,
    problem: QLabel,
    on_done: Callable[[Any], None] | None = None,
    on_refused: Callable[[AppError], None] | None = None,
    summary: Callable[[Any], str] | None = None,
) -> Job:
    """Run `fn` as a write of `kinds`; on success `on_done(result)` and close the dialog (accept)."""
    show_problem(problem, "")
    button.setEnabled(False)

    def done(result) -> None:
        button.setEnabled(True)
        if on_done:
            on_done(result)
        dialog.accept()

    def refused(exc: BaseException) -> None:
        button.setEnabled(True)
        if not isinstance(exc, AppError):
            show_error(dialog, exc)
            return
        show_problem(problem, exc.message)
        if on_refused:
            on_refused(exc)

    return ctx.write(fn, kinds, done, parent=dialog, on_problem=refused, summary=summary)
