"""accounts: several roles per account, log-in slow-down, forced password change (issue 13)

`operators.role` (one role) becomes `operators.roles` (the role values joined by commas, e.g.
"admin,clerk"), filled from the old column; four columns carry the log-in state: failures
since the last success, the moment before which no password is checked, the last log-in, and
whether the owner must choose a new password (after an administrator reset it). Settings such
as the idle-lock minutes and the four-eyes option live in the existing store_settings table.

Batch mode recreates `operators` on SQLite; db/schema.py turns foreign keys off around the
migration, so the audit log's and the ledger's references to operators are left as they are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roles', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('blocked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE operators SET roles = role")
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.alter_column('roles', existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column('failed_logins', existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column('must_change_password', existing_type=sa.Boolean(), server_default=None)
        batch_op.drop_column('role')


def downgrade() -> None:
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.String(length=32), nullable=True))
    # One role survives the downgrade: the most privileged the account held.
    op.execute(
        "UPDATE operators SET role = CASE"
        " WHEN roles LIKE '%admin%' THEN 'admin'"
        " WHEN roles LIKE '%reviewer%' THEN 'reviewer'"
        " WHEN roles LIKE '%clerk%' THEN 'clerk'"
        " ELSE 'viewer' END"
    )
    with op.batch_alter_table('operators', schema=None) as batch_op:
        batch_op.alter_column('role', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('blocked_until')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('roles')
