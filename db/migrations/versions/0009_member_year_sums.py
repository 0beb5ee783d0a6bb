"""member year sums: each member's approved points per rule set, year and category, kept beside
the month sums (db/summaries.py) so that a year's ranking reads one row a member and category;
and the month sums clustered by their key

Created outright and filled from member_month_sums (which check has held equal to the ledger
since 0004) by one INSERT ... SELECT ... GROUP BY in the migration's transaction, so a failed
upgrade leaves neither the table nor a partial fill. Without rowid on SQLite: the table is its
own key's index, in the order a ranking reads it. On SQLite the month sums are copied into such a
table too (the old one kept every sum twice, in its rows and in its key's index, and a ranking
looked each row up from the index): a new table, its rows copied, the old one dropped, the new
one renamed, all in the same transaction. A downgrade leaves them clustered.

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
    if op.get_bind().dialect.name == "sqlite":
        _cluster_month_sums()
    _sums_table('member_year_sums', ('rule_set_id', 'year', 'member_id', 'category'), 'pk_member_year_sums')
    op.execute(FILL_SQL)


def _cluster_month_sums() -> None:
    _sums_table('member_month_sums_clustered', ('rule_set_id', 'year', 'member_id', 'month', 'category'), 'pk_member_month_sums')
    op.execute(
        "INSERT INTO member_month_sums_clustered (rule_set_id, year, member_id, month, category, points, vetoes) "
        "SELECT rule_set_id, year, member_id, month, category, points, vetoes FROM member_month_sums "
        "ORDER BY rule_set_id, year, member_id, month, category"
    )
    op.drop_table('member_month_sums')
    op.rename_table('member_month_sums_clustered', 'member_month_sums')


def _sums_table(name: str, key: tuple[str, ...], key_name: str) -> None:
    """A table of sums keyed by `key` (of rule_set_id, year, member_id, month, category), without rowid on SQLite."""
    types = {
        'rule_set_id': sa.Uuid(), 'year': sa.Integer(), 'member_id': sa.Uuid(), 'month': sa.Integer(),
        'category': sa.Enum('base', 'duty', 'bonus', 'deduction', 'veto', name='category', native_enum=False, create_constraint=False, length=32),
    }
    op.create_table(name,
    *(sa.Column(column, types[column], nullable=False) for column in key),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('vetoes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*key, name=op.f(key_name)),
    sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table('member_year_sums')
