import Foundation
import Logging
import PostgresNIO

/// The record of processed Telegram updates, keyed by `(bot, update_id)`.
public enum UpdateLog {
    /// Records the update inside the caller's transaction. False when it was recorded before: a
    /// redelivery, or a concurrent duplicate whose transaction committed first (the insert waits
    /// for it, then finds the row).
    public static func record(
        bot: OutboxStore.Bot, updateID: Int64, kind: String, at now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.query(
            """
            INSERT INTO telegram_updates (bot, update_id, kind, received_at)
            VALUES (\(bot.rawValue), \(updateID), \(String(kind.prefix(40))), \(now))
            ON CONFLICT DO NOTHING
            RETURNING 1
            """,
            logger: logger
        ).collect().count == 1
    }

    /// Forgets updates older than Telegram's redelivery window; returns how many went.
    public static func prune(olderThan cutoff: Date, database: Database, logger: Logger) async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.query(
                "DELETE FROM telegram_updates WHERE received_at < \(cutoff) RETURNING 1", logger: logger
            ).collect().count
        }
    }
}
