-- Campaigns a café runs itself. A campaign's rule is data; each version of it is kept, and
-- every order a campaign added points to keeps the version and the points, so a campaign that
-- ends or changes never rewrites history and a cancellation reverses exactly what was granted.
CREATE TABLE campaigns (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    kind        text NOT NULL CHECK (kind IN ('multiplier')),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
    version     integer NOT NULL DEFAULT 1,
    rule        jsonb NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE campaign_versions (
    campaign_id bigint NOT NULL REFERENCES campaigns (id),
    version     integer NOT NULL,
    name        text NOT NULL,
    rule        jsonb NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (campaign_id, version)
);

CREATE TABLE order_campaign_effects (
    order_id    bigint NOT NULL REFERENCES orders (id),
    campaign_id bigint NOT NULL,
    version     integer NOT NULL,
    points      integer NOT NULL CHECK (points > 0),
    PRIMARY KEY (order_id, campaign_id),
    FOREIGN KEY (campaign_id, version) REFERENCES campaign_versions (campaign_id, version)
);
CREATE INDEX order_campaign_effects_campaign ON order_campaign_effects (campaign_id);
