import Domain
import Foundation
import Logging
import PostgresNIO

/// The loyalty engine's commands and queries. Every channel (bots, partner API, admin panel)
/// goes through these; none does points arithmetic or SQL of its own.
///
/// Each command is one transaction whose guards are row locks and constraints, so races
/// (double spend, double code use, double cancel) cannot happen rather than being unlikely.
public struct LoyaltyStore: Sendable {
    let database: Database
    let logger: Logger
    /// Draws a fresh payment code; production passes the system's random source.
    let drawCode: @Sendable () -> PaymentCode

    public init(database: Database, logger: Logger, drawCode: @escaping @Sendable () -> PaymentCode) {
        self.database = database
        self.logger = logger
        self.drawCode = drawCode
    }

    public func settings() async throws -> LoyaltySettings {
        try await database.withConnection(logger: logger) { connection in
            try await LoyaltySettings.load(on: connection, logger: logger)
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
