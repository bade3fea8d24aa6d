-- 0001 · The core tables every later feature stands on: locations, customers, staff,
-- settings and the audit log.

-- Shared guard for append-only tables (the audit log here, the points ledger later):
-- history is corrected by new rows, never by editing or deleting old ones.
CREATE FUNCTION crema_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TABLE locations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO locations (slug, name) VALUES ('main', 'Main café');

CREATE TABLE customers (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Telegram id and phone are cleared only when a guest is anonymised on request;
    -- the financial rows that reference the customer stay.
    telegram_id         bigint UNIQUE,
    phone               text UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    first_name          text NOT NULL CHECK (length(first_name) <= 200),
    last_name           text CHECK (length(last_name) <= 200),
    birth_date          date,
    birth_date_changes  smallint NOT NULL DEFAULT 0 CHECK (birth_date_changes >= 0),
    language            text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
    promo_opt_in        boolean NOT NULL DEFAULT true,
    unreachable_at      timestamptz,
    blocked_at          timestamptz,
    anonymised_at       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (anonymised_at IS NOT NULL OR (telegram_id IS NOT NULL AND phone IS NOT NULL))
);

-- Admin customers list, newest first, keyset-paginated by (created_at, id).
CREATE INDEX customers_created_idx ON customers (created_at DESC, id DESC);

CREATE TABLE staff (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Null until the person opens their one-time invite link in the staff bot.
    telegram_id     bigint UNIQUE,
    display_name    text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    role            text NOT NULL CHECK (role IN ('barista', 'manager')),
    location_id     bigint NOT NULL REFERENCES locations (id),
    language        text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    deactivated_at  timestamptz,
    CHECK (active OR deactivated_at IS NOT NULL)
);

-- Manager alerts and broadcasts go to the active managers of a location.
CREATE INDEX staff_location_role_idx ON staff (location_id, role) WHERE active;

-- Owner-editable rules. Defaults are the product's; every change is audited.
CREATE TABLE settings (
    key         text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    value       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text
);

INSERT INTO settings (key, value) VALUES
    ('time_zone',                    '"Europe/Moscow"'),
    ('payment_code_ttl_seconds',     '90'),
    ('redeem_cap_percent',           '30'),
    ('cancel_window_minutes',        '10'),
    ('review_alert_threshold',       '6'),
    ('birthday_gift_valid_days',     '7'),
    ('broadcast_messages_per_second','25'),
    ('tier_silver_from_kopecks',     '1500000'),
    ('tier_gold_from_kopecks',       '4000000'),
    ('tier_platinum_from_kopecks',   '8000000'),
    ('earn_rate_standard_percent',   '1'),
    ('earn_rate_silver_percent',     '2'),
    ('earn_rate_gold_percent',       '3'),
    ('earn_rate_platinum_percent',   '5'),
    ('backup_retention_days',        '30');

CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    actor_kind      text NOT NULL CHECK (actor_kind IN ('admin', 'staff', 'api_key', 'customer', 'system')),
    actor_id        text,
    action          text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]*$'),
    subject_kind    text,
    subject_id      text,
    before          jsonb,
    after           jsonb,
    request_id      text
);

-- Audit page: newest first, keyset-paginated.
CREATE INDEX audit_log_occurred_idx ON audit_log (occurred_at DESC, id DESC);
-- A customer card or staff page shows the history of one subject.
CREATE INDEX audit_log_subject_idx ON audit_log (subject_kind, subject_id, id DESC);

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION crema_refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION crema_refuse_change();
