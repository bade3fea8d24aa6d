-- 0015 · The admin panel speaks Russian by default and English to whoever chooses it; the
-- choice belongs to the account, so it follows the admin to every browser.

ALTER TABLE admins ADD COLUMN language text NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en'));
