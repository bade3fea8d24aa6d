import CremaTestSupport
import Domain
import Logging
import PostgresNIO
import Testing

@testable import Store

/// Statements prepared once per connection: PostgresNIO keeps a failed preparation for the
/// connection's life, so a connection whose preparation failed is closed rather than lent again.
/// One connection in the pool makes "lent again" certain.
@Suite struct PlannedStatementTests {
    @Test func aPreparationRefusedInAFailedTransactionLeavesNoSpoiledConnection() async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url, maximumConnections: 1) { database in
                let logger = Logger(label: "crema.test.planned")
                let store = Store(database: database, logger: logger) { PaymentCode(number: 123_456) }
                await #expect(throws: PSQLError.self) {
                    try await store.transaction { tx in
                        // A failure the code moved past, then a statement not yet prepared here.
                        _ = try? await tx.session.withConnection { try await $0.run("SELECT 1 / 0", logger: logger).collect() }
                        return try await tx.settings()
                    }
                }
                var lifetimes: [Int] = []
                for _ in 0..<3 { lifetimes.append(try await store.pool.settings().codeLifetimeSeconds) }
                #expect(lifetimes == [90, 90, 90])
            }
        }
    }

    @Test func aStatementWhoseTableWentAwayWorksAgainOnceItIsBack() async throws {
        try await withTestDatabase { url in
            try await RunningDatabase.with(url: url, maximumConnections: 1) { database in
                let logger = Logger(label: "crema.test.planned")
                let store = Store(database: database, logger: logger) { PaymentCode(number: 123_456) }
                _ = try await database.withConnection(logger: logger) {
                    try await $0.run("ALTER TABLE settings RENAME TO settings_away", logger: logger)
                }
                await #expect(throws: PSQLError.self) { try await store.pool.settings() }
                _ = try await database.withConnection(logger: logger) {
                    try await $0.run("ALTER TABLE settings_away RENAME TO settings", logger: logger)
                }
                #expect(try await store.pool.settings().codeLifetimeSeconds == 90)
            }
        }
    }
}
