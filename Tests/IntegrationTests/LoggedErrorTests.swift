import CremaTestSupport
import Foundation
import PostgresNIO
import Store
import Testing

@testable import Runtime

/// A database error in a log line names its SQLSTATE and constraint, never the failing row
/// PostgreSQL quotes back (#17, L3).
@Suite struct LoggedErrorTests {
    @Test func aConstraintViolationIsLoggedWithoutTheRowItQuotes() async throws {
        try await LoyaltyFixture.with { fixture in
            _ = try await fixture.guest()
            var caught: (any Error)?
            do {
                _ = try await fixture.count(
                    "INSERT INTO customers (telegram_id, phone, first_name, language) VALUES (5, '+79001111111', 'Мария', 'ru') RETURNING 1"
                )
            } catch {
                caught = error
            }
            let error = try #require(caught)
            let line = LoggedError.describe(error)
            #expect(line.contains("sqlstate=23505") && line.contains("constraint="))
            #expect(!line.contains("79001111111") && !line.contains("Мария"))
        }
    }
}

@Suite struct LoggedPathTests {
    @Test func aBotTokenInAPathNeverReachesTheLog() {
        #expect(
            RequestObservationMiddleware.loggable("/dev/bot-api/bot123456:AAE-secret_x/sendMessage") == "/dev/bot-api/bot***/sendMessage")
        #expect(RequestObservationMiddleware.loggable("/api/v1/orders/12") == "/api/v1/orders/12")
    }
}
