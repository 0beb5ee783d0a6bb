"""The roster's Excel files: the import template, the import with its preview, an export.

Import: the file is read and previewed on the database worker (cancellable), then the preview
dialog (app/ui/dialogs/roster_import_dialog.py) lets the clerk reassign columns and choose how to
import; the import itself runs there through ctx.write. The template and the export go through
ExcelOut (the save dialog remembers its folder; the export runs on the worker).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from app.services.roster import excel as member_excel
from app.ui.context import UiContext
from app.ui.controllers.excel_out import ExcelOut, excel_filter, may_export_full_data
from app.ui.dialogs.export_dialog import ExportDialog
from app.ui.dialogs.roster_import_dialog import RosterImportDialog


class RosterFiles(QObject):
    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.out = ExcelOut(ctx, parent)
        self.import_dialog: RosterImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.last_job = None

    def save_template(self) -> None:
        store = self.ctx.store
        self.last_job = self.out.export(
            self.tr("保存导入模板"), self.tr("党员名册导入模板.xlsx"),
            lambda target, _control: member_excel.write_template(target, store),
            lambda written, _target: self.tr("导入模板已保存到 {0}。填好后用“导入 Excel”导入。").format(written),
        )

    def import_file(self) -> None:
        """Choose the clerk's roster; it is read and checked on the worker, then previewed."""
        path = self.ctx.ask_open_path(self.widget, self.tr("选择要导入的党员名册"), excel_filter(), self.out.folder())
        if not path:
            return
        store, today, name, actor = self.ctx.store, self.ctx.today(), Path(path).name, self.ctx.actor
        self.out.remember_folder(Path(path).parent)

        def work(control):
            sheet = member_excel.load_roster(path, control.progress)
            return member_excel.preview_roster(store, sheet, today, progress=control.progress, actor=actor)

        self.last_job = self.ctx.read(
            work, self.show_preview, parent=self.widget,
            progress=(self.tr("导入党员名册"), self.tr("正在读取并检查“{0}”…").format(name)),
            on_cancelled=lambda: self.ctx.say(self.tr("已取消，没有导入任何党员。")),
        )

    def show_preview(self, preview: member_excel.RosterPreview) -> RosterImportDialog:
        self.import_dialog = RosterImportDialog(self.ctx, preview, self.widget)
        self.import_dialog.open()
        return self.import_dialog

    def export(self) -> None:
        self.export_dialog = ExportDialog(self.widget)
        refusal = may_export_full_data(self.ctx)
        if refusal:
            self.export_dialog.full_data.setEnabled(False)
            self.export_dialog.full_data.setToolTip(refusal)
        self.export_dialog.accepted.connect(self._export_chosen)
        self.export_dialog.open()

    def _export_chosen(self) -> None:
        dialog = self.export_dialog
        store, statuses, today, actor = self.ctx.store, dialog.statuses, self.ctx.today(), self.ctx.actor
        full = dialog.full_data.isChecked() and dialog.full_data.isEnabled()

        def work(target, control):
            return member_excel.export_members(store, target, statuses, full, progress=control.progress, today=today, actor=actor)

        def summary(count, target) -> str:
            masked = self.tr("身份证号和电话完整") if full else self.tr("身份证号和电话已打码")
            return self.tr("已导出 {0} 名党员到 {1}（{2}）。").format(count, target, masked)

        self.last_job = self.out.export(
            self.tr("导出党员名册"), self.tr("党员名册{0}.xlsx").format(f"{self.ctx.today():%Y%m%d}"), work, summary,
        )
