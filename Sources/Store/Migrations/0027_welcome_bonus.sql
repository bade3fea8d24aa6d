-- The welcome bonus: a campaign given once on registration. Each grant is kept by hashes of the
-- phone number and the Telegram id, not the values: erasing a guest frees both for a new
-- registration, and the promise "once per phone and account, ever" still holds. Either already
-- used means no second bonus.
ALTER TABLE campaigns DROP CONSTRAINT campaigns_kind_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_kind_check CHECK (kind IN ('multiplier', 'welcome'));

CREATE TABLE welcome_grants (
    phone_hash  bytea NOT NULL UNIQUE,
    telegram_hash bytea NOT NULL UNIQUE,
    customer_id bigint NOT NULL REFERENCES customers (id),
    campaign_id bigint NOT NULL,
    version     integer NOT NULL,
    points      integer NOT NULL DEFAULT 0 CHECK (points >= 0),
    gift_id     bigint REFERENCES customer_gifts (id),
    granted_at  timestamptz NOT NULL,
    FOREIGN KEY (campaign_id, version) REFERENCES campaign_versions (campaign_id, version)
);
CREATE INDEX welcome_grants_campaign ON welcome_grants (campaign_id);
