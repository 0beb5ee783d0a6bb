"""The 操作日志 read back: newest first, filtered by date, operator, kind of act and words, exported."""

from __future__ import annotations

from datetime import date, timedelta

import openpyxl
import pytest

from app.domain.enums import Role
from app.domain.errors import LoginRefused
from app.services.accounts import audit_trail, login, operators, security_settings, setup
from app.services.accounts.audit_trail import AuditFilter

PASSWORD = "qiaomen huangniu 37"


@pytest.fixture
def trail(store):
    admin = setup.create_first_admin(store, "wangshuji", "王书记", PASSWORD).actor
    clerk = operators.add_operator(store, admin, "xiaoli", "小李", Role.CLERK, "tiexin lanterns 92")
    with pytest.raises(LoginRefused):
        login.log_in(store, "xiaoli", "wrong words here")
    security_settings.set_security_settings(store, admin, 5, True)
    return admin, clerk


def test_newest_first_with_who_and_what(store, trail):
    admin, _ = trail
    rows = audit_trail.audit_rows(store, admin)
    assert [row.action for row in rows] == ["改设置", "登录失败", "新建", "设置管理员"]
    assert rows[0].operator == "王书记（wangshuji）" and "自动锁定 10→5 分钟" in rows[0].summary
    assert rows[1].operator == "小李（xiaoli）"


def test_filters(store, trail):
    admin, clerk = trail
    assert [r.action for r in audit_trail.audit_rows(store, admin, AuditFilter(operator_id=clerk.id))] == ["登录失败"]
    assert [r.action for r in audit_trail.audit_rows(store, admin, AuditFilter(group="登录与锁定"))] == ["登录失败"]
    assert [r.action for r in audit_trail.audit_rows(store, admin, AuditFilter(group="账号与角色"))] == ["新建", "设置管理员"]
    assert [r.action for r in audit_trail.audit_rows(store, admin, AuditFilter(text="小李"))] == ["新建"]
    tomorrow = date.today() + timedelta(days=1)
    assert audit_trail.audit_rows(store, admin, AuditFilter(since=tomorrow)) == []
    assert len(audit_trail.audit_rows(store, admin, AuditFilter(until=tomorrow, limit=2))) == 2


def test_the_export_writes_the_rows_and_is_itself_audited(store, trail, tmp_path):
    admin, _ = trail
    out = tmp_path / "操作日志.xlsx"
    assert audit_trail.export_audit(store, admin, out) == 4
    sheet = openpyxl.load_workbook(out).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert "操作日志" in cells and any("自动锁定 10→5 分钟" in c for c in cells) and "共 4 条。" in cells
    assert audit_trail.audit_rows(store, admin)[0].action == "导出"


def test_the_export_takes_every_matching_record_not_the_screens_page(store, trail, tmp_path):
    """A gathered township has thousands of records a month: the screen lists the newest 2,000,
    and the export said 共 2000 条 and left the rest out without a word."""
    admin, clerk = trail
    out = tmp_path / "操作日志.xlsx"
    assert audit_trail.export_audit(store, admin, out, AuditFilter(limit=2)) == 4
    cells = [str(c.value) for row in openpyxl.load_workbook(out).active.iter_rows() for c in row if c.value]
    assert "共 4 条。" in cells and any("自动锁定 10→5 分钟" in c for c in cells) and any(c == "设置管理员" for c in cells)
    assert audit_trail.export_audit(store, admin, out, AuditFilter(operator_id=clerk.id, limit=2)) == 1


def test_the_newest_page_is_read_from_the_time_index_without_sorting_the_log(store, trail):
    """A county's 5 million records were read and sorted whole for one page (22 s); the plan
    SQLite makes for the dialog's query walks ix_audit_log_created_at backwards instead."""
    from sqlalchemy import text

    admin, clerk = trail
    for chosen in (AuditFilter(), AuditFilter(operator_id=clerk.id), AuditFilter(since=date.today() - timedelta(days=7))):
        with store.session() as session:
            statement = audit_trail._query(chosen).compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = " | ".join(row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {statement}")))
        assert "ix_audit_log_created_at" in plan and "TEMP B-TREE" not in plan, plan


def test_a_kind_of_act_is_read_from_the_acts_index_past_millions_of_entries(store, trail, db_path):
    """On a county's gathering nearly every record is an entry's creation, and a kind of act
    (登录, 审核与冲正…) walked past them all: 3-4.4 s. With the file's statistics saying so, the
    plan for every kind reads ix_audit_log_acts, which holds the other records alone; and what
    each kind finds is what it found before."""
    import sqlite3
    from contextlib import closing

    from sqlalchemy import text

    admin, _ = trail
    before = {group: audit_trail.audit_rows(store, admin, AuditFilter(group=group)) for group in audit_trail.ACTION_GROUPS}
    with closing(sqlite3.connect(db_path)) as raw:
        operator = raw.execute("SELECT operator_id FROM audit_log LIMIT 1").fetchone()[0]
        raw.execute(
            """WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
            INSERT INTO audit_log (operator_id, action, entity, entity_id, summary, details, id, created_at)
            SELECT ?, 'create', 'points_entry', lower(hex(randomblob(16))), '2026-03-01 2 分', '{}', lower(hex(randomblob(16))),
                   datetime('2026-01-01', '+' || i || ' minutes') FROM n""", (operator,),
        )
        raw.execute("ANALYZE")
        raw.commit()
    for group in audit_trail.ACTION_GROUPS:
        with store.session() as session:
            statement = audit_trail._query(AuditFilter(group=group)).compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = " | ".join(row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {statement}")))
        assert "ix_audit_log_acts" in plan and "TEMP B-TREE" not in plan, (group, plan)
        assert audit_trail.audit_rows(store, admin, AuditFilter(group=group)) == before[group]
