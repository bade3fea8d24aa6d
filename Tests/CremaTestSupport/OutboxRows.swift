import Foundation
import Logging
import PostgresNIO
import Store

/// The outbox as a test reads it: what the bots queued, oldest first.
public struct OutboxRows: Sendable {
    public struct Row: Sendable {
        public let bot: String
        public let chatID: Int64
        public let method: String
        public let status: String
        public let payloadText: String

        public var payload: [String: Any] {
            ((try? JSONSerialization.jsonObject(with: Data(payloadText.utf8))) as? [String: Any]) ?? [:]
        }
    }

    let database: Database
    let logger = Logger(label: "crema.test.outbox")

    public init(_ database: Database) {
        self.database = database
    }

    public func all() async throws -> [Row] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT bot, chat_id, method, status, payload::text FROM outbox ORDER BY id", logger: logger
            )
            var result: [Row] = []
            for try await (bot, chatID, method, status, payload) in rows.decode((String, Int64, String, String, String).self) {
                result.append(Row(bot: bot, chatID: chatID, method: method, status: status, payloadText: payload))
            }
            return result
        }
    }
}
