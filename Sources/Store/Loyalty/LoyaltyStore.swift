import Domain
import Foundation
import Logging
import PostgresNIO

/// The loyalty engine's commands and queries. Every channel (bots, partner API, admin panel)
/// goes through these; none does points arithmetic or SQL of its own.
///
/// Each command is one transaction whose guards are row locks and constraints, so races
/// (double spend, double code use, double cancel) cannot happen rather than being unlikely.
/// On the pool (`Store.loyalty`) each command is its own transaction; inside `Store.transaction`
/// (`tx.loyalty`) every command joins the caller's, so an update's effects commit together.
public struct LoyaltyStore: SessionStore {
    let session: SQLSession
    /// Draws a fresh payment code; production passes the system's random source.
    let drawCode: @Sendable () -> PaymentCode

    public init(database: Database, logger: Logger, drawCode: @escaping @Sendable () -> PaymentCode) {
        self.init(session: .pool(database, logger: logger), drawCode: drawCode)
    }

    init(session: SQLSession, drawCode: @escaping @Sendable () -> PaymentCode) {
        self.session = session
        self.drawCode = drawCode
    }

    public func settings() async throws -> LoyaltySettings {
        try await session.withConnection { connection in
            try await session.settings(on: connection)
        }
    }
}

extension PSQLError {
    /// The constraint a unique or foreign-key violation names, e.g. `customers_phone_key`.
    func violates(_ constraint: String) -> Bool {
        serverInfo?[.constraintName] == constraint
    }
}

extension Tier {
    init(stored: String) {
        self = Tier(rawValue: stored) ?? .standard
    }
}

extension Date {
    /// PostgreSQL timestamps keep microseconds; rounding here keeps round-trips equal.
    var roundedToMicroseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
    }
}
