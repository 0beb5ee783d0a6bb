"""What the backup dialog's tabs share: the host they work through, progress, password fields.

A tab never runs a job, asks the clerk or shows an outcome itself: it calls its host (the
BackupDialog), which owns the job runner, the progress bar, the status line and the questions
tests replace. `run` delivers the result on the UI thread; an error goes to `failed`.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from PySide6.QtWidgets import QLineEdit

from app.services.context import Actor
from app.ui.jobs import JobControl
from db.store import Store


class BackupHost(Protocol):
    store: Store
    actor: Actor

    def run(self, fn: Callable[[JobControl], Any], on_result: Callable[[Any], None]) -> None: ...
    def show_message(self, text: str) -> None: ...
    def failed(self, exc: BaseException) -> None: ...
    def ask_folder(self) -> str: ...
    def ask_backup_file(self) -> str: ...
    def ask_township_file(self) -> str: ...
    def confirm(self, title: str, text: str) -> bool: ...
    def ask_passphrase(self, branch_name: str, file_name: str, wrong: bool) -> str | None: ...


def reporter(control: JobControl) -> Callable[[float, str], None]:
    """A service's progress(fraction, sentence) → the runner's control."""

    def report(fraction: float, text: str) -> None:
        control.progress(int(fraction * 1000), 1000)
        control.say(text)

    return report


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit
