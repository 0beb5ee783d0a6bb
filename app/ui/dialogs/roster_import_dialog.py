"""The roster import preview: what the importer made of the clerk's file, before anything is saved.

Shows which column went to which field (a combo per column reassigns it: the service's `remap`,
then the preview is read again on the database worker), the columns not used, the rows skipped
and why, and every member row as 新增 / 更新 (each change listed) / 不变 / 有问题 (the reason).
The clerk chooses 全部无误才导入 or 只导入无误的行 (the refused rows saved as .xlsx, by default
beside the source file) and whether changed rows are updated; the import runs through ctx.write
with progress and 取消 (cancel leaves the roster as it was: the service saves in one unit of work).
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import AppError
from app.services.roster import excel as member_excel
from app.services.roster.cells import text_of
from app.services.roster.headers import LABELS
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.controllers.excel_out import excel_filter, xlsx_path
from app.ui.errors import show_error
from app.ui.models.table_models import CENTER, Column, RowTableModel
from app.ui.widgets import error_label, fit_columns, hint_label, make_table, show_problem

STATUS_TEXT = {
    "new": QT_TRANSLATE_NOOP("RosterImportDialog", "新增"),
    "update": QT_TRANSLATE_NOOP("RosterImportDialog", "更新"),
    "same": QT_TRANSLATE_NOOP("RosterImportDialog", "不变"),
    "refused": QT_TRANSLATE_NOOP("RosterImportDialog", "有问题"),
}
STATUS_COLOUR = {"new": "#1E6B2F", "update": "#1F4E79", "same": "#707070", "refused": "#C00000"}
NOT_IMPORTED = None
COMBO_COLUMN = 3
EXAMPLES = 3  # values shown per column, from the first member rows


def refused_path_beside(source: Path) -> Path:
    return source.with_name(QCoreApplication.translate("RosterImportDialog", "{0}_有问题的行.xlsx").format(source.stem))


def joined(parts: list[str]) -> str:
    """Sentences one after another: “；” between clauses, nothing more after a full stop."""
    text = ""
    for part in filter(None, parts):
        text += ("" if not text or text.endswith("。") else "；") + part
    return text


class RosterImportDialog(QDialog):
    imported = Signal(object)  # the service's Change

    def __init__(self, ctx: UiContext, preview: member_excel.RosterPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview = preview
        self.last_job = None
        self._reading = False
        self.setWindowTitle(self.tr("导入党员名册：预览"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.notices = hint_label()
        layout.addWidget(self.notices)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._rows_tab(), "")
        self.tabs.addTab(self._columns_tab(), "")
        self.tabs.addTab(self._skipped_tab(), "")
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self._choices())
        layout.addLayout(self._buttons())
        self.refused_edit.setText(str(refused_path_beside(preview.sheet.path)))
        self.show_preview(preview)
        self._fit_screen()

    # -- layout

    def _rows_tab(self) -> QWidget:
        self.rows_model = RowTableModel([
            Column(self.tr("行号"), lambda r: r.row, CENTER),
            Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("结果"), lambda r: self.tr(STATUS_TEXT[r.status]), CENTER, colour=lambda r: STATUS_COLOUR[r.status]),
            Column(self.tr("说明"), self.row_detail, tooltip=self.row_detail, colour=lambda r: STATUS_COLOUR[r.status]),
        ], self)
        self.rows_table = make_table(self)
        self.rows_table.setModel(self.rows_model)
        self.rows_table.setWordWrap(False)
        return self.rows_table

    def _columns_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(hint_label(self.tr(
            "每一列导入为哪一项，都可以在“导入为”里改；改了以后下面各行会重新检查。一项只能来自一列；选“不导入”的列不会保存。"
        )))
        self.columns_table = QTableWidget(0, 5)
        self.columns_table.setHorizontalHeaderLabels(
            [self.tr("列"), self.tr("表格中的列名"), self.tr("前几行的内容"), self.tr("导入为"), self.tr("说明")]
        )
        self.columns_table.verticalHeader().setVisible(False)
        self.columns_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.columns_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COMBO_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(COMBO_COLUMN, 150)
        header.setStretchLastSection(True)
        layout.addWidget(self.columns_table, 1)
        self.combos: list[QComboBox] = []
        return tab

    def _skipped_tab(self) -> QWidget:
        self.skipped_model = RowTableModel([
            Column(self.tr("行号"), lambda r: r.row, CENTER),
            Column(self.tr("跳过的原因"), lambda r: r.reason or self.tr("空行")),
            Column(self.tr("这一行的内容"), lambda r: r.text, tooltip=lambda r: r.text),
        ], self)
        self.skipped_table = make_table(self)
        self.skipped_table.setModel(self.skipped_model)
        return self.skipped_table

    def _choices(self) -> QGroupBox:
        box = QGroupBox(self.tr("怎样导入"))
        layout = QVBoxLayout(box)
        self.all_or_nothing = QRadioButton(self.tr("全部无误才导入（有一行有问题就一行也不导入）"))
        self.good_rows_only = QRadioButton(self.tr("只导入无误的行，有问题的行另存为："))
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.all_or_nothing)
        self.mode.addButton(self.good_rows_only)
        self.all_or_nothing.setChecked(True)
        self.mode.buttonToggled.connect(lambda *_args: self._update_state())
        layout.addWidget(self.all_or_nothing)
        row = QHBoxLayout()
        row.addWidget(self.good_rows_only)
        self.refused_edit = QLineEdit()
        row.addWidget(self.refused_edit, 1)
        self.browse_button = QPushButton(self.tr("另存到…"))
        self.browse_button.clicked.connect(self.choose_refused_path)
        row.addWidget(self.browse_button)
        layout.addLayout(row)
        self.update_check = QCheckBox()
        self.update_check.setChecked(True)
        self.update_check.toggled.connect(lambda _checked: self._update_state())
        layout.addWidget(self.update_check)
        return box

    def _buttons(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.problem = error_label()
        column.addWidget(self.problem)
        row = QHBoxLayout()
        row.addStretch(1)
        self.copy_button = QPushButton(self.tr("复制问题清单"))
        self.copy_button.clicked.connect(self.copy_problems)
        row.addWidget(self.copy_button)
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start_import)
        row.addWidget(self.import_button)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.cancel_button)
        column.addLayout(row)
        return column

    def _fit_screen(self) -> None:
        """At most the screen's free area (1366×768 leaves about 1366×728): the tables scroll, the buttons stay."""
        self.setMinimumSize(760, 480)
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry() if screen else None
        width, height = 1180, 660
        if free is not None and free.width() > 800:
            width, height = min(width, free.width() - 40), min(height, free.height() - 60)
        self.resize(max(width, 760), max(height, 480))

    # -- showing a preview

    def row_detail(self, row: member_excel.PreviewRow) -> str:
        parts = []
        if row.status == "refused":
            parts.append(row.problem)
        elif row.status == "update":
            parts.append("；".join(str(change) for change in row.changes))
        elif row.status == "new" and row.data is not None:
            parts.append(row.data.member_class.label)
        parts.extend(row.notes)
        return joined(parts)

    def show_preview(self, preview: member_excel.RosterPreview) -> None:
        self.preview = preview
        counts = preview.counts()
        self.summary.setText(self.tr(
            "“{0}”工作表“{1}”，第 {2} 行是列名。新增 {3} 名，更新 {4} 名，不变 {5} 名，有问题 {6} 行，跳过 {7} 行（不是党员）。"
        ).format(preview.file_name, preview.sheet.sheet_name, preview.header_row, counts["new"], counts["update"],
                 counts["same"], counts["refused"], len(preview.skipped)))
        self.notices.setText("\n".join([*preview.notices, self._unused_text(preview)]).strip())
        self.rows_model.set_rows(preview.rows)
        fit_columns(self.rows_table, widest=700)
        self.skipped_model.set_rows(preview.skipped)
        fit_columns(self.skipped_table, widest=600)
        self._fill_columns(preview)
        self.tabs.setTabText(0, self.tr("逐行预览（{0}）").format(len(preview.rows)))
        self.tabs.setTabText(1, self.tr("列与导入项（{0} 列，{1} 列不导入）").format(len(preview.columns), len(preview.unused_columns)))
        self.tabs.setTabText(2, self.tr("跳过的行（{0}）").format(len(preview.skipped)))
        self.update_check.setText(self.tr("更新信息有变化的 {0} 名党员（不勾选则只导入新党员）").format(counts["update"]))
        self._update_state()

    def _unused_text(self, preview: member_excel.RosterPreview) -> str:
        unused = preview.unused_columns
        if not unused:
            return ""
        listed = "、".join(self.tr("{0}列“{1}”").format(column.letter, column.title) for column in unused)
        return self.tr("不导入的列：{0}（在“列与导入项”里可以指定导入为哪一项）。").format(listed)

    def _fill_columns(self, preview: member_excel.RosterPreview) -> None:
        self.columns_table.setRowCount(len(preview.columns))
        self.combos = []
        for line, column in enumerate(preview.columns):
            self.columns_table.setItem(line, 0, QTableWidgetItem(column.letter))
            self.columns_table.setItem(line, 1, QTableWidgetItem(column.title or self.tr("（无列名）")))
            self.columns_table.setItem(line, 2, QTableWidgetItem(self._examples(preview, column.index)))
            self.columns_table.setItem(line, 4, QTableWidgetItem(column.note))
            combo = QComboBox()
            combo.addItem(self.tr("不导入"), NOT_IMPORTED)
            for key, label in LABELS.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(column.field)) if column.field else 0)
            combo.currentIndexChanged.connect(lambda _index, c=column.index, box=combo: self.reassign(c, box.currentData()))
            self.columns_table.setCellWidget(line, COMBO_COLUMN, combo)
            self.combos.append(combo)

    @staticmethod
    def _examples(preview: member_excel.RosterPreview, index: int) -> str:
        values = (text_of(row.values[index]) if index < len(row.values) else "" for row in preview.rows)
        return "、".join(islice(filter(None, values), EXAMPLES))[:40]

    def combo_for(self, title: str) -> QComboBox:
        """The 导入为 combo of the column titled `title` (tests)."""
        return next(self.combos[i] for i, column in enumerate(self.preview.columns) if column.title == title)

    # -- the clerk's choices

    def reassign(self, column: int, field_key: str | None) -> None:
        """The column now gives `field_key`: the service remaps and the rows are checked again on the worker."""
        mapping = member_excel.remap(self.preview.mapping, column, field_key)
        store, sheet, today = self.ctx.store, self.preview.sheet, self.ctx.today()
        self._reading = True
        self._update_state()
        show_problem(self.problem, self.tr("正在重新检查各行…"))

        def shown(preview) -> None:
            self._reading = False
            show_problem(self.problem, "")
            self.show_preview(preview)

        def failed(exc: BaseException) -> None:
            self._reading = False
            self._fill_columns(self.preview)  # the combos as they were
            self._failed(exc)

        actor = self.ctx.actor
        self.ctx.read(lambda _control: member_excel.preview_roster(store, sheet, today, mapping, actor=actor), shown,
                      parent=self, on_problem=failed, latest=(self, "preview"))

    def choose_refused_path(self) -> None:
        path = self.ctx.ask_save_path(self, self.tr("有问题的行另存为"), self.refused_edit.text(), excel_filter())
        if path:
            self.refused_edit.setText(str(xlsx_path(path)))
            self.good_rows_only.setChecked(True)

    def blocked_reason(self) -> str:
        """Why 导入 cannot be pressed now ('' when it can)."""
        refused = len(self.preview.refused)
        if self._reading:
            return self.tr("正在重新检查各行…")
        if not self.preview.rows:
            return self.tr("表格里没有党员数据。")
        if refused and self.all_or_nothing.isChecked():
            return self.tr("有 {0} 行有问题：改正后重新导入，或选择“只导入无误的行”。").format(refused)
        if refused and not self.refused_edit.text().strip():
            return self.tr("请指定有问题的行另存到哪里。")
        return ""

    def _update_state(self) -> None:
        reason = self.blocked_reason()
        self.import_button.setEnabled(not reason)
        show_problem(self.problem, reason)
        self.copy_button.setVisible(bool(self.preview.refused))
        good = self.preview.with_status("new", "update") if self.update_check.isChecked() else self.preview.with_status("new")
        self.import_button.setText(self.tr("导入 {0} 名").format(len(good)) if good else self.tr("导入"))

    def copy_problems(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(self.preview.problem_lines(limit=len(self.preview.refused))))
        self.copy_button.setText(self.tr("已复制"))

    # -- importing

    def start_import(self) -> None:
        if self.blocked_reason():
            return
        store, actor, today, preview = self.ctx.store, self.ctx.actor, self.ctx.today(), self.preview
        good_only, updates = self.good_rows_only.isChecked(), self.update_check.isChecked()
        refused_to = xlsx_path(self.refused_edit.text().strip()) if good_only and preview.refused else None

        def work(control):
            if refused_to is not None:  # first: a file open in WPS stops the import before anything is saved
                member_excel.write_refused(preview, refused_to)
            return member_excel.commit_roster(store, actor, preview, good_rows_only=good_only, apply_updates=updates,
                                              progress=control.progress, today=today)

        def summary(change) -> str:
            text = change.summary
            if refused_to is not None:
                text += self.tr("有问题的 {0} 行已另存到 {1}，改好后可以再导入。").format(len(preview.refused), refused_to)
            return text

        self.import_button.setEnabled(False)
        show_problem(self.problem, self.tr("正在导入…"))
        self.last_job = self.ctx.write(
            work, Kind.ROSTER, self._imported, parent=self, summary=summary, on_problem=self._failed,
            progress=(self.tr("导入党员名册"), self.tr("正在导入“{0}”…").format(preview.file_name)),
            on_cancelled=self._cancelled,
        )

    def _imported(self, change) -> None:
        self.imported.emit(change)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._update_state()
        if isinstance(exc, AppError):
            show_problem(self.problem, exc.message)
        else:
            show_problem(self.problem, "")
            show_error(self, exc)

    def _cancelled(self) -> None:
        self._update_state()
        show_problem(self.problem, self.tr("已取消导入，名册没有任何改动。"))
        self.ctx.say(self.tr("已取消导入，没有导入任何党员。"))
