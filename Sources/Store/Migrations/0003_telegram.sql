-- 0003 · What the bots need to stay stateless: the log of processed updates, conversation
-- state per chat, and the guests' feedback (reviews, ideas, messages to management).

-- Every processed update, recorded in the transaction that applies its effects, so a
-- redelivered or concurrently duplicated update finds its row and does nothing.
CREATE TABLE telegram_updates (
    bot         text NOT NULL CHECK (bot IN ('client', 'staff')),
    update_id   bigint NOT NULL,
    kind        text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (bot, update_id)
);

-- The cleanup job deletes rows older than Telegram's 24 h redelivery window.
CREATE INDEX telegram_updates_received_idx ON telegram_updates (received_at);

-- Where a chat is in a multi-step flow (waiting for a birth date, a review text, …).
-- A row past `expires_at` is treated as absent.
CREATE TABLE conversations (
    bot         text NOT NULL CHECK (bot IN ('client', 'staff')),
    chat_id     bigint NOT NULL,
    state       text NOT NULL CHECK (state ~ '^[a-z][a-z0-9_]*$'),
    data        jsonb NOT NULL DEFAULT '{}',
    expires_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (bot, chat_id)
);

CREATE TABLE feedback (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    kind        text NOT NULL CHECK (kind IN ('review', 'idea', 'message')),
    order_id    bigint REFERENCES orders (id),
    rating      smallint CHECK (rating BETWEEN 1 AND 10),
    body        text CHECK (length(body) BETWEEN 1 AND 4000),
    status      text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done')),
    channel     text NOT NULL CHECK (channel IN ('client_bot', 'api')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK ((kind = 'review') = (rating IS NOT NULL)),
    CHECK (kind = 'review' OR body IS NOT NULL),
    CHECK (kind = 'review' OR order_id IS NULL)
);

-- One review per order: a second tap on an old "rate" button finds this and says so.
CREATE UNIQUE INDEX feedback_review_per_order_idx ON feedback (order_id) WHERE kind = 'review';
-- The admin inbox: by status, newest first, keyset-paginated.
CREATE INDEX feedback_inbox_idx ON feedback (status, created_at DESC, id DESC);
-- A customer card lists the guest's feedback.
CREATE INDEX feedback_customer_idx ON feedback (customer_id, created_at DESC);
