"""honour shop: goods, stock-ins, redemptions, members' shop accounts (issue 15)

New tables only (nothing existing is recreated, so foreign keys and the other triggers are
untouched). Stock-ins and redemptions are history: on SQLite, triggers refuse any update or
delete of them, as db/ledger_guard.py expects (check compares the stored definitions).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SHOP_HISTORY_TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
    BEGIN SELECT RAISE(ABORT, 'shop history is append-only'); END"""
    for table in ("shop_stock_ins", "shop_redemptions")
    for verb in ("update", "delete")
]


def upgrade() -> None:
    op.create_table('shop_goods',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('donor', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_shop_goods_branch_id_org_units')),
    sa.ForeignKeyConstraint(['created_by'], ['operators.id'], name=op.f('fk_shop_goods_created_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_goods')),
    sa.UniqueConstraint('branch_id', 'name', name=op.f('uq_shop_goods_branch_id_name'))
    )
    op.create_index(op.f('ix_shop_goods_branch_id'), 'shop_goods', ['branch_id'], unique=False)
    op.create_table('shop_accounts',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('spent', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_shop_accounts_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_accounts')),
    sa.UniqueConstraint('member_id', 'year', name=op.f('uq_shop_accounts_member_id_year'))
    )
    op.create_table('shop_stock_ins',
    sa.Column('goods_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('donor', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['goods_id'], ['shop_goods.id'], name=op.f('fk_shop_stock_ins_goods_id_shop_goods')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_shop_stock_ins_operator_id_operators')),
    sa.ForeignKeyConstraint(['reverses_id'], ['shop_stock_ins.id'], name=op.f('fk_shop_stock_ins_reverses_id_shop_stock_ins')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_stock_ins')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_shop_stock_ins_reverses_id'))
    )
    op.create_index(op.f('ix_shop_stock_ins_goods_id'), 'shop_stock_ins', ['goods_id'], unique=False)
    op.create_table('shop_redemptions',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('slip_no', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('goods_id', sa.Uuid(), nullable=False),
    sa.Column('goods_name', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('redeemed_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_shop_redemptions_branch_id_org_units')),
    sa.ForeignKeyConstraint(['goods_id'], ['shop_goods.id'], name=op.f('fk_shop_redemptions_goods_id_shop_goods')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_shop_redemptions_member_id_members')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_shop_redemptions_operator_id_operators')),
    sa.ForeignKeyConstraint(['reverses_id'], ['shop_redemptions.id'], name=op.f('fk_shop_redemptions_reverses_id_shop_redemptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_redemptions')),
    sa.UniqueConstraint('branch_id', 'slip_no', name=op.f('uq_shop_redemptions_branch_id_slip_no')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_shop_redemptions_reverses_id'))
    )
    op.create_index(op.f('ix_shop_redemptions_branch_id'), 'shop_redemptions', ['branch_id'], unique=False)
    op.create_index(op.f('ix_shop_redemptions_goods_id'), 'shop_redemptions', ['goods_id'], unique=False)
    op.create_index(op.f('ix_shop_redemptions_member_id'), 'shop_redemptions', ['member_id'], unique=False)
    op.create_index(op.f('ix_shop_redemptions_redeemed_on'), 'shop_redemptions', ['redeemed_on'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in SHOP_HISTORY_TRIGGERS_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    op.drop_index(op.f('ix_shop_redemptions_redeemed_on'), table_name='shop_redemptions')
    op.drop_index(op.f('ix_shop_redemptions_member_id'), table_name='shop_redemptions')
    op.drop_index(op.f('ix_shop_redemptions_goods_id'), table_name='shop_redemptions')
    op.drop_index(op.f('ix_shop_redemptions_branch_id'), table_name='shop_redemptions')
    op.drop_table('shop_redemptions')
    op.drop_index(op.f('ix_shop_stock_ins_goods_id'), table_name='shop_stock_ins')
    op.drop_table('shop_stock_ins')
    op.drop_table('shop_accounts')
    op.drop_index(op.f('ix_shop_goods_branch_id'), table_name='shop_goods')
    op.drop_table('shop_goods')
