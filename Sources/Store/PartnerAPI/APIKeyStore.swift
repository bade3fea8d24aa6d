import Crypto
import Foundation
import Logging
import PostgresNIO

/// A partner's API key as a request sees it once authenticated.
public struct APIKey: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var prefix: String
    public var scopes: Set<String>
    public var locationID: Int64
    public var revoked: Bool
}

/// Partner API keys: created with a secret shown once, stored as SHA-256, revocable.
public struct APIKeyStore: Sendable {
    public static let scopes: Set<String> = [
        "customers:read", "customers:write", "codes:write", "orders:read", "orders:write",
        "feedback:write", "gifts:read", "gifts:write", "analytics:read",
    ]

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Stores a new key made of `prefix` and `secret`; returns the full key to show once.
    public func create(
        name: String, scopes: Set<String>, locationSlug: String, prefix: String, secret: String, createdBy: String, at now: Date
    ) async throws -> (id: Int64, key: String)? {
        let key = "\(prefix)_\(secret)"
        let id = try await database.withConnection(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO api_keys (name, prefix, secret_hash, scopes, location_id, created_by, created_at)
                SELECT \(name), \(prefix), \(Self.hash(key)), \(scopes.sorted()), id, \(createdBy), \(now)
                FROM locations WHERE slug = \(locationSlug)
                RETURNING id
                """,
                logger: logger
            ).collect().first?.decode(Int64.self)
        }
        return id.map { ($0, key) }
    }

    /// The key behind a bearer token, or nil for an unknown one. Marks it used (at most once a
    /// minute, so busy keys do not write on every request).
    public func authenticate(_ token: String, at now: Date) async throws -> APIKey? {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.query(
                """
                WITH found AS (
                    SELECT id, name, prefix, scopes, location_id, revoked_at IS NOT NULL AS revoked
                    FROM api_keys WHERE secret_hash = \(Self.hash(token))
                ), touched AS (
                    UPDATE api_keys SET last_used_at = \(now)
                    WHERE id = (SELECT id FROM found WHERE NOT revoked)
                      AND (last_used_at IS NULL OR last_used_at < \(now.addingTimeInterval(-60)))
                )
                SELECT id, name, prefix, scopes, location_id, revoked FROM found
                """,
                logger: logger
            )
            for try await (id, name, prefix, scopes, location, revoked) in rows.decode((Int64, String, String, [String], Int64, Bool).self) {
                return APIKey(id: id, name: name, prefix: prefix, scopes: Set(scopes), locationID: location, revoked: revoked)
            }
            return nil
        }
    }

    public struct Listed: Sendable {
        public var id: Int64
        public var name: String
        public var prefix: String
        public var scopes: [String]
        public var createdAt: Date
        public var lastUsedAt: Date?
        public var revokedAt: Date?
    }

    public func list() async throws -> [Listed] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT id, name, prefix, scopes, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id", logger: logger
            )
            var keys: [Listed] = []
            for try await row in rows.decode((Int64, String, String, [String], Date, Date?, Date?).self) {
                keys.append(Listed(id: row.0, name: row.1, prefix: row.2, scopes: row.3, createdAt: row.4, lastUsedAt: row.5, revokedAt: row.6))
            }
            return keys
        }
    }

    /// Revokes by prefix; false when no active key has it.
    public func revoke(prefix: String, by actor: String, at now: Date) async throws -> Bool {
        try await database.withConnection(logger: logger) { connection in
            try await connection.query(
                """
                WITH revoked AS (
                    UPDATE api_keys SET revoked_at = \(now) WHERE prefix = \(prefix) AND revoked_at IS NULL RETURNING id
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id)
                SELECT \(now), 'admin', \(actor), 'api_key.revoked', 'api_key', id::text FROM revoked
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
    }

    static func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }
}
