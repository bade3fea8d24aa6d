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

    /// What a request with a key left: its fingerprint, and its answer once it has one.
    public struct Record: Sendable, Equatable {
        public var requestHash: Data
        public var status: Int?
        public var body: Data?
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

    /// Records the first use of `key`, kept for the `idempotency_key_hours` setting (24 when
    /// unset), or tells what an earlier use of it left.
    public func claim(apiKeyID: Int64, key: String, requestHash: Data, at now: Date) async throws -> Claim {
        try await database.withConnection(logger: logger) { connection in
            let statement = ClaimIdempotencyKey(
                apiKeyID: apiKeyID, key: key, requestHash: requestHash, now: now,
                abandonedBefore: now.addingTimeInterval(-Self.abandonedAfter)
            )
            if try await connection.run(statement, logger: logger).first(where: { _ in true }) != nil { return .proceed }
            let rows = try await connection.run(
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
            _ = try await connection.run(
                CompleteIdempotencyKey(apiKeyID: apiKeyID, key: key, status: status, body: body), logger: logger
            )
        }
    }

    /// Keeps a finished answer in one write, for operations that do not claim their key first
    /// (the sale, whose order carries the key itself). A live record is left as it is; an expired one is replaced.
    public func record(apiKeyID: Int64, key: String, requestHash: Data, status: Int, body: Data, at now: Date) async throws {
        try await database.withConnection(logger: logger) { connection in
            _ = try await connection.run(
                RecordIdempotentAnswer(apiKeyID: apiKeyID, key: key, requestHash: requestHash, status: status, body: body, now: now),
                logger: logger)
        }
    }

    /// Forgets an in-flight record whose request failed without a definite answer, so a retry runs.
    public func release(apiKeyID: Int64, key: String) async throws {
        try await database.withConnection(logger: logger) { connection in
            _ = try await connection.run(
                "DELETE FROM idempotency_records WHERE api_key_id = \(apiKeyID) AND key = \(key) AND status_code IS NULL", logger: logger
            )
        }
    }

    public static func prune(before cutoff: Date, database: Database, logger: Logger) async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("DELETE FROM idempotency_records WHERE expires_at < \(cutoff) RETURNING 1", logger: logger).collect()
                .count
        }
    }
}

/// Inserts the in-flight record, first forgetting an expired one, or one left in flight by an
/// instance that died mid-request (the engine's own idempotency key makes running such a
/// request again safe for orders). Returns a row only when the record is new.
struct ClaimIdempotencyKey: PostgresPreparedStatement {
    static let sql = """
        WITH expired AS (
            DELETE FROM idempotency_records
            WHERE api_key_id = $1 AND key = $2 AND (expires_at <= $4 OR (status_code IS NULL AND created_at <= $5))
        )
        INSERT INTO idempotency_records (api_key_id, key, request_hash, created_at, expires_at)
        VALUES ($1, $2, $3, $4,
                $4 + make_interval(hours => coalesce((SELECT (value #>> '{}')::int FROM settings WHERE key = 'idempotency_key_hours'), 24)))
        ON CONFLICT DO NOTHING
        RETURNING 1
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .text, .bytea, .timestamptz, .timestamptz]

    var apiKeyID: Int64
    var key: String
    var requestHash: Data
    var now: Date
    var abandonedBefore: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(apiKeyID)
        bindings.append(key)
        try bindings.append(requestHash)
        bindings.append(now)
        bindings.append(abandonedBefore)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Int { try row.decode(Int.self) }
}

struct CompleteIdempotencyKey: PostgresPreparedStatement {
    typealias Row = ()
    static let sql = "UPDATE idempotency_records SET status_code = $3, response_body = $4 WHERE api_key_id = $1 AND key = $2"
    static let bindingDataTypes: [PostgresDataType] = [.int8, .text, .int4, .bytea]

    var apiKeyID: Int64
    var key: String
    var status: Int
    var body: Data

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(apiKeyID)
        bindings.append(key)
        bindings.append(Int32(status))
        try bindings.append(body)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws {}
}

struct RecordIdempotentAnswer: PostgresPreparedStatement {
    typealias Row = ()
    static let sql = """
        INSERT INTO idempotency_records (api_key_id, key, request_hash, status_code, response_body, created_at, expires_at)
        VALUES ($1, $2, $3, $4, $5, $6,
                $6 + make_interval(hours => coalesce((SELECT (value #>> '{}')::int FROM settings WHERE key = 'idempotency_key_hours'), 24)))
        ON CONFLICT (api_key_id, key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, status_code = EXCLUDED.status_code, response_body = EXCLUDED.response_body,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
            WHERE idempotency_records.expires_at <= EXCLUDED.created_at
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .text, .bytea, .int4, .bytea, .timestamptz]

    var apiKeyID: Int64
    var key: String
    var requestHash: Data
    var status: Int
    var body: Data
    var now: Date

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 6)
        bindings.append(apiKeyID)
        bindings.append(key)
        try bindings.append(requestHash)
        bindings.append(Int32(status))
        try bindings.append(body)
        bindings.append(now)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws {}
}
