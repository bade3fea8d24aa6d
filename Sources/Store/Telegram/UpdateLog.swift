import Foundation
import Logging
import PostgresNIO

/// The record of processed Telegram updates, keyed by `(bot, update_id)`.
public struct UpdateLog: SessionStore {
    let session: SQLSession

    /// Records the update, inside the caller's transaction (`tx.updates`). False when it was
    /// recorded before: a redelivery, or a concurrent duplicate whose transaction committed first
    /// (the insert waits for it, then finds the row).
    public func record(bot: OutboxStore.Bot, updateID: Int64, kind: String, at now: Date) async throws -> Bool {
        try await session.withConnection { connection in
            try await connection.run(
                """
                INSERT INTO telegram_updates (bot, update_id, kind, received_at)
                VALUES (\(bot.rawValue), \(updateID), \(String(kind.prefix(40))), \(now))
                ON CONFLICT DO NOTHING
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    /// Forgets updates older than Telegram's redelivery window; returns how many went.
    public func prune(olderThan cutoff: Date) async throws -> Int {
        try await session.withConnection { connection in
            try await connection.run(
                "DELETE FROM telegram_updates WHERE received_at < \(cutoff) RETURNING 1", logger: logger
            ).collect().count
        }
    }
}
