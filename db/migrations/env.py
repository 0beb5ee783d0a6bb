"""Alembic environment: always run programmatically by db/schema.py with a live connection."""

from alembic import context

from db.base import Base
import db.models  # noqa: F401  (registers the tables on Base.metadata)
import db.rating_models  # noqa: F401
import db.practice_models  # noqa: F401
import db.shop_models  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations are run by db.schema.migrate(), not by the alembic command")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
