"""The one way the window runs work on the database: one worker thread, results on the UI thread.

`JobRunner.submit(fn, on_result=..., on_error=..., on_progress=..., on_message=...)` runs
`fn(control)` on a single worker thread, so database jobs never run two at a time and come
back in the order they were asked for. `fn` reports progress with `control.progress(done,
total)` and a sentence with `control.say(text)`; when the clerk presses “取消” the next call
to `progress` raises `JobCancelled`, which unwinds the service's unit of work so nothing is
half-saved. Every callback runs on the UI thread. The worker never touches a widget.

A job that needs the clerk half-way (a passphrase for one of several files) calls
`control.ask(question)`: `question()` runs on the UI thread (it may open a modal dialog) and
its answer comes back to the worker, which waits meanwhile. The UI thread must therefore
never block on the worker while a job may ask (`JobRunner.wait` is for tests and shutdown;
a test of a threaded job that asks waits with `qtbot.waitSignal`).

Pages and dialogs do not call `submit` themselves: `UiContext.read` (a query) and
`UiContext.write` (a change, which tells the pages what kind of data changed) do, after
Anki's QueryOp and CollectionOp; the backup dialog and the print dialogs take the same runner.

Tests inject `JobRunner(synchronous=True)`: the same code path, run inline, so a test sees
the result as soon as `submit` returns.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.ui.errors import show_error


class JobCancelled(Exception):
    """The clerk pressed “取消”; raised inside the job by `JobControl.progress`."""


class JobControl:
    """Given to a job function: report progress, learn whether the clerk cancelled."""

    def __init__(
        self, report: Callable[[int, int], None], tell: Callable[[str], None],
        ask: Callable[["_Question"], None] | None = None,
    ) -> None:
        self._report = report
        self._tell = tell
        self._ask = ask
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def progress(self, done: int, total: int) -> None:
        if self._cancelled.is_set():
            raise JobCancelled()
        self._report(done, total)

    def say(self, text: str) -> None:
        """A sentence for the clerk about where the job is (e.g. “正在校验备份……”)."""
        self._tell(text)

    def ask(self, question: Callable[[], Any]) -> Any:
        """`question()` run on the UI thread; its answer (or its exception) here, once it is given.

        The worker waits for the clerk; with the synchronous runner `question` runs inline.
        Raises `JobCancelled` when the clerk had pressed “取消” before, or while, he was asked.
        """
        if self._cancelled.is_set():
            raise JobCancelled()
        if self._ask is None:
            return question()
        asked = _Question(question)
        self._ask(asked)
        asked.answered.wait()
        if self._cancelled.is_set():
            raise JobCancelled()
        if asked.error is not None:
            raise asked.error
        return asked.answer


class _Question:
    """One question from the worker: what to run on the UI thread, and its answer once given."""

    def __init__(self, question: Callable[[], Any]) -> None:
        self.question = question
        self.answer: Any = None
        self.error: BaseException | None = None
        self.answered = threading.Event()

    def put(self) -> None:
        """On the UI thread: ask, keep the answer or the error, let the worker go on."""
        try:
            self.answer = self.question()
        except BaseException as exc:  # raised again on the worker, where the job's own error handling is
            self.error = exc
        finally:
            self.answered.set()


class _Bridge(QObject):
    """Emitted from the worker thread; received by the Job on the UI thread (queued)."""

    progress = Signal(int, int)
    said = Signal(str)
    asked = Signal(object)  # a _Question
    done = Signal(object, object)


class Job(QObject):
    """A submitted job. Its public signals fire on the UI thread."""

    progressed = Signal(int, int)
    said = Signal(str)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, fn: Callable[[JobControl], Any], parent: QObject | None = None, is_work: bool = True) -> None:
        super().__init__(parent)
        self._fn = fn
        self.is_work = is_work  # False for a query: closing the window need not wait for it
        self._bridge = _Bridge()
        self._bridge.progress.connect(self._on_progress)
        self._bridge.said.connect(self._on_said)
        self._bridge.asked.connect(self._on_asked)
        self._bridge.done.connect(self._on_done)
        self.control = JobControl(self._bridge.progress.emit, self._bridge.said.emit, self._bridge.asked.emit)
        self.is_finished = False

    def cancel(self) -> None:
        self.control.cancel()

    def run(self) -> None:
        """Run the function where called (the worker thread, or inline for the synchronous runner)."""
        try:
            result = self._fn(self.control)
        except BaseException as exc:  # delivered to the UI thread, shown by show_error
            self._bridge.done.emit(None, exc)
        else:
            self._bridge.done.emit(result, None)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if not self.is_finished:
            self.progressed.emit(done, total)

    @Slot(str)
    def _on_said(self, text: str) -> None:
        if not self.is_finished:
            self.said.emit(text)

    @Slot(object)
    def _on_asked(self, question: _Question) -> None:
        question.put()  # the worker waits for it, whatever happens: never left unanswered

    @Slot(object, object)
    def _on_done(self, result, error) -> None:
        self.is_finished = True
        if error is None:
            self.succeeded.emit(result)
        else:
            self.failed.emit(error)
        self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        self.job.run()


class JobRunner(QObject):
    """Runs jobs one at a time on a worker thread (or inline when `synchronous`)."""

    def __init__(self, parent: QObject | None = None, synchronous: bool = False) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: set[Job] = set()

    def submit(
        self,
        fn: Callable[[JobControl], Any],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_message: Callable[[str], None] | None = None,
        is_work: bool = True,
    ) -> Job:
        """Queue `fn`; with `is_work=False` (a query) the runner does not count it as `busy`."""
        # No Qt parent: the job lives as long as Python holds it (the runner until it finishes,
        # and whoever kept the returned object), so nobody is left holding a deleted object.
        job = Job(fn, is_work=is_work)
        # Connected first, so the runner is no longer busy with this job when its callbacks run
        # (a callback that closes the window must not be asked "还有工作没做完").
        job.succeeded.connect(lambda _result: self._forget(job))
        job.failed.connect(lambda _error: self._forget(job))
        if on_progress:
            job.progressed.connect(on_progress)
        if on_message:
            job.said.connect(on_message)
        if on_result:
            job.succeeded.connect(on_result)
        if on_error:
            job.failed.connect(on_error)
        self._running.add(job)
        if self.synchronous:
            job.run()  # same thread: the bridge's signals are delivered directly
        else:
            self._pool.start(_Runnable(job))
        return job

    def _forget(self, job: Job) -> None:
        self._running.discard(job)

    @property
    def busy(self) -> bool:
        """Work (not a query) is queued or running: closing now would cut it off."""
        return any(job.is_work for job in self._running)

    @property
    def idle(self) -> bool:
        """Nothing queued, running, or waiting to be delivered on the UI thread (queries included)."""
        return not self._running

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker is idle (tests and shutdown only)."""
        return self._pool.waitForDone(msecs)


