import Domain
import Foundation
import Logging
import PostgresNIO

/// The owner's figures for a period, from the orders, the ledger and the customers.
public struct AnalyticsSummary: Sendable, Equatable {
    public var newCustomers: Int
    public var activeCustomers: Int
    public var orders: Int
    public var revenue: Money
    public var averageCheck: Money
    public var pointsIssued: Int64
    public var pointsRedeemed: Int64
    public var pointsLiability: Int64
    public var averageRating: Double?
    public var tierDistribution: [Tier: Int]
}

public struct AnalyticsStore: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Figures for `[start, end)`. Cancelled orders are left out of orders and revenue.
    public func summary(from start: Date, to end: Date) async throws -> AnalyticsSummary {
        try await database.withConnection(logger: logger) { connection in
            let row = try await connection.query(
                """
                WITH kept AS (
                    SELECT o.customer_id, o.amount_kopecks FROM orders o
                    WHERE o.created_at >= \(start) AND o.created_at < \(end)
                      AND NOT EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = o.id)
                )
                SELECT
                    (SELECT count(*)::int FROM customers WHERE created_at >= \(start) AND created_at < \(end)),
                    (SELECT count(DISTINCT customer_id)::int FROM kept),
                    (SELECT count(*)::int FROM kept),
                    (SELECT coalesce(sum(amount_kopecks), 0)::bigint FROM kept),
                    (SELECT coalesce(sum(points) FILTER (WHERE points > 0), 0)::bigint FROM points_ledger
                        WHERE created_at >= \(start) AND created_at < \(end) AND kind IN ('earn', 'manual_credit', 'birthday_credit', 'campaign_credit')),
                    (SELECT coalesce(-sum(points), 0)::bigint FROM points_ledger
                        WHERE created_at >= \(start) AND created_at < \(end) AND kind = 'redeem'),
                    (SELECT coalesce(sum(points_balance), 0)::bigint FROM customers WHERE anonymised_at IS NULL),
                    (SELECT avg(rating)::float8 FROM feedback WHERE kind = 'review' AND created_at >= \(start) AND created_at < \(end))
                """,
                logger: logger
            ).collect().first?.decode((Int, Int, Int, Int64, Int64, Int64, Int64, Double?).self)
            guard let (newCustomers, active, orders, revenue, issued, redeemed, liability, rating) = row else {
                throw LoyaltyError.customerNotFound
            }
            var tiers = Dictionary(uniqueKeysWithValues: Tier.allCases.map { ($0, 0) })
            let rows = try await connection.query(
                "SELECT tier, count(*)::int FROM customers WHERE anonymised_at IS NULL GROUP BY tier", logger: logger
            )
            for try await (tier, count) in rows.decode((String, Int).self) {
                if let tier = Tier(rawValue: tier) { tiers[tier] = count }
            }
            return AnalyticsSummary(
                newCustomers: newCustomers, activeCustomers: active, orders: orders, revenue: Money(kopecks: revenue),
                averageCheck: Money(kopecks: orders == 0 ? 0 : revenue / Int64(orders)), pointsIssued: issued,
                pointsRedeemed: redeemed, pointsLiability: liability, averageRating: rating, tierDistribution: tiers
            )
        }
    }
}
