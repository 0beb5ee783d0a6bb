"""The clerk's month (issue 10), played through the real widgets and counted.

A fresh 50-member branch on the village_100 rules (set up through the services, not counted),
then, through the window: three meetings from the attendance grid, ten ad-hoc single entries,
review of what waits, one reversal with a reason, the month's ranking, the monthly notice and
the 50 scorecards printed to PDF through the print dialog and the preview's 另存为 PDF, and a
backup to a folder standing in for a USB stick.

Every interaction is counted the way a clerk makes it: a click (a button, a tab, a row, a
navigation entry, a menu), a typed field (one field filled in, whatever its length; a field
set with setText counts one), a key press (Ctrl+P). Picking from a drop-down list is two
clicks (open it, choose). The system's file and folder dialogs are answered by the scenario:
typing the name counts one, the dialog's 保存/选择 button one.

Used by tests/ui/test_clerk_month.py and tests/benchmarks/bench_clerk_month.py; the
scenario returns what it did (who attended what, the entries made, the one reversed) so the
test can compute every member's points by hand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from app.domain.enums import Attendance, MeetingKind, MemberClass, Membership
from app.services import organisation
from app.services.accounts import operators
from app.services.roster import members
from app.services.rules import rulesets
from app.ui import menu_actions
from app.ui.dialogs import print_preview
from app.ui.dialogs.reason_dialog import ReasonDialog
from app.ui.jobs import JobRunner
from app.ui.main_window import MainWindow

TODAY = date(2026, 11, 23)
MONTH = 11
GROUPS = ["第一党小组", "第二党小组", "第三党小组"]
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = ["建国", "秀英", "志强", "桂兰", "德明"]
NAMES = [s + g for g in GIVEN for s in SURNAMES]  # 50 distinct names, none inside another

D = Decimal

# The three meetings: kind, day, and who was not simply present.
MEETINGS = [
    (MeetingKind.THEME_DAY, 5, {Attendance.ABSENT: ["王建国", "李建国"], Attendance.LATE: ["张建国"],
                                Attendance.EXCUSED: ["刘建国", "陈建国"]}),
    (MeetingKind.BRANCH_ASSEMBLY, 12, {Attendance.ABSENT: ["杨建国"], Attendance.LATE: ["张建国", "赵建国"],
                                       Attendance.EXCUSED: ["刘建国"]}),
    (MeetingKind.PARTY_LECTURE, 20, {Attendance.ABSENT: ["王建国", "黄建国"], Attendance.EXCUSED: ["周建国"]}),
]

# The ten ad-hoc entries: member, item, quantity (per-unit items), chosen value (range items).
ADHOC = [
    ("王秀英", "B01", D(3), None),      # 志愿服务 3 小时 (per unit, 1 a hour)
    ("李秀英", "B02", None, None),      # 感谢信 +1 (fixed)
    ("张秀英", "B03", None, None),      # 防汛表扬 +2 (fixed)
    ("刘秀英", "R02", None, D(3)),      # 履职 1–4, chosen 3 (range)
    ("陈秀英", "B04", None, D(4)),      # 重点项目 2–5, chosen 4 (range)
    ("杨秀英", "K01", None, None),      # 防汛批评 −2 (fixed)
    ("赵秀英", "J05", None, None),      # 党费催缴 −2 (fixed)
    ("黄秀英", "B02", None, None),      # 感谢信 +1 (fixed)
    ("周秀英", "B01", D(2.5), None),    # 志愿服务 2.5 小时
    ("吴秀英", "R02", None, D(2)),      # 履职, chosen 2
]

# The one reversal: 李建国's absence from the theme day was a mistake (he had asked for leave).
REVERSED = ("李建国", "J03")
REVERSAL_REASON = "实际已请假，考勤登记错误"


class Counted:
    """The clerk's hands: each call does one interaction through the widgets and counts it in the current step."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.steps: dict[str, Counter] = {}
        self.step = ""

    def begin(self, name: str) -> None:
        self.step = name
        self.steps[name] = Counter()

    def count(self, kind: str, n: int = 1) -> None:
        self.steps[self.step][kind] += n

    def click(self, button) -> None:
        self.count("click")
        button.click()

    def trigger(self, action) -> None:
        self.count("click")
        action.trigger()

    def type(self, edit, text: str) -> None:
        self.count("typed")
        edit.setText(text)

    def type_date(self, edit, day: date) -> None:
        self.count("typed")
        edit.setDate(QDate(day.year, day.month, day.day))

    def type_number(self, spin, value) -> None:
        self.count("typed")
        spin.setValue(float(value))

    def choose(self, do) -> None:
        """A drop-down: open it, pick the line."""
        self.count("click", 2)
        do()

    def pick(self, do) -> None:
        """One click on a row, a list line, a navigation entry or a tab."""
        self.count("click")
        do()

    def key(self, do) -> None:
        self.count("key")
        do()

    def total(self) -> int:
        return sum(sum(c.values()) for c in self.steps.values())

    def lines(self) -> list[str]:
        out = []
        for name, c in self.steps.items():
            parts = "，".join(f"{k} {v}" for k, v in sorted(c.items()))
            out.append(f"{name}: {sum(c.values())}  ({parts})")
        return out


