"""Every bad row of a rejected Excel import, with its row number and the reason, ready to copy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.roster.excel import ImportRejected
from app.ui.models.table_models import CENTER, Column, RowTableModel
from app.ui.widgets import fit_columns, make_table


class ImportProblemsDialog(QDialog):
    def __init__(self, rejected: ImportRejected, file_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rejected = rejected
        self.setWindowTitle(self.tr("导入没有完成"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        summary = QLabel(
            self.tr("“{0}”中有 {1} 行有问题，为了不导入一半，全部 {2} 行都没有导入。请在 Excel 中改正下面这些行，再重新导入。").format(
                file_name, len(rejected.problems), rejected.total_rows
            )
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.model = RowTableModel(
            [
                Column(self.tr("行号"), lambda p: p.row, CENTER),
                Column(self.tr("姓名"), lambda p: p.name),
                Column(self.tr("问题"), lambda p: p.message, tooltip=lambda p: p.message),
            ],
            self,
        )
        self.model.set_rows(rejected.problems)
        self.table = make_table(self)
        self.table.setModel(self.model)
        fit_columns(self.table, widest=520)
        # the problem is what the clerk came to read: a long one takes a second line, never an ellipsis
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.copy_button = QPushButton(self.tr("复制问题清单"))
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.rejected.details)
        self.copy_button.setText(self.tr("已复制"))
