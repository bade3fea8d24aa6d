-- 0030 · A sale written without a lock on the guest (LoyaltyStore.confirmSale, outside a
-- transaction) is one statement guarded by the account it was quoted from. Its parts happen all
-- or none: when the payment code was consumed but the guard found the account changed since it
-- was read, this aborts the statement as a serialization failure, and the sale reads again.

CREATE FUNCTION crema_sale_guard(held boolean) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF NOT held THEN
        RAISE EXCEPTION 'the guest''s account changed while the sale was written'
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN true;
END;
$$;
