"""The shape every star-rating dialog shares: an explanation, a form, a problem line, 确定/取消.

On 确定 the dialog reads its fields into a plain function (`work()`), which runs as a write of
the rating (`Kind.RATING`) on the job runner, off the UI thread; the dialog stays open, its OK
disabled, until the result comes back on the UI thread (app/ui/dialogs/saving.py). A refused
step (an `AppError`: no reason written, wrong stage…) is shown inside the dialog, which keeps
what the clerk typed; anything unexpected goes to `show_error` with the details to copy.
"""

from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.services.context import Change
from app.services.rating.queries import CandidateRow
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.widgets import dialog_buttons, error_label, hint_label, show_problem


class RatingFormDialog(QDialog):
    """A form whose OK runs one service call on the job runner.

    Each form defines `work(self) -> Callable[[], Change] | None`: read the fields on the UI
    thread and return the call to run, or None to stay open (checked when the class is defined).
    """

    saved = Signal(object)  # the service's Change, on the UI thread
    kinds = Kind.RATING  # what the write changes (the practice forms reuse this shape: app/ui/dialogs/practice_*.py)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "work", None)):
            raise TypeError(f"{cls.__name__} must define work()")

    def __init__(self, ctx: UiContext, title: str, explanation: str, parent: QWidget | None = None, width: int = 500) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.change: Change | None = None
        self.job = None
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(width)
        layout = QVBoxLayout(self)
        self.explanation = hint_label(explanation)
        self.explanation.setVisible(bool(explanation))
        layout.addWidget(self.explanation)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.problem = error_label()
        layout.addWidget(self.problem)
        self.buttons, self.ok_button = dialog_buttons(self.tr("确定"), self.save, self.reject)
        layout.addWidget(self.buttons)

    def set_explanation(self, text: str) -> None:
        self.explanation.setText(text)
        self.explanation.setVisible(bool(text))

    def save(self) -> None:
        try:
            work = self.work()
        except AppError as exc:
            show_problem(self.problem, exc.message)
            return
        if work is None:
            return
        self.job = save_and_close(
            self, self.ctx, lambda _control: work(), self.kinds, button=self.ok_button, problem=self.problem,
            on_done=self._done,
        )

    def _done(self, change: Change) -> None:
        self.change = change
        self.saved.emit(change)


class CandidateBox(QComboBox):
    """A drop-down of the round's members (name · group · current stars), by member id."""

    def __init__(self, candidates, chosen=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidates: list[CandidateRow] = list(candidates)
        for candidate in self.candidates:
            label = f"{candidate.name}　{candidate.group_name}" if candidate.group_name else candidate.name
            self.addItem(label, str(candidate.member_id))
        index = next((i for i, c in enumerate(self.candidates) if c.member_id == chosen), 0)
        self.setCurrentIndex(index)
        self.setMaxVisibleItems(20)

    def current(self) -> CandidateRow | None:
        index = self.currentIndex()
        return self.candidates[index] if 0 <= index < len(self.candidates) else None

    def choose(self, member_id) -> bool:
        index = next((i for i, c in enumerate(self.candidates) if c.member_id == member_id), -1)
        if index >= 0:
            self.setCurrentIndex(index)
        return index >= 0
