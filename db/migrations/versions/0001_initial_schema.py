"""initial schema: organisation, roster, rule sets, ledger, meetings, appraisals, audit

Column types are spelled out as stored (points as whole hundredths in INTEGER, JSON as TEXT)
so that this file never changes when the model classes do.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 05:28:11.416855
"""
from alembic import op
import sqlalchemy as sa



revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# The append-only ledger, enforced by the file itself (see db/ledger_guard.py).
LEDGER_TRIGGERS_SQLITE = [
    """CREATE TRIGGER points_entries_no_delete BEFORE DELETE ON points_entries
    BEGIN SELECT RAISE(ABORT, 'points ledger is append-only'); END""",
    """CREATE TRIGGER points_entries_no_rewrite BEFORE UPDATE ON points_entries
    WHEN OLD.status != 'pending'
      OR NEW.id IS NOT OLD.id OR NEW.member_id IS NOT OLD.member_id
      OR NEW.rule_item_id IS NOT OLD.rule_item_id OR NEW.occurred_on IS NOT OLD.occurred_on
      OR NEW.quantity IS NOT OLD.quantity OR NEW.points IS NOT OLD.points
      OR NEW.note IS NOT OLD.note OR NEW.evidence IS NOT OLD.evidence
      OR NEW.entered_by IS NOT OLD.entered_by OR NEW.created_at IS NOT OLD.created_at
      OR NEW.reverses_id IS NOT OLD.reverses_id OR NEW.meeting_id IS NOT OLD.meeting_id
      OR NEW.batch_id IS NOT OLD.batch_id
    BEGIN SELECT RAISE(ABORT, 'points ledger is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
]


def upgrade() -> None:

    op.create_table('operators',
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('role', sa.Enum('admin', 'clerk', 'reviewer', 'viewer', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
    sa.UniqueConstraint('username', name=op.f('uq_operators_username'))
    )
    op.create_table('org_units',
    sa.Column('kind', sa.Enum('township', 'branch', 'general_branch', 'group', 'grid', name='orgkind', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['org_units.id'], name=op.f('fk_org_units_parent_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_units'))
    )
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_units_parent_id'), ['parent_id'], unique=False)

    op.create_table('store_settings',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_settings')),
    sa.UniqueConstraint('key', name=op.f('uq_store_settings_key'))
    )
    op.create_table('audit_log',
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_audit_log_operator_id_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_operator_id'), ['operator_id'], unique=False)

    op.create_table('meetings',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('branch_assembly', 'committee', 'group_meeting', 'party_lecture', 'theme_day', 'study', name='meetingkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('location', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_meetings_branch_id_org_units')),
    sa.ForeignKeyConstraint(['created_by'], ['operators.id'], name=op.f('fk_meetings_created_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_held_on'), ['held_on'], unique=False)

    op.create_table('members',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=True),
    sa.Column('grid_id', sa.Uuid(), nullable=True),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('name_pinyin', sa.String(length=200), nullable=False),
    sa.Column('name_initials', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, length=32), nullable=True),
    sa.Column('ethnicity', sa.String(length=20), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('join_date', sa.Date(), nullable=True),
    sa.Column('full_member_date', sa.Date(), nullable=True),
    sa.Column('membership', sa.Enum('full', 'probationary', name='membership', native_enum=False, length=32), nullable=False),
    sa.Column('member_class', sa.Enum('in_service', 'no_post', 'mobile', 'retired', 'exempt_frail', 'cadre', name='memberclass', native_enum=False, length=32), nullable=False),
    sa.Column('is_hub_household', sa.Boolean(), nullable=False),
    sa.Column('is_vanguard_post', sa.Boolean(), nullable=False),
    sa.Column('post_title', sa.String(length=50), nullable=False),
    sa.Column('status', sa.Enum('active', 'transferred_out', 'deceased', name='memberstatus', native_enum=False, length=32), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('in_branch_since', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_members_branch_id_org_units')),
    sa.ForeignKeyConstraint(['grid_id'], ['org_units.id'], name=op.f('fk_members_grid_id_org_units')),
    sa.ForeignKeyConstraint(['group_id'], ['org_units.id'], name=op.f('fk_members_group_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('id_number', name=op.f('uq_members_id_number'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_name_initials'), ['name_initials'], unique=False)

    op.create_table('rule_sets',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('settings', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_rule_sets_branch_id_org_units')),
    sa.ForeignKeyConstraint(['created_by'], ['operators.id'], name=op.f('fk_rule_sets_created_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_sets')),
    sa.UniqueConstraint('branch_id', 'year', name=op.f('uq_rule_sets_branch_id_year'))
    )
    op.create_table('appraisals',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('grade', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_appraisals_member_id_members')),
    sa.ForeignKeyConstraint(['recorded_by'], ['operators.id'], name=op.f('fk_appraisals_recorded_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisals')),
    sa.UniqueConstraint('member_id', 'year', name=op.f('uq_appraisals_member_id_year'))
    )
    op.create_table('member_events',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('from_unit', sa.String(length=100), nullable=False),
    sa.Column('to_unit', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_events_member_id_members')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_member_events_operator_id_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_events'))
    )
    with op.batch_alter_table('member_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_events_member_id'), ['member_id'], unique=False)

    op.create_table('rule_items',
    sa.Column('rule_set_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('base', 'duty', 'bonus', 'deduction', 'veto', name='category', native_enum=False, length=32), nullable=False),
    sa.Column('value_kind', sa.Enum('fixed', 'range', 'per_unit', name='valuekind', native_enum=False, length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('min_value', sa.Integer(), nullable=True),
    sa.Column('max_value', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('cap', sa.Integer(), nullable=True),
    sa.Column('cap_period', sa.Enum('month', 'quarter', 'year', name='capperiod', native_enum=False, length=32), nullable=True),
    sa.Column('classes', sa.Text(), nullable=False),
    sa.Column('exempt_excused', sa.Boolean(), nullable=False),
    sa.Column('outside_cap', sa.Boolean(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rule_set_id'], ['rule_sets.id'], name=op.f('fk_rule_items_rule_set_id_rule_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_items')),
    sa.UniqueConstraint('rule_set_id', 'code', name=op.f('uq_rule_items_rule_set_id_code'))
    )
    with op.batch_alter_table('rule_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_items_rule_set_id'), ['rule_set_id'], unique=False)

    op.create_table('points_entries',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('rule_item_id', sa.Uuid(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='entrystatus', native_enum=False, length=32), nullable=False),
    sa.Column('entered_by', sa.Uuid(), nullable=False),
    sa.Column('reviewed_by', sa.Uuid(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('reverses_id', sa.Uuid(), nullable=True),
    sa.Column('meeting_id', sa.Uuid(), nullable=True),
    sa.Column('batch_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['operators.id'], name=op.f('fk_points_entries_entered_by_operators')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_points_entries_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_points_entries_member_id_members')),
    sa.ForeignKeyConstraint(['reverses_id'], ['points_entries.id'], name=op.f('fk_points_entries_reverses_id_points_entries')),
    sa.ForeignKeyConstraint(['reviewed_by'], ['operators.id'], name=op.f('fk_points_entries_reviewed_by_operators')),
    sa.ForeignKeyConstraint(['rule_item_id'], ['rule_items.id'], name=op.f('fk_points_entries_rule_item_id_rule_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entries')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_points_entries_reverses_id'))
    )
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.create_index('ix_points_entries_member_date', ['member_id', 'occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_entries_occurred_on'), ['occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_entries_rule_item_id'), ['rule_item_id'], unique=False)

    op.create_table('attendance',
    sa.Column('meeting_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Enum('present', 'excused', 'absent', 'late', name='attendance', native_enum=False, length=32), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['points_entries.id'], name=op.f('fk_attendance_entry_id_points_entries')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_attendance_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('meeting_id', 'member_id', name=op.f('uq_attendance_meeting_id_member_id'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_member_id'), ['member_id'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for statement in LEDGER_TRIGGERS_SQLITE:
            op.execute(statement)


def downgrade() -> None:

    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_member_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_meeting_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('points_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_entries_rule_item_id'))
        batch_op.drop_index(batch_op.f('ix_points_entries_occurred_on'))
        batch_op.drop_index('ix_points_entries_member_date')

    op.drop_table('points_entries')
    with op.batch_alter_table('rule_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_items_rule_set_id'))

    op.drop_table('rule_items')
    with op.batch_alter_table('member_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_events_member_id'))

    op.drop_table('member_events')
    op.drop_table('appraisals')
    op.drop_table('rule_sets')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_name_initials'))
        batch_op.drop_index(batch_op.f('ix_members_name'))
        batch_op.drop_index(batch_op.f('ix_members_group_id'))
        batch_op.drop_index(batch_op.f('ix_members_branch_id'))

    op.drop_table('members')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_held_on'))
        batch_op.drop_index(batch_op.f('ix_meetings_branch_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_operator_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_entity_id'))

    op.drop_table('audit_log')
    op.drop_table('store_settings')
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_units_parent_id'))

    op.drop_table('org_units')
    op.drop_table('operators')

