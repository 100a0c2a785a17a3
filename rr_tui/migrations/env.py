"""Alembic environment: always run on a connection handed in by rr_tui.store.db.migrate."""

import warnings

from alembic import context
from sqlalchemy.exc import SAWarning

from rr_tui.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with warnings.catch_warnings():
    # SQLite's index on upper(reference) (revision 0006) is an expression SQLAlchemy
    # cannot reflect; the revisions that rebuild the cases table recreate it by hand.
    # Without this, every upgrade printed SQLAlchemy's warning to the user's terminal.
    warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
    with context.begin_transaction():
        context.run_migrations()
