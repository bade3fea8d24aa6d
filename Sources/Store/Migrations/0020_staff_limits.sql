-- 0020 · Staff limits: the gifts a barista may give per shift (café day); past it, a manager gives.

INSERT INTO settings (key, value) VALUES ('barista_gifts_per_shift', '5') ON CONFLICT (key) DO NOTHING;
