"""a meeting's entries and a member's star history read from their own indexes:
ix_points_entries_meeting (meeting_id, over the entries a meeting wrote) and
ix_rating_candidates_member_id (member_id)

The meeting detail (考勤明细) looked for the entries a meeting wrote by reading every entry, twice,
since nothing indexed `meeting_id`: 1.1 s a query on a county's gathering of 5 million entries.
Only a meeting's entries have one, so the index leaves the rest out and costs nothing for the
points entered by hand. A member's star history across years read every rating candidate; a
county keeps 66,000 of them a year. Created in the migration's transaction.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# as db.models.FROM_A_MEETING then, written out: a migration stays what it was
FROM_A_MEETING = "meeting_id IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        'ix_points_entries_meeting', 'points_entries', ['meeting_id'], unique=False,
        sqlite_where=sa.text(FROM_A_MEETING), postgresql_where=sa.text(FROM_A_MEETING),
    )
    op.create_index('ix_rating_candidates_member_id', 'rating_candidates', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_rating_candidates_member_id', table_name='rating_candidates')
    op.drop_index('ix_points_entries_meeting', table_name='points_entries')
