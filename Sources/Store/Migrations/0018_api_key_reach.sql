-- 0018 · Least privilege for partner keys: a key reads, cancels and spends at its own location
-- only, unless it was made chain-wide on purpose. Keys made before this keep to their location.

ALTER TABLE api_keys ADD COLUMN chain_wide boolean NOT NULL DEFAULT false;
