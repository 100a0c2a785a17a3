"""The case list's triage order: each case's next due date, kept on every write.

Revision ID: 0003_case_order
Revises: 0002_meeting_context

The table starts empty: the app fills it the first time it finds it stale
(it is derived from the records, so nothing is lost if it is ever wrong).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_case_order"
down_revision = "0002_meeting_context"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_order",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("schedule_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_order")),
    )
    op.create_index(op.f("ix_case_order_next_due"), "case_order", ["next_due"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_order_next_due"), table_name="case_order")
    op.drop_table("case_order")
