"""personal data at rest: wrapped data keys, sealed member fields, a keyed look-up hash (issue 13)

`data_key_wraps` holds the branch's data key wrapped for each account and for the recovery
code. The members' plain `birth_date`, `id_number` and `phone` columns give way to sealed ones
(db/sealed.py) and the ID number's keyed look-up hash, which carries the uniqueness, in a table
of their own (`member_personal`), so the roster's scans of `members` read no ciphertext.

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

SET_ASIDE_SQL = """
INSERT INTO unsealed_personal (member_id, birth_date, id_number, phone)
SELECT id, birth_date, id_number, COALESCE(phone, '') FROM members
WHERE id_number IS NOT NULL OR birth_date IS NOT NULL OR COALESCE(phone, '') != ''
"""


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
    op.create_table('unsealed_personal',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_unsealed_personal_member_id_members')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_unsealed_personal'))
    )
    op.create_table('member_personal',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('birth_date_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('id_number_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('id_number_lookup', sa.String(length=64), nullable=True),
    sa.Column('phone_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_personal_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_personal')),
    sa.UniqueConstraint('id_number_lookup', name=op.f('uq_member_personal_id_number_lookup')),
    sa.UniqueConstraint('member_id', name=op.f('uq_member_personal_member_id'))
    )
    op.execute(SET_ASIDE_SQL)
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_members_id_number'), type_='unique')
        batch_op.drop_column('birth_date')
        batch_op.drop_column('id_number')
        batch_op.drop_column('phone')


def downgrade() -> None:
    """Back to plain columns: values still set aside come back; sealed ones cannot (no key here)."""
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('id_number', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=False, server_default=''))
        batch_op.create_unique_constraint(batch_op.f('uq_members_id_number'), ['id_number'])
    op.execute(
        "UPDATE members SET birth_date = (SELECT u.birth_date FROM unsealed_personal u WHERE u.member_id = members.id), "
        "id_number = (SELECT u.id_number FROM unsealed_personal u WHERE u.member_id = members.id), "
        "phone = COALESCE((SELECT u.phone FROM unsealed_personal u WHERE u.member_id = members.id), '')"
    )
    op.drop_table('member_personal')
    op.drop_table('unsealed_personal')
    op.drop_table('data_key_wraps')
