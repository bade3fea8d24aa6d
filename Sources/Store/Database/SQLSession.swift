import Logging
import PostgresNIO

/// Where a store's statements run: on the pool, where each command leases a connection and opens
/// its own transaction, or inside one transaction the caller opened with `Store.transaction`.
///
/// Every store method is written once against a session; bound to a transaction, the "own
/// transaction" of a command is simply the caller's.
struct SQLSession: Sendable {
    private enum Target: Sendable {
        case pool(Database)
        case transaction(PostgresConnection, TransactionMemo)
    }

    private let target: Target
    let logger: Logger

    static func pool(_ database: Database, logger: Logger) -> SQLSession {
        SQLSession(target: .pool(database), logger: logger)
    }

    static func transaction(_ connection: PostgresConnection, logger: Logger) -> SQLSession {
        SQLSession(target: .transaction(connection, TransactionMemo()), logger: logger)
    }

    /// What the caller's transaction already read; nil on the pool, where every command is a
    /// transaction of its own.
    var memo: TransactionMemo? {
        if case .transaction(_, let memo) = target { return memo }
        return nil
    }

    /// True inside a caller's transaction: a failed statement there aborts the whole transaction,
    /// so a command cannot recover from it on the same connection.
    var isInTransaction: Bool {
        if case .transaction = target { return true }
        return false
    }

    /// Runs reads (or single statements) on a connection: a leased one, or the transaction's.
    func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        switch target {
        case .pool(let database): return try await database.withConnection(logger: logger, body)
        case .transaction(let connection, _): return try await body(connection)
        }
    }

    /// Runs a command that must be atomic: its own transaction on the pool, or the caller's.
    func withTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        switch target {
        case .pool(let database): return try await database.withTransaction(logger: logger, body)
        case .transaction(let connection, _): return try await body(connection)
        }
    }
}
