import Foundation
import Logging
import PostgresNIO

/// Where one chat stands in a multi-step flow, e.g. "waiting for a review text for order 42".
public struct Conversation: Sendable, Equatable {
    public var state: String
    /// Small string values the next step needs (an order id, a feedback id).
    public var data: [String: String]

    public init(state: String, data: [String: String] = [:]) {
        self.state = state
        self.data = data
    }
}

/// Conversation rows, one per `(bot, chat_id)`, read and written inside the update's transaction.
public struct ConversationStore: Sendable {
    let bot: OutboxStore.Bot
    let connection: PostgresConnection
    let logger: Logger

    public init(bot: OutboxStore.Bot, connection: PostgresConnection, logger: Logger) {
        self.bot = bot
        self.connection = connection
        self.logger = logger
    }

    /// The chat's current step, or nil when there is none or it expired.
    public func current(chatID: Int64, at now: Date) async throws -> Conversation? {
        let rows = try await connection.query(
            "SELECT state, data::text FROM conversations WHERE bot = \(bot.rawValue) AND chat_id = \(chatID) AND expires_at > \(now)",
            logger: logger
        )
        for try await (state, data) in rows.decode((String, String).self) {
            let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(data.utf8))) ?? [:]
            return Conversation(state: state, data: decoded)
        }
        return nil
    }

    public func set(_ conversation: Conversation, chatID: Int64, at now: Date, lifetime: TimeInterval = 30 * 60) async throws {
        let data = String(decoding: (try? JSONEncoder().encode(conversation.data)) ?? Data("{}".utf8), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO conversations (bot, chat_id, state, data, expires_at, updated_at)
            VALUES (\(bot.rawValue), \(chatID), \(conversation.state), \(data)::jsonb, \(now.addingTimeInterval(lifetime)), \(now))
            ON CONFLICT (bot, chat_id) DO UPDATE
                SET state = EXCLUDED.state, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
            """,
            logger: logger
        )
    }

    public func clear(chatID: Int64) async throws {
        try await connection.query(
            "DELETE FROM conversations WHERE bot = \(bot.rawValue) AND chat_id = \(chatID)", logger: logger
        )
    }
}
