"""star rating: rounds, steps, candidates, star changes, objections, township verifications;
an index for the roster search

Steps and star changes are history: the file refuses to update or delete them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 05:53:38.214665
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


RATING_HISTORY_TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
    BEGIN SELECT RAISE(ABORT, 'rating history is append-only'); END"""
    for table in ("rating_steps", "rating_star_changes")
    for verb in ("update", "delete")
]


def upgrade() -> None:

    op.create_table('rating_rounds',
    sa.Column('branch_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('applying', 'assessing', 'publicising', 'reported', 'returned', 'verified', name='roundstatus', native_enum=False, length=32), nullable=False),
    sa.Column('scheme', sa.Text(), nullable=False),
    sa.Column('publicity_start', sa.Date(), nullable=True),
    sa.Column('publicity_end', sa.Date(), nullable=True),
    sa.Column('objection_contact', sa.Text(), nullable=False),
    sa.Column('report_sha256', sa.String(length=64), nullable=True),
    sa.Column('township_comments', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['org_units.id'], name=op.f('fk_rating_rounds_branch_id_org_units')),
    sa.ForeignKeyConstraint(['created_by'], ['operators.id'], name=op.f('fk_rating_rounds_created_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_rounds')),
    sa.UniqueConstraint('branch_id', 'year', name=op.f('uq_rating_rounds_branch_id_year'))
    )
    op.create_table('township_verifications',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('branch_name', sa.String(length=100), nullable=False),
    sa.Column('township_name', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('report_sha256', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['operators.id'], name=op.f('fk_township_verifications_decided_by_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_township_verifications')),
    sa.UniqueConstraint('round_id', 'report_sha256', name=op.f('uq_township_verifications_round_id_report_sha256'))
    )
    op.create_table('rating_candidates',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('group_name', sa.String(length=100), nullable=False),
    sa.Column('member_class', sa.Enum('in_service', 'no_post', 'mobile', 'retired', 'exempt_frail', 'cadre', name='memberclass', native_enum=False, length=32), nullable=False),
    sa.Column('membership', sa.Enum('full', 'probationary', name='membership', native_enum=False, length=32), nullable=False),
    sa.Column('declared_stars', sa.Integer(), nullable=True),
    sa.Column('declaration', sa.Text(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=True),
    sa.Column('dual_report_served', sa.Boolean(), nullable=True),
    sa.Column('final_total', sa.Integer(), nullable=True),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('band_stars', sa.Integer(), nullable=True),
    sa.Column('proposed_stars', sa.Integer(), nullable=True),
    sa.Column('stars', sa.Integer(), nullable=True),
    sa.Column('flags', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_rating_candidates_member_id_members')),
    sa.ForeignKeyConstraint(['round_id'], ['rating_rounds.id'], name=op.f('fk_rating_candidates_round_id_rating_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_candidates')),
    sa.UniqueConstraint('round_id', 'member_id', name=op.f('uq_rating_candidates_round_id_member_id'))
    )
    with op.batch_alter_table('rating_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_candidates_round_id'), ['round_id'], unique=False)

    op.create_table('rating_steps',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('status_after', sa.Enum('applying', 'assessing', 'publicising', 'reported', 'returned', 'verified', name='roundstatus', native_enum=False, length=32), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_rating_steps_operator_id_operators')),
    sa.ForeignKeyConstraint(['round_id'], ['rating_rounds.id'], name=op.f('fk_rating_steps_round_id_rating_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_steps'))
    )
    with op.batch_alter_table('rating_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_steps_round_id'), ['round_id'], unique=False)

    op.create_table('rating_objections',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('raised_by', sa.String(length=100), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Uuid(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answered_by', sa.Uuid(), nullable=True),
    sa.Column('upheld', sa.Boolean(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['operators.id'], name=op.f('fk_rating_objections_answered_by_operators')),
    sa.ForeignKeyConstraint(['candidate_id'], ['rating_candidates.id'], name=op.f('fk_rating_objections_candidate_id_rating_candidates')),
    sa.ForeignKeyConstraint(['recorded_by'], ['operators.id'], name=op.f('fk_rating_objections_recorded_by_operators')),
    sa.ForeignKeyConstraint(['round_id'], ['rating_rounds.id'], name=op.f('fk_rating_objections_round_id_rating_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_objections'))
    )
    with op.batch_alter_table('rating_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_objections_round_id'), ['round_id'], unique=False)

    op.create_table('rating_star_changes',
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('stage', sa.Enum('proposal', 'override', 'objection', 'adjustment', name='starstage', native_enum=False, length=32), nullable=False),
    sa.Column('from_stars', sa.Integer(), nullable=True),
    sa.Column('to_stars', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['rating_candidates.id'], name=op.f('fk_rating_star_changes_candidate_id_rating_candidates')),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_rating_star_changes_operator_id_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_star_changes'))
    )
    with op.batch_alter_table('rating_star_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_star_changes_candidate_id'), ['candidate_id'], unique=False)

    op.create_index(
        "ix_members_search", "members", ["branch_id", "status", "name_pinyin", "name_initials", "name"], unique=False
    )

    if op.get_bind().dialect.name == "sqlite":
        for statement in RATING_HISTORY_TRIGGERS_SQLITE:
            op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_members_search", table_name="members")

    with op.batch_alter_table('rating_star_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_star_changes_candidate_id'))

    op.drop_table('rating_star_changes')
    with op.batch_alter_table('rating_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_objections_round_id'))

    op.drop_table('rating_objections')
    with op.batch_alter_table('rating_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_steps_round_id'))

    op.drop_table('rating_steps')
    with op.batch_alter_table('rating_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_candidates_round_id'))

    op.drop_table('rating_candidates')
    op.drop_table('township_verifications')
    op.drop_table('rating_rounds')

