-- 0004 · What the staff bot needs: one-time invites, broadcasts with progress, and rate-limit
-- counters shared by every instance.

-- An invite link binds the Telegram account that opens it to a new staff member. Only the
-- token's SHA-256 is stored; the link is shown once.
CREATE TABLE staff_invites (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('barista', 'manager')),
    location_id bigint NOT NULL REFERENCES locations (id),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    staff_id    bigint REFERENCES staff (id),
    CHECK (expires_at > created_at),
    CHECK ((used_at IS NULL) = (staff_id IS NULL))
);

-- Fixed-window counters (wrong payment codes, API limits): one row per key and window, bumped
-- with an upsert, so the limit holds across instances.
CREATE TABLE rate_limit_counters (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (key, window_start)
);

-- The clean-up job deletes finished windows.
CREATE INDEX rate_limit_counters_window_idx ON rate_limit_counters (window_start);

CREATE TABLE broadcasts (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    audience            text NOT NULL CHECK (audience IN ('everyone', 'tier', 'active', 'birthdays')),
    audience_tier       text CHECK (audience_tier IN ('standard', 'silver', 'gold', 'platinum')),
    audience_days       integer CHECK (audience_days BETWEEN 1 AND 3650),
    body                text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_by_kind     text NOT NULL CHECK (created_by_kind IN ('admin', 'staff')),
    created_by_id       text NOT NULL,
    created_at          timestamptz NOT NULL,
    recipients          integer NOT NULL CHECK (recipients >= 0),
    -- The staff-bot message that shows progress, edited until the broadcast is done.
    progress_chat_id    bigint,
    progress_message_id bigint,
    reported_sent       integer NOT NULL DEFAULT 0,
    reported_failed     integer NOT NULL DEFAULT 0,
    finished_at         timestamptz
);

-- The progress job looks at unfinished broadcasts only.
CREATE INDEX broadcasts_unfinished_idx ON broadcasts (id) WHERE finished_at IS NULL;

ALTER TABLE outbox ADD COLUMN broadcast_id bigint REFERENCES broadcasts (id);

-- Progress counts a broadcast's rows by status.
CREATE INDEX outbox_broadcast_idx ON outbox (broadcast_id, status) WHERE broadcast_id IS NOT NULL;

