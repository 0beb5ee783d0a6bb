"""personal data at rest: wrapped data keys (issue 13; the sealed member fields follow)

`data_key_wraps` holds the branch's data key wrapped for each account and for the recovery
code. The members' plain `birth_date`, `id_number` and `phone` columns give way to sealed ones
(db/sealed.py) and the ID number's keyed look-up hash, which carries the uniqueness.

A migration has no key to seal with, so an older file's plain values are set aside in
`unsealed_personal` (copied in this migration's transaction, before the columns go); the first
data key made after the upgrade seals them and vacuums the file
(app/services/roster/sealing.py). Foreign keys are off while the members table is rebuilt
(db/schema.py), so no child row is touched.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table('data_key_wraps',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=True),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('kdf', sa.Text(), nullable=False),
    sa.Column('nonce', sa.LargeBinary(), nullable=False),
    sa.Column('wrapped', sa.LargeBinary(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_data_key_wraps_operator_id_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_key_wraps')),
    sa.UniqueConstraint('kind', 'operator_id', name=op.f('uq_data_key_wraps_kind_operator_id'))
    )


def downgrade() -> None:
    op.drop_table('data_key_wraps')
