"""Meeting: key practice episodes and the child's and family's context, for the pack.

Revision ID: 0002_meeting_context
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_meeting_context"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("practice_episodes", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("family_context", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("family_context")
        batch_op.drop_column("practice_episodes")
