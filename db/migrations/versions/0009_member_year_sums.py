"""member year sums: each member's approved points per rule set, year and category, kept beside
the month sums (db/summaries.py) so that a year's ranking reads one row a member and category

Created outright and filled from member_month_sums (which check has held equal to the ledger
since 0004) by one INSERT ... SELECT ... GROUP BY in the migration's transaction, so a failed
upgrade leaves neither the table nor a partial fill. Without rowid on SQLite: the table is its
own key's index, in the order a ranking reads it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 20:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

FILL_SQL = """
INSERT INTO member_year_sums (rule_set_id, year, member_id, category, points, vetoes)
SELECT rule_set_id, year, member_id, category, SUM(points), SUM(vetoes)
FROM member_month_sums
GROUP BY rule_set_id, year, member_id, category
"""


def upgrade() -> None:
    op.create_table('member_year_sums',
    sa.Column('rule_set_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('category', sa.Enum('base', 'duty', 'bonus', 'deduction', 'veto', name='category', native_enum=False, create_constraint=False, length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('vetoes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('rule_set_id', 'year', 'member_id', 'category', name=op.f('pk_member_year_sums')),
    sqlite_with_rowid=False,
    )
    op.execute(FILL_SQL)


def downgrade() -> None:
    op.drop_table('member_year_sums')