def run_with_progress(
    parent: QWidget,
    runner: JobRunner,
    title: str,
    label: str,
    fn: Callable[[JobControl], Any],
    on_result: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    cancellable: bool = True,
    is_work: bool = True,
) -> tuple[Job, QProgressDialog]:
    """Run `fn` with a window-modal progress dialog whose “取消” button cancels the job.

    With `cancellable=False` (work that cannot stop half-way) the dialog has no 取消 button.
    """
    dialog = QProgressDialog(label, QCoreApplication.translate("jobs", "取消"), 0, 0, parent)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(1_000_000)  # shown by the timer below, not by setValue
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(360)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, JobCancelled):
            if on_cancelled:
                on_cancelled()
        elif on_error:
            on_error(exc)
        else:
            show_error(parent, exc)

    def finished() -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    def show_if_still_running() -> None:
        if not job.is_finished:
            dialog.show()

    dialog.canceled.connect(lambda: job.cancel())  # the 取消 button, or closing the dialog
    dialog.rejected.connect(lambda: job.cancel())  # Esc
    job = runner.submit(fn, on_result=on_result, on_error=failed, on_progress=progressed, is_work=is_work)
    if job.is_finished:
        finished()
    else:
        job.finished.connect(finished)
        QTimer.singleShot(400, dialog, show_if_still_running)
    return job, dialog
