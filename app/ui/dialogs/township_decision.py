"""验星通过 / 退回: the township's decision on a village's report, written to a .jfverify file for the village.

Opened window-modal with open(). Returning needs comments (the village must know what to change);
the file location is asked through ctx.ask_save_path, the decision is saved as a write of the
rating (app/ui/dialogs/saving.py), and a refusal is shown in the dialog, which stays open.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.services.rating import exchange as rating_exchange
from app.services.rating.exchange import VerificationRow
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.saving import save_and_close
from app.ui.widgets import calendar_edit, date_of, dialog_buttons, error_label, show_problem

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def answer_file_name(branch_name: str, year: int, verified: bool) -> str:
    """The answer file's suggested name: 红星村党支部-2026年-验星通过.jfverify."""
    what = translate("TownshipDecisionDialog", "验星通过") if verified else translate("TownshipDecisionDialog", "退回")
    branch = re.sub(r'[\\/:*?"<>|\s]+', "", branch_name) or translate("TownshipDecisionDialog", "支部")
    return translate("TownshipDecisionDialog", "{0}-{1}年-{2}.jfverify").format(branch, year, what)


class TownshipDecisionDialog(QDialog):
    def __init__(self, ctx: UiContext, row: VerificationRow, verified: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.row, self.verified = ctx, row, verified
        self.change = None
        self.saved_to = ""
        self.setWindowTitle(self.tr("验星通过") if verified else self.tr("退回上报材料"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        if verified:
            text = self.tr("确认{0} {1} 年的星级评定验星通过（{2} 人，其中五星 {3} 人）。").format(
                row.branch_name, row.year, row.candidates, row.five_star)
        else:
            text = self.tr("把{0} {1} 年的星级评定退回村里修改。请写明意见，村里才知道要改什么。").format(row.branch_name, row.year)
        self.text_label = QLabel(text)
        self.text_label.setWordWrap(True)
        layout.addWidget(self.text_label)
        form = QFormLayout()
        self.date_edit = calendar_edit(ctx.today())
        form.addRow(self.tr("验星日期"), self.date_edit)
        self.comments_edit = QPlainTextEdit()
        self.comments_edit.setPlaceholderText(self.tr("可不填") if verified else self.tr("必填，如：请补充双报到证明"))
        self.comments_edit.setMinimumHeight(90)
        form.addRow(self.tr("乡镇意见"), self.comments_edit)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("确定后会保存一个验星结果文件（.jfverify），请把它交回村党支部登记。")))
        self.problem = error_label()
        layout.addWidget(self.problem)
        ok_text = self.tr("验星通过并保存结果文件…") if verified else self.tr("退回并保存结果文件…")
        buttons, self.ok_button = dialog_buttons(ok_text, self.save, self.reject)
        layout.addWidget(buttons)
        self.comments_edit.setFocus()

    def comments(self) -> str:
        return self.comments_edit.toPlainText().strip()

    def suggested_name(self) -> str:
        return answer_file_name(self.row.branch_name, self.row.year, self.verified)

    def save(self) -> None:
        """Ask where to save the answer file, then record the decision and write it (off the UI thread)."""
        if not self.verified and not self.comments():
            show_problem(self.problem, self.tr("退回时请写明意见，村里才知道要改什么。"))
            self.comments_edit.setFocus()
            return
        path = self.ctx.ask_save_path(self, self.tr("保存验星结果文件"), self.suggested_name(), self.tr("验星结果文件 (*.jfverify)"))
        if not path:
            return
        if not path.lower().endswith(".jfverify"):
            path += ".jfverify"
        store, actor, today = self.ctx.store, self.ctx.actor, self.ctx.today()
        record_id, verified, comments, on = self.row.id, self.verified, self.comments(), date_of(self.date_edit)
        self.saved_to = path
        save_and_close(
            self, self.ctx,
            lambda _control: rating_exchange.decide_verification(store, actor, record_id, verified, comments, on, path, today=today),
            Kind.RATING, button=self.ok_button, problem=self.problem, on_done=self._saved,
        )

    def _saved(self, change) -> None:
        self.change = change
