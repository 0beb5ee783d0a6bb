"""member month sums: approved points per rule set, year, member, month and category, kept
beside the ledger (db/summaries.py) and filled here from the existing approved entries

The new table is created outright (no existing table is recreated, so batch mode has nothing
to copy and foreign keys are untouched); it is filled by one INSERT ... SELECT ... GROUP BY in
the migration's transaction, so a failed upgrade leaves neither the table nor a partial fill.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 12:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

FILL_SQL = """
INSERT INTO member_month_sums (rule_set_id, year, member_id, month, category, points, vetoes)
SELECT i.rule_set_id, {year}, e.member_id, {month}, i.category, SUM(e.points),
       SUM(CASE WHEN i.category = 'veto' THEN (CASE WHEN e.reverses_id IS NULL THEN 1 ELSE -1 END) ELSE 0 END)
FROM points_entries e JOIN rule_items i ON e.rule_item_id = i.id
WHERE e.status = 'approved'
GROUP BY i.rule_set_id, {year}, e.member_id, {month}, i.category
"""


def upgrade() -> None:
    op.create_table('member_month_sums',
    sa.Column('rule_set_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('base', 'duty', 'bonus', 'deduction', 'veto', name='category', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('vetoes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('rule_set_id', 'year', 'member_id', 'month', 'category', name=op.f('pk_member_month_sums'))
    )
    if op.get_bind().dialect.name == "sqlite":
        year, month = "CAST(strftime('%Y', e.occurred_on) AS INTEGER)", "CAST(strftime('%m', e.occurred_on) AS INTEGER)"
    else:
        year, month = "CAST(EXTRACT(YEAR FROM e.occurred_on) AS INTEGER)", "CAST(EXTRACT(MONTH FROM e.occurred_on) AS INTEGER)"
    op.execute(FILL_SQL.format(year=year, month=month))


def downgrade() -> None:
    op.drop_table('member_month_sums')
