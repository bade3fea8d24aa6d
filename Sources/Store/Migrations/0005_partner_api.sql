-- 0005 · The partner API: scoped API keys (stored hashed) and idempotency records.

CREATE TABLE api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- The key's public part, shown in lists and logs; the whole key is shown once, at creation.
    prefix       text NOT NULL UNIQUE,
    secret_hash  bytea NOT NULL UNIQUE,
    scopes       text[] NOT NULL,
    -- Sales confirmed with this key are booked at this location.
    location_id  bigint NOT NULL REFERENCES locations (id),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- A POST repeated with the same Idempotency-Key returns the stored response. While the first
-- is in flight `status_code` is null.
CREATE TABLE idempotency_records (
    api_key_id    bigint NOT NULL REFERENCES api_keys (id),
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash  bytea NOT NULL,
    status_code   integer,
    response_body bytea,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, key)
);

-- The clean-up job deletes expired records.
CREATE INDEX idempotency_records_expiry_idx ON idempotency_records (expires_at);

INSERT INTO settings (key, value) VALUES
    ('api_registrations_per_minute', '5'),
    ('api_profile_reads_per_minute', '30'),
    ('api_requests_per_minute',      '600'),
    ('idempotency_key_hours',        '24');
