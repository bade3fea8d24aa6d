-- 0009 · The reader's language is a property of an outbox row, not of its payload: the payload
-- is a typed notification encoded by the application, the language is chosen per recipient
-- (the guest's, or each manager's for alerts). Rows queued before this keep the language inside
-- their payload, which the renderer still reads.

ALTER TABLE outbox ADD COLUMN language text CHECK (language IN ('ru', 'en'));
