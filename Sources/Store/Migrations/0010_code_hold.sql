-- 0010 · A barista who looked a guest up by their code holds the code for a few minutes, so a
-- slow choice of points or gifts does not end in "code expired"; no other till can use a held
-- code. The hold ends with the sale, when the barista drops the draft, or when it runs out.

ALTER TABLE payment_codes
    ADD COLUMN held_by_staff_id bigint REFERENCES staff (id),
    ADD COLUMN held_until timestamptz,
    ADD CHECK ((held_by_staff_id IS NULL) = (held_until IS NULL));

INSERT INTO settings (key, value) VALUES ('code_hold_minutes', '5') ON CONFLICT (key) DO NOTHING;
