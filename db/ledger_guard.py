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
from db.practice_models import CadrePointsRecord, DualReportOverride, ServiceRecord
from db.shop_models import ShopRedemption, ShopStockIn

# Shop history (db/shop_models.py): neither changed nor deleted once written, like the audit log.
SHOP_HISTORY = (ShopStockIn, ShopRedemption)
# Practice history (db/practice_models.py): service hours, 双报到 decisions, resident cadres' points.
PRACTICE_HISTORY = (ServiceRecord, DualReportOverride, CadrePointsRecord)

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
            if isinstance(obj, SHOP_HISTORY):
                raise LedgerTampered("积分超市的入库和兑换记录不能删除；如有错误，请登记冲正记录。", details=f"delete of {type(obj).__name__} {obj.id}")
            if isinstance(obj, PRACTICE_HISTORY):
                raise LedgerTampered("双报到服务、认定和驻村干部积分记录不能删除；如有错误，请登记冲正记录。", details=f"delete of {type(obj).__name__} {obj.id}")
        for obj in session.dirty:
            if isinstance(obj, AuditRecord) and session.is_modified(obj):
                raise LedgerTampered("操作日志不能修改。", details=f"update of audit {obj.id}")
            if isinstance(obj, PointsEntry):
                _check_entry_update(obj)
            if isinstance(obj, SHOP_HISTORY) and session.is_modified(obj):
                raise LedgerTampered("积分超市的入库和兑换记录不能修改；如有错误，请登记冲正记录。", details=f"update of {type(obj).__name__} {obj.id}")
            if isinstance(obj, PRACTICE_HISTORY) and session.is_modified(obj):
                raise LedgerTampered("双报到服务、认定和驻村干部积分记录不能修改；如有错误，请登记冲正记录。", details=f"update of {type(obj).__name__} {obj.id}")


# The guarding triggers of a SQLite file, as the migrations create them (0001 the deletes,
# 0002 the rating history, 0003 the ledger's update rule and the chain starts). `check`
# compares the stored definitions with these, not only the names: a trigger of the same name
# that does nothing is as good as none.
_APPEND_ONLY = "CREATE TRIGGER {table}_no_{verb} BEFORE {VERB} ON {table}\n    BEGIN SELECT RAISE(ABORT, '{what} {is_are} append-only'); END"


def _append_only(table: str, verb: str, what: str, is_are: str = "is") -> tuple[str, str]:
    return f"{table}_no_{verb}", _APPEND_ONLY.format(table=table, verb=verb, VERB=verb.upper(), what=what, is_are=is_are)


EXPECTED_TRIGGER_SQL = dict([
    _append_only("points_entries", "delete", "points ledger"),
    ("points_entries_no_rewrite", """CREATE TRIGGER points_entries_no_rewrite BEFORE UPDATE ON points_entries
    WHEN OLD.status != 'pending'
      OR NEW.id IS NOT OLD.id OR NEW.member_id IS NOT OLD.member_id
      OR NEW.rule_item_id IS NOT OLD.rule_item_id OR NEW.occurred_on IS NOT OLD.occurred_on
      OR NEW.quantity IS NOT OLD.quantity OR NEW.points IS NOT OLD.points
      OR NEW.note IS NOT OLD.note OR NEW.evidence IS NOT OLD.evidence
      OR NEW.entered_by IS NOT OLD.entered_by OR NEW.created_at IS NOT OLD.created_at
      OR NEW.reverses_id IS NOT OLD.reverses_id OR NEW.meeting_id IS NOT OLD.meeting_id
      OR NEW.batch_id IS NOT OLD.batch_id
      OR NEW.chain_seq IS NOT OLD.chain_seq OR NEW.chain_prev IS NOT OLD.chain_prev
      OR NEW.chain_hash IS NOT OLD.chain_hash
    BEGIN SELECT RAISE(ABORT, 'points ledger is append-only'); END"""),
    _append_only("audit_log", "delete", "audit log"),
    _append_only("audit_log", "update", "audit log"),
    *[_append_only(table, verb, "rating history") for table in ("rating_steps", "rating_star_changes") for verb in ("update", "delete")],
    *[_append_only("chain_starts", verb, "chain starts", "are") for verb in ("update", "delete")],
    *[_append_only(table, verb, "shop history") for table in ("shop_stock_ins", "shop_redemptions") for verb in ("update", "delete")],
    *[_append_only(table, verb, "practice history") for table in ("service_records", "dual_report_overrides", "cadre_points")
      for verb in ("update", "delete")],
])


def _squeezed(sql: str | None) -> str:
    return " ".join((sql or "").split())


def trigger_problems(stored: dict[str, str | None]) -> tuple[list[str], list[str]]:
    """(missing, altered) trigger names, given the stored definitions {name: sql} of a file
    (`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`). Whitespace does not count."""
    missing = sorted(name for name in EXPECTED_TRIGGER_SQL if name not in stored)
    altered = sorted(
        name for name, sql in EXPECTED_TRIGGER_SQL.items() if name in stored and _squeezed(stored[name]) != _squeezed(sql)
    )
    return missing, altered
