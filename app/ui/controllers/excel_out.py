"""A table out to Excel from the page it is on: a save-file dialog that remembers its folder, then
the export service on the database worker (ctx.write, Kind.NONE: nothing in the database changes).

`ExcelOut.export(title, suggested_name, work, summary)` asks where to save (starting in the folder
the clerk last saved an Excel file to), runs `work(target, control)` on the runner with a progress
dialog whose 取消 stops it, and puts `summary(count, target)` in the status bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtWidgets import QWidget

from app.domain.enums import Role
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.jobs import Job, JobControl

EXCEL_FILTER = QT_TRANSLATE_NOOP("ExcelOut", "Excel 工作簿 (*.xlsx)")
FOLDER_KEY = "excel_folder"


def excel_filter() -> str:
    return QCoreApplication.translate("ExcelOut", EXCEL_FILTER)


def xlsx_path(path: str) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == ".xlsx" else target.with_suffix(".xlsx")


def may_export_full_data(ctx: UiContext) -> str:
    """'' when the account may take ID numbers and phones out unmasked, else why not (a 查看 account may not)."""
    return ctx.refusal(Role.CLERK, Role.REVIEWER, action=ctx.tr("导出完整的身份证号和电话"))


class ExcelOut(QObject):
    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.last_job: Job | None = None
        self.last_path: Path | None = None

    def folder(self) -> str:
        return str(self.ctx.window_state.value(FOLDER_KEY, "") or "")

    def ask_path(self, title: str, suggested_name: str, file_filter: str = "") -> Path | None:
        """Where to save: the dialog opens in the folder used last time; the folder is remembered."""
        folder = self.folder()
        suggested = str(Path(folder) / suggested_name) if folder and Path(folder).is_dir() else suggested_name
        path = self.ctx.ask_save_path(self.widget, title, suggested, file_filter or excel_filter())
        if not path:
            return None
        target = xlsx_path(path)
        self.remember_folder(target.parent)
        return target

    def remember_folder(self, folder: Path) -> None:
        self.ctx.window_state.set_value(FOLDER_KEY, str(folder))

    def export(
        self,
        title: str,
        suggested_name: str,
        work: Callable[[Path, JobControl], Any],
        summary: Callable[[Any, Path], str],
    ) -> Job | None:
        target = self.ask_path(title, suggested_name)
        if target is None:
            return None
        return self.run(title, target, work, summary)

    def run(self, title: str, target: Path, work: Callable[[Path, JobControl], Any], summary: Callable[[Any, Path], str]) -> Job:
        self.last_path = target

        def job(control: JobControl):
            control.progress(0, 1)  # 取消 pressed before the worker got here: nothing is written
            return work(target, control)

        self.last_job = self.ctx.write(
            job, Kind.NONE, parent=self.widget, summary=lambda result: summary(result, target),
            progress=(title, self.tr("正在导出到“{0}”…").format(target.name)),
            on_cancelled=lambda: self.ctx.say(self.tr("已取消导出。")),
        )
        return self.last_job
