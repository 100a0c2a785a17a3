"""Audit times in UTC with their zone.

Revision ID: 0010_audit_zone
Revises: 0009_national_referral

``audit_log`` gains ``zone``: ``UTC`` on every entry written from now on,
whose ``at`` is then UTC. Existing entries keep ``at`` as written (the local
time of the machine that saved, in practice England's) and no zone; they are
read as Europe/London time (docs/decisions.md, "Audit times"), and their
hashes are unchanged. Adding a column leaves the append-only triggers in
place: the table is not rebuilt.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_audit_zone"
down_revision = "0009_national_referral"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("zone", sa.String(length=40), nullable=True))


def downgrade() -> None:
    # Not a batch operation: rebuilding the table would drop its triggers.
    op.execute("ALTER TABLE audit_log DROP COLUMN zone")
