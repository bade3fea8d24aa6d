import Crypto
import Domain
import Foundation
import Logging
import PostgresNIO

/// Admin sessions in PostgreSQL, so every instance sees the same ones. The cookie holds a random
/// id; the table holds its SHA-256, so a leaked table opens no session.
public struct AdminSessions: Sendable {
    public struct Lifetime: Sendable {
        public var idle: TimeInterval
        public var absolute: TimeInterval

        public init(idle: TimeInterval, absolute: TimeInterval) {
            self.idle = idle
            self.absolute = absolute
        }
    }

    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public static func hash(_ id: String) -> Data { Data(SHA256.hash(data: Data(id.utf8))) }

    /// The session lifetimes from the settings.
    public func lifetime() async throws -> Lifetime {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT coalesce((SELECT (value #>> '{}')::int FROM settings WHERE key = 'admin_session_idle_minutes'), 30),
                       coalesce((SELECT (value #>> '{}')::int FROM settings WHERE key = 'admin_session_absolute_hours'), 12)
                """,
                logger: logger
            ).collect()
            let (idle, absolute) = try rows.first?.decode((Int, Int).self) ?? (30, 12)
            return Lifetime(idle: TimeInterval(idle * 60), absolute: TimeInterval(absolute * 3600))
        }
    }

    public func start(id: String, csrfToken: String, adminID: Int64, userAgent: String?, at now: Date) async throws {
        let lifetime = try await lifetime()
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                WITH expired AS (DELETE FROM admin_sessions WHERE admin_id = \(adminID) AND expires_at <= \(now))
                INSERT INTO admin_sessions (id_hash, admin_id, csrf_token, created_at, last_seen_at, expires_at, user_agent)
                VALUES (\(Self.hash(id)), \(adminID), \(csrfToken), \(now), \(now), \(now.addingTimeInterval(lifetime.absolute)),
                        \(userAgent.map { String($0.prefix(300)) }))
                """,
                logger: logger
            )
        }
    }

    /// The live session for the cookie's id, marked seen; nil when unknown, idle too long,
    /// past its absolute expiry or its account was deactivated.
    /// Every admin page calls this, so the idle limit is read in the same statement.
    public func resume(id: String, at now: Date) async throws -> AdminSession? {
        try await database.withConnection(logger: logger) { connection in
            let row = try await connection.run(
                """
                UPDATE admin_sessions s SET last_seen_at = \(now)
                FROM admins a
                WHERE s.id_hash = \(Self.hash(id)) AND a.id = s.admin_id AND a.active
                  AND s.expires_at > \(now)
                  AND s.last_seen_at > \(now)::timestamptz - make_interval(mins => coalesce(
                      (SELECT (value #>> '{}')::int FROM settings WHERE key = 'admin_session_idle_minutes'), 30))
                RETURNING a.id, a.email, a.role, a.language, a.location_id, s.csrf_token, s.created_at
                """,
                logger: logger
            ).collect().first
            guard
                let (adminID, email, role, language, locationID, csrf, created) = try row?.decode(
                    (Int64, String, String, String, Int64?, String, Date).self)
            else {
                return nil
            }
            let account = AdminAccount(
                id: adminID, email: email, role: AdminRole(rawValue: role) ?? .viewer, active: true,
                language: Language(rawValue: language) ?? .ru, locationID: locationID)
            return AdminSession(account: account, csrfToken: csrf, createdAt: created)
        }
    }

    public func end(id: String) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("DELETE FROM admin_sessions WHERE id_hash = \(Self.hash(id))", logger: logger)
        }
    }

    /// "Log out everywhere": every session of the account ends.
    public func endAll(adminID: Int64) async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("DELETE FROM admin_sessions WHERE admin_id = \(adminID) RETURNING 1", logger: logger).collect().count
        }
    }

    public static func prune(before cutoff: Date, database: Database, logger: Logger) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("DELETE FROM admin_sessions WHERE expires_at < \(cutoff)", logger: logger)
        }
    }
}
