"""Reading for a widget: ask on the database worker, show on the UI thread, only the latest answer.

A widget never calls a service on the UI thread. It splits each refresh in two: `ask(control)`
takes plain values captured beforehand (never a widget), calls the services and returns plain
data; `show(answer)` puts that on screen. `Asker.read(ask, show, key)` runs the first through
`ctx.read` on the one database worker and the second on the UI thread, dropping the answer
when a later question under the same key was asked meanwhile (a keystroke, another year).
`loading(key)` says the latest answer is still on its way: a page told to select a row right
after a write keeps that wish until its rows come back.

With the synchronous runner of the tests, `show` has run when `read` returns.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.jobs import Job, JobControl


class Asker:
    def __init__(self, widget: QWidget, ctx: UiContext) -> None:
        self.widget = widget
        self.ctx = ctx
        self._latest: dict[str, Job] = {}

    def read(
        self,
        ask: Callable[[JobControl], Any],
        show: Callable[[Any], None],
        key: str = "rows",
        on_problem: Callable[[BaseException], None] | None = None,
    ) -> Job:
        """`ask` on the database worker, then `show(answer)` here, unless a later read under `key` was asked.

        A failure goes to `on_problem`, or to `show_error` over the widget.
        """

        def answered(answer) -> None:
            if isValid(self.widget):  # the window may have closed while the worker was busy
                show(answer)

        def failed(exc: BaseException) -> None:
            if not isValid(self.widget):
                return
            if on_problem is not None:
                on_problem(exc)
            else:
                show_error(self.widget, exc)

        job = self.ctx.read(ask, answered, parent=self.widget, on_problem=failed, latest=(id(self), key))
        self._latest[key] = job
        return job

    def loading(self, key: str = "rows") -> bool:
        """The answer to the latest question under `key` has not been shown yet."""
        job = self._latest.get(key)
        return job is not None and not job.is_finished
