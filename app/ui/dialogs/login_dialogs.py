"""Who is at the keyboard: the log-in screen, the first administrator, the recovery code, a new password.

Shown before the window opens (`sign_in`), so nothing of the branch is on screen until someone
has logged in. Every check runs on a job runner (the password hash and the key unwrap take
about 0.4 s); the dialogs only show the outcome. Passwords never leave their QLineEdit except
to the service call, and are cleared after a failure.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import AppError
from app.domain.password_strength import weakness
from app.services.accounts import login, operators, setup
from app.services.context import Actor
from app.services.files import write_pdf
from app.ui.errors import describe
from app.ui.jobs import JobRunner
from app.ui.widgets import error_label, hint_label, make_room, show_problem, title_label


def password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


def strength_sentence(password: str, user_inputs: tuple[str, ...]) -> str:
    """What the line under a new password says of it; nothing while the box is empty: a refusal
    empties the boxes, and the line would say 请设置密码 above the refusal's own sentence."""
    if not password:
        return ""
    return weakness(password, user_inputs) or QCoreApplication.translate("strength_sentence", "这个密码可以用。")


class _JobDialog(QDialog):
    """A small dialog that runs one service call at a time and shows its refusal as a sentence."""

    def __init__(self, store, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.jobs = store, jobs
        self.problem = error_label()

    def run(self, work, done, button: QPushButton | None = None) -> None:
        show_problem(self.problem, "")
        if button is not None:
            button.setEnabled(False)

        def finished(result) -> None:
            if button is not None:
                button.setEnabled(True)
            done(result)

        def failed(exc: BaseException) -> None:
            if button is not None:
                button.setEnabled(True)
            self.failed(exc)

        self.jobs.submit(lambda _control: work(), finished, failed)

    def failed(self, exc: BaseException) -> None:
        show_problem(self.problem, describe(exc)[0])
        for edit in self.findChildren(QLineEdit):
            if edit.echoMode() == QLineEdit.EchoMode.Password:
                edit.clear()


class LoginDialog(_JobDialog):
    """The branch's name, the accounts to pick from, the password."""

    def __init__(self, store, jobs: JobRunner, preselect: str | None = None, parent: QWidget | None = None,
                 notice: str = "") -> None:
        super().__init__(store, jobs, parent)
        self.logged_in: login.LoggedIn | None = None
        self.code_dialog: NewRecoveryCodeDialog | None = None
        screen = login.login_screen(store)
        self.setWindowTitle(self.tr("登录 — 党员积分管理"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(screen.title))
        self.notice = hint_label(notice)
        self.notice.setVisible(bool(notice))
        layout.addWidget(self.notice)
        layout.addWidget(hint_label(self.tr("请选择你的账号，输入密码后登录。")))
        self.accounts = QListWidget()
        for account in screen.accounts:
            item = QListWidgetItem(f"{account.display_name}（{account.username}）　{account.roles_label}")
            item.setData(Qt.ItemDataRole.UserRole, account.username)
            self.accounts.addItem(item)
            if account.username == preselect:
                self.accounts.setCurrentItem(item)
        if self.accounts.currentRow() < 0 and self.accounts.count():
            self.accounts.setCurrentRow(0)
        self.accounts.setMaximumHeight(30 * max(3, min(self.accounts.count(), 6)))
        layout.addWidget(self.accounts)
        self.password = password_edit(self.tr("密码"))
        self.password.returnPressed.connect(self.try_login)
        layout.addWidget(self.password)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton(self.tr("登录"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.forgot_button = buttons.addButton(self.tr("忘记密码…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.tr("退出"), QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        self.forgot_button.clicked.connect(self.forgot)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password.setFocus()

    def chosen_username(self) -> str:
        item = self.accounts.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def try_login(self) -> None:
        username, password, store = self.chosen_username(), self.password.text(), self.store
        if not username:
            show_problem(self.problem, self.tr("请先选择账号。"))
            return
        self.run(lambda: login.log_in(store, username, password), self._logged_in, self.login_button)

    def _logged_in(self, outcome: login.LoggedIn) -> None:
        self.logged_in = outcome
        if outcome.must_change_password:
            ChangePasswordDialog(self.store, self.jobs, outcome.actor, forced=True, parent=self).exec()
        self.accept()

    def forgot(self) -> None:
        dialog = RecoveryDialog(self.store, self.jobs, self.chosen_username(), parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.logged_in is not None:
            self.logged_in = dialog.logged_in
            if self.logged_in.new_recovery_code:  # the used code is void: the new one is shown once, its sheet saved
                self.code_dialog = NewRecoveryCodeDialog(
                    self.store, self.jobs, self.logged_in.actor, self.logged_in.new_recovery_code, self)
                self.code_dialog.exec()
            self.accept()


class RecoveryDialog(_JobDialog):
    """The administrator gets in with the recovery sheet's code and chooses a new password."""

    def __init__(self, store, jobs: JobRunner, username: str, parent: QWidget | None = None) -> None:
        super().__init__(store, jobs, parent)
        self.logged_in: login.LoggedIn | None = None
        self.setWindowTitle(self.tr("忘记密码"))
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr(
            "管理员忘记密码时，用设置时打印的恢复单上的恢复码找回，并设一个新密码。"
            "其他账号忘记密码，请管理员在“账号管理”中为他重设。"
        )))
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.new_password, self.repeated = password_edit(), password_edit()
        form.addRow(self.tr("管理员登录名"), self.username)
        form.addRow(self.tr("恢复码"), self.code)
        form.addRow(self.tr("新密码"), self.new_password)
        form.addRow(self.tr("再输一次"), self.repeated)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.recover)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def recover(self) -> None:
        store, username, code = self.store, self.username.text(), self.code.text()
        password, repeated = self.new_password.text(), self.repeated.text()
        self.run(lambda: login.recover_with_code(store, username, code, password, repeated), self._recovered, self.ok_button)

    def _recovered(self, outcome: login.LoggedIn) -> None:
        self.logged_in = outcome
        self.accept()


class ChangePasswordDialog(_JobDialog):
    """The logged-in person chooses a new password (forced after an administrator's reset)."""

    def __init__(self, store, jobs: JobRunner, actor: Actor, forced: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(store, jobs, parent)
        self.actor = actor
        self.setWindowTitle(self.tr("修改密码"))
        layout = QVBoxLayout(self)
        if forced:
            layout.addWidget(hint_label(self.tr("管理员为你重设了密码。请改成一个只有你自己知道的密码。")))
        form = QFormLayout()
        self.old_password, self.new_password, self.repeated = password_edit(), password_edit(), password_edit()
        form.addRow(self.tr("原密码"), self.old_password)
        form.addRow(self.tr("新密码"), self.new_password)
        form.addRow(self.tr("再输一次"), self.repeated)
        layout.addLayout(form)
        self.strength = hint_label()
        self.new_password.textChanged.connect(self._measure)
        layout.addWidget(self.strength)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.change)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _measure(self, text: str) -> None:
        self.strength.setText(strength_sentence(text, (self.actor.username, self.actor.display_name)))

    def change(self) -> None:
        store, actor = self.store, self.actor
        old, new, repeated = self.old_password.text(), self.new_password.text(), self.repeated.text()
        self.run(lambda: operators.change_own_password(store, actor, old, new, repeated), lambda _change: self.accept(), self.ok_button)


class FirstAdminDialog(_JobDialog):
    """The database's first administrator: a login name, a name and a password; then the
    recovery sheet, printed before the program goes on."""

    def __init__(self, store, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(store, jobs, parent)
        self.created: setup.FirstAdmin | None = None
        self.setWindowTitle(self.tr("设置管理员 — 党员积分管理"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("第一次使用：设置管理员账号")))
        layout.addWidget(hint_label(self.tr(
            "这台电脑上的积分数据只有登录后才能看到。管理员管理账号、积分细则、设置和恢复备份。"
            "设置好后会生成一张恢复单：管理员忘记密码时靠它找回。密码和恢复单都丢了，"
            "党员的身份证号、电话和出生日期就再也打不开了。"
        )))
        form = QFormLayout()
        self.username = QLineEdit(operators.DEFAULT_ADMIN)
        self.display_name = QLineEdit(self.tr("管理员"))
        self.password, self.repeated = password_edit(self.tr("至少 8 个字符，几个词连在一起最好记")), password_edit()
        form.addRow(self.tr("登录名（英文字母或数字）"), self.username)
        form.addRow(self.tr("姓名"), self.display_name)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("再输一次"), self.repeated)
        layout.addLayout(form)
        self.strength = hint_label()
        self.password.textChanged.connect(self._measure)
        layout.addWidget(self.strength)
        layout.addWidget(self.problem)
        self.sheet_box = self._sheet_box()
        layout.addWidget(self.sheet_box)
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(self.tr("建立管理员账号"), QDialogButtonBox.ButtonRole.ActionRole)
        self.done_button = buttons.addButton(self.tr("完成"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(self.tr("退出"), QDialogButtonBox.ButtonRole.RejectRole)
        self.done_button.setEnabled(False)
        self.create_button.clicked.connect(self.create)
        self.done_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _sheet_box(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(hint_label(self.tr("管理员账号已建立。恢复码（只显示这一次）：")))
        self.code_label = QLabel()
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.code_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.code_label.setFont(font)
        column.addWidget(self.code_label)
        self.save_sheet_button = QPushButton(self.tr("保存恢复单（PDF，打印后锁好）…"))
        self.save_sheet_button.clicked.connect(self.save_sheet)
        column.addWidget(self.save_sheet_button)
        self.saved_label = saved_sheet_label()
        column.addWidget(self.saved_label)
        self.sheet_kept = QCheckBox(self.tr("我已打印恢复单，并把它收在安全的地方"))
        self.sheet_kept.toggled.connect(lambda on: self.done_button.setEnabled(on))
        column.addWidget(self.sheet_kept)
        box.setVisible(False)
        return box

    def _measure(self, text: str) -> None:
        self.strength.setText(strength_sentence(text, (self.username.text(), self.display_name.text())))

    def create(self) -> None:
        store, username, name = self.store, self.username.text(), self.display_name.text()
        password, repeated = self.password.text(), self.repeated.text()
        self.run(lambda: setup.create_first_admin(store, username, name, password, repeated), self._created, self.create_button)

    def _created(self, created: setup.FirstAdmin) -> None:
        self.created = created
        for edit in (self.username, self.display_name, self.password, self.repeated):
            edit.setEnabled(False)
        self.password.clear()
        self.repeated.clear()
        self.strength.setVisible(False)
        self.create_button.setEnabled(False)
        self.cancel_button.setEnabled(False)  # the account exists now: the sheet must be kept
        self.code_label.setText(created.recovery_code)
        self.sheet_box.setVisible(True)
        make_room(self.sheet_box)

    def save_sheet(self, path: str | None = None) -> None:
        if self.created is None:
            return
        path = path or QFileDialog.getSaveFileName(self, self.tr("保存恢复单"), self.tr("账号恢复单.pdf"), "PDF (*.pdf)")[0]
        if not path:
            return
        store, created = self.store, self.created
        self.run(lambda: write_pdf(path, setup.recovery_sheet_pdf(store, created.actor, created.recovery_code)),
                 lambda _written: show_saved_sheet(self.saved_label, path))

    def reject(self) -> None:
        if self.created is None:
            super().reject()


class NewRecoveryCodeDialog(QDialog):
    """A new recovery code (the old sheet is void from now on), shown once, saved as a sheet."""

    def __init__(self, store, jobs: JobRunner, actor: Actor, recovery_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.jobs, self.actor, self.recovery_code = store, jobs, actor, recovery_code
        self.setWindowTitle(self.tr("新的恢复码"))
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr("旧的恢复单从现在起作废，请销毁。新的恢复码只显示这一次，保存恢复单后才能关闭：")))
        code = QLabel(recovery_code)
        code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = code.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        code.setFont(font)
        layout.addWidget(code)
        self.save_button = QPushButton(self.tr("保存恢复单（PDF，打印后锁好）…"))
        self.save_button.clicked.connect(lambda: self.save_sheet())
        layout.addWidget(self.save_button)
        self.saved_label = saved_sheet_label()
        layout.addWidget(self.saved_label)
        self.problem = error_label()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        # Closing before the sheet is saved would lose the only copy of the code.
        self.sheet_saved = False
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setEnabled(False)
        self.close_button.setToolTip(self.tr("请先保存恢复单。"))
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)

    def reject(self) -> None:
        if self.sheet_saved:
            super().reject()

    def _saved(self, path: str) -> None:
        show_saved_sheet(self.saved_label, path)
        self.sheet_saved = True
        self.close_button.setEnabled(True)

    def save_sheet(self, path: str | None = None) -> None:
        path = path or QFileDialog.getSaveFileName(self, self.tr("保存恢复单"), self.tr("账号恢复单.pdf"), "PDF (*.pdf)")[0]
        if not path:
            return
        store, actor, code = self.store, self.actor, self.recovery_code
        self.jobs.submit(lambda _control: write_pdf(path, setup.recovery_sheet_pdf(store, actor, code)),
                         lambda _written: self._saved(path),
                         lambda exc: show_problem(self.problem, describe(exc)[0]))


def saved_sheet_label() -> QLabel:
    """Where the recovery sheet went, under its button: a path is longer than a button is wide (it was cut
    at both ends), and a word-wrapped label breaks it at its folders."""
    label = hint_label()
    label.setVisible(False)
    return label


def show_saved_sheet(label: QLabel, path: str) -> None:
    label.setText(QCoreApplication.translate("RecoverySheet", "恢复单已保存：{0}").format(path))
    label.setVisible(True)
    make_room(label)


def sign_in(store, jobs: JobRunner, preselect: str | None = None, parent: QWidget | None = None,
            notice: str = "") -> Actor | None:
    """The person at the keyboard, logged in (or the first administrator, just made); None if
    the dialog was closed.

    With $DYJF_OPERATOR and $DYJF_PASSWORD set (as for the command line: a script, the smoke
    test) the log-in is tried with them first; the password is checked like a typed one, and a
    wrong one falls back to the screen (counted and audited)."""
    if setup.needs_first_account(store):
        first = FirstAdminDialog(store, jobs, parent)
        return first.created.actor if first.exec() == QDialog.DialogCode.Accepted and first.created else None
    username, password = os.environ.get(login.OPERATOR_ENV), os.environ.get(login.PASSWORD_ENV)
    if username and password:
        try:
            return login.log_in(store, username, password).actor
        except AppError:
            preselect = username
    dialog = LoginDialog(store, jobs, preselect, parent, notice)
    return dialog.logged_in.actor if dialog.exec() == QDialog.DialogCode.Accepted and dialog.logged_in else None
