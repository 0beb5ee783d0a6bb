"""账号管理 and 安全设置 (administrators): accounts, their roles, passwords; idle lock and four eyes.

Views only: every change is a service call on the job runner (app/services/accounts), which
checks the role again and audits the change; a refusal shows as a sentence in the dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import ROLE_ORDER, Role
from app.services.accounts import operators, security_settings, setup
from app.services.township.gather import is_township_database
from app.ui.changes import Kind
from app.ui.context import UiContext
from app.ui.dialogs.login_dialogs import NewRecoveryCodeDialog, password_edit
from app.ui.errors import describe
from app.ui.widgets import error_label, hint_label, show_problem

VILLAGE_ROLES = (Role.CLERK, Role.REVIEWER, Role.ADMIN)
TOWNSHIP_ROLES = (Role.VERIFIER, Role.GATHERER, Role.ADMIN)
COLUMNS = (
    QT_TRANSLATE_NOOP("AccountsDialog", "登录名"), QT_TRANSLATE_NOOP("AccountsDialog", "姓名"),
    QT_TRANSLATE_NOOP("AccountsDialog", "角色"), QT_TRANSLATE_NOOP("AccountsDialog", "状态"),
    QT_TRANSLATE_NOOP("AccountsDialog", "上次登录"),
)


class AccountForm(QDialog):
    """New account (login, name, roles, password) or, for an existing one, its roles or its password."""

    def __init__(self, title: str, roles: tuple[Role, ...] | None, with_names: bool, with_password: bool,
                 held: frozenset[Role] = frozenset(), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.username, self.display_name = QLineEdit(), QLineEdit()
        if with_names:
            form.addRow(self.tr("登录名（英文字母或数字）"), self.username)
            form.addRow(self.tr("姓名"), self.display_name)
        self.role_checks: dict[Role, QCheckBox] = {}
        if roles:
            row = QHBoxLayout()
            for role in roles:
                check = QCheckBox(role.label)
                check.setChecked(role in held)
                self.role_checks[role] = check
                row.addWidget(check)
            form.addRow(self.tr("角色（可多选）"), row)
        self.password, self.repeated = password_edit(), password_edit()
        if with_password:
            form.addRow(self.tr("密码"), self.password)
            form.addRow(self.tr("再输一次"), self.repeated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def roles(self) -> list[Role]:
        return [role for role, check in self.role_checks.items() if check.isChecked()]


class AccountsDialog(QDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.accounts: list[operators.Account] = []
        self.roles = VILLAGE_ROLES
        self.setWindowTitle(self.tr("账号管理"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        self.roles_hint = hint_label(self.tr(
            "录入员：录入积分、会议和党员变动；审核人（支部书记）：审核积分、星级评定；管理员：账号、细则、设置和恢复备份。一人可以有几个角色。"
        ))
        layout.addWidget(self.roles_hint)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.problem = error_label()
        layout.addWidget(self.problem)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("add", self.tr("新建账号…"), self.add_account), ("roles", self.tr("修改角色…"), self.change_roles),
                                ("reset", self.tr("重设密码…"), self.reset_password), ("active", self.tr("停用 / 启用"), self.toggle_active),
                                ("recovery", self.tr("重新生成恢复码…"), self.new_recovery_code)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        store = self.ctx.store

        def load(_control):
            return operators.list_accounts(store), is_township_database(store)

        self.ctx.read(load, self._show, parent=self)

    def _show(self, loaded) -> None:
        self.accounts, township = loaded
        self.roles = TOWNSHIP_ROLES if township else VILLAGE_ROLES
        if township:  # the township's accounts take other roles than a village's
            self.roles_hint.setText(self.tr("验星：导入各村的星级评定上报材料，验星通过或退回；汇总：汇总各村交来的备份；"
                                            "管理员：账号、设置和恢复备份。一人可以有几个角色。"))
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            last = account.last_login_at.astimezone().strftime("%Y-%m-%d %H:%M") if account.last_login_at else ""
            state = self.tr("在用") if account.active else self.tr("停用")
            if account.active and not account.has_password:
                state = self.tr("未设密码")
            for column, text in enumerate((account.username, account.display_name, account.roles_label, state, last)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def selected(self) -> operators.Account | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            show_problem(self.problem, self.tr("请先在表中选一个账号。"))
            return None
        return self.accounts[rows[0].row()]

    def _write(self, work) -> None:
        show_problem(self.problem, "")
        self.ctx.write(lambda _control: work(), Kind.SETTINGS, lambda _change: self.refresh(), parent=self,
                       on_problem=lambda exc: show_problem(self.problem, describe(exc)[0]))

    def ask(self, form: AccountForm) -> bool:
        """A seam the tests replace: the form, modal."""
        return form.exec() == QDialog.DialogCode.Accepted

    def add_account(self) -> None:
        form = AccountForm(self.tr("新建账号"), self.roles, True, True, frozenset({self.roles[0]}), self)
        if not self.ask(form):
            return
        store, actor = self.ctx.store, self.ctx.actor
        username, name, roles = form.username.text(), form.display_name.text(), form.roles()
        password, repeated = form.password.text(), form.repeated.text()
        self._write(lambda: operators.add_operator(store, actor, username, name, roles, password, repeated))

    def change_roles(self) -> None:
        account = self.selected()
        if account is None:
            return
        roles = tuple(dict.fromkeys((*self.roles, *sorted(account.roles, key=ROLE_ORDER.index))))
        form = AccountForm(self.tr("修改{0}的角色").format(account.display_name), roles, False, False, account.roles, self)
        if self.ask(form):
            store, actor, chosen = self.ctx.store, self.ctx.actor, form.roles()
            self._write(lambda: operators.set_roles(store, actor, account.id, chosen))

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        form = AccountForm(self.tr("重设{0}的密码").format(account.display_name), None, False, True, parent=self)
        if self.ask(form):
            store, actor, password, repeated = self.ctx.store, self.ctx.actor, form.password.text(), form.repeated.text()
            self._write(lambda: operators.reset_password(store, actor, account.id, password, repeated))

    def new_recovery_code(self) -> None:
        if not self.ctx.confirm(self, self.tr("重新生成恢复码"), self.tr("旧的恢复单将作废。确定要生成新的恢复码吗？")):
            return
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.write(lambda _control: setup.new_recovery_code(store, actor), Kind.SETTINGS, self._show_code, parent=self,
                       on_problem=lambda exc: show_problem(self.problem, describe(exc)[0]), summary=lambda _code: self.tr("已生成新的恢复码。"))

    def _show_code(self, recovery_code: str) -> None:
        self.code_dialog = NewRecoveryCodeDialog(self.ctx.store, self.ctx.jobs, self.ctx.actor, recovery_code, self)
        self.code_dialog.open()

    def toggle_active(self) -> None:
        account = self.selected()
        if account is not None:
            store, actor = self.ctx.store, self.ctx.actor
            self._write(lambda: operators.set_active(store, actor, account.id, not account.active))


class SecuritySettingsDialog(QDialog):
    """Idle-lock minutes and four eyes (on / off / 按账号数自动)."""

    FOUR_EYES_CHOICES = (
        (None, QT_TRANSLATE_NOOP("SecuritySettingsDialog", "自动：有两个以上账号时开启")),
        (True, QT_TRANSLATE_NOOP("SecuritySettingsDialog", "开启")),
        (False, QT_TRANSLATE_NOOP("SecuritySettingsDialog", "关闭")),
    )

    def __init__(self, ctx: UiContext, lock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.lock = ctx, lock
        self.setWindowTitle(self.tr("安全设置"))
        form = QFormLayout(self)
        self.minutes = QSpinBox()
        self.minutes.setRange(*security_settings.IDLE_LOCK_RANGE)
        self.minutes.setSuffix(self.tr(" 分钟"))
        form.addRow(self.tr("无人操作多久后自动锁定"), self.minutes)
        self.four_eyes = QComboBox()
        for value, text in self.FOUR_EYES_CHOICES:
            self.four_eyes.addItem(self.tr(text), value)
        form.addRow(self.tr("录入与审核分开（自己录入的积分由别人审核）"), self.four_eyes)
        self.problem = error_label()
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        store = ctx.store
        ctx.read(lambda _control: security_settings.security_settings(store), self._show, parent=self)

    def _show(self, settings: security_settings.SecuritySettings) -> None:
        self.minutes.setValue(settings.idle_lock_minutes)
        self.four_eyes.setCurrentIndex([value for value, _ in self.FOUR_EYES_CHOICES].index(settings.four_eyes_choice))

    def save(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        minutes, four_eyes = self.minutes.value(), self.four_eyes.currentData(Qt.ItemDataRole.UserRole)

        def saved(_change) -> None:
            self.lock.set_minutes(minutes)
            self.accept()

        self.ctx.write(lambda _control: security_settings.set_security_settings(store, actor, minutes, four_eyes), Kind.SETTINGS,
                       saved, parent=self, on_problem=lambda exc: show_problem(self.problem, describe(exc)[0]))
