-- Every Nth visit: a paid sale stamps the guest's card, every Nth stamp gives a gift. A stamp
-- belongs to its order, so cancelling the sale takes the stamp back (and the gift, unused).
ALTER TABLE campaigns DROP CONSTRAINT campaigns_kind_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_kind_check CHECK (kind IN ('multiplier', 'welcome', 'visits'));

CREATE TABLE visit_stamps (
    order_id     bigint PRIMARY KEY REFERENCES orders (id),
    campaign_id  bigint NOT NULL,
    version      integer NOT NULL,
    customer_id  bigint NOT NULL REFERENCES customers (id),
    counted_at   timestamptz NOT NULL,
    gift_id      bigint REFERENCES customer_gifts (id),
    cancelled_at timestamptz,
    FOREIGN KEY (campaign_id, version) REFERENCES campaign_versions (campaign_id, version)
);
CREATE INDEX visit_stamps_card ON visit_stamps (campaign_id, customer_id) WHERE cancelled_at IS NULL;
