"""The error tree every layer raises and the UI and command line turn into one sentence.

Each error carries a Chinese sentence for the clerk (`message`) and optional technical
details (`details`) that can be copied into a support request. Nothing below the UI prints
or swallows an error; it raises one of these.
"""

from __future__ import annotations

from typing import ClassVar


class AppError(Exception):
    """Base of every error the clerk may see.

    A kind of trouble that always reads the same keeps its sentence in `sentence`, so it is
    written once and raised without arguments (`raise MemberNotFound()`); a sentence that
    names a file, a person or a date is passed in, or built by the subclass.
    """

    sentence: ClassVar[str] = "程序遇到了意外的问题，刚才的操作没有完成。"

    def __init__(self, message: str | None = None, details: str = "") -> None:
        message = message or self.sentence
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class ValidationError(AppError):
    """Input that breaks a rule of the form, the file or the command line."""


class RuleViolation(ValidationError):
    """A points entry that the year's rule set does not allow."""


class CapExceeded(RuleViolation):
    """An entry that would push a member past a cap; `allowed` is what is still possible."""

    def __init__(self, message: str, allowed, details: str = "") -> None:
        super().__init__(message, details)
        self.allowed = allowed


class NotFound(AppError):
    """A record the request names does not exist."""


class MemberNotFound(NotFound):
    """The member the request names is not (or no longer) in this database."""

    sentence = "找不到这名党员。"


class ConflictError(AppError):
    """The request contradicts the current state (e.g. reversing an entry twice)."""


class PermissionDenied(AppError):
    """The operator's role does not allow this action."""


class StoreError(AppError):
    """The database file cannot be opened, read or written as asked."""


class SchemaTooNew(StoreError):
    """The file was written by a newer version of the program."""


class LedgerTampered(StoreError):
    """An attempt to edit or delete a ledger row in place."""
