"""The window's lock: after so many idle minutes (the administrator's setting, default 10) or on
Ctrl+L, nothing of the branch stays on screen until the same person types his password again.

Locking takes the window's whole content out (pages, navigation), hides the menus and the status
bar and every dialog of the window, and puts a lock screen in their place; unlocking puts them
back as they were. The password is checked on the job runner (login.confirm_password: wrong
ones count and are audited like a log-in's). Idle time is any key, click or wheel in the
application; mouse moves alone do not keep it open.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

from app.services.accounts import login, security_settings
from app.ui.dialogs.login_dialogs import password_edit
from app.ui.errors import describe
from app.ui.widgets import error_label, hint_label, show_problem, title_label

LOCK_SHORTCUT = "Ctrl+L"
ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}


class LockScreen(QWidget):
    def __init__(self, display_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title_label(self.tr("已锁定")), 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint_label(self.tr("{0}，请输入密码解锁。").format(display_name)), 0, Qt.AlignmentFlag.AlignHCenter)
        self.password = password_edit(self.tr("密码"))
        self.password.setFixedWidth(280)
        layout.addWidget(self.password, 0, Qt.AlignmentFlag.AlignHCenter)
        self.unlock_button = QPushButton(self.tr("解锁"))
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.problem = error_label()
        layout.addWidget(self.problem, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)


class WindowLock(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.ctx = window, window.ctx
        self.locked = False
        self.screen: LockScreen | None = None
        self._content: QWidget | None = None
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.set_minutes(security_settings.DEFAULT_IDLE_LOCK_MINUTES)
        self.shortcut = QShortcut(QKeySequence(LOCK_SHORTCUT), window)
        self.shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.shortcut.activated.connect(self.lock)
        QApplication.instance().installEventFilter(self)
        store = self.ctx.store
        self.ctx.read(lambda _control: security_settings.security_settings(store).idle_lock_minutes, self.set_minutes, parent=window)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(int(minutes) * 60_000)
        if not self.locked:
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.locked and event.type() in ACTIVITY:
            self.timer.start()
        return False

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self.timer.stop()
        window = self.window
        self._hidden = [w for w in QApplication.topLevelWidgets() if w is not window and w.isVisible() and _belongs_to(w, window)]
        for widget in self._hidden:
            widget.hide()
        self._content = window.takeCentralWidget()
        window.menuBar().setVisible(False)
        window.statusBar().setVisible(False)
        self.screen = LockScreen(self.ctx.actor.display_name)
        self.screen.password.returnPressed.connect(lambda: self.try_unlock())
        self.screen.unlock_button.clicked.connect(lambda: self.try_unlock())
        window.setCentralWidget(self.screen)
        self.screen.password.setFocus()

    def try_unlock(self, password: str | None = None) -> None:
        if not self.locked or self.screen is None:
            return
        typed = self.screen.password.text() if password is None else password
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.jobs.submit(lambda _control: login.confirm_password(store, actor, typed), lambda _none: self.unlock(), self._refused)

    def _refused(self, exc: BaseException) -> None:
        if self.screen is not None:
            self.screen.password.clear()
            show_problem(self.screen.problem, describe(exc)[0])

    def unlock(self) -> None:
        if not self.locked:
            return
        window = self.window
        window.setCentralWidget(self._content)  # the lock screen goes (Qt deletes the old central widget)
        self._content.show()  # taken out, it was hidden with no parent
        self._content, self.screen = None, None
        window.menuBar().setVisible(True)
        window.statusBar().setVisible(True)
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self.locked = False
        self.timer.start()


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
