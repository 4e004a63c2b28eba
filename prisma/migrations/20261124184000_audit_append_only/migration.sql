-- The audit log is append-only: the database itself refuses to change or remove an entry, whoever asks.
-- (A table owner can still disable these triggers; the hash chain is what reveals tampering done that way.)
CREATE FUNCTION "tribune_audit_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEntry is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'Audit entries are never changed or removed; append a new entry instead.';
END;
$$;

-- CreateTrigger
CREATE TRIGGER "AuditEntry_append_only"
BEFORE UPDATE OR DELETE ON "AuditEntry"
FOR EACH ROW EXECUTE FUNCTION "tribune_audit_append_only"();

-- CreateTrigger
CREATE TRIGGER "AuditEntry_no_truncate"
BEFORE TRUNCATE ON "AuditEntry"
FOR EACH STATEMENT EXECUTE FUNCTION "tribune_audit_append_only"();
