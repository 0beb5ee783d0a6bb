"""Choose what goes into an exported roster; personal data is masked unless asked for."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from app.domain.enums import MemberStatus
from app.ui.widgets import hint_label


class ExportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("导出党员名册到 Excel"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr("导出的表格和导入模板的列相同，可以在 Excel/WPS 中打开、打印或修改后再导入。")))
        self.include_left = QCheckBox(self.tr("包括已转出、已去世的党员"))
        layout.addWidget(self.include_left)
        self.full_data = QCheckBox(self.tr("导出完整的身份证号和电话（默认打码，如 110***********123X）"))
        layout.addWidget(self.full_data)
        layout.addWidget(hint_label(self.tr("含完整身份证号的表格请妥善保管，不要随意转发。")))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("选择保存位置…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def statuses(self) -> tuple[MemberStatus, ...]:
        return () if self.include_left.isChecked() else (MemberStatus.ACTIVE,)
