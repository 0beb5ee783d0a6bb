"""The 账号 menu: lock the window, change one's own password, and (administrators) accounts,
security settings; everyone with a role may read the 操作日志 (audit trail)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

from app.domain.enums import Role
from app.ui.dialogs.login_dialogs import ChangePasswordDialog
from app.ui.lock import LOCK_SHORTCUT


def translate(text: str) -> str:
    return QCoreApplication.translate("AccountMenu", text)


def add_account_menu(window) -> dict[str, QAction]:
    menu = window.menuBar().addMenu(translate("账号(&A)"))
    actions: dict[str, QAction] = {}

    def add(key: str, text: str, slot, enabled: bool = True) -> None:
        action = QAction(text, window)
        action.setObjectName(f"action_account_{key}")
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        menu.addAction(action)
        actions[key] = action

    is_admin = Role.ADMIN in window.ctx.actor.roles
    add("lock", translate("锁定（{0}）").format(LOCK_SHORTCUT), window.lock.lock)
    add("password", translate("修改我的密码…"), lambda: open_change_password(window))
    add("switch", translate("切换账号…"), lambda: switch_account(window))
    menu.addSeparator()
    add("accounts", translate("账号管理…"), lambda: open_accounts(window), is_admin)
    add("security", translate("安全设置…"), lambda: open_security_settings(window), is_admin)
    add("audit", translate("操作日志…"), lambda: open_audit_log(window))
    if not is_admin:
        for key in ("accounts", "security"):
            actions[key].setToolTip(translate("只有管理员可以使用。"))
    return actions


def switch_account(window) -> None:
    """The session ends and the log-in screen of the same file follows (on a laptop the 书记 and
    the 录入员 share, each works under his own name)."""
    window.log_in_again(translate("“{0}”已退出登录，请选择账号重新登录。").format(window.ctx.actor.display_name))


def open_change_password(window) -> ChangePasswordDialog:
    dialog = ChangePasswordDialog(window.ctx.store, window.ctx.jobs, window.ctx.actor, parent=window)
    dialog.open()
    window.change_password_dialog = dialog
    return dialog


def open_accounts(window):
    from app.ui.dialogs.accounts_dialog import AccountsDialog

    dialog = AccountsDialog(window.ctx, window)
    dialog.open()
    window.accounts_dialog = dialog
    return dialog


def open_security_settings(window):
    from app.ui.dialogs.accounts_dialog import SecuritySettingsDialog

    dialog = SecuritySettingsDialog(window.ctx, window.lock, window)
    dialog.open()
    window.security_dialog = dialog
    return dialog


def open_audit_log(window):
    from app.ui.dialogs.audit_log_dialog import AuditLogDialog

    dialog = AuditLogDialog(window.ctx, window)
    dialog.open()
    window.audit_dialog = dialog
    return dialog
