"""The window's dialogs fit the clerk's laptop (1366×768, 1280×720) the way its pages do (test_screen_sizes.py).

Each dialog the clerk reaches from the menus and pages of the demo branch is opened at its own size,
never larger than the usable screen (1366×728, 1280×680), and nothing in it is cut off: no widget past the
dialog, no button, label or drop-down list narrower (or lower) than its text, no table cell in view
ending in "…". The print dialog's 图表 option read "附图表页（公示表附党小组和出席率，年度汇总每…" at
the dialog's own width, and 导入没有完成 cut the one thing it is there to say, the problem of each
row, which the pages' check never saw. DYJF_SCREENSHOTS=<folder> keeps the pictures to look at.
The looking is in dialog_check.py, shared with test_dialog_sizes_start.py and test_dialog_sizes_township.py.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from app.services.rating.queries import ObjectionRow
from app.ui import account_menu, menu_actions
from app.ui.dialogs import rating_member_dialogs as member_dialogs
from app.ui.dialogs import rating_round_dialogs as round_dialogs
from app.ui.dialogs.accounts_dialog import AccountsDialog
from app.ui.dialogs.login_dialogs import LoginDialog
from app.ui.dialogs.member_status_dialog import DECEASED, TRANSFER_IN, TRANSFER_OUT
from app.ui.dialogs.rating_print_dialog import CERTIFICATES, NOTICE, RatingPrintDialog
from tests.ui.dialog_check import laptop, look, look_and_close, shots  # noqa: F401  (the fixtures)
from tests.ui.screen_check import settle
from tests.ui.test_opening_points_dialog import _filled_template
from tests.ui.test_roster_import_dialog import messy_roster

pytestmark = pytest.mark.gui

# what a villager's objection may say, written down whole by the clerk
OBJECTION = ("该党员今年三月至十月一直在外务工，没有参加过一次主题党日和组织生活会，党费也是年底才补交的，"
             "这样的表现评为五星党员，群众不服，请支部委员会核实他的出勤记录后答复。")


@pytest.fixture
def window(laptop, demo_window):
    """The demo window on a laptop."""
    demo_window.resize(laptop)
    settle()
    return demo_window


def test_the_menus_dialogs_fit(window, shots):
    problems = []
    printing = menu_actions.open_print_dialog(window)
    for row in range(printing.kind_list.count()):
        printing.kind_list.setCurrentRow(row)
        problems += look(f"print-{row + 1}-{printing.kind.key}", printing, shots)
    printing.close()
    backup = menu_actions.open_backup(window, "backup")
    for index in range(backup.tabs.count()):
        backup.tabs.setCurrentIndex(index)
        problems += look(f"backup-{index + 1}", backup, shots)
    backup.close()
    problems += look_and_close("organisation", window.open_organisation(), shots)
    problems += look_and_close("help", window.open_help(), shots)
    assert problems == []


def test_the_accounts_and_opening_points_dialogs_fit(window, shots, monkeypatch, tmp_path):
    forms = []

    def open_form(_accounts, form) -> bool:  # in place of exec(): open it to look at, and go no further
        forms.append(form)
        form.open()
        return False

    monkeypatch.setattr(AccountsDialog, "ask", open_form)
    accounts = account_menu.open_accounts(window)
    accounts.add_account()
    problems = look_and_close("account-new", forms[-1], shots)
    accounts.table.selectRow(0)
    accounts.change_roles()
    problems += look_and_close("account-roles", forms[-1], shots)
    accounts.reset_password()
    problems += look_and_close("account-password", forms[-1], shots)
    monkeypatch.setattr(accounts.ctx, "confirm", lambda *_args: True)
    accounts.new_recovery_code()
    problems += look("account-recovery-code", accounts.code_dialog, shots)  # stays open until saved
    accounts.code_dialog.save_sheet(str(tmp_path / "账号恢复单.pdf"))  # it says where the sheet went
    problems += look_and_close("account-recovery-code-saved", accounts.code_dialog, shots)
    problems += look_and_close("accounts", accounts, shots)
    log_in = LoginDialog(window.ctx.store, window.ctx.jobs, preselect="admin", parent=window)
    log_in.open()
    problems += look_and_close("log-in", log_in, shots)
    problems += look_and_close("security", account_menu.open_security_settings(window), shots)
    problems += look_and_close("audit-log", account_menu.open_audit_log(window), shots)
    problems += look_and_close("change-password", account_menu.open_change_password(window), shots)
    filled, _names = _filled_template(window, tmp_path, monkeypatch, {0: {1: 6}})
    opening = window.opening_dialog
    problems += look("opening-points", opening, shots)
    monkeypatch.setattr(opening.ctx, "ask_open_path", lambda *_args: str(filled))
    opening.import_button.click()
    opening.import_button.click()  # the same months again: refused, the problems listed
    problems += look_and_close("opening-problems", opening.problems_dialog, shots)
    assert problems == []


def test_the_members_rules_and_ledger_dialogs_fit(window, shots, monkeypatch, tmp_path):
    problems = []
    members = window.show_page("members")
    problems += look_and_close("member-new", members.add_member(), shots)
    assert members.select_member_named("戴强春")
    problems += look_and_close("member-edit", members.edit_member(), shots)
    for kind in (TRANSFER_OUT, TRANSFER_IN, DECEASED):
        problems += look_and_close(f"member-{kind}", members.change_status(kind), shots)
    monkeypatch.setattr(members.ctx, "ask_open_path", lambda *_args: messy_roster(tmp_path / "roster.xlsx"))
    members.import_button.click()
    problems += look_and_close("roster-import", members.files.import_dialog, shots)
    members.files.export()
    problems += look_and_close("roster-export", members.files.export_dialog, shots)
    rules = window.show_page("rules")
    problems += look_and_close("rule-set-new", rules.create_rule_set(), shots)
    new_item = rules.add_item()
    for index in range(new_item.kind_box.count()):  # each way of scoring shows its own fields
        new_item.kind_box.setCurrentIndex(index)
        problems += look(f"rule-item-new-{index + 1}", new_item, shots)
    new_item.close()
    rules.table.selectRow(0)
    used_item = rules.edit_item()
    problems += look("rule-item-edit", used_item, shots)
    used_item.make_new_item()  # 另建新项目: the banner goes, the old item's retirement is offered
    problems += look_and_close("rule-item-replacing", used_item, shots)
    ledger = window.show_page("ledger")
    ledger.table.selectRow(0)
    problems += look_and_close("ledger-reverse", ledger.reverse_selected(), shots)
    assert problems == []


def test_the_rating_dialogs_fit(window, shots):
    """Opened on a round just started, whatever its stage: the clerk meets each of them in some round."""
    page = window.show_page("rating")
    page.start_panel.start_button.click()
    assert page.view is not None
    ctx, chosen = page.ctx, page.selected_member_id()
    # the later steps read the publicity's days, which this round has not reached: only their text matters here
    today = ctx.today()
    member = page.view.candidates[0]
    objection = ObjectionRow(uuid.uuid4(), member.member_id, member.name, "第二党小组党员王某", today, OBJECTION, "", None, None)
    view = replace(page.view, publicity_start=today, publicity_end=today + timedelta(days=4), objections=(objection,))
    dialogs = {
        "declare": lambda: member_dialogs.DeclareDialog(ctx, view, chosen, page),
        "dual-report": lambda: member_dialogs.DualReportDialog(ctx, view, page),
        "assess": lambda: round_dialogs.AssessDialog(ctx, view, page),
        "override": lambda: member_dialogs.StarChangeDialog(ctx, view, member_dialogs.OVERRIDE, chosen, page),
        "adjust": lambda: member_dialogs.StarChangeDialog(ctx, view, member_dialogs.ADJUST, chosen, page),
        "publicise": lambda: round_dialogs.PublicityDialog(ctx, view, page),
        "objection": lambda: member_dialogs.ObjectionDialog(ctx, view, chosen, page),
        "answer": lambda: round_dialogs.AnswerDialog(ctx, view, None, page),
        "report": lambda: round_dialogs.ReportDialog(ctx, view, page.branch_name, page),
        "reopen": lambda: round_dialogs.ReopenDialog(ctx, view, page),
        "notice": lambda: RatingPrintDialog(ctx, view, NOTICE, page),
        "certificates": lambda: RatingPrintDialog(ctx, view, CERTIFICATES, page),
    }
    problems = []
    for name, make in dialogs.items():
        problems += look_and_close(f"rating-{name}", page.open_dialog(make()), shots)
    assert problems == []


def test_the_practice_dialogs_fit(window, shots):
    page = window.show_page("practice")
    dual, appraisal, cadre = page.dual_tab, page.appraisal_tab, page.cadre_tab
    problems = look_and_close("dual-service", dual.add_service(), shots)
    problems += look_and_close("dual-threshold", dual.set_threshold(), shots)
    problems += look_and_close("dual-letters", dual.print_letters(), shots)
    assert dual.select(dual.model.rows()[0].name)
    problems += look_and_close("dual-profile", dual.edit_profile(), shots)
    problems += look_and_close("dual-override", dual.override(), shots)
    dual.lines.selectRow(0)
    problems += look_and_close("dual-reverse", dual.reverse_record(), shots)
    for kind in ("ballot", "tally"):
        problems += look_and_close(f"appraisal-{kind}", appraisal.print_paper(kind), shots)
    problems += look_and_close("cadre-new", cadre.add_cadre(), shots)
    rules = cadre.open_rules()
    problems += look("cadre-rules", rules, shots)
    problems += look_and_close("cadre-rule-item", rules.add_item(), shots)
    rules.close()
    assert cadre.select("周振华")
    problems += look_and_close("cadre-edit", cadre.edit_cadre(), shots)
    problems += look_and_close("cadre-points", cadre.add_points(), shots)
    cadre.lines.selectRow(0)
    problems += look_and_close("cadre-reverse", cadre.reverse_line(), shots)
    for kind in ("cadre-cards", "cadre-sheets"):
        problems += look_and_close(kind, cadre.print_paper(kind), shots)
    assert problems == []


def test_the_shop_dialogs_fit(window, shots):
    page = window.show_page("shop")
    redeem, goods = page.redeem_tab, page.goods_tab
    problems = look_and_close("shop-redeem", redeem.redeem(), shots)
    problems += look_and_close("shop-rule", redeem.edit_rule(), shots)
    problems += look_and_close("shop-month-slips", redeem.print_month_slips(), shots)
    redeem.list.selectRow(0)
    problems += look_and_close("shop-slip", redeem.print_slip(), shots)
    problems += look_and_close("shop-reverse", redeem.reverse_redemption(), shots)
    problems += look_and_close("shop-goods-new", goods.add_goods(), shots)
    assert goods.select("香皂")
    problems += look_and_close("shop-goods-edit", goods.edit_goods(), shots)
    problems += look_and_close("shop-stock-in", goods.receive(), shots)
    goods.ins.selectRow(0)
    problems += look_and_close("shop-stock-in-reverse", goods.reverse_stock_in(), shots)
    problems += look_and_close("shop-board-rule", page.edit_board_rule(), shots)
    for kind in ("passbook", "shop-month", "board"):
        problems += look_and_close(f"shop-print-{kind}", page.print_paper(kind), shots)
    assert problems == []
