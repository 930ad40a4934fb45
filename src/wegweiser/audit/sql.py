"""PostgreSQL trigger that makes the audit table append-only at the database level."""

FORBID_SQL = """
CREATE OR REPLACE FUNCTION audit_auditentry_forbid_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('wegweiser.audit_redaction', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
CREATE TRIGGER audit_auditentry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_auditentry_forbid_change();
"""

ALLOW_SQL = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_forbid_change();
"""
