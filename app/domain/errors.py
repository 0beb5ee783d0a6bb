"""The error tree every layer raises and the UI and command line turn into one sentence.

Each error carries a Chinese sentence for the clerk (`message`) and optional technical
details (`details`) that can be copied into a support request. Nothing below the UI prints
or swallows an error; it raises one of these.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every error the clerk may see."""

    def __init__(self, message: str, details: str = "") -> None:
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
