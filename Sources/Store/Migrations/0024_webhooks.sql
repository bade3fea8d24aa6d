-- 0024 · Signed webhooks for partners. An event is written by a trigger in the transaction of the
-- change it reports (the outbox pattern the bots use), with one delivery per subscribed endpoint;
-- the sender delivers them at least once, in order per guest, retrying for 24 hours.

CREATE TABLE webhook_endpoints (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url             text NOT NULL CHECK (url ~ '^https?://[^[:space:]]+$' AND length(url) <= 2000),
    events          text[] NOT NULL CHECK (cardinality(events) > 0 AND events <@ ARRAY[
                        'customer.registered', 'order.confirmed', 'order.cancelled', 'order.refunded',
                        'gift.issued', 'gift.redeemed', 'points.expired', 'tier.changed']),
    -- The signing key: HMAC needs the key itself, so it is kept; the owner sees it once.
    secret          text NOT NULL CHECK (length(secret) >= 32),
    description     text CHECK (length(description) <= 200),
    active          boolean NOT NULL DEFAULT true,
    -- Why the sender switched it off (a delivery failed for 24 hours); cleared when re-enabled.
    disabled_reason text,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE TABLE webhook_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- What receivers deduplicate by: a delivery may arrive more than once.
    event_id    uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    type        text NOT NULL,
    customer_id bigint REFERENCES customers (id),
    data        jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id      bigint NOT NULL REFERENCES webhook_endpoints (id),
    event_id         bigint NOT NULL REFERENCES webhook_events (id),
    -- Copied from the event: one guest's deliveries to one endpoint leave in order.
    customer_id      bigint,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    last_duration_ms integer,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL,
    UNIQUE (endpoint_id, event_id)
);

-- The sender takes due deliveries oldest first, and checks that no earlier one of the same guest
-- to the same endpoint is still waiting.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_guest_idx ON webhook_deliveries (endpoint_id, customer_id, id) WHERE status = 'pending';
-- The admin page lists an endpoint's deliveries, newest first.
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);

-- Writes one event and its deliveries, or nothing when no active endpoint wants this type.
CREATE FUNCTION crema_emit_webhook(event_type text, customer bigint, object jsonb, occurred timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    new_event bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE active AND event_type = ANY (events)) THEN
        RETURN;
    END IF;
    INSERT INTO webhook_events (type, customer_id, data, created_at)
    VALUES (event_type, customer, object, occurred) RETURNING id INTO new_event;
    INSERT INTO webhook_deliveries (endpoint_id, event_id, customer_id, next_attempt_at, created_at)
    SELECT id, new_event, customer, occurred, occurred FROM webhook_endpoints WHERE active AND event_type = ANY (events);
END;
$$;

-- The order as the partner API shows it.
CREATE FUNCTION crema_webhook_order(o orders, is_cancelled boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', o.id, 'customer_id', o.customer_id, 'location_id', o.location_id,
        'quote', jsonb_build_object(
            'amount_kopecks', o.amount_kopecks, 'max_redeemable', o.max_redeemable, 'points_redeemed', o.points_redeemed,
            'amount_to_pay_kopecks', o.amount_paid_kopecks, 'points_earned', o.points_earned, 'debt_repaid', o.debt_repaid,
            'tier_before', o.tier_before, 'tier_after', o.tier_after),
        'balance_after', o.balance_after, 'points_debt_after', o.debt_after, 'created_at', o.created_at,
        'cancelled', is_cancelled,
        'refunded_kopecks', (SELECT coalesce(sum(amount_kopecks), 0) FROM order_refunds WHERE order_id = o.id))
$$;

