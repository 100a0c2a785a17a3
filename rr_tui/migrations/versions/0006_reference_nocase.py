"""References that differ only in case are the same case: unique whatever their case.

Revision ID: 0006_reference_nocase
Revises: 0005_audit_anchor

A unique index on ``upper(reference)``. References already stored are not
changed (the audit trail would no longer match them). A database that
already holds references differing only in case (say ``rr-2025-101`` and
``RR-2025-101``) cannot take the index: it is left out, ``rr-tui db
upgrade`` lists those references (``rr_tui.store.maintenance.reference_clashes``),
and the store still refuses any new clash, case-insensitively, under its
write lock. Rename one of each pair in the app (e, Reference).

SQLite cannot reflect an index on an expression: a later revision that
rebuilds ``cases`` with a batch operation must create this index again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_reference_nocase"
down_revision = "0005_audit_anchor"
branch_labels = None
depends_on = None

INDEX = "uq_cases_reference_nocase"


def upgrade() -> None:
    clash = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT upper(reference) FROM cases GROUP BY upper(reference) HAVING count(*) > 1"
            )
        )
        .first()
    )
    if clash is None:
        op.execute(f"CREATE UNIQUE INDEX {INDEX} ON cases (upper(reference))")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
