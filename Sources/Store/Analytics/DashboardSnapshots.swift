import Domain
import Foundation
import Logging
import PostgresNIO

/// What the dashboard shows for a period, as stored in `dashboard_snapshots`.
public struct DashboardFigures: Sendable, Equatable, Codable {
    public var orders: Int
    public var revenueKopecks: Int64
    public var averageCheckKopecks: Int64
    public var newCustomers: Int
    public var activeCustomers: Int
    public var pointsIssued: Int64
    public var pointsRedeemed: Int64
    public var pointsLiability: Int64
    public var averageRating: Double?
    /// Tier raw value → guests.
    public var tiers: [String: Int]
    public var repeatVisitRate: Double?
    public var giftsGiven: Int
    public var giftsRedeemed: Int
    public var giftsExpired: Int
    public var broadcastRecipients: Int
    public var broadcastDelivered: Int
    public var daily: [DailyFigures]
}

/// Dashboard figures are expensive at scale, so they are computed at most every few minutes per
/// period and time zone and kept in PostgreSQL, shared by every instance.
public struct DashboardSnapshots: Sendable {
    let analytics: AnalyticsStore

    public init(database: Database, logger: Logger) {
        self.analytics = AnalyticsStore(database: database, logger: logger)
    }

    var database: Database { analytics.database }
    var logger: Logger { analytics.logger }

    /// One location's figures, computed on the spot: its orders are read by
    /// `orders_location_idx`, a fraction of the chain's.
    public func figures(days: Int, timeZone: String, location: Int64, at now: Date) async throws -> DashboardFigures {
        try await compute(days: days, timeZone: timeZone, location: location, at: now)
    }

    /// The stored figures when younger than `maxAge`, otherwise freshly computed (and stored).
    /// Snapshots written by an earlier build, without today's figures, are computed afresh.
    public func figures(
        days: Int, timeZone: String, at now: Date, maxAge: TimeInterval
    ) async throws -> (DashboardFigures, computedAt: Date) {
        let stored = try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                "SELECT computed_at, figures::text FROM dashboard_snapshots WHERE days = \(days) AND time_zone = \(timeZone)",
                logger: logger
            ).collect().first?.decode((Date, String).self)
        }
        if let (computedAt, json) = stored, computedAt > now.addingTimeInterval(-maxAge),
            let figures = try? JSONDecoder().decode(DashboardFigures.self, from: Data(json.utf8))
        {
            return (figures, computedAt)
        }
        let figures = try await compute(days: days, timeZone: timeZone, at: now)
        try await save(figures, days: days, timeZone: timeZone, at: now)
        return (figures, now)
    }

    /// For the background job: recomputes the period unless another instance did so within
    /// `interval`. The claim is an UPDATE of `computed_at`, so one instance does the work.
    @discardableResult
    public func refresh(days: Int, timeZone: String, at now: Date, interval: TimeInterval) async throws -> Bool {
        let claimed = try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                INSERT INTO dashboard_snapshots AS s (days, time_zone, computed_at, figures) VALUES (\(days), \(timeZone), \(now), 'null')
                ON CONFLICT (days) DO UPDATE SET computed_at = EXCLUDED.computed_at, time_zone = EXCLUDED.time_zone
                WHERE s.computed_at <= \(now.addingTimeInterval(-interval)) OR s.time_zone <> EXCLUDED.time_zone
                RETURNING 1
                """,
                logger: logger
            ).collect().count == 1
        }
        guard claimed else { return false }
        let figures = try await compute(days: days, timeZone: timeZone, at: now)
        try await save(figures, days: days, timeZone: timeZone, at: now)
        return true
    }

    func compute(days: Int, timeZone: String, location: Int64? = nil, at now: Date) async throws -> DashboardFigures {
        let start = now.addingTimeInterval(-Double(days) * 86_400)
        let summary = try await analytics.summary(from: start, to: now, location: location)
        let daily = try await analytics.daily(from: start, to: now, timeZone: timeZone, location: location)
        return DashboardFigures(
            orders: summary.orders, revenueKopecks: summary.revenue.kopecks, averageCheckKopecks: summary.averageCheck.kopecks,
            newCustomers: summary.newCustomers, activeCustomers: summary.activeCustomers, pointsIssued: summary.pointsIssued,
            pointsRedeemed: summary.pointsRedeemed, pointsLiability: summary.pointsLiability, averageRating: summary.averageRating,
            tiers: Dictionary(uniqueKeysWithValues: summary.tierDistribution.map { ($0.key.rawValue, $0.value) }),
            repeatVisitRate: summary.repeatVisitRate, giftsGiven: summary.giftsGiven, giftsRedeemed: summary.giftsRedeemed,
            giftsExpired: summary.giftsExpired, broadcastRecipients: summary.broadcastRecipients,
            broadcastDelivered: summary.broadcastDelivered, daily: daily
        )
    }

    func save(_ figures: DashboardFigures, days: Int, timeZone: String, at now: Date) async throws {
        let json = String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
        try await database.withConnection(logger: logger) { connection in
            try await connection.run(
                """
                INSERT INTO dashboard_snapshots (days, time_zone, computed_at, figures) VALUES (\(days), \(timeZone), \(now), \(json)::jsonb)
                ON CONFLICT (days) DO UPDATE SET time_zone = EXCLUDED.time_zone, computed_at = EXCLUDED.computed_at, figures = EXCLUDED.figures
                """,
                logger: logger
            )
        }
    }
}
