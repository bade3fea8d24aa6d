import Foundation
import Logging
import PostgresNIO

/// Stored responses of POSTs sent with an `Idempotency-Key`, per API key.
public struct IdempotencyStore: Sendable {
    public enum Claim: Sendable, Equatable {
        /// First time: go ahead, then `complete` (or `release` on failure).
        case proceed
        /// Seen before with the same request: answer with this.
        case replay(status: Int, body: Data)
        /// Seen before with a different request.
        case mismatch
        /// The first request with this key is still running.
        case inFlight
    }

    /// An in-flight record this old belongs to a request whose instance died: longer than any
    /// request may run (nginx gives up after 30 s).
    public static let abandonedAfter: TimeInterval = 35

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public func claim(apiKeyID: Int64, key: String, requestHash: Data, at now: Date, lifetime: TimeInterval) async throws -> Claim {
        try await database.withConnection(logger: logger) { connection in
            // An expired record is forgotten first, so the key can be used again; so is one left in
            // flight by an instance that died mid-request (the engine's own idempotency key makes
            // running such a request again safe for orders).
            let inserted = try await connection.query(
                """
                WITH expired AS (
                    DELETE FROM idempotency_records
                    WHERE api_key_id = \(apiKeyID) AND key = \(key)
                      AND (expires_at <= \(now) OR (status_code IS NULL AND created_at <= \(now.addingTimeInterval(-Self.abandonedAfter))))
                )
                INSERT INTO idempotency_records (api_key_id, key, request_hash, created_at, expires_at)
                VALUES (\(apiKeyID), \(key), \(requestHash), \(now), \(now.addingTimeInterval(lifetime)))
                ON CONFLICT DO NOTHING
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
            if inserted { return .proceed }
            let rows = try await connection.query(
                "SELECT request_hash, status_code, response_body FROM idempotency_records WHERE api_key_id = \(apiKeyID) AND key = \(key)",
                logger: logger
            )
            for try await (hash, status, body) in rows.decode((Data, Int?, Data?).self) {
                guard hash == requestHash else { return .mismatch }
                guard let status else { return .inFlight }
                return .replay(status: status, body: body ?? Data())
            }
            // Deleted between the two statements (expired just now): treat as in flight; a retry works.
            return .inFlight
        }
    }

    public func complete(apiKeyID: Int64, key: String, status: Int, body: Data) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.query(
                "UPDATE idempotency_records SET status_code = \(status), response_body = \(body) WHERE api_key_id = \(apiKeyID) AND key = \(key)",
                logger: logger
            )
        }
    }

    /// Forgets an in-flight record whose request failed without a definite answer, so a retry runs.
    public func release(apiKeyID: Int64, key: String) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.query(
                "DELETE FROM idempotency_records WHERE api_key_id = \(apiKeyID) AND key = \(key) AND status_code IS NULL", logger: logger
            )
        }
    }

    public static func prune(before cutoff: Date, database: Database, logger: Logger) async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.query("DELETE FROM idempotency_records WHERE expires_at < \(cutoff) RETURNING 1", logger: logger).collect().count
        }
    }
}
