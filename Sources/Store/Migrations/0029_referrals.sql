-- Bring a friend: each guest's invite link carries their invite code; a guest who registers
-- through it is the referrer's friend (one referrer per guest, ever: the friend's phone number
-- and Telegram id are kept as hashes, as for the welcome bonus). The friend's first paid sale of
-- at least the campaign's minimum rewards both; the reward belongs to that order, so cancelling
-- the sale takes it back and the referral waits for the next sale.
ALTER TABLE campaigns DROP CONSTRAINT campaigns_kind_check;
ALTER TABLE campaigns ADD CONSTRAINT campaigns_kind_check CHECK (kind IN ('multiplier', 'welcome', 'visits', 'referral'));

ALTER TABLE customers ADD COLUMN invite_code text UNIQUE CHECK (invite_code ~ '^[a-z0-9]{10}$');

CREATE TABLE referrals (
    friend_id            bigint PRIMARY KEY REFERENCES customers (id),
    referrer_id          bigint NOT NULL REFERENCES customers (id) CHECK (referrer_id <> friend_id),
    friend_phone_hash    bytea NOT NULL UNIQUE,
    friend_telegram_hash bytea NOT NULL UNIQUE,
    campaign_id          bigint NOT NULL,
    version              integer NOT NULL,
    invited_at           timestamptz NOT NULL,
    FOREIGN KEY (campaign_id, version) REFERENCES campaign_versions (campaign_id, version)
);
CREATE INDEX referrals_referrer ON referrals (referrer_id);
CREATE INDEX referrals_campaign ON referrals (campaign_id);

-- What one qualifying sale gave: the friend's and the referrer's points (0 for the referrer past
-- the monthly cap) and the lots they went into, so a cancellation takes back exactly these.
CREATE TABLE referral_rewards (
    order_id          bigint PRIMARY KEY REFERENCES orders (id),
    friend_id         bigint NOT NULL REFERENCES referrals (friend_id),
    referrer_id       bigint NOT NULL REFERENCES customers (id),
    friend_points     integer NOT NULL CHECK (friend_points >= 0),
    referrer_points   integer NOT NULL CHECK (referrer_points >= 0),
    friend_lot_id     bigint REFERENCES point_lots (id),
    referrer_lot_id   bigint REFERENCES point_lots (id),
    capped            boolean NOT NULL DEFAULT false,
    rewarded_at       timestamptz NOT NULL,
    reversed_at       timestamptz
);
-- At most one standing reward per friend: concurrent first sales cannot both reward.
CREATE UNIQUE INDEX referral_rewards_standing ON referral_rewards (friend_id) WHERE reversed_at IS NULL;
CREATE INDEX referral_rewards_referrer ON referral_rewards (referrer_id, rewarded_at) WHERE reversed_at IS NULL;

ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_kind_check;
ALTER TABLE points_ledger ADD CONSTRAINT points_ledger_kind_check CHECK (kind IN (
    'earn', 'redeem', 'earn_reversal', 'redeem_reversal',
    'manual_credit', 'manual_debit', 'birthday_credit', 'campaign_credit', 'campaign_reversal', 'expiry',
    'debt', 'debt_repayment', 'import'));
