"""The national referral beside the decision, the reconsideration's answer, and
pre-publication recipients per case.

Revision ID: 0009_national_referral
Revises: 0008_review_lifecycle

- ``meetings.national_referral``: referred to the Panel as possibly national,
  a yes/no beside the local decision (empty: not recorded).
- ``panel_contacts.reconsideration_outcome`` and ``reconsideration_notes``:
  the partnership's answer after the Panel challenged or asked for more
  information (the date is the ``reconsideration`` step).
- ``cases.prepublication_recipients``: who receives the pre-publication copy,
  one a line (empty: the profile's list).

A meeting whose decision was ``national_review`` (a decision no longer
offered) becomes "referred for national consideration, no local review": no
local decision, national referral yes, the rationale kept. The change is
written to the audit trail, sealed like every save, so ``rr-tui audit
verify`` still matches every record. Columns are added in place (no table is
rebuilt), so the audit triggers and revision 0006's index stay.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from rr_tui.migrations.audited import append_entries, row_values

revision = "0009_national_referral"
down_revision = "0008_review_lifecycle"
branch_labels = None
depends_on = None

NATIONAL_REVIEW = "national_review"


def upgrade() -> None:
    op.add_column("meetings", sa.Column("national_referral", sa.Boolean(), nullable=True))
    op.add_column(
        "panel_contacts",
        sa.Column(
            "reconsideration_outcome", sa.String(length=30), nullable=False, server_default=""
        ),
    )
    op.add_column(
        "panel_contacts",
        sa.Column("reconsideration_notes", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column(
        "cases",
        sa.Column("prepublication_recipients", sa.Text(), nullable=False, server_default=""),
    )

    conn = op.get_bind()
    meetings = sa.Table("meetings", sa.MetaData(), autoload_with=conn)
    national = meetings.c.decision == NATIONAL_REVIEW
    before = list(conn.execute(sa.select(meetings).where(national).order_by(meetings.c.id)))
    if not before:
        return
    conn.execute(
        meetings.update()
        .where(national)
        .values(decision=None, national_referral=True, version=meetings.c.version + 1)
    )
    ids = [row.id for row in before]
    after = {row.id: row for row in conn.execute(sa.select(meetings).where(meetings.c.id.in_(ids)))}
    entries: list[Any] = []
    for row in before:
        old = row_values(row)
        old.pop("national_referral", None)  # not a column before this revision
        new = row_values(after[row.id])
        entries.append(("update", "meetings", row.id, row.case_id, old, new))
    # Appended as any save appends: numbered and sealed with the audit key.
    append_entries(conn, entries)


def downgrade() -> None:
    # A national referral with no local decision was a "national_review" decision.
    op.execute(
        "UPDATE meetings SET decision = 'national_review' "
        "WHERE decision IS NULL AND national_referral"
    )
    op.drop_column("cases", "prepublication_recipients")
    op.drop_column("panel_contacts", "reconsideration_notes")
    op.drop_column("panel_contacts", "reconsideration_outcome")
    op.drop_column("meetings", "national_referral")