CREATE FUNCTION crema_webhook_customer_registered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crema_emit_webhook('customer.registered', NEW.id, jsonb_build_object(
        'id', NEW.id, 'telegram_id', NEW.telegram_id, 'phone', NEW.phone, 'first_name', NEW.first_name,
        'last_name', NEW.last_name, 'language', NEW.language, 'tier', NEW.tier, 'registered_at', NEW.created_at), NEW.created_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER customers_webhook AFTER INSERT ON customers
    FOR EACH ROW WHEN (NEW.import_source IS NULL) EXECUTE FUNCTION crema_webhook_customer_registered();

CREATE FUNCTION crema_webhook_order_confirmed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crema_emit_webhook('order.confirmed', NEW.customer_id, crema_webhook_order(NEW, false), NEW.created_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER orders_webhook AFTER INSERT ON orders
    FOR EACH ROW WHEN (NEW.import_source IS NULL) EXECUTE FUNCTION crema_webhook_order_confirmed();

CREATE FUNCTION crema_webhook_order_cancelled() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o orders;
BEGIN
    SELECT * INTO o FROM orders WHERE id = NEW.order_id;
    PERFORM crema_emit_webhook('order.cancelled', o.customer_id, jsonb_build_object(
        'order', crema_webhook_order(o, true), 'reason', NEW.reason, 'points_restored', NEW.points_restored,
        'points_taken_back', NEW.points_taken_back, 'debt_added', NEW.debt_added, 'cancelled_at', NEW.cancelled_at), NEW.cancelled_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_cancellations_webhook AFTER INSERT ON order_cancellations
    FOR EACH ROW EXECUTE FUNCTION crema_webhook_order_cancelled();

CREATE FUNCTION crema_webhook_order_refunded() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o orders;
BEGIN
    SELECT * INTO o FROM orders WHERE id = NEW.order_id;
    PERFORM crema_emit_webhook('order.refunded', o.customer_id, jsonb_build_object(
        'order', crema_webhook_order(o, false), 'refund_id', NEW.id, 'amount_kopecks', NEW.amount_kopecks,
        'points_restored', NEW.points_restored, 'points_taken_back', NEW.points_taken_back, 'debt_added', NEW.debt_added,
        'reason', NEW.reason, 'refunded_at', NEW.refunded_at), NEW.refunded_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER order_refunds_webhook AFTER INSERT ON order_refunds
    FOR EACH ROW EXECUTE FUNCTION crema_webhook_order_refunded();

CREATE FUNCTION crema_webhook_gift_issued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crema_emit_webhook('gift.issued', NEW.customer_id, jsonb_build_object(
        'id', NEW.id, 'customer_id', NEW.customer_id, 'name', NEW.name, 'name_en', NEW.name_en, 'reason', NEW.reason,
        'issued_at', NEW.issued_at, 'expires_at', NEW.expires_at), NEW.issued_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER customer_gifts_webhook AFTER INSERT ON customer_gifts
    FOR EACH ROW WHEN (NEW.import_source IS NULL) EXECUTE FUNCTION crema_webhook_gift_issued();

CREATE FUNCTION crema_webhook_gift_redeemed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g customer_gifts;
BEGIN
    SELECT * INTO g FROM customer_gifts WHERE id = NEW.gift_id;
    PERFORM crema_emit_webhook('gift.redeemed', g.customer_id, jsonb_build_object(
        'id', g.id, 'customer_id', g.customer_id, 'name', g.name, 'name_en', g.name_en, 'reason', g.reason,
        'issued_at', g.issued_at, 'expires_at', g.expires_at, 'redeemed_at', NEW.redeemed_at, 'order_id', NEW.order_id),
        NEW.redeemed_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER gift_redemptions_webhook AFTER INSERT ON gift_redemptions
    FOR EACH ROW EXECUTE FUNCTION crema_webhook_gift_redeemed();

CREATE FUNCTION crema_webhook_points_expired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crema_emit_webhook('points.expired', NEW.customer_id, jsonb_build_object(
        'customer_id', NEW.customer_id, 'points', -NEW.points, 'lot_id', NEW.lot_id, 'expired_at', NEW.created_at),
        NEW.created_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER points_ledger_webhook AFTER INSERT ON points_ledger
    FOR EACH ROW WHEN (NEW.kind = 'expiry') EXECUTE FUNCTION crema_webhook_points_expired();

CREATE FUNCTION crema_webhook_tier_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crema_emit_webhook('tier.changed', NEW.customer_id, jsonb_build_object(
        'customer_id', NEW.customer_id, 'from', NEW.from_tier, 'to', NEW.to_tier, 'cause', NEW.cause, 'order_id', NEW.order_id,
        'changed_at', NEW.changed_at), NEW.changed_at);
    RETURN NULL;
END;
$$;
CREATE TRIGGER tier_history_webhook AFTER INSERT ON tier_history
    FOR EACH ROW EXECUTE FUNCTION crema_webhook_tier_changed();
