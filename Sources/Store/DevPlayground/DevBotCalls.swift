import Foundation
import Logging
import PostgresNIO

/// The dev playground's record of what the bots sent to "Telegram".
public struct DevBotCalls: Sendable {
    public struct Call: Sendable {
        public var id: Int64
        public var bot: String
        public var method: String
        public var chatID: Int64?
        public var messageID: Int64?
        public var payload: String
    }

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Stores a call; a new message gets this row's id as its `message_id`.
    public func record(
        bot: OutboxStore.Bot, method: String, chatID: Int64?, messageID: Int64?, payload: Data, at now: Date
    ) async throws -> Int64 {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                INSERT INTO dev_bot_calls (bot, method, chat_id, message_id, payload, created_at)
                VALUES (\(bot.rawValue), \(method), \(chatID), \(messageID), \(String(decoding: payload, as: UTF8.self))::jsonb, \(now))
                RETURNING id
                """,
                logger: logger
            ).collect().first?.decode(Int64.self) ?? 0
        }
    }

    public func calls(after id: Int64, limit: Int = 200) async throws -> [Call] {
        try await database.withConnection(logger: logger) { connection in
            var calls: [Call] = []
            let rows = try await connection.run(
                "SELECT id, bot, method, chat_id, message_id, payload::text FROM dev_bot_calls WHERE id > \(id) ORDER BY id LIMIT \(limit)",
                logger: logger
            )
            for try await (id, bot, method, chat, message, payload) in rows.decode((Int64, String, String, Int64?, Int64?, String).self) {
                calls.append(Call(id: id, bot: bot, method: method, chatID: chat, messageID: message, payload: payload))
            }
            return calls
        }
    }
}
