import Logging
import PostgresNIO

/// Applies the bundled migrations in order, each in its own transaction, recorded with its
/// checksum in `schema_migrations`.
///
/// A session-level advisory lock makes concurrent starts safe: the second instance waits,
/// then finds nothing left to do.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: "crema-migrations" folded into 64 bits.
    static let advisoryLockKey: Int64 = 0x6372_656D_615F_6D67

    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations
    }

    public struct Status: Sendable, Equatable {
        public var applied: [String]
        public var pending: [String]
        public var edited: [String]

        public var isCurrent: Bool { pending.isEmpty && edited.isEmpty }
    }

    /// What the database has applied compared with this build, without changing anything.
    public func status(on database: Database, logger: Logger) async throws -> Status {
        try await database.withConnection(logger: logger) { connection in
            try await self.status(on: connection, logger: logger)
        }
    }

    /// Throws when the database is not exactly at this build's schema.
    public func verify(on database: Database, logger: Logger) async throws {
        let status = try await status(on: database, logger: logger)
        if let edited = status.edited.first { throw MigrationError.edited(name: edited) }
        if !status.pending.isEmpty { throw MigrationError.pending(names: status.pending) }
    }

    /// Applies what is pending and returns the names it applied (empty when already current).
    @discardableResult
    public func migrate(on database: Database, logger: Logger) async throws -> [String] {
        try await database.withConnection(logger: logger) { connection in
            try await connection.run("SELECT pg_advisory_lock(\(Self.advisoryLockKey))", logger: logger)
            do {
                let applied = try await self.applyPending(on: connection, logger: logger)
                try await connection.run("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                return applied
            } catch {
                _ = try? await connection.run("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))", logger: logger)
                throw error
            }
        }
    }

    private func applyPending(on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.run(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """,
            logger: logger
        )
        let status = try await self.status(on: connection, logger: logger)
        if let edited = status.edited.first { throw MigrationError.edited(name: edited) }

        var appliedNow: [String] = []
        for migration in migrations where status.pending.contains(migration.name) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in SQLScript.statements(in: migration.sql) {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.run(
                    """
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """,
                    logger: logger
                )
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            appliedNow.append(migration.name)
        }
        return appliedNow
    }

    private func status(on connection: PostgresConnection, logger: Logger) async throws -> Status {
        let tableExists =
            try await connection.run(
                "SELECT to_regclass('schema_migrations') IS NOT NULL",
                logger: logger
            ).collect().first?.decode(Bool.self) ?? false

        var recorded: [Int: String] = [:]
        if tableExists {
            let rows = try await connection.run("SELECT version, checksum FROM schema_migrations", logger: logger)
            for try await (version, checksum) in rows.decode((Int, String).self) {
                recorded[version] = checksum
            }
        }

        var status = Status(applied: [], pending: [], edited: [])
        for migration in migrations {
            switch recorded[migration.version] {
            case nil: status.pending.append(migration.name)
            case migration.checksum: status.applied.append(migration.name)
            default: status.edited.append(migration.name)
            }
        }
        return status
    }
}
