-- 0017 · Receipts never wait behind a broadcast: due rows are claimed transactional first, and
-- this index serves that order. Sent and failed rows are pruned after `outbox_retention_days`.
-- Broadcasts per day and guests' messages to management per day are settings.

CREATE INDEX outbox_due_lane_idx ON outbox (bot, (kind = 'promotional'), next_attempt_at, id) WHERE status = 'pending';
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_finished_idx ON outbox (created_at) WHERE status <> 'pending';

INSERT INTO settings (key, value) VALUES
    ('outbox_retention_days', '30'),
    ('broadcasts_per_day', '3'),
    ('guest_messages_per_day', '5')
ON CONFLICT (key) DO NOTHING;
