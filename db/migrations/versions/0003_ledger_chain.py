"""ledger chain: chain_seq, chain_prev and chain_hash on points_entries and audit_log, the
chain_starts table, the existing rows chained once, triggers that also guard the chain columns

The rows a file already holds are chained here, oldest first (created_at, then the order in
which they were written); `chain_starts` records, per chain, how many rows were chained at
this upgrade and from which revision, so the chain vouches for them only from the upgrade on.
The canonical form is app.domain.chain version 1 ("dyjf-chain-1"), which never changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 11:30:00
"""
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from app.domain.chain import FIELDS, GENESIS, link_hash, normalise


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CHAINS = ("points_entries", "audit_log")

# Dropped before the existing rows are chained (they refuse any update of a reviewed entry
# or of the audit log), then created again; the ledger trigger now guards the chain columns too.
LEDGER_TRIGGERS_SQLITE = {
    "points_entries_no_rewrite": """CREATE TRIGGER points_entries_no_rewrite BEFORE UPDATE ON points_entries
    WHEN OLD.status != 'pending'
      OR NEW.id IS NOT OLD.id OR NEW.member_id IS NOT OLD.member_id
      OR NEW.rule_item_id IS NOT OLD.rule_item_id OR NEW.occurred_on IS NOT OLD.occurred_on
      OR NEW.quantity IS NOT OLD.quantity OR NEW.points IS NOT OLD.points
      OR NEW.note IS NOT OLD.note OR NEW.evidence IS NOT OLD.evidence
      OR NEW.entered_by IS NOT OLD.entered_by OR NEW.created_at IS NOT OLD.created_at
      OR NEW.reverses_id IS NOT OLD.reverses_id OR NEW.meeting_id IS NOT OLD.meeting_id
      OR NEW.batch_id IS NOT OLD.batch_id
      OR NEW.chain_seq IS NOT OLD.chain_seq OR NEW.chain_prev IS NOT OLD.chain_prev
      OR NEW.chain_hash IS NOT OLD.chain_hash
    BEGIN SELECT RAISE(ABORT, 'points ledger is append-only'); END""",
    "audit_log_no_update": """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END""",
}

CHAIN_START_TRIGGERS_SQLITE = [
    f"""CREATE TRIGGER chain_starts_no_{verb} BEFORE {verb.upper()} ON chain_starts
    BEGIN SELECT RAISE(ABORT, 'chain starts are append-only'); END"""
    for verb in ("update", "delete")
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table('chain_starts',
    sa.Column('chain', sa.String(length=30), nullable=False),
    sa.Column('chained_at_start', sa.Integer(), nullable=False),
    sa.Column('from_revision', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_starts')),
    sa.UniqueConstraint('chain', name=op.f('uq_chain_starts_chain'))
    )
    for table in CHAINS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('chain_prev', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_chain_seq'), ['chain_seq'], unique=False)
    if sqlite:
        for name in LEDGER_TRIGGERS_SQLITE:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    counts = {table: _chain_existing_rows(table, sqlite) for table in CHAINS}
    if sqlite:
        for statement in [*LEDGER_TRIGGERS_SQLITE.values(), *CHAIN_START_TRIGGERS_SQLITE]:
            op.execute(statement)
    _record_starts(counts)


def _chain_existing_rows(table: str, sqlite: bool) -> int:
    """Chain every row of `table` once, oldest first; returns how many were chained."""
    bind = op.get_bind()
    fields = FIELDS[table]
    order = "created_at, rowid" if sqlite else "created_at, id"
    rows = bind.execute(sa.text(f"SELECT {', '.join(fields)} FROM {table} ORDER BY {order}")).fetchall()
    prev, updates = GENESIS, []
    for seq, row in enumerate(rows, start=1):
        digest = link_hash(prev, table, normalise(table, dict(zip(fields, row))))
        updates.append({"seq": seq, "prev": prev, "hash": digest, "id": row[0]})
        prev = digest
    if updates:
        bind.execute(
            sa.text(f"UPDATE {table} SET chain_seq = :seq, chain_prev = :prev, chain_hash = :hash WHERE id = :id"),
            updates,
        )
    return len(updates)


def _record_starts(counts: dict[str, int]) -> None:
    starts = sa.table(
        "chain_starts",
        sa.column("id", sa.Uuid()),
        sa.column("created_at", sa.DateTime()),
        sa.column("chain", sa.String()),
        sa.column("chained_at_start", sa.Integer()),
        sa.column("from_revision", sa.String()),
        sa.column("note", sa.Text()),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    fresh = not any(counts.values()) and not op.get_bind().execute(sa.text("SELECT count(*) FROM operators")).scalar()
    op.bulk_insert(starts, [
        {
            "id": uuid.uuid4(), "created_at": now, "chain": table, "chained_at_start": count,
            "from_revision": None if fresh else "0002",
            "note": "new database: the chain starts with its first row" if fresh
            else f"upgrade to 0003: {count} existing rows chained at the upgrade",
        }
        for table, count in counts.items()
    ])


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS chain_starts_no_{verb}")
        op.execute("DROP TRIGGER IF EXISTS points_entries_no_rewrite")
    for table in CHAINS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_chain_seq'))
            batch_op.drop_column('chain_hash')
            batch_op.drop_column('chain_prev')
            batch_op.drop_column('chain_seq')
    op.drop_table('chain_starts')
