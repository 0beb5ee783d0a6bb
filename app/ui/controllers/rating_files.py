"""The star rating's files: the report written again for the township, and the township's answer read back.

Both run as writes on the job runner with a progress dialog (writing the report again changes
no data: `Kind.NONE`); the outcome is told to the clerk on the UI thread (a message box,
because the clerk has to carry a file or read the township's comments), and every error goes
to `show_error`.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject
from PySide6.QtWidgets import QWidget

from app.services.rating import exchange as rating_exchange
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.rating_round_dialogs import REPORT_SUFFIX, with_suffix

REPORT_FILTER = QT_TRANSLATE_NOOP("RatingFiles", "星级评定上报文件 (*.jfrating)")
VERIFY_FILTER = QT_TRANSLATE_NOOP("RatingFiles", "乡镇验星结果文件 (*.jfverify);;所有文件 (*)")


class RatingFiles(QObject):
    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.widget = parent
        self.last_job = None

    def export_again(self, year: int, branch: str) -> None:
        """The stick with the report was lost: write the very same report once more."""
        suggested = self.tr("{0}{1}年星级评定上报{2}").format(branch, year, REPORT_SUFFIX)
        chosen = self.ctx.ask_save_path(self.widget, self.tr("重新导出上报文件"), suggested, self.tr(REPORT_FILTER))
        if not chosen:
            return
        store, target = self.ctx.store, with_suffix(chosen, REPORT_SUFFIX)

        def written(path) -> None:
            self.ctx.say(self.tr("已重新导出上报文件“{0}”。").format(path.name))
            self.ctx.inform(self.widget, self.tr("上报文件已导出"), self.tr(
                "上报文件已保存为“{0}”，内容与上次上报的完全相同。请把它交给乡镇党委。"
            ).format(path))

        self.last_job = self.ctx.write(
            lambda _control: rating_exchange.export_report_again(store, year, target), Kind.NONE, written,
            parent=self.widget, summary=lambda _path: "",
            progress=(self.tr("重新导出上报文件"), self.tr("正在写上报文件…")), cancellable=False,
        )

    def apply_verification(self) -> None:
        """Record the township's answer (verified or returned) from the file it sent back."""
        path = self.ctx.ask_open_path(self.widget, self.tr("选择乡镇的验星结果文件"), self.tr(VERIFY_FILTER))
        if not path:
            return
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()

        self.last_job = self.ctx.write(
            lambda _control: rating_exchange.apply_verification(store, actor, path, today=today), Kind.RATING,
            lambda change: self.ctx.inform(self.widget, self.tr("已登记验星结果"), change.summary), parent=self.widget,
            progress=(self.tr("登记验星结果"), self.tr("正在读取验星结果文件…")), cancellable=False,
        )
