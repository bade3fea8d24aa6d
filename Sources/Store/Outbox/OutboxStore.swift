import Domain
import Foundation
import Logging
import PostgresNIO

/// A message waiting in the outbox.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var chatID: Int64
    public var customerID: Int64?
    public var method: String
    /// Either a rendered Bot API body or a `Notice` to render.
    public var payload: Data
    public var attempts: Int
    /// The reader's language, for a notification.
    public var language: Language?
    /// A broadcast's message, sent after every transactional one that is due.
    public var promotional: Bool

    public init(
        id: Int64, chatID: Int64, customerID: Int64?, method: String, payload: Data, attempts: Int, language: Language? = nil,
        promotional: Bool = false
    ) {
        self.id = id
        self.chatID = chatID
        self.customerID = customerID
        self.method = method
        self.payload = payload
        self.attempts = attempts
        self.language = language
        self.promotional = promotional
    }
}

/// The outbox's SQL: claiming due rows for one bot, and recording each row's fate.
///
/// Claiming pushes a row's `next_attempt_at` out by a lease instead of changing its status, so a
/// sender that dies mid-batch leaves its rows to be claimed again after the lease.
public struct OutboxStore: Sendable {
    public enum Bot: String, Sendable, CaseIterable {
        case client, staff
    }

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Up to `limit` due rows of `bot`: transactional ones (receipts, gifts, alerts) first, then
    /// promotional ones, each oldest first; rows of guests marked unreachable are skipped on the
    /// way. One statement: only the rows it takes are looked at, however many are waiting behind
    /// them (a broadcast queues one per guest), so a receipt never waits for a broadcast. A chat's
    /// next message of a lane is taken only once the one before it has left, so however the
    /// per-chat pace puts messages off, they arrive in the order they were queued.
    public func claimDue(bot: Bot, limit: Int, now: Date, lease: TimeInterval = 30) async throws -> [OutboxItem] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                WITH due AS (
                    SELECT o.id, o.next_attempt_at AS due_at, c.unreachable_at IS NOT NULL AS unreachable
                    FROM outbox o LEFT JOIN customers c ON c.id = o.customer_id
                    WHERE o.status = 'pending' AND o.bot = \(bot.rawValue) AND o.next_attempt_at <= \(now)
                      -- A chat's messages keep their order within a lane (a receipt may still pass a
                      -- broadcast); a button's answer is not a message and never waits.
                      AND (o.method = 'answerCallbackQuery' OR NOT EXISTS (
                          SELECT 1 FROM outbox e
                          WHERE e.bot = o.bot AND e.chat_id = o.chat_id AND e.kind = o.kind AND e.status = 'pending'
                            AND e.id < o.id AND e.method <> 'answerCallbackQuery'))
                    ORDER BY (o.kind = 'promotional'), o.next_attempt_at, o.id
                    LIMIT \(limit)
                    FOR UPDATE OF o SKIP LOCKED
                ), skipped AS (
                    UPDATE outbox o SET status = 'skipped', last_error = 'guest unreachable'
                    FROM due WHERE o.id = due.id AND due.unreachable
                ), claimed AS (
                    UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = \(now.addingTimeInterval(lease))
                    FROM due WHERE o.id = due.id AND NOT due.unreachable
                    RETURNING o.id, o.chat_id, o.customer_id, o.method, o.payload::text AS payload, o.attempts, o.language,
                              o.kind = 'promotional' AS promotional, due.due_at
                )
                -- An UPDATE returns rows in no particular order: one chat's messages must leave in theirs.
                SELECT id, chat_id, customer_id, method, payload, attempts, language, promotional
                FROM claimed ORDER BY promotional, due_at, id
                """,
                logger: logger
            )
            var items: [OutboxItem] = []
            for try await (id, chatID, customerID, method, payload, attempts, language, promotional) in rows.decode(
                (Int64, Int64, Int64?, String, String, Int, String?, Bool).self
            ) {
                items.append(
                    OutboxItem(
                        id: id, chatID: chatID, customerID: customerID, method: method, payload: Data(payload.utf8), attempts: attempts,
                        language: language.flatMap(Language.init(rawValue:)), promotional: promotional
                    ))
            }
            return items.sorted { ($0.promotional ? 1 : 0, $0.id) < ($1.promotional ? 1 : 0, $1.id) }
        }
    }

    public func markSent(_ id: Int64, at now: Date) async throws {
        try await update("UPDATE outbox SET status = 'sent', sent_at = \(now), last_error = NULL WHERE id = \(id)")
    }

    public func markFailed(_ id: Int64, reason: String) async throws {
        try await update("UPDATE outbox SET status = 'failed', last_error = \(String(reason.prefix(500))) WHERE id = \(id)")
    }

    /// Puts a row back to be tried at `date`; a 429 pause does not count as an attempt.
    public func retry(_ id: Int64, at date: Date, reason: String, countsAsAttempt: Bool = true) async throws {
        try await update(
            """
            UPDATE outbox SET next_attempt_at = \(date), last_error = \(String(reason.prefix(500))),
                              attempts = attempts - CASE WHEN \(countsAsAttempt) THEN 0 ELSE 1 END
            WHERE id = \(id)
            """
        )
    }

    /// The guest blocked the bot (403): this row and their later ones are skipped until they
    /// write to the bot again.
    public func markUnreachable(_ item: OutboxItem, reason: String, at now: Date) async throws {
        try await database.withTransaction(logger: logger) { connection in
            try await connection.run(
                "UPDATE outbox SET status = 'skipped', last_error = \(String(reason.prefix(500))) WHERE id = \(item.id)", logger: logger
            )
            if let customerID = item.customerID {
                try await connection.run(
                    "UPDATE customers SET unreachable_at = \(now) WHERE id = \(customerID) AND unreachable_at IS NULL", logger: logger
                )
            }
        }
    }

    private func update(_ query: PostgresQuery) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(query, logger: logger)
        }
    }

    /// Holds PostgreSQL's session advisory lock for `bot`'s sender while `body` runs, or returns
    /// nil at once when another instance holds it: one sender per bot across all instances.
    ///
    /// The lock lives as long as the session that took it, so a heartbeat on that session runs
    /// beside `body`: when PostgreSQL restarts or the connection breaks, the lock is gone, `body`
    /// is cancelled and the error comes out, and the caller competes for the lock again.
    public func whileLeader<Result: Sendable>(
        of bot: Bot, heartbeat: Duration = .seconds(2), _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result? {
        let key = Int64(0x6372_656D_615F_6F00) + Int64(Bot.allCases.firstIndex(of: bot)!)
        let logger = self.logger
        return try await database.withConnection(logger: logger) { connection in
            let acquired =
                try await connection.run("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                .collect().first?.decode(Bool.self) ?? false
            guard acquired else { return nil }
            do {
                let result = try await withThrowingTaskGroup(of: Result?.self) { group in
                    group.addTask { try await body() }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: heartbeat)
                            // A query on a connection that already closed may never answer, so look first.
                            guard !connection.isClosed else { throw LeadershipLost() }
                            _ = try await connection.run("SELECT 1", logger: logger).collect()
                        }
                    }
                    defer { group.cancelAll() }
                    guard let first = try await group.next(), let value = first else { throw CancellationError() }
                    return value
                }
                if !connection.isClosed {
                    _ = try? await connection.run("SELECT pg_advisory_unlock(\(key))", logger: logger)
                }
                return result
            } catch  where error.isConnectionFailure || error is LeadershipLost || connection.isClosed {
                // The session and its lock are gone: nothing to unlock.
                throw error
            } catch {
                _ = try? await connection.run("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
        }
    }
}

/// The session holding a leader's advisory lock ended, and the lock with it.
public struct LeadershipLost: Error, CustomStringConvertible {
    public var description: String { "the connection holding the leader lock closed" }
}

extension OutboxStore {
    /// True while `bot` has rows that are neither sent nor given up on.
    public func hasPending(bot: Bot) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE status = 'pending' AND bot = \(bot.rawValue))", logger: logger
            ).collect().first?.decode(Bool.self) ?? false
        }
    }
}

extension OutboxStore {
    /// Deletes sent, failed and skipped rows created before `cutoff`. A broadcast's rows go only
    /// once it finished, when its counts are kept on the broadcast itself.
    public func prune(before cutoff: Date) async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                DELETE FROM outbox o
                WHERE o.status <> 'pending' AND o.created_at < \(cutoff)
                  AND (o.broadcast_id IS NULL
                       OR EXISTS (SELECT 1 FROM broadcasts b WHERE b.id = o.broadcast_id AND b.finished_at IS NOT NULL))
                RETURNING 1
                """,
                logger: logger
            ).collect().count
        }
    }
}
