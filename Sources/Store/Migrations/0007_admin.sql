-- 0007 · The admin panel: accounts, sessions stored hashed, and the indexes its lists and
-- searches stand on at a million customers.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Case-insensitive search and trigrams need a database whose character type knows Cyrillic
-- letters (e.g. C.UTF-8 or ru_RU.UTF-8); under "C" they would match ASCII only.
DO $$
BEGIN
    IF (SELECT datctype FROM pg_database WHERE datname = current_database()) IN ('C', 'POSIX') THEN
        RAISE WARNING 'database % has LC_CTYPE C: customer search will not fold the case of non-ASCII names; create it with LC_CTYPE C.UTF-8', current_database();
    END IF;
END
$$;

CREATE TABLE admins (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email               text NOT NULL UNIQUE CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254),
    password_hash       text NOT NULL,
    role                text NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL
);

-- The cookie carries a random id; only its SHA-256 is stored. A session ends when idle too long
-- or at its absolute expiry, whichever comes first.
CREATE TABLE admin_sessions (
    id_hash         bytea PRIMARY KEY,
    admin_id        bigint NOT NULL REFERENCES admins (id),
    csrf_token      text NOT NULL,
    created_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    user_agent      text
);

CREATE INDEX admin_sessions_admin_idx ON admin_sessions (admin_id);
CREATE INDEX admin_sessions_expiry_idx ON admin_sessions (expires_at);

-- Customers: newest first by id, by tier, and searched by any part of the name or phone.
CREATE INDEX customers_tier_idx ON customers (tier, id DESC);
CREATE INDEX customers_name_trgm_idx ON customers USING gin ((first_name || ' ' || coalesce(last_name, '')) gin_trgm_ops);
CREATE INDEX customers_phone_trgm_idx ON customers USING gin (phone gin_trgm_ops);

-- Orders by location, newest first, keyset by id.
CREATE INDEX orders_location_id_idx ON orders (location_id, id DESC);
-- Issued gifts, newest first.
CREATE INDEX customer_gifts_issued_idx ON customer_gifts (id DESC);
-- Feedback of any status, newest first.
CREATE INDEX feedback_created_idx ON feedback (id DESC);
CREATE INDEX feedback_status_id_idx ON feedback (status, id DESC);

INSERT INTO settings (key, value) VALUES
    ('admin_session_idle_minutes', '30'),
    ('admin_session_absolute_hours', '12'),
    ('admin_login_attempts_per_15_minutes', '5');

-- The dashboard's per-day figures read a period of the ledger and of reviews.
CREATE INDEX points_ledger_created_idx ON points_ledger (created_at);
CREATE INDEX feedback_review_created_idx ON feedback (created_at) WHERE kind = 'review';
