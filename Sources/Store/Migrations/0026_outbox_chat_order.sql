-- One chat's messages of one lane leave in the order they were queued: a message is claimed only
-- when no earlier one of its chat and lane is still pending. This index answers that question.
CREATE INDEX outbox_chat_pending_idx ON outbox (bot, chat_id, kind, id) WHERE status = 'pending';
