"""honour shop: catalogue, stock-in, redemptions, shop-point balances (issue 15)

SCAFFOLD made at the start of the 2026-11-30 afternoon session so that four pieces of work can
add their tables on one linear chain at once; the work that owns this revision replaces this
docstring and the body below. A scaffold still empty at the end of the session is removed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 13:45:00
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
