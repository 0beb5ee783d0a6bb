"""The roster's Excel files: the import template, an all-or-nothing import, an export.

Imports and exports run on the job runner with a cancellable progress dialog; the outcome
(how many were imported, or every bad row) is shown on the UI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject
from PySide6.QtWidgets import QWidget

from app.services.roster import excel as member_excel
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.export_dialog import ExportDialog
from app.ui.dialogs.import_problems_dialog import ImportProblemsDialog
from app.ui.errors import show_error

EXCEL_FILTER = QT_TRANSLATE_NOOP("RosterFiles", "Excel 工作簿 (*.xlsx)")


class RosterFiles(QObject):
    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.problems_dialog: ImportProblemsDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.last_job = None

    def save_template(self) -> None:
        path = self.ctx.ask_save_path(self.widget, self.tr("保存导入模板"), self.tr("党员名册导入模板.xlsx"), self.tr(EXCEL_FILTER))
        if not path:
            return
        store, target = self.ctx.store, _xlsx(path)
        self.last_job = self.ctx.write(
            lambda _control: member_excel.write_template(target, store), Kind.NONE, parent=self.widget,
            summary=lambda written: self.tr("导入模板已保存到 {0}。填好后用“导入 Excel”导入。").format(written),
        )

    def import_file(self) -> None:
        path = self.ctx.ask_open_path(self.widget, self.tr("选择要导入的党员名册"), self.tr(EXCEL_FILTER))
        if not path:
            return
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        name = Path(path).name

        def work(control):
            return member_excel.import_members(store, actor, path, today=today, progress=control.progress)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, member_excel.ImportRejected):
                self.problems_dialog = ImportProblemsDialog(exc, name, self.widget)
                self.problems_dialog.open()
                self.ctx.say(self.tr("“{0}”有 {1} 行有问题，没有导入。").format(name, len(exc.problems)))
            else:
                show_error(self.widget, exc)

        self.last_job = self.ctx.write(
            work, Kind.ROSTER, parent=self.widget, on_problem=failed,
            progress=(self.tr("导入党员名册"), self.tr("正在检查并导入“{0}”…").format(name)),
            on_cancelled=lambda: self.ctx.say(self.tr("已取消导入，没有导入任何党员。")),
        )

    def export(self) -> None:
        self.export_dialog = ExportDialog(self.widget)
        self.export_dialog.accepted.connect(self._export_chosen)
        self.export_dialog.open()

    def _export_chosen(self) -> None:
        dialog = self.export_dialog
        suggested = self.tr("党员名册{0}.xlsx").format(f"{self.ctx.today():%Y%m%d}")
        path = self.ctx.ask_save_path(self.widget, self.tr("导出党员名册"), suggested, self.tr(EXCEL_FILTER))
        if not path:
            return
        target = _xlsx(path)
        store, statuses, full = self.ctx.store, dialog.statuses, dialog.full_data.isChecked()

        def work(control):
            return member_excel.export_members(store, target, statuses, full, progress=control.progress)

        self.last_job = self.ctx.write(
            work, Kind.NONE, parent=self.widget,
            summary=lambda count: self.tr("已导出 {0} 名党员到 {1}。").format(count, target),
            progress=(self.tr("导出党员名册"), self.tr("正在导出…")),
            on_cancelled=lambda: self.ctx.say(self.tr("已取消导出。")),
        )


def _xlsx(path: str) -> Path:
    target = Path(path)
    return target if target.suffix.lower() == ".xlsx" else target.with_suffix(".xlsx")
