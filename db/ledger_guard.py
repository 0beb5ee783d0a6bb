"""The ledger and the audit log are append-only, enforced twice.

In the ORM (every backend): a flush that deletes a ledger or audit row, or changes a ledger
row other than the one allowed transition (pending → approved/rejected with its reviewer),
raises LedgerTampered. In SQLite (db/migrations): triggers refuse the same at the file level,
so a script that bypasses the program cannot rewrite history either.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.domain.enums import EntryStatus
from app.domain.errors import LedgerTampered
from db.models import AuditRecord, PointsEntry

REVIEW_COLUMNS = {"status", "reviewed_by", "reviewed_at", "review_note"}


def _check_entry_update(entry: PointsEntry) -> None:
    state = inspect(entry)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed:
        return
    old_status = state.attrs.status.history.deleted
    was = old_status[0] if old_status else entry.status
    if changed - REVIEW_COLUMNS or was != EntryStatus.PENDING:
        raise LedgerTampered(
            "积分记录一经录入就不能修改或删除；如有错误，请用“冲正”登记一条反向记录并写明原因。",
            details=f"entry {entry.id}: attempted change of {sorted(changed)} from status {was}",
        )


def install_ledger_guard(session_class=Session) -> None:
    @event.listens_for(session_class, "before_flush")
    def _guard(session, flush_context, instances):
        for obj in session.deleted:
            if isinstance(obj, (PointsEntry, AuditRecord)):
                raise LedgerTampered(
                    "积分记录和操作日志不能删除。", details=f"delete of {type(obj).__name__} {obj.id}"
                )
        for obj in session.dirty:
            if isinstance(obj, AuditRecord) and session.is_modified(obj):
                raise LedgerTampered("操作日志不能修改。", details=f"update of audit {obj.id}")
            if isinstance(obj, PointsEntry):
                _check_entry_update(obj)
