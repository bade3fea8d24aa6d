-- 0013 · The staff bot's history lists the day's gifts and cancellations beside its sales; these
-- indexes let it read one day without scanning every gift and cancellation ever made.

CREATE INDEX customer_gifts_issued_at_idx ON customer_gifts (issued_at DESC);
CREATE INDEX gift_redemptions_redeemed_idx ON gift_redemptions (redeemed_at DESC);
CREATE INDEX order_cancellations_cancelled_idx ON order_cancellations (cancelled_at DESC);
