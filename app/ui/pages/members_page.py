"""党员名册: the roster with search (name or pinyin initials), filters, and the member actions."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QToolButton, QMenu, QVBoxLayout, QWidget

from app.domain.enums import MemberClass, MemberStatus
from app.domain.errors import AppError
from app.services.roster import queries as member_queries
from app.services.roster.queries import RosterQuery, RosterRow
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.controllers.roster_files import RosterFiles
from app.ui.dialogs.member_dialog import MemberDialog
from app.ui.dialogs.member_status_dialog import DECEASED, TRANSFER_IN, TRANSFER_OUT, MemberStatusDialog
from app.ui.errors import show_error
from app.ui.models.roster_model import RosterTableModel
from app.ui.pages.base import Page
from app.ui.periods import current_month
from app.ui.pickers import group_choices
from app.ui.widgets import EnumBox, IdBox, hint_label, make_table, search_edit

STATUS_CHOICES = (
    (QT_TRANSLATE_NOOP("MembersPage", "在册党员"), (MemberStatus.ACTIVE,)),
    (QT_TRANSLATE_NOOP("MembersPage", "已转出"), (MemberStatus.TRANSFERRED_OUT,)),
    (QT_TRANSLATE_NOOP("MembersPage", "已去世"), (MemberStatus.DECEASED,)),
    (QT_TRANSLATE_NOOP("MembersPage", "全部（含转出、去世）"), ()),
)


class MembersPage(Page):
    depends_on = Kind.ROSTER | Kind.SETTINGS | Kind.LEDGER  # groups; the month's and year's points; flags

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("党员名册")
        self.files = RosterFiles(ctx, self)
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(250)
        self._count_timer.timeout.connect(self.count_matches)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_row())
        layout.addLayout(self._button_row())
        self._wanted_id = None  # the member to select once the rows come back
        self.model = RosterTableModel(self._fetch_page, self)
        self.model.rows_shown.connect(self._rows_shown)
        self.table = make_table(self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setSectionsClickable(True)
        self.table.doubleClicked.connect(lambda _index: self.edit_member())
        self.table.activated.connect(lambda _index: self.edit_member())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label(self.tr("输入姓名或拼音首字母查找（如 zs 找到张三）；双击一行或按回车修改；点列名排序。")))
        self.ctx.remember_table(self.table, "members")
        self._update_buttons()

    # -- layout

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = search_edit(self.tr("搜索姓名或拼音首字母，如 zs"))
        self.search.textChanged.connect(lambda _text: self.apply_filters())
        row.addWidget(self.search)
        self.group_box = IdBox()
        self.group_box.currentIndexChanged.connect(lambda _index: self.apply_filters(count_now=True))
        row.addWidget(QLabel(self.tr("党小组")))
        row.addWidget(self.group_box)
        self.class_box = EnumBox(MemberClass, none_label=self.tr("全部类别"))
        self.class_box.currentIndexChanged.connect(lambda _index: self.apply_filters(count_now=True))
        row.addWidget(QLabel(self.tr("类别")))
        row.addWidget(self.class_box)
        self.status_box = QComboBox()
        for index, (label, _statuses) in enumerate(STATUS_CHOICES):
            self.status_box.addItem(self.tr(label), index)
        self.status_box.currentIndexChanged.connect(lambda _index: self.apply_filters(count_now=True))
        row.addWidget(QLabel(self.tr("状态")))
        row.addWidget(self.status_box)
        row.addStretch(1)
        self.count_label = QLabel()
        row.addWidget(self.count_label)
        return row

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("新增党员"))
        self.add_button.clicked.connect(self.add_member)
        self.edit_button = QPushButton(self.tr("修改"))
        self.edit_button.clicked.connect(self.edit_member)
        self.transfer_out_button = QPushButton(self.tr("转出…"))
        self.transfer_out_button.clicked.connect(lambda: self.change_status(TRANSFER_OUT))
        self.transfer_in_button = QPushButton(self.tr("转入…"))
        self.transfer_in_button.clicked.connect(lambda: self.change_status(TRANSFER_IN))
        self.deceased_button = QPushButton(self.tr("登记去世…"))
        self.deceased_button.clicked.connect(lambda: self.change_status(DECEASED))
        for button in (self.add_button, self.edit_button, self.transfer_out_button, self.transfer_in_button, self.deceased_button):
            row.addWidget(button)
        row.addStretch(1)
        self.import_button = QPushButton(self.tr("从 Excel 导入…"))
        self.import_button.clicked.connect(self.files.import_file)
        self.export_button = QPushButton(self.tr("导出到 Excel…"))
        self.export_button.clicked.connect(self.files.export)
        self.template_button = QToolButton()
        self.template_button.setText(self.tr("下载导入模板…"))
        self.template_button.clicked.connect(self.files.save_template)
        for button in (self.import_button, self.export_button, self.template_button):
            row.addWidget(button)
        return row

    # -- data

    def _fetch_page(self, query: RosterQuery, offset: int, limit: int, with_total: bool, deliver) -> None:
        store, month, actor = self.ctx.store, current_month(self.ctx), self.ctx.actor
        more = offset > 0

        def failed(exc: BaseException) -> None:
            if more:
                self.model.fetch_failed()
            self._roster_problem(exc)

        self.read(
            lambda _control: member_queries.roster_page(store, query, month, offset, limit, with_total, actor),
            deliver, key="more" if more else "rows", on_problem=failed,
        )

    def _roster_problem(self, exc: BaseException) -> None:
        if isinstance(exc, AppError):
            self.count_label.setText(exc.message)
        else:
            show_error(self, exc)

    def refresh(self) -> None:
        """Groups may have changed; then the rows."""
        store = self.ctx.store
        self.read(lambda _control: group_choices(store), self._show_groups, key="groups")
        self.apply_filters(count_now=True)

    def _show_groups(self, groups: list) -> None:
        chosen = self.group_box.current_id()
        self.group_box.fill(self.tr("全部党小组"), groups)
        if self.group_box.current_id() != chosen:  # the group shown is gone
            self.apply_filters(count_now=True)

    def query(self) -> RosterQuery:
        return replace(
            self.model.query,
            text=self.search.text(),
            group_id=self.group_box.current_id(),
            member_class=self.class_box.current(),
            statuses=STATUS_CHOICES[self.status_box.currentIndex()][1],
        )

    def apply_filters(self, count_now: bool = False) -> None:
        """Ask for the first page for the search and filters; count the matches now or once typing stops."""
        if self._wanted_id is None:
            selected = self.selected_member()
            self._wanted_id = selected.id if selected else None
        self._count_timer.stop()
        self.model.set_query(self.query(), with_total=count_now)

    def _rows_shown(self) -> None:
        if self.model.total is None:
            self.count_label.setText(self.tr("{0} 多人…").format(self.model.rowCount()))
            self._count_timer.start()
        else:
            self._show_count()
        wanted, self._wanted_id = self._wanted_id, None
        if wanted is not None:
            row = self.model.row_of(wanted)
            if row >= 0:
                self.table.selectRow(row)
        self._update_buttons()

    def count_matches(self) -> None:
        """The exact number of matches (the roster may be far longer than the first page)."""
        store, query = self.ctx.store, self.model.query

        def counted(total: int) -> None:
            if query == self.model.query:
                self.model.set_total(total)
                self._show_count()

        actor = self.ctx.actor
        self.read(lambda _control: member_queries.count_roster(store, query, actor), counted, key="count",
                  on_problem=self._roster_problem)

    def _show_count(self) -> None:
        self.count_label.setText(self.tr("共 {0} 人").format(self.model.total))

    def selected_member(self) -> RosterRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def select_member_named(self, name: str) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).name == name:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        member = self.selected_member()
        active = member is not None and member.status is MemberStatus.ACTIVE
        self.edit_button.setEnabled(member is not None)
        self.transfer_out_button.setEnabled(active)
        self.deceased_button.setEnabled(active)
        self.transfer_in_button.setEnabled(member is not None and member.status is MemberStatus.TRANSFERRED_OUT)

    # -- actions

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def add_member(self) -> MemberDialog | None:
        try:
            return self.open_dialog(MemberDialog(self.ctx, self))
        except AppError as exc:
            show_error(self, exc)
            return None

    def edit_member(self) -> MemberDialog | None:
        member = self.selected_member()
        if member is None:
            return None
        try:
            return self.open_dialog(MemberDialog(self.ctx, self, member.id))
        except AppError as exc:
            show_error(self, exc)
            return None

    def change_status(self, kind: str) -> MemberStatusDialog | None:
        member = self.selected_member()
        if member is None:
            return None
        return self.open_dialog(MemberStatusDialog(self.ctx, member, kind, self))
