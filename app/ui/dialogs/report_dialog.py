"""What the two print dialogs share (打印 in print_dialog.py, the rating round's in rating_print_dialog.py).

Both are window-modal, choose a report, and end in a problem line and 生成并预览 / 关闭. 生成并预览
builds the report on the job runner (with a progress dialog whose 取消 stops it), opens the
preview (app/ui/dialogs/print_preview.py) over the window, says so in the status bar and closes.
A report that cannot be made (an AppError: nobody with that many stars…) is said in the problem
line and the dialog stays; anything else opens show_error with the details to copy.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from app.domain.errors import AppError
from app.ui.context import UiContext
from app.ui.dialogs import print_preview
from app.ui.errors import show_error
from app.ui.jobs import Job, JobControl
from app.ui.widgets import dialog_buttons, error_label, show_problem

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class ReportDialog(QDialog):
    def __init_subclass__(cls, **kwargs) -> None:
        # Each dialog builds its own report (make_preview calls build_and_preview); checked here,
        # when the class is defined, as the house's other required hooks are.
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "make_preview", None)):
            raise TypeError(f"{cls.__name__} must define make_preview()")

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview = None  # the preview window, once the report is built
        self.job: Job | None = None
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        self.problem = error_label()

    def add_foot(self, layout: QVBoxLayout) -> None:
        """The problem line and the 生成并预览 / 关闭 buttons, at the bottom of the dialog's layout."""
        layout.addWidget(self.problem)
        buttons, self.preview_button = dialog_buttons(
            translate("ReportDialog", "生成并预览"), self.make_preview, self.reject, cancel_text=translate("ReportDialog", "关闭"))
        layout.addWidget(buttons)

    def build_and_preview(self, build: Callable[[JobControl], tuple[bytes, str]], label: str) -> Job:
        """`build(control)` on the job runner returns the PDF and its title; `label` names it while it is built."""
        show_problem(self.problem, "")
        self.job = self.ctx.read(
            build, self._built, parent=self, on_problem=self._failed,
            progress=(translate("ReportDialog", "生成报表"), translate("ReportDialog", "正在生成“{0}”…").format(label)),
            on_cancelled=lambda: show_problem(self.problem, translate("ReportDialog", "已取消，没有生成报表。")),
        )
        return self.job

    def _built(self, result: tuple[bytes, str]) -> None:
        pdf, title = result
        try:
            self.preview = print_preview.open_print_preview(self.parent(), pdf, title, f"{title}.pdf")
        except AppError as exc:  # a PDF the preview cannot open: said, and the dialog stays
            show_error(self, exc)
            return
        self.ctx.say(translate("ReportDialog", "已生成“{0}”，请在预览中打印或另存为 PDF。").format(title))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_error(self, exc)
