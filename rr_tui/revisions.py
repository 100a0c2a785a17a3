"""The schema revisions this rr-tui knows. No SQLAlchemy here: the first screenful
of the list checks the revision before SQLAlchemy is imported."""

from __future__ import annotations

# Alembic revisions this version of rr-tui knows, oldest first; the last is
# the schema it runs on. A test keeps this in step with rr_tui/migrations.
REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_meeting_context",
    "0003_case_order",
    "0004_pack_sections",
    "0005_audit_anchor",
    "0006_reference_nocase",
    "0007_notification_children",
    "0008_review_lifecycle",
    "0009_national_referral",
    "0010_audit_zone",
)
HEAD = REVISIONS[-1]
