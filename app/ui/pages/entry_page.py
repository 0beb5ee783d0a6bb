"""积分录入: one entry, a batch for many members, or a meeting from its attendance grid."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.pages.base import Page
from app.ui.pages.entry_batch import BatchEntryTab
from app.ui.pages.entry_meeting import MeetingTab
from app.ui.pages.entry_meetings import MeetingsTab
from app.ui.pages.entry_single import SingleEntryTab


class EntryPage(Page):
    depends_on = Kind.ROSTER | Kind.SETTINGS | Kind.RULES | Kind.LEDGER  # who, which items, what is left of a cap

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("积分录入")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.single = SingleEntryTab(ctx)
        self.batch = BatchEntryTab(ctx)
        self.meeting = MeetingTab(ctx)
        self.meetings = MeetingsTab(ctx)
        self.tabs.addTab(self.single, self.tr("单条录入"))
        self.tabs.addTab(self.batch, self.tr("批量录入"))
        self.tabs.addTab(self.meeting, self.tr("会议考勤（三会一课、主题党日）"))
        self.tabs.addTab(self.meetings, self.tr("会议记录"))
        layout.addWidget(self.tabs)
        if not ctx.can_enter:
            for tab in (self.single, self.batch, self.meeting):  # the meetings stay readable
                tab.setEnabled(False)
                tab.setToolTip(self.tr("你的账号只能查看，不能录入积分。"))
            self.tabs.setCurrentWidget(self.meetings)

    def refresh(self) -> None:
        self.single.refresh()
        self.batch.refresh()
        self.meeting.refresh()
        self.meetings.refresh()

    def focus_search(self) -> None:
        tab = self.tabs.currentWidget()
        picker = getattr(tab, "picker", None)
        if picker is not None:
            picker.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            picker.search.selectAll()
