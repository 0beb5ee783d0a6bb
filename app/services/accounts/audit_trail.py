"""The 操作日志: who did what and when, read back with filters and taken out to Excel.

The audit log is append-only and chained (db/ledger_guard.py); this only reads it. Rows are
filtered and ordered in SQL and capped (LIMIT), newest first, so a township's years of records
stay quick. Summaries never hold unmasked personal data (the services write masked values).
Reading needs a role; exporting is itself audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import and_, func, literal_column, or_, select

from app.domain.errors import PermissionDenied, ValidationError
from app.services.context import Actor, read_session, unit_of_work
from app.services.exports.sheet import Col, Table, write_tables
from db.models import AuditRecord, Operator
from db.store import Store

DEFAULT_LIMIT = 2000
EXCEL_ROWS = 1_000_000  # an .xlsx sheet holds 1,048,576 rows, title and footer included
# The kinds of act the filter offers, each a set of stored actions.
ACTION_GROUPS = {
    "登录与锁定": ("login", "login_failed", "unlock_failed", "recover", "recover_failed"),
    "账号与角色": ("roles", "activate", "deactivate", "reset_password", "change_password", "setup", "recovery_code"),
    "设置": ("settings",),
    "恢复与汇总": ("restore", "gather", "rebuild"),
    "审核与冲正": ("approve", "reject", "reverse", "correct", "add_late"),  # the last two: a meeting's attendance
    "导出与查看个人信息": ("export", "export_personal", "reveal"),
}
# db.models.NOT_ENTRY_CREATION, with the table's columns named as the query names them
_NOT_ENTRY_CREATION = or_(AuditRecord.action != literal_column("'create'"), AuditRecord.entity != literal_column("'points_entry'"))
ACCOUNTS_GROUP = "账号与角色"
ACTION_LABELS = {
    "login": "登录", "login_failed": "登录失败", "unlock_failed": "解锁失败", "recover": "用恢复码找回", "recover_failed": "恢复码错误",
    "create": "新建", "update": "修改", "delete": "删除", "roles": "改角色", "activate": "启用账号", "deactivate": "停用账号",
    "reset_password": "重设密码", "change_password": "改密码", "setup": "设置管理员", "recovery_code": "新恢复码",
    "settings": "改设置", "restore": "恢复备份", "gather": "汇总", "rebuild": "重算积分汇总", "approve": "审核通过", "reject": "驳回", "reverse": "冲正",
    "correct": "更正考勤", "add_late": "补登考勤",
    "export": "导出", "export_personal": "导出完整个人信息", "reveal": "查看完整个人信息",
}


@dataclass(frozen=True)
class AuditFilter:
    since: date | None = None
    until: date | None = None
    operator_id: uuid.UUID | None = None
    group: str | None = None  # a key of ACTION_GROUPS
    text: str = ""
    limit: int | None = DEFAULT_LIMIT  # the screen's page; an export takes every matching record


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    operator: str
    action: str
    entity: str
    summary: str


def _check_reader(actor: Actor) -> None:
    if not actor.roles:
        raise PermissionDenied("没有查看操作日志的权限。")


def _query(chosen: AuditFilter):
    query = select(AuditRecord, Operator.display_name, Operator.username).join(Operator, AuditRecord.operator_id == Operator.id)
    if chosen.since:
        query = query.where(AuditRecord.created_at >= datetime.combine(chosen.since, time.min, timezone.utc))
    if chosen.until:
        query = query.where(AuditRecord.created_at < datetime.combine(chosen.until + timedelta(days=1), time.min, timezone.utc))
    if chosen.operator_id:
        query = query.where(AuditRecord.operator_id == chosen.operator_id)
    if chosen.group:
        condition = AuditRecord.action.in_(ACTION_GROUPS[chosen.group])
        if chosen.group == ACCOUNTS_GROUP:  # a new account is a "create" of an operator
            condition = or_(condition, and_(AuditRecord.action == "create", AuditRecord.entity == "operator"))
        # no kind of act is an entry's creation: said as the partial index says it (its words, its
        # literals), so that SQLite reads that index (migration 0011) instead of walking past
        # millions of them; tests/services/test_audit_trail.py holds the plan to it
        query = query.where(condition, _NOT_ENTRY_CREATION)
    if chosen.text.strip():
        query = query.where(AuditRecord.summary.contains(chosen.text.strip()))
    return query.order_by(AuditRecord.created_at.desc(), AuditRecord.chain_seq.desc()).limit(chosen.limit)


def audit_rows(store: Store, actor: Actor, chosen: AuditFilter = AuditFilter()) -> list[AuditRow]:
    _check_reader(actor)
    with read_session(store) as session:
        return [
            AuditRow(record.created_at, f"{name}（{username}）", ACTION_LABELS.get(record.action, record.action), record.entity, record.summary)
            for record, name, username in session.execute(_query(chosen))
        ]


def audit_count(store: Store) -> int:
    with read_session(store) as session:
        return session.scalar(select(func.count()).select_from(AuditRecord))


def export_audit(store: Store, actor: Actor, path: str | Path, chosen: AuditFilter = AuditFilter()) -> int:
    """Every record the filter matches (not only the screen's newest page) to an .xlsx, read as it
    is written; the export is recorded in the log it exports."""
    _check_reader(actor)
    everything = _query(replace(chosen, limit=None))
    with read_session(store) as session:
        count = session.scalar(select(func.count()).select_from(everything.order_by(None).subquery()))
        if count > EXCEL_ROWS:
            raise ValidationError(f"符合条件的操作日志有 {count} 条，一张 Excel 表放不下，请缩小日期范围后分几次导出。")
        body = (
            [record.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), f"{name}（{username}）",
             ACTION_LABELS.get(record.action, record.action), record.entity, record.summary]
            for record, name, username in session.execute(everything.execution_options(yield_per=1000))
        )
        columns = [Col("时间", 18), Col("操作员", 16), Col("操作", 10), Col("对象", 12), Col("内容", 60)]
        write_tables(path, [Table("操作日志", "操作日志", [_filter_line(chosen)], columns, body, footer=[f"共 {count} 条。"], row_count=count)])
    with unit_of_work(store, actor) as uow:
        uow.audit("export", "audit_log", None, f"导出操作日志 {count} 条到 {Path(path).name}")
    return count


def _filter_line(chosen: AuditFilter) -> str:
    parts = [f"{chosen.since or '最早'} 至 {chosen.until or '今天'}"]
    if chosen.group:
        parts.append(chosen.group)
    if chosen.text.strip():
        parts.append(f"含“{chosen.text.strip()}”")
    return "　".join(parts)
