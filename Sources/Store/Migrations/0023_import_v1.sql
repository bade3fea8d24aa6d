-- 0023 · A café moves in from the original system (v1): every imported row names the source row
-- it came from, so a second run imports nothing twice and a run cut off midway can be run again.

ALTER TABLE customers
    ADD COLUMN import_source text UNIQUE,
    -- The tier the guest held in the original system: kept as a floor until spend in Crema
    -- earns more; a cancellation or refund never takes the guest below it.
    ADD COLUMN tier_floor text NOT NULL DEFAULT 'standard' CHECK (tier_floor IN ('standard', 'silver', 'gold', 'platinum'));

ALTER TABLE staff ADD COLUMN import_source text UNIQUE;
-- Imported orders are history: no ledger rows of their own (the guest's balance came in as one
-- opening entry), and neither cancelled nor refunded in Crema.
ALTER TABLE orders ADD COLUMN import_source text UNIQUE;
ALTER TABLE customer_gifts ADD COLUMN import_source text UNIQUE;
ALTER TABLE feedback ADD COLUMN import_source text UNIQUE;

ALTER TABLE orders DROP CONSTRAINT orders_actor_kind_check;
ALTER TABLE orders ADD CONSTRAINT orders_actor_kind_check
    CHECK (actor_kind IN ('staff', 'api_key', 'admin', 'system'));
ALTER TABLE orders ADD CONSTRAINT orders_system_only_imported
    CHECK (actor_kind <> 'system' OR import_source IS NOT NULL);

ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_kind_check;
ALTER TABLE points_ledger ADD CONSTRAINT points_ledger_kind_check CHECK (kind IN (
    'earn', 'redeem', 'earn_reversal', 'redeem_reversal',
    'manual_credit', 'manual_debit', 'birthday_credit', 'campaign_credit', 'expiry',
    'debt', 'debt_repayment', 'import'));
ALTER TABLE points_ledger ADD CONSTRAINT points_ledger_import_named
    CHECK (kind <> 'import' OR (points > 0 AND reason IS NOT NULL));
