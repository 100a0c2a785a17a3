"""The notification and its children: 1..n children per case, the notification's kind,
incident date, SIN reference, home authority and the date the SIN was copied to the
partners.

Revision ID: 0007_notification_children
Revises: 0006_reference_nocase

Each case's one child (its initials, age band and looked-after flag) becomes
child 1 of the new ``children`` table, and those columns leave ``cases``. The
earlier age bands that sit inside one of DfE's bands are re-banded ("1-4" to
"1 to 5", "16-17" to "16 and over", "under 1" stays); "5-9" and "10-15"
straddle two DfE bands, so they are kept as they were recorded (the form asks
for a re-band) rather than guessed.

The move is written to the audit trail (a "create" for each child, an
"update" for each case), sealed with the audit key like every save, so
``rr-tui audit verify`` still matches every record. Only ``cases`` is
rebuilt (an SQLite batch operation): ``audit_log`` and its triggers are not
touched.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from rr_tui.migrations.audited import SKIP as _SKIP
from rr_tui.migrations.audited import append_entries
from rr_tui.migrations.audited import plain as _plain

revision = "0007_notification_children"
down_revision = "0006_reference_nocase"
branch_labels = None
depends_on = None

REBAND = {"under 1": "under_1", "1-4": "1_to_5", "16-17": "16_plus"}
UNBAND = {new: old for old, new in REBAND.items()}


def _audited(row: Any, table: sa.Table) -> dict[str, Any]:
    return {c.name: _plain(row._mapping[c.name]) for c in table.columns if c.name not in _SKIP}


NOCASE = "uq_cases_reference_nocase"  # revision 0006's index on upper(reference)


def _has_nocase_index(conn: sa.Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False  # PostgreSQL alters the table in place: its indexes stay
    found = conn.execute(
        sa.text("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :name"),
        {"name": NOCASE},
    ).first()
    return found is not None


def _restore_nocase_index(conn: sa.Connection, had: bool) -> None:
    """SQLite's batch rebuild of ``cases`` cannot reflect an index on an expression."""
    if had and not _has_nocase_index(conn):
        op.execute(f"CREATE UNIQUE INDEX {NOCASE} ON cases (upper(reference))")


def upgrade() -> None:
    had_nocase = _has_nocase_index(op.get_bind())
    op.create_table(
        "children",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("initials", sa.String(length=40), nullable=False),
        sa.Column("age_band", sa.String(length=20), nullable=False),
        sa.Column("sex", sa.String(length=20), nullable=False),
        sa.Column("ethnicity", sa.String(length=20), nullable=False),
        sa.Column("disability", sa.String(length=10), nullable=False),
        sa.Column("cp_plan", sa.Boolean(), nullable=False),
        sa.Column("child_in_need", sa.Boolean(), nullable=False),
        sa.Column("looked_after", sa.Boolean(), nullable=False),
        sa.Column("care_leaver", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_children_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_children")),
    )
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_children_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="rapid_review")
        )
        batch_op.add_column(sa.Column("incident_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("sin_reference", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("home_authority", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("partners_copied_on", sa.Date(), nullable=True))

    conn = op.get_bind()
    meta = sa.MetaData()
    cases = sa.Table("cases", meta, autoload_with=conn)
    children = sa.Table("children", meta, autoload_with=conn)
    before = {row.id: row for row in conn.execute(sa.select(cases).order_by(cases.c.id))}
    moved = []
    for row in before.values():
        if not (row.child or row.age_band or row.looked_after):
            continue
        moved.append(
            {
                "case_id": row.id,
                "position": 1,
                "initials": row.child,
                "age_band": REBAND.get(row.age_band, row.age_band),
                "sex": "",
                "ethnicity": "",
                "disability": "",
                "cp_plan": False,
                "child_in_need": False,
                "looked_after": bool(row.looked_after),
                "care_leaver": False,
                "version": 1,
                "created_at": row.created_at,
                "created_by": row.created_by,
                "updated_at": row.updated_at,
                "updated_by": row.updated_by,
            }
        )
    if moved:
        conn.execute(children.insert(), moved)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("looked_after")
        batch_op.drop_column("age_band")
        batch_op.drop_column("child")
    _restore_nocase_index(conn, had_nocase)

    if not before:
        return
    # The audit trail: what moved, so that its replay matches the records.
    meta = sa.MetaData()
    cases = sa.Table("cases", meta, autoload_with=conn)
    entries: list[Any] = [
        ("create", "children", row.id, row.case_id, {}, _audited(row, children))
        for row in conn.execute(sa.select(children).order_by(children.c.id))
    ]
    for row in conn.execute(sa.select(cases).order_by(cases.c.id)):
        old = {k: _plain(v) for k, v in before[row.id]._mapping.items() if k not in _SKIP}
        new = _audited(row, cases)
        entries.append(("update", "cases", row.id, row.id, old, new))
    # Appended as any save appends: numbered and sealed with the audit key.
    append_entries(conn, entries)


def downgrade() -> None:
    had_nocase = _has_nocase_index(op.get_bind())
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("child", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("age_band", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("looked_after", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    conn = op.get_bind()
    meta = sa.MetaData()
    cases = sa.Table("cases", meta, autoload_with=conn)
    children = sa.Table("children", meta, autoload_with=conn)
    for row in conn.execute(sa.select(children).where(children.c.position == 1)):
        conn.execute(
            cases.update()
            .where(cases.c.id == row.case_id)
            .values(
                child=row.initials,
                age_band=UNBAND.get(row.age_band, row.age_band),
                looked_after=row.looked_after,
            )
        )
    with op.batch_alter_table("children", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_children_case_id"))
    op.drop_table("children")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("partners_copied_on")
        batch_op.drop_column("home_authority")
        batch_op.drop_column("sin_reference")
        batch_op.drop_column("incident_date")
        batch_op.drop_column("kind")
    _restore_nocase_index(op.get_bind(), had_nocase)
