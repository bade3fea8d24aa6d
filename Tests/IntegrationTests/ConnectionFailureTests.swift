import CremaTestSupport
import Foundation
import Logging
import PostgresNIO
import Store
import Testing

/// What PostgreSQL says while it shuts down or restarts counts as "unreachable, retry", never as
/// a refused statement: the API answers 503 for it, not 400 or 500.
@Suite struct ConnectionFailureTests {
    let logger = Logger(label: "test.connection-failure")

    @Test func aBackendTerminatedByTheServerIsAConnectionFailure() async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                var caught: (any Error)?
                do {
                    try await database.withConnection(logger: logger) { connection in
                        _ = try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: logger).collect()
                    }
                } catch {
                    caught = error
                }
                let failure = try #require(caught)
                #expect(failure.isConnectionFailure, "\(String(reflecting: failure))")
            }
        }
    }

    @Test func aRefusedStatementIsNotAConnectionFailure() async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                var caught: (any Error)?
                do {
                    try await database.withConnection(logger: logger) { connection in
                        _ = try await connection.query("SELECT 1 / 0", logger: logger).collect()
                    }
                } catch {
                    caught = error
                }
                let failure = try #require(caught)
                #expect(!failure.isConnectionFailure)
            }
        }
    }
}
