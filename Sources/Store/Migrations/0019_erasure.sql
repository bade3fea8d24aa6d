-- 0019 · Erasing a guest reaches what they wrote: an erasure may redact the payloads of audit
-- rows about the guest, and nothing else. The audit log stays append-only otherwise: the guard
-- lets an UPDATE through only inside a transaction that declared an erasure
-- (SET LOCAL crema.erasure = 'on') and only when every column but `before` and `after` is unchanged.

CREATE FUNCTION crema_audit_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('crema.erasure', true) = 'on'
       AND (NEW.id, NEW.occurred_at, NEW.actor_kind, NEW.actor_id, NEW.action, NEW.subject_kind, NEW.subject_id, NEW.request_id)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.actor_kind, OLD.actor_id, OLD.action, OLD.subject_kind, OLD.subject_id, OLD.request_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

DROP TRIGGER audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION crema_audit_guard();
