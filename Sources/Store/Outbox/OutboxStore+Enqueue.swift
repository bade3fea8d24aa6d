import Foundation
import Logging
import PostgresNIO

extension OutboxStore {
    public enum Kind: String, Sendable {
        /// Receipts, gifts, replies: always sent.
        case transactional
        /// Broadcasts: only to guests who have not opted out.
        case promotional
    }

    /// Queues one Bot API call inside the caller's transaction, so the message exists exactly
    /// when the change that caused it does. `payload` is the call's JSON body (`chat_id` is
    /// added at send time) or a template event.
    public static func enqueue(
        bot: Bot, chatID: Int64, customerID: Int64?, kind: Kind = .transactional, method: String = "sendMessage",
        payload: Data, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO outbox (bot, chat_id, customer_id, kind, method, payload, next_attempt_at, created_at)
            VALUES (\(bot.rawValue), \(chatID), \(customerID), \(kind.rawValue), \(method),
                    \(String(decoding: payload, as: UTF8.self))::jsonb, \(now), \(now))
            """,
            logger: logger
        )
    }

    /// Queues a staff-bot template event (e.g. an alert about a low review) to every active
    /// manager bound to the staff bot, each tagged with the manager's language for rendering.
    /// Returns how many managers it reached.
    @discardableResult
    public static func enqueueForManagers(
        payload: Data, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        try await connection.query(
            """
            INSERT INTO outbox (bot, chat_id, customer_id, kind, method, payload, next_attempt_at, created_at)
            SELECT 'staff', telegram_id, NULL, 'transactional', 'sendMessage',
                   \(String(decoding: payload, as: UTF8.self))::jsonb || jsonb_build_object('language', language), \(now), \(now)
            FROM staff
            WHERE role = 'manager' AND active AND telegram_id IS NOT NULL
            RETURNING 1
            """,
            logger: logger
        ).collect().count
    }
}
