-- 0002 · The loyalty engine: balances, the append-only points ledger, payment codes, orders and
-- their cancellations, tier history, gifts and the outbox of messages to send.

ALTER TABLE customers
    ADD COLUMN tier text NOT NULL DEFAULT 'standard' CHECK (tier IN ('standard', 'silver', 'gold', 'platinum')),
    -- Cached sums of the ledger, changed only in the same transaction as their ledger rows;
    -- `crema check-ledger` proves they match.
    ADD COLUMN points_balance integer NOT NULL DEFAULT 0 CHECK (points_balance >= 0),
    ADD COLUMN points_debt integer NOT NULL DEFAULT 0 CHECK (points_debt >= 0),
    -- Confirmed order amounts (before points) minus cancelled ones: decides the tier.
    ADD COLUMN qualification_spend_kopecks bigint NOT NULL DEFAULT 0 CHECK (qualification_spend_kopecks >= 0);

-- The daily birthday job finds the day's celebrants by month and day.
CREATE INDEX customers_birthday_idx ON customers ((extract(month FROM birth_date)::int), (extract(day FROM birth_date)::int))
    WHERE birth_date IS NOT NULL AND anonymised_at IS NULL;

INSERT INTO settings (key, value) VALUES
    ('maximum_sale_kopecks', '10000000'),
    ('birthday_gift', '"drink"'),
    ('wrong_code_limit_per_minute', '5');

-- One active code per guest (the primary key); a new code replaces the old one. Codes are unique
-- among active codes by constraint, and a code is deleted in the transaction that consumes it.
CREATE TABLE payment_codes (
    customer_id bigint PRIMARY KEY REFERENCES customers (id),
    code        text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{6}$'),
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    CHECK (expires_at > issued_at)
);

CREATE TABLE orders (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id             bigint NOT NULL REFERENCES customers (id),
    location_id             bigint NOT NULL REFERENCES locations (id),
    actor_kind              text NOT NULL CHECK (actor_kind IN ('staff', 'api_key', 'admin')),
    actor_id                text NOT NULL,
    staff_id                bigint REFERENCES staff (id),
    -- A repeated confirmation with the same key returns this order; the fingerprint tells a
    -- genuine retry from a different sale sent under a used key.
    idempotency_key         text NOT NULL UNIQUE,
    request_fingerprint     text NOT NULL,
    -- The code the guest showed; null when a POS identified the guest by id instead.
    payment_code            text,
    -- What the quote computed, kept so history never changes and a cancel reverses exactly this.
    amount_kopecks          bigint NOT NULL CHECK (amount_kopecks > 0),
    max_redeemable          integer NOT NULL CHECK (max_redeemable >= 0),
    points_redeemed         integer NOT NULL CHECK (points_redeemed >= 0),
    amount_paid_kopecks     bigint NOT NULL CHECK (amount_paid_kopecks >= 0),
    points_earned           integer NOT NULL CHECK (points_earned >= 0),
    debt_repaid             integer NOT NULL CHECK (debt_repaid >= 0 AND debt_repaid <= points_earned),
    tier_before             text NOT NULL,
    tier_after              text NOT NULL,
    earn_rate_percent       integer NOT NULL,
    redeem_cap_percent      integer NOT NULL,
    -- The guest's standing right after the sale, as the receipt showed it.
    balance_after           integer NOT NULL,
    debt_after              integer NOT NULL,
    created_at              timestamptz NOT NULL,
    CHECK (points_redeemed = 0 OR points_earned = 0)
);

-- Customer card and history: a guest's orders, newest first.
CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC, id DESC);
-- Admin orders list, newest first, keyset-paginated.
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
-- Staff bot history (own and location) and analytics by location.
CREATE INDEX orders_location_idx ON orders (location_id, created_at DESC);
CREATE INDEX orders_staff_idx ON orders (staff_id, created_at DESC) WHERE staff_id IS NOT NULL;

-- A cancellation is a row of its own: the order row never changes, and the primary key makes a
-- second cancellation impossible.
CREATE TABLE order_cancellations (
    order_id            bigint PRIMARY KEY REFERENCES orders (id),
    actor_kind          text NOT NULL CHECK (actor_kind IN ('staff', 'api_key', 'admin')),
    actor_id            text NOT NULL,
    reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    points_restored     integer NOT NULL CHECK (points_restored >= 0),
    points_taken_back   integer NOT NULL CHECK (points_taken_back >= 0),
    debt_added          integer NOT NULL CHECK (debt_added >= 0),
    cancelled_at        timestamptz NOT NULL
);

