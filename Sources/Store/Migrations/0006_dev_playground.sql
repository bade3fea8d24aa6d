-- 0006 · The dev playground's stand-in for Telegram: in APP_ENV=dev the bots' outgoing Bot API
-- calls land here and the playground page shows them. Production never writes to it.

CREATE TABLE dev_bot_calls (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bot         text NOT NULL CHECK (bot IN ('client', 'staff')),
    method      text NOT NULL,
    chat_id     bigint,
    message_id  bigint,
    payload     jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);
