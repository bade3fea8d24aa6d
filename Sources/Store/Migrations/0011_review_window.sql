-- 0011 · How far back a guest may review a visit becomes a setting (it was fixed at 30 days).

INSERT INTO settings (key, value) VALUES ('review_window_days', '30') ON CONFLICT (key) DO NOTHING;