CREATE TABLE points_ledger (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id     bigint NOT NULL REFERENCES customers (id),
    kind            text NOT NULL CHECK (kind IN (
                        'earn', 'redeem', 'earn_reversal', 'redeem_reversal',
                        'manual_credit', 'manual_debit', 'birthday_credit', 'campaign_credit', 'expiry',
                        'debt', 'debt_repayment')),
    -- Change to the balance and to the points debt; the cached columns are their sums.
    points          integer NOT NULL,
    debt            integer NOT NULL DEFAULT 0,
    order_id        bigint REFERENCES orders (id),
    actor_kind      text NOT NULL CHECK (actor_kind IN ('admin', 'staff', 'api_key', 'customer', 'system')),
    actor_id        text,
    reason          text,
    created_at      timestamptz NOT NULL,
    CHECK (points <> 0 OR debt <> 0),
    CHECK (kind NOT IN ('manual_credit', 'manual_debit') OR (reason IS NOT NULL AND actor_id IS NOT NULL))
);

-- Customer card ledger, client bot history, and check-ledger's per-customer sums.
CREATE INDEX points_ledger_customer_idx ON points_ledger (customer_id, id DESC);
-- check-ledger matches every order with its rows.
CREATE INDEX points_ledger_order_idx ON points_ledger (order_id) WHERE order_id IS NOT NULL;

CREATE TRIGGER points_ledger_append_only
    BEFORE UPDATE OR DELETE ON points_ledger
    FOR EACH ROW EXECUTE FUNCTION crema_refuse_change();
CREATE TRIGGER points_ledger_no_truncate
    BEFORE TRUNCATE ON points_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION crema_refuse_change();

CREATE TABLE tier_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    from_tier   text NOT NULL,
    to_tier     text NOT NULL,
    cause       text NOT NULL CHECK (cause IN ('sale', 'cancellation', 'settings', 'manual')),
    order_id    bigint REFERENCES orders (id),
    changed_at  timestamptz NOT NULL,
    CHECK (from_tier <> to_tier)
);

CREATE INDEX tier_history_customer_idx ON tier_history (customer_id, id DESC);

CREATE TABLE gift_catalog (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    valid_days  integer NOT NULL CHECK (valid_days BETWEEN 1 AND 3650),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO gift_catalog (slug, name, valid_days) VALUES
    ('drink', 'Drink', 30),
    ('sandwich', 'Sandwich', 30);

CREATE TABLE customer_gifts (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id             bigint NOT NULL REFERENCES customers (id),
    catalog_id              bigint NOT NULL REFERENCES gift_catalog (id),
    name                    text NOT NULL,
    reason                  text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    actor_kind              text NOT NULL CHECK (actor_kind IN ('admin', 'staff', 'api_key', 'system')),
    actor_id                text,
    issued_at               timestamptz NOT NULL,
    expires_at              timestamptz NOT NULL,
    -- Birthday gifts carry their calendar year: one per guest per year, whatever the birth date says.
    birthday_year           integer,
    -- A gift given back because the sale that used it was cancelled.
    restored_from_gift_id   bigint REFERENCES customer_gifts (id),
    CHECK (expires_at > issued_at),
    UNIQUE (customer_id, birthday_year)
);

-- Profile and staff card: a guest's gifts.
CREATE INDEX customer_gifts_customer_idx ON customer_gifts (customer_id, expires_at DESC);

-- A redemption is a row of its own; the primary key makes a second one impossible.
CREATE TABLE gift_redemptions (
    gift_id     bigint PRIMARY KEY REFERENCES customer_gifts (id),
    order_id    bigint REFERENCES orders (id),
    actor_kind  text NOT NULL CHECK (actor_kind IN ('admin', 'staff', 'api_key')),
    actor_id    text NOT NULL,
    redeemed_at timestamptz NOT NULL
);

CREATE INDEX gift_redemptions_order_idx ON gift_redemptions (order_id) WHERE order_id IS NOT NULL;

-- Messages to send through the bots, written in the same transaction as the change they report.
CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bot             text NOT NULL CHECK (bot IN ('client', 'staff')),
    chat_id         bigint NOT NULL,
    customer_id     bigint REFERENCES customers (id),
    kind            text NOT NULL CHECK (kind IN ('transactional', 'promotional')),
    method          text NOT NULL DEFAULT 'sendMessage',
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    last_error      text
);

-- The sender claims due rows per bot in order.
CREATE INDEX outbox_due_idx ON outbox (bot, next_attempt_at, id) WHERE status = 'pending';
