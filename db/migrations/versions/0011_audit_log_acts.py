"""audit log's acts read newest first from a partial index: ix_audit_log_acts (created_at,
chain_seq) over every record but an entry's creation

The 操作日志's filters by kind of act (登录与锁定, 审核与冲正, 恢复与汇总…) walked the time index
over every record until a page was full; on a county's gathering, whose 5.1 million records
are nearly all entries' creations, a kind with a few thousand records took 3-4.4 s. The partial
index holds only the records the filters can find (none of them is an entry's creation), so
it costs almost nothing where entries are many. Created in the migration's transaction.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 23:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# as db.models.NOT_ENTRY_CREATION then, written out: a migration stays what it was
NOT_ENTRY_CREATION = "action <> 'create' OR entity <> 'points_entry'"


def upgrade() -> None:
    op.create_index(
        'ix_audit_log_acts', 'audit_log', ['created_at', 'chain_seq'], unique=False,
        sqlite_where=sa.text(NOT_ENTRY_CREATION), postgresql_where=sa.text(NOT_ENTRY_CREATION),
    )


def downgrade() -> None:
    op.drop_index('ix_audit_log_acts', table_name='audit_log')
