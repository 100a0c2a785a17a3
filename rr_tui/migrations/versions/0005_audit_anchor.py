"""The audit trail anchored: numbered, keyed entries, and a table that refuses change.

Revision ID: 0005_audit_anchor
Revises: 0004_pack_sections

Existing entries keep their plain SHA-256 hashes and are numbered in the
order they were written (``seq``); every entry written from now on is sealed
with the audit key (``key_id`` names which key). The database then refuses
UPDATE and DELETE on ``audit_log`` (and TRUNCATE on PostgreSQL) with
triggers. A later revision that rebuilds this table (an SQLite batch
operation) must create these triggers again: ``test_migrations`` checks they
are there at the head.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_audit_anchor"
down_revision = "0004_pack_sections"
branch_labels = None
depends_on = None

REFUSAL = "the audit trail is append-only"
NUMBERING_CHUNK = 1000

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE FUNCTION rr_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION rr_audit_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION rr_audit_append_only()",
)


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("key_id", sa.String(length=16), nullable=True))
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM audit_log ORDER BY id"))]
    numbering = sa.text("UPDATE audit_log SET seq = :seq WHERE id = :id")
    for start in range(0, len(ids), NUMBERING_CHUNK):
        chunk = ids[start : start + NUMBERING_CHUNK]
        conn.execute(numbering, [{"seq": start + n, "id": i} for n, i in enumerate(chunk, 1)])
    op.create_index(op.f("ix_audit_log_seq"), "audit_log", ["seq"], unique=True)
    triggers = POSTGRES_TRIGGERS if conn.dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION rr_audit_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    op.drop_index(op.f("ix_audit_log_seq"), table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_column("key_id")
        batch_op.drop_column("seq")
