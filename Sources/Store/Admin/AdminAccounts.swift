import Domain
import Foundation
import Logging
import PostgresNIO

/// Admin accounts. Passwords arrive already hashed (bcrypt is the caller's job, off the event loop).
public struct AdminAccounts: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Creates the account, or for an existing email sets a new password, role and location and
    /// ends its sessions: `crema create-admin` is also how a lost password is reset. With a
    /// `locationSlug` the admin manages that location only (never an owner).
    @discardableResult
    public func createOrReset(
        email: String, passwordHash: String, role: AdminRole, locationSlug: String? = nil, at now: Date
    ) async throws -> (id: Int64, created: Bool) {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await database.withTransaction(logger: logger) { connection in
            let row = try await connection.run(
                """
                INSERT INTO admins (email, password_hash, role, location_id, created_at, password_changed_at)
                SELECT \(email), \(passwordHash), \(role.rawValue), l.id, \(now), \(now)
                FROM (SELECT NULL) AS chain LEFT JOIN locations l ON l.slug = \(locationSlug) AND l.archived_at IS NULL
                WHERE \(locationSlug)::text IS NULL OR l.id IS NOT NULL
                ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role,
                    location_id = EXCLUDED.location_id, active = true, password_changed_at = EXCLUDED.password_changed_at
                RETURNING id, (xmax = 0)
                """,
                logger: logger
            ).collect().first
            guard let (id, created) = try row?.decode((Int64, Bool).self) else { throw AdminAccountError.unknownLocation }
            try await connection.run("DELETE FROM admin_sessions WHERE admin_id = \(id)", logger: logger)
            try await connection.run(
                """
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                VALUES (\(now), 'system', 'cli', \(created ? "admin.created" : "admin.password_reset"), 'admin', \(String(id)),
                        jsonb_build_object('email', \(email)::text, 'role', \(role.rawValue)::text))
                """,
                logger: logger
            )
            return (id, created)
        }
    }

    /// The account and its password hash, for the login check.
    public func credentials(email: String) async throws -> (account: AdminAccount, passwordHash: String)? {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        return try await database.withConnection(logger: logger) { connection in
            let row = try await connection.run(
                "SELECT id, email, role, active, language, location_id, password_hash FROM admins WHERE email = \(email)", logger: logger
            ).collect().first
            guard
                let (id, email, role, active, language, locationID, hash) = try row?.decode(
                    (Int64, String, String, Bool, String, Int64?, String).self)
            else {
                return nil
            }
            let account = AdminAccount(
                id: id, email: email, role: AdminRole(rawValue: role) ?? .viewer, active: active,
                language: Language(rawValue: language) ?? .ru, locationID: locationID)
            return (account, hash)
        }
    }

    /// Remembers the panel's language for the account.
    public func setLanguage(_ language: Language, adminID: Int64) async throws {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("UPDATE admins SET language = \(language.rawValue) WHERE id = \(adminID)", logger: logger)
        }
    }

    public func count() async throws -> Int {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("SELECT count(*)::int FROM admins", logger: logger).collect().first?.decode(Int.self) ?? 0
        }
    }
}

public enum AdminAccountError: Error, Equatable {
    /// No open location has the slug given.
    case unknownLocation
}
