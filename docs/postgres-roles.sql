-- rr-tui on PostgreSQL: coordinators who can add to the audit trail but never change it.
--
-- Run as the role that owns rr-tui's tables (the one that runs `rr-tui db upgrade`),
-- once per coordinator role, after creating it (CREATE ROLE rr_coordinator LOGIN PASSWORD ...),
-- and again after every `rr-tui db upgrade` that adds a table. tests/test_hostile.py runs
-- this file as written (with the role's name put in) and checks each refusal.
GRANT USAGE ON SCHEMA public TO rr_coordinator;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO rr_coordinator;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO rr_coordinator;
-- The audit trail: read and append only.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM rr_coordinator;
-- The schema's revision: only the owner's `rr-tui db upgrade` changes it.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM rr_coordinator;
