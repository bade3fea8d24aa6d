import Foundation
import Logging
import PostgresNIO
import Store

/// Hands each test its own database, cloned from a template that was migrated once per run.
///
/// Cloning (`CREATE DATABASE … TEMPLATE …`) takes milliseconds, so tests run in parallel on
/// their own rows without paying for migrations each time.
public actor TestDatabases {
    public static let shared = TestDatabases()

    private var templateName: String?
    private let logger = Logger(label: "crema.test.databases")

    /// Creates a fresh, fully migrated database and returns its URL.
    public func create() async throws -> DatabaseURL {
        let cluster = try TestEnvironment.clusterURL()
        let template = try await templateDatabase(cluster: cluster)
        let name = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await Self.admin(cluster, logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"), logger: logger)
        }
        return cluster.with(database: String(name))
    }

    /// Creates an empty database (no migrations), for tests of the migrator itself.
    public func createEmpty() async throws -> DatabaseURL {
        let cluster = try TestEnvironment.clusterURL()
        let name = "empty_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await Self.admin(cluster, logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        return cluster.with(database: String(name))
    }

    public func drop(_ url: DatabaseURL) async throws {
        let cluster = try TestEnvironment.clusterURL()
        try await Self.admin(cluster, logger: logger) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)"), logger: logger)
        }
    }

    private func templateDatabase(cluster: DatabaseURL) async throws -> String {
        if let templateName { return templateName }
        let migrations = try Migration.bundled()
        // The name carries the migrations' fingerprint, so a changed migration gets a new template.
        let fingerprint = Migration(version: 0, name: "all", sql: migrations.map(\.checksum).joined()).checksum.prefix(12)
        let name = "crema_template_\(fingerprint)"

        let exists = try await Self.admin(cluster, logger: logger) { connection in
            try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger).collect().count == 1
        }
        if !exists {
            // Build under a temporary name and rename when complete, so a half-built template is never used.
            let building = "\(name)_building_\(ProcessInfo.processInfo.processIdentifier)"
            try await Self.admin(cluster, logger: logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(building)"), logger: logger)
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(building)"), logger: logger)
            }
            try await RunningDatabase.with(url: cluster.with(database: building)) { database in
                try await Migrator(migrations: migrations).migrate(on: database, logger: logger)
            }
            try await Self.admin(cluster, logger: logger) { connection in
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(building) RENAME TO \(name)"), logger: logger)
            }
        }
        templateName = name
        return name
    }

    /// Runs `body` on a one-off connection to the cluster's `postgres` database.
    static func admin<Result: Sendable>(
        _ cluster: DatabaseURL,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let configuration = PostgresConnection.Configuration(
            host: cluster.host, port: cluster.port, username: cluster.username,
            password: cluster.password, database: cluster.database, tls: .disable
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Runs a `Database` (its PostgreSQL client) for the length of a closure.
public enum RunningDatabase {
    public static func make(url: DatabaseURL, maximumConnections: Int = 10) -> Database {
        let client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: maximumConnections))
        return Database(client: client, maximumConnections: maximumConnections)
    }

    public static func with<Result: Sendable>(
        url: DatabaseURL,
        maximumConnections: Int = 10,
        _ body: @Sendable (Database) async throws -> Result
    ) async throws -> Result {
        let database = make(url: url, maximumConnections: maximumConnections)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }
}

/// Gives `body` a fresh migrated database and drops it afterwards, whatever happens.
public func withTestDatabase<Result: Sendable>(
    empty: Bool = false,
    _ body: @Sendable (DatabaseURL) async throws -> Result
) async throws -> Result {
    let url = empty ? try await TestDatabases.shared.createEmpty() : try await TestDatabases.shared.create()
    do {
        let result = try await body(url)
        try await TestDatabases.shared.drop(url)
        return result
    } catch {
        try? await TestDatabases.shared.drop(url)
        throw error
    }
}