@dataclass
class MonthDone:
    members: dict[str, object]
    meetings: list = field(default_factory=list)
    adhoc: list = field(default_factory=list)
    reversed: tuple = REVERSED
    notice_pdf: Path | None = None
    cards_pdf: Path | None = None
    backup_folder: Path | None = None
    backups: list[Path] = field(default_factory=list)
    pending_reviewed: int = 0
    ranking_rows: int = 0


def set_up_branch(store) -> tuple[object, dict[str, object]]:
    """Not counted: the branch, its groups, the village_100 rules for 2026 and 50 members."""
    admin = operators.ensure_admin(store)
    branch = organisation.setup_branch(store, admin, "城关镇党委", "向阳村党支部", GROUPS)
    rulesets.create_rule_set(store, admin, 2026, template="village_100")
    groups = [g.id for g in branch.groups]
    ids = {}
    for number, name in enumerate(NAMES):
        data = members.MemberInput(name=name, member_class=MemberClass.NO_POST, membership=Membership.FULL,
                                   join_date=date(1990 + number % 30, 7, 1), group_id=groups[number % len(groups)])
        ids[name] = members.add_member(store, admin, data, today=TODAY)
    return admin, ids


def make_window(store, admin) -> MainWindow:
    window = MainWindow(store, admin, today=TODAY, jobs=JobRunner(synchronous=True))
    window.show()
    window.resize(1366, 768)
    return window


def _nav(hand: Counted, window, key: str):
    page = window.pages[key]
    if window.current_page() is page:
        return page
    hand.pick(lambda: window.show_page(key))
    return page


def _tab(hand: Counted, tabs, widget) -> None:
    if tabs.currentWidget() is not widget:
        hand.pick(lambda: tabs.setCurrentWidget(widget))


