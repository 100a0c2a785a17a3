"""The local review's lifecycle and actions tracked to completion.

Revision ID: 0008_review_lifecycle
Revises: 0007_notification_children

- ``meeting_actions`` gains ``case_id`` (filled from the action's meeting),
  ``number`` (1, 2, ... per case, in the order the actions were made),
  ``evidence`` and ``recommendation_id``; ``meeting_id`` may now be empty.
- New tables: ``recommendations``, ``review_pauses``, ``progress_checks``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_review_lifecycle"
down_revision = "0007_notification_children"
branch_labels = None
depends_on = None


def _tracked() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
    ]


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=True),
        *_tracked(),
        _case_fk("recommendations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_recommendations_case_id")),
    )
    op.create_index(
        op.f("ix_recommendations_case_id"), "recommendations", ["case_id"], unique=False
    )
    op.create_table(
        "review_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        *_tracked(),
        _case_fk("review_pauses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_pauses")),
    )
    op.create_index(op.f("ix_review_pauses_case_id"), "review_pauses", ["case_id"], unique=False)
    op.create_table(
        "progress_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_tracked(),
        _case_fk("progress_checks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_checks")),
    )
    op.create_index(
        op.f("ix_progress_checks_case_id"), "progress_checks", ["case_id"], unique=False
    )

    with op.batch_alter_table("meeting_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("evidence", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("recommendation_id", sa.Integer(), nullable=True))
    # Every existing action belongs to a meeting, and so to that meeting's case.
    op.execute(
        "UPDATE meeting_actions SET case_id = "
        "(SELECT meetings.case_id FROM meetings WHERE meetings.id = meeting_actions.meeting_id)"
    )
    op.execute(
        "UPDATE meeting_actions SET number = (SELECT count(*) FROM meeting_actions AS earlier "
        "WHERE earlier.case_id = meeting_actions.case_id AND earlier.id <= meeting_actions.id)"
    )
    with op.batch_alter_table("meeting_actions", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_actions_case_id_cases"),
            "cases",
            ["case_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_actions_recommendation_id_recommendations"),
            "recommendations",
            ["recommendation_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_meeting_actions_case_id"), ["case_id", "number"]
        )
        batch_op.create_index(batch_op.f("ix_meeting_actions_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_actions_recommendation_id"),
            ["recommendation_id"],
            unique=False,
        )


def downgrade() -> None:
    # Actions of recommendations and actions with no meeting have no place
    # in the older schema.
    op.execute(
        "DELETE FROM meeting_actions WHERE recommendation_id IS NOT NULL OR meeting_id IS NULL"
    )
    with op.batch_alter_table("meeting_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_actions_recommendation_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_actions_case_id"))
        batch_op.drop_constraint(batch_op.f("uq_meeting_actions_case_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_actions_recommendation_id_recommendations"),
            type_="foreignkey",
        )
        batch_op.drop_constraint(batch_op.f("fk_meeting_actions_case_id_cases"), type_="foreignkey")
        batch_op.alter_column("meeting_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("recommendation_id")
        batch_op.drop_column("evidence")
        batch_op.drop_column("number")
        batch_op.drop_column("case_id")
    op.drop_index(op.f("ix_progress_checks_case_id"), table_name="progress_checks")
    op.drop_table("progress_checks")
    op.drop_index(op.f("ix_review_pauses_case_id"), table_name="review_pauses")
    op.drop_table("review_pauses")
    op.drop_index(op.f("ix_recommendations_case_id"), table_name="recommendations")
    op.drop_table("recommendations")
