"""Alembic environment: always run on a connection handed in by rr_tui.db.migrate."""

from alembic import context

from rr_tui.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