def record_meetings(hand: Counted, window) -> list:
    done = []
    for number, (kind, day, marks) in enumerate(MEETINGS, 1):
        hand.begin(f"会议{number}（{kind.label}）")
        page = _nav(hand, window, "entry")
        tab = page.meeting
        _tab(hand, page.tabs, tab)
        if tab.kind_box.current() is not kind:
            hand.choose(lambda: tab.kind_box.set_current(kind))
        hand.type_date(tab.date_edit, date(2026, MONTH, day))
        rows = {row.name: i for i, row in enumerate(tab.model.rows())}
        assert len(rows) == len(NAMES), "the grid lists the whole branch"
        selection = tab.table.selectionModel()
        for status, names in marks.items():
            selection.clearSelection()
            for name in names:  # Ctrl+click each of them
                hand.pick(lambda n=name: selection.select(
                    tab.model.index(rows[n], 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows))
            hand.click(tab.mark_buttons[status])
        attendance = {row.name: row.status for row in tab.model.rows()}
        hand.click(tab.save_button)
        assert not tab.problem.isVisible(), tab.problem.text()
        done.append((kind, date(2026, MONTH, day), attendance))
    return done


def enter_adhoc(hand: Counted, window) -> list:
    hand.begin("单条录入 10 条")
    page = _nav(hand, window, "entry")
    tab = page.single
    _tab(hand, page.tabs, tab)
    fields = tab.fields
    day = date(2026, MONTH, 22)
    hand.type_date(fields.date_edit, day)
    done = []
    for name, code, quantity, value in ADHOC:
        hand.type(tab.picker.search, name)
        assert tab.picker.current_name() == name, (name, tab.picker.list.count())
        if fields.item_box.current_item() is None or fields.item_box.current_item().code != code:
            hand.choose(lambda c=code: fields.item_box.select_code(c))
        if quantity is not None:
            hand.type_number(fields.quantity_spin, quantity)
        if value is not None:
            hand.type_number(fields.points_spin, value)
        assert tab.save_button.isEnabled(), tab.preview_label.text()
        hand.click(tab.save_button)
        assert not tab.problem.isVisible(), tab.problem.text()
        done.append((name, code, quantity, value))
    return done


def review_pending(hand: Counted, window) -> int:
    hand.begin("审核")
    page = _nav(hand, window, "ledger")
    review = page.review
    _tab(hand, page.tabs, review)
    waiting = review.model.rowCount()
    hand.click(review.select_all_button)
    hand.click(review.approve_button)
    assert review.model.rowCount() == 0, review.problem.text()
    return waiting


def reverse_one(hand: Counted, window) -> None:
    hand.begin("冲正 1 条")
    page = _nav(hand, window, "ledger")
    if page.tabs.currentIndex() != 0:
        hand.pick(lambda: page.tabs.setCurrentIndex(0))
    name, code = REVERSED
    hand.type(page.search, name)
    rows = [r for r in range(page.model.rowCount()) if page.model.row_at(r).item_code == code]
    assert len(rows) == 1, [page.model.row_at(r).item_code for r in range(page.model.rowCount())]
    hand.pick(lambda: page.table.selectRow(rows[0]))
    assert page.reverse_button.isEnabled()
    hand.click(page.reverse_button)  # 冲正…
    [dialog] = [d for d in page.findChildren(ReasonDialog) if d.isVisible()]
    hand.type(dialog.reason_edit, REVERSAL_REASON)
    hand.click(dialog.ok_button)


def look_at_ranking(hand: Counted, window) -> int:
    hand.begin("本月排名")
    page = _nav(hand, window, "totals")
    if page.kind_box.currentData() != "month":
        hand.choose(lambda: page.set_period("month", MONTH))
    elif page.period_box.currentIndex() != MONTH - 1:
        hand.choose(lambda: page.period_box.setCurrentIndex(MONTH - 1))
    return page.model.rowCount()


def print_to_pdf(hand: Counted, window, monkeypatch_setattr, kind_key: str, path: Path, step: str) -> Path:
    """Ctrl+P, the report's line, 生成并预览, then 另存为 PDF in the preview and close it."""
    hand.begin(step)
    hand.key(lambda: window.findChild(QAction, "action_print").trigger())
    dialog = window.print_dialog
    row = [k.key for k in dialog.kinds].index(kind_key)
    if dialog.kind_list.currentRow() != row:
        hand.pick(lambda: dialog.kind_list.setCurrentRow(row))
    assert dialog.month_box.currentData() == MONTH, "the dialog opens on the month to print"
    if kind_key == "notice" and not dialog.phone_edit.text():
        hand.type(dialog.phone_edit, "0371-12345678")
    hand.click(dialog.preview_button)
    preview = dialog.preview
    assert preview is not None, dialog.problem.text()
    monkeypatch_setattr(print_preview, "ask_save_path", lambda _parent, _suggested: str(path))
    hand.count("click")  # 另存为 PDF
    hand.count("typed")  # the file's name in the save dialog
    hand.count("click")  # 保存
    preview.save_action.trigger()
    hand.count("click")  # close the preview
    preview.close()
    assert path.exists()
    return path


def back_up(hand: Counted, window, monkeypatch_setattr, folder: Path) -> list[Path]:
    hand.begin("备份到U盘")
    folder.mkdir(parents=True, exist_ok=True)
    hand.count("click")  # 文件
    hand.count("click")  # 备份到U盘…
    dialog = menu_actions.open_backup(window, "backup")
    monkeypatch_setattr(dialog, "ask_folder", lambda: str(folder))
    hand.click(dialog.stick_tab.folder_button)
    hand.count("typed")  # the folder's path in the folder dialog
    hand.count("click")  # 选择文件夹
    if dialog.stick_tab.encrypt_box.isChecked():
        hand.click(dialog.stick_tab.encrypt_box)
    hand.click(dialog.stick_tab.backup_button)
    QApplication.processEvents()
    hand.count("click")  # close the dialog
    dialog.close()
    return sorted(folder.glob("*"))


def play_month(qtbot, window, monkeypatch_setattr, out: Path, ids: dict) -> tuple[Counted, MonthDone]:
    """The whole month; returns the counts per step and what was done."""
    hand = Counted(qtbot)
    done = MonthDone(members=ids)
    done.meetings = record_meetings(hand, window)
    done.adhoc = enter_adhoc(hand, window)
    done.pending_reviewed = review_pending(hand, window)
    reverse_one(hand, window)
    done.ranking_rows = look_at_ranking(hand, window)
    done.notice_pdf = print_to_pdf(hand, window, monkeypatch_setattr, "notice", out / "11月积分公示表.pdf", "打印公示表")
    done.cards_pdf = print_to_pdf(hand, window, monkeypatch_setattr, "scorecards", out / "11月积分卡.pdf", "打印积分卡 50 张")
    done.backup_folder = out / "U盘"
    done.backups = back_up(hand, window, monkeypatch_setattr, done.backup_folder)
    return hand, done
