"""practice records: 双报到 service hours, appraisal tallies, resident cadres (issue 15)

Home community and employer of in-service members, their service records and the branch's
overrides of the 双报到 decision; the 民主评议 tally and its lines; resident cadres (their
phone sealed like a member's), their yearly rule set and points. Service records, overrides and cadre points are history: the
file refuses to update or delete them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

HISTORY_TABLES = ("service_records", "dual_report_overrides", "cadre_points")
HISTORY_TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
    BEGIN SELECT RAISE(ABORT, 'practice history is append-only'); END"""
    for table in HISTORY_TABLES
    for verb in ("update", "delete")
]


def upgrade() -> None:
    op.create_table('appraisal_tallies',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('ballots_issued', sa.Integer(), nullable=False),
    sa.Column('ballots_returned', sa.Integer(), nullable=False),
    sa.Column('counters', sa.String(length=100), nullable=False),
    sa.Column('recorded_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_appraisal_tallies_branch_id_org_units')),
    sa.ForeignKeyConstraint(['recorded_by'], ['operators.id'], name=op.f('fk_appraisal_tallies_recorded_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_tallies')),
    sa.UniqueConstraint('branch_id', 'year', name=op.f('uq_appraisal_tallies_branch_id_year'))
    )
    op.create_table('cadre_rule_sets',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('settings', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_cadre_rule_sets_branch_id_org_units')),
    sa.ForeignKeyConstraint(['created_by'], ['operators.id'], name=op.f('fk_cadre_rule_sets_created_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadre_rule_sets')),
    sa.UniqueConstraint('branch_id', 'year', name=op.f('uq_cadre_rule_sets_branch_id_year'))
    )
    op.create_table('resident_cadres',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sent_by', sa.String(length=100), nullable=False),
    sa.Column('post', sa.String(length=50), nullable=False),
    sa.Column('phone_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_resident_cadres_branch_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_cadres'))
    )
    op.create_index(op.f('ix_resident_cadres_branch_id'), 'resident_cadres', ['branch_id'], unique=False)
    op.create_table('appraisal_tally_lines',
    sa.Column('tally_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('excellent', sa.Integer(), nullable=False),
    sa.Column('competent', sa.Integer(), nullable=False),
    sa.Column('basic', sa.Integer(), nullable=False),
    sa.Column('incompetent', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_appraisal_tally_lines_member_id_members')),
    sa.ForeignKeyConstraint(['tally_id'], ['appraisal_tallies.id'], name=op.f('fk_appraisal_tally_lines_tally_id_appraisal_tallies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_tally_lines')),
    sa.UniqueConstraint('tally_id', 'member_id', name=op.f('uq_appraisal_tally_lines_tally_id_member_id'))
    )
    op.create_index(op.f('ix_appraisal_tally_lines_tally_id'), 'appraisal_tally_lines', ['tally_id'], unique=False)
    op.create_table('cadre_points',
    sa.Column('cadre_id', sa.Uuid(), nullable=False),
    sa.Column('rule_set_id', sa.Uuid(), nullable=False),
    sa.Column('item_code', sa.String(length=20), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.Uuid(), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cadre_id'], ['resident_cadres.id'], name=op.f('fk_cadre_points_cadre_id_resident_cadres')),
    sa.ForeignKeyConstraint(['entered_by'], ['operators.id'], name=op.f('fk_cadre_points_entered_by_operators')),
    sa.ForeignKeyConstraint(['reverses_id'], ['cadre_points.id'], name=op.f('fk_cadre_points_reverses_id_cadre_points')),
    sa.ForeignKeyConstraint(['rule_set_id'], ['cadre_rule_sets.id'], name=op.f('fk_cadre_points_rule_set_id_cadre_rule_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cadre_points')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_cadre_points_reverses_id'))
    )
    op.create_index(op.f('ix_cadre_points_cadre_id'), 'cadre_points', ['cadre_id'], unique=False)
    op.create_table('dual_report_overrides',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('served', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_dual_report_overrides_member_id_members')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_dual_report_overrides_operator_id_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dual_report_overrides'))
    )
    op.create_index(op.f('ix_dual_report_overrides_member_id'), 'dual_report_overrides', ['member_id'], unique=False)
    op.create_table('dual_report_profiles',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('home_community', sa.String(length=100), nullable=False),
    sa.Column('employer', sa.String(length=100), nullable=False),
    sa.Column('employer_contact', sa.String(length=100), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_dual_report_profiles_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dual_report_profiles')),
    sa.UniqueConstraint('member_id', name=op.f('uq_dual_report_profiles_member_id'))
    )
    op.create_table('service_records',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=200), nullable=False),
    sa.Column('confirmed_by', sa.String(length=100), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.Uuid(), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['operators.id'], name=op.f('fk_service_records_entered_by_operators')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_service_records_member_id_members')),
    sa.ForeignKeyConstraint(['reverses_id'], ['service_records.id'], name=op.f('fk_service_records_reverses_id_service_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_records')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_service_records_reverses_id'))
    )
    op.create_index(op.f('ix_service_records_member_id'), 'service_records', ['member_id'], unique=False)
    op.create_index(op.f('ix_service_records_served_on'), 'service_records', ['served_on'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in HISTORY_TRIGGERS_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in HISTORY_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    op.drop_index(op.f('ix_service_records_served_on'), table_name='service_records')
    op.drop_index(op.f('ix_service_records_member_id'), table_name='service_records')
    op.drop_table('service_records')
    op.drop_table('dual_report_profiles')
    op.drop_index(op.f('ix_dual_report_overrides_member_id'), table_name='dual_report_overrides')
    op.drop_table('dual_report_overrides')
    op.drop_index(op.f('ix_cadre_points_cadre_id'), table_name='cadre_points')
    op.drop_table('cadre_points')
    op.drop_index(op.f('ix_appraisal_tally_lines_tally_id'), table_name='appraisal_tally_lines')
    op.drop_table('appraisal_tally_lines')
    op.drop_index(op.f('ix_resident_cadres_branch_id'), table_name='resident_cadres')
    op.drop_table('resident_cadres')
    op.drop_table('cadre_rule_sets')
    op.drop_table('appraisal_tallies')
