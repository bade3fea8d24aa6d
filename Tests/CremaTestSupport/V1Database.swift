import Foundation
import Logging
import PostgresNIO
import Store

/// A database of the original system (v1), with its exact schema (`Tests/Fixtures/v1/schema.sql`,
/// copied from the product's shared description) and the rows a test puts in it.
public enum V1Database {
    /// Creates the v1 database, runs `statements` in it, and drops it after `body`.
    public static func with<Result: Sendable>(
        _ statements: [String], _ body: @Sendable (DatabaseURL) async throws -> Result
    ) async throws -> Result {
        try await withTestDatabase(empty: true) { url in
            let schema = try String(contentsOf: Fixtures.directory.appendingPathComponent("v1/schema.sql"), encoding: .utf8)
            try await execute(Self.split(schema) + statements, on: url)
            return try await body(url)
        }
    }

    /// The statements of `Tests/Fixtures/v1/generate.sql` for a café of that size.
    public static func generated(guests: Int, orders: Int) throws -> [String] {
        let script = try String(contentsOf: Fixtures.directory.appendingPathComponent("v1/generate.sql"), encoding: .utf8)
        return split(
            script.replacingOccurrences(of: ":guests", with: String(guests)).replacingOccurrences(of: ":orders", with: String(orders)))
    }

    /// The fixture scripts hold no functions or quoted semicolons: a semicolon at a line's end ends a statement.
    static func split(_ script: String) -> [String] {
        script.components(separatedBy: ";\n")
            .map { $0.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n") }
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    static func execute(_ statements: [String], on url: DatabaseURL) async throws {
        let logger = Logger(label: "crema.test.v1")
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            for statement in statements {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
            }
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
