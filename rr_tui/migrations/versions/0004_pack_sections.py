"""The rapid review pack's sections: more of the meeting's record, and the partners' sign-off.

Revision ID: 0004_pack_sections
Revises: 0003_case_order

Existing meetings keep everything; the new text columns start empty. The
sign-off table starts empty: no existing pack was signed off through rr-tui.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_pack_sections"
down_revision = "0003_case_order"
branch_labels = None
depends_on = None

# The meeting's new free-text columns, in the order the pack uses them.
MEETING_TEXT = (
    "siblings_safety",
    "voice",
    "identity",
    "good_practice",
    "learning_sharing",
    "national_reasoning",
    "parallel_proceedings",
    "family_involvement",
)


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        for name in MEETING_TEXT:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "signoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_signoffs_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signoffs")),
        sa.UniqueConstraint("case_id", "partner", name=op.f("uq_signoffs_case_id")),
    )
    op.create_index(op.f("ix_signoffs_case_id"), "signoffs", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_signoffs_case_id"), table_name="signoffs")
    op.drop_table("signoffs")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        for name in reversed(MEETING_TEXT):
            batch_op.drop_column(name)
