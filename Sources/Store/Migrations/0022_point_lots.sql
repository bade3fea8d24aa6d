-- 0022 · Points arrive in lots that may expire, are spent oldest first, and orders may be refunded
-- in part. Every ledger row that moves points names the lot it moved them in or out of.

CREATE TABLE point_lots (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    -- Points the lot held before any ledger row named it: only the lots this migration opens for
    -- the balances earned before lots existed. Every other lot starts at 0 and its first ledger
    -- row (earn, manual credit) fills it.
    opening     integer NOT NULL DEFAULT 0 CHECK (opening >= 0),
    -- Cached: opening plus the sum of the ledger rows naming this lot.
    remaining   integer NOT NULL CHECK (remaining >= 0),
    -- Age decides the order of spending: oldest first.
    earned_at   timestamptz NOT NULL,
    -- The day (café time zone) the points expire, the first they can no longer be spent; NULL never.
    expires_on  date,
    -- When the guest was told these points are about to expire (once per lot).
    reminded_at timestamptz
);

-- Spending and balance proofs walk a guest's open lots oldest first; the expiry job walks the
-- guests in id order through it.
CREATE INDEX point_lots_open_idx ON point_lots (customer_id, earned_at, id) WHERE remaining > 0;
-- The reminder job finds the lots it has not told about yet by day, guest by guest.
CREATE INDEX point_lots_remind_idx ON point_lots (expires_on, customer_id, id)
    WHERE remaining > 0 AND reminded_at IS NULL AND expires_on IS NOT NULL;
-- The liability by month and the due lots of a day.
CREATE INDEX point_lots_due_idx ON point_lots (expires_on) WHERE remaining > 0 AND expires_on IS NOT NULL;

-- A refund of part of an order; several may follow one order, up to its amount.
CREATE TABLE order_refunds (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            bigint NOT NULL REFERENCES orders (id),
    idempotency_key     text NOT NULL UNIQUE,
    request_fingerprint text NOT NULL,
    amount_kopecks      bigint NOT NULL CHECK (amount_kopecks > 0),
    points_restored     integer NOT NULL CHECK (points_restored >= 0),
    points_taken_back   integer NOT NULL CHECK (points_taken_back >= 0),
    debt_added          integer NOT NULL CHECK (debt_added >= 0),
    -- The guest's standing right after, so a replayed request answers the same.
    balance_after       integer NOT NULL,
    debt_after          integer NOT NULL,
    tier_after          text NOT NULL,
    actor_kind          text NOT NULL CHECK (actor_kind IN ('staff', 'api_key', 'admin')),
    actor_id            text NOT NULL,
    reason              text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    refunded_at         timestamptz NOT NULL
);

CREATE INDEX order_refunds_order_idx ON order_refunds (order_id, id);

CREATE TRIGGER order_refunds_append_only
    BEFORE UPDATE OR DELETE ON order_refunds
    FOR EACH ROW EXECUTE FUNCTION crema_refuse_change();

ALTER TABLE points_ledger
    ADD COLUMN lot_id bigint REFERENCES point_lots (id),
    ADD COLUMN refund_id bigint REFERENCES order_refunds (id);

CREATE INDEX points_ledger_lot_idx ON points_ledger (lot_id) WHERE lot_id IS NOT NULL;

ALTER TABLE tier_history DROP CONSTRAINT tier_history_cause_check;
ALTER TABLE tier_history ADD CONSTRAINT tier_history_cause_check
    CHECK (cause IN ('sale', 'cancellation', 'refund', 'settings', 'manual'));

-- The balances earned so far become one lot each, dated now. They never expire: expiry applies to
-- points earned after the owner turns it on, never to a promise already made.
INSERT INTO point_lots (customer_id, opening, remaining, earned_at)
SELECT id, points_balance, points_balance, now() FROM customers WHERE points_balance > 0;

INSERT INTO settings (key, value) VALUES
    ('points_validity_months', '0'),
    ('expiry_reminder_days', '14')
ON CONFLICT (key) DO NOTHING;
