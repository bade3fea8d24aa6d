import CremaTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Store

/// PostgreSQL may end a session between two statements of one command (a restart, a terminated
/// backend). The next statement must fail at once; PostgresNIO alone would drop it unanswered.
@Suite struct ClosedConnectionTests {
    let logger = Logger(label: "test.closed-connection")

    @Test func aStatementAfterTheServerEndedTheSessionFailsAtOnce() async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url) { database in
                var closedAt = ContinuousClock.now
                var caught: (any Error)?
                do {
                    try await database.withTransaction(logger: logger) { connection in
                        let ownPID: PostgresQuery = "SELECT pg_backend_pid()"
                        let pid = try await connection.run(ownPID, logger: logger).collect()[0].decode(Int32.self)
                        // Another session ends this one while the command is between statements.
                        try await database.withConnection(logger: logger) { other in
                            try await other.run("SELECT pg_terminate_backend(\(pid))", logger: logger).collect()
                        }
                        let deadline = ContinuousClock.now + .seconds(30)
                        while !connection.isClosed, ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                        try #require(connection.isClosed)
                        closedAt = ContinuousClock.now
                        _ = try await connection.run("SELECT 1", logger: logger).collect()
                    }
                } catch {
                    caught = error
                }
                let failure = try #require(caught)
                #expect(failure is ConnectionClosed, "\(String(reflecting: failure))")
                #expect(failure.isConnectionFailure)
                #expect(ContinuousClock.now - closedAt < .seconds(5), "the statement on the closed connection was not refused at once")
                // The pool lends a working connection afterwards.
                let one = try await database.withConnection(logger: logger) { connection in
                    let selectOne: PostgresQuery = "SELECT 1"
                    return try await connection.run(selectOne, logger: logger).collect().map { try $0.decode(Int.self) }
                }
                #expect(one == [1])
            }
        }
    }
}
