"""打印's 党员 choice: one member's 积分卡 from the chosen month's ranking, or everyone's.

The month's ranking is read on the database worker (ctx.read), and only while 积分卡 are chosen:
a bigger branch's ranking takes a while, and the notice, the board and the year's papers do not
need it. A member chosen before the month changed stays chosen when the new month has no card
for him, with a sentence beside the box: falling back to everyone's cards without a word had a
clerk print a whole branch's pages for one member's card.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox

from app.domain.errors import NotFound
from app.domain.periods import Month
from app.services.totals import ranking as totals
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.widgets import IdBox, error_label, show_problem

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def month_members(store, month: Month) -> list[totals.RankingRow]:
    """In pinyin order; none for a year without a rule set (printing then says why)."""
    try:
        rows = totals.branch_ranking(store, month.year, month=month.month).rows
    except NotFound:
        return []
    return sorted(rows, key=lambda row: (row.name_pinyin, row.name))


class MemberChoice:
    """The box (`box`) and the sentence under it (`note`); the dialog lays them out."""

    def __init__(self, ctx: UiContext, parent) -> None:
        self.ctx, self.parent = ctx, parent
        self.box = IdBox()
        # The form gives the box its whole column. Sized to its contents, a box refilled while shown
        # (on choosing 积分卡) shrank to them for a moment 20 ms later (Qt's adjustSize timer), with
        # its own choice cut off, until the form widened it again.
        self.box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.box.setMinimumContentsLength(20)  # Latin letters' widths: “全体党员（每人一张）” and a name with its group
        self.note = error_label()
        # Broken by hand, not wrapped: a wrapped label's height is not in the dialog's minimum, and
        # the sentence's second half was cut off below the box.
        self.note.setWordWrap(False)
        self.everyone = translate("PrintDialog", "全体党员（每人一张）")
        self.box.fill(self.everyone, [])
        self.box.currentIndexChanged.connect(self._say)
        self.month: Month | None = None  # the month the list is read for, None before any
        self.listed: Month | None = None  # the month the list shows (another while a read is under way)
        self.on_month: set[uuid.UUID] = set()  # the members who have a card in the month listed
        self.names: dict[uuid.UUID, tuple[str, str]] = {}  # (label, name) of every member listed so far

    def show(self, month: Month, wanted: bool) -> None:
        """Reads the month's members when the choice is in use (`wanted`) and the list is another month's."""
        self.box.setEnabled(wanted)
        if not wanted:
            show_problem(self.note, "")
            return
        if month != self.month:
            self.month = month
            store = self.ctx.store
            self.ctx.read(lambda _control: month_members(store, month), lambda rows: self._fill(month, rows),
                          parent=self.parent, on_problem=self._unread, latest=self.box)
        self._say()

    def current_id(self) -> uuid.UUID | None:
        return self.box.current_id() if self.box.isEnabled() else None

    def _unread(self, exc: BaseException) -> None:
        """The list stays the last month's, and the next change of month or kind reads again."""
        self.month = None
        show_error(self.parent, exc)

    def _fill(self, month: Month, rows) -> None:
        """Named with the group: two members of a village may share a name."""
        for row in rows:
            label = translate("PrintDialog", "{0}　{1}").format(row.name, row.group_name) if row.group_name else row.name
            self.names[row.member_id] = (label, row.name)
        self.listed, self.on_month = month, {row.member_id for row in rows}
        chosen = self.box.current_id()
        kept = [] if chosen is None or chosen in self.on_month else [(self.names[chosen][0], chosen)]
        self.box.fill(self.everyone, [(self.names[row.member_id][0], row.member_id) for row in rows] + kept)
        self._say()

    def _say(self, *_changed) -> None:
        chosen = self.box.current_id()
        # nothing is said about a month whose list is still being read
        missing = self.box.isEnabled() and self.listed == self.month and chosen is not None and chosen not in self.on_month
        show_problem(self.note, translate("PrintDialog", "{0}的积分排名里没有{1}，\n打印前请另选党员或“全体党员”。").format(
            self.listed.label, self.names[chosen][1]) if missing else "")
