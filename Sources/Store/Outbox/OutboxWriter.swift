import Domain
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
}

/// Queues Bot API calls and notifications, inside the caller's transaction (`tx.outbox`), so a
/// message exists exactly when the change that caused it does.
public struct OutboxWriter: SessionStore {
    let session: SQLSession

    /// Queues one Bot API call. `payload` is the call's JSON body (`chat_id` is added at send time).
    public func enqueue(
        bot: OutboxStore.Bot, chatID: Int64, customerID: Int64?, kind: OutboxStore.Kind = .transactional,
        method: String = "sendMessage", payload: Data, at now: Date
    ) async throws {
        try await session.withConnection { connection in
            try await Self.insert(
                bot: bot, chatID: chatID, customerID: customerID, kind: kind, method: method, payload: payload, language: nil,
                at: now, on: connection, logger: logger
            )
        }
    }

    /// Queues a notification for the client bot's guest, rendered in `language` when sent.
    public func enqueue(_ notification: Notice, toGuest customerID: Int64, chatID: Int64, language: Language, at now: Date) async throws {
        let payload = try notification.encoded()
        try await session.withConnection { connection in
            try await Self.insert(
                bot: .client, chatID: chatID, customerID: customerID, kind: .transactional, method: "sendMessage", payload: payload,
                language: language, at: now, on: connection, logger: logger
            )
        }
    }

    /// Queues a staff-bot notification (an alert about a low review…) to every active manager
    /// bound to the staff bot, each in the manager's language. Returns how many it reached.
    @discardableResult
    /// About an order, only the managers of the order's location are told; anything else goes
    /// to every active manager of the chain.
    public func enqueueForManagers(_ notification: Notice, aboutOrder orderID: Int64? = nil, at now: Date) async throws -> Int {
        let payload = String(decoding: try notification.encoded(), as: UTF8.self)
        return try await session.withConnection { connection in
            try await connection.run(
                """
                INSERT INTO outbox (bot, chat_id, customer_id, kind, method, payload, language, next_attempt_at, created_at)
                SELECT 'staff', telegram_id, NULL, 'transactional', 'sendMessage', \(payload)::jsonb, language, \(now), \(now)
                FROM staff
                WHERE role = 'manager' AND active AND telegram_id IS NOT NULL
                  AND (\(orderID)::bigint IS NULL OR location_id = (SELECT location_id FROM orders WHERE id = \(orderID)))
                RETURNING 1
                """,
                logger: logger
            ).collect().count
        }
    }

    static func insert(
        bot: OutboxStore.Bot, chatID: Int64, customerID: Int64?, kind: OutboxStore.Kind, method: String, payload: Data,
        language: Language?, at now: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let message = EnqueueMessage(
            bot: bot.rawValue, chatID: chatID, customerID: customerID, kind: kind.rawValue, method: method,
            payload: String(decoding: payload, as: UTF8.self), language: language?.rawValue, now: now)
        _ = try await connection.collect(message, logger: logger)
    }
}

/// One message into the outbox (a bot's second call of an update, most often).
struct EnqueueMessage: PlannedStatement {
    static let parameters = StatementParameters<EnqueueMessage>([
        .init("bot", .text) { $0.bot },
        .init("chat_id", .int8) { $0.chatID },
        .init("customer_id", .int8) { $0.customerID },
        .init("kind", .text) { $0.kind },
        .init("method", .text) { $0.method },
        .init("payload", .text) { $0.payload },
        .init("language", .text) { $0.language },
        .init("now", .timestamptz) { $0.now },
    ])

    static let sql = parameters.sql(
        """
        INSERT INTO outbox (bot, chat_id, customer_id, kind, method, payload, language, next_attempt_at, created_at)
        VALUES (:bot, :chat_id, :customer_id, :kind, :method, :payload::jsonb, :language, :now, :now)
        """)

    var bot: String
    var chatID: Int64
    var customerID: Int64?
    var kind: String
    var method: String
    var payload: String
    var language: String?
    var now: Date
}
