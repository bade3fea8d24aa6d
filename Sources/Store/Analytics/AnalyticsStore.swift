import Domain
import Foundation
import Logging
import PostgresNIO

/// The owner's figures for a period, from the orders, the ledger and the customers.
public struct AnalyticsSummary: Sendable, Equatable, Codable {
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
    /// Of the guests who bought in the period, the share who came back at least once more.
    public var repeatVisitRate: Double?
    public var giftsGiven: Int
    public var giftsRedeemed: Int
    /// Gifts whose validity ran out in the period unused.
    public var giftsExpired: Int
    /// Guests the period's broadcasts were meant for, and how many messages reached them.
    public var broadcastRecipients: Int
    public var broadcastDelivered: Int
}

public struct AnalyticsStore: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Figures for `[start, end)`. Cancelled orders are left out of orders and revenue.
    ///
    /// With a `location`, what happens at a till (orders, revenue, visits, points earned and
    /// spent at sales, reviews of its orders) is that location's; what belongs to a guest rather
    /// than a café (new guests, outstanding points, tiers, gifts, broadcasts) stays the chain's.
    public func summary(from start: Date, to end: Date, location: Int64? = nil) async throws -> AnalyticsSummary {
        try await database.withConnection(logger: logger) { connection in
            let row = try await connection.run(
                """
                WITH kept AS (
                    SELECT o.customer_id, o.amount_kopecks FROM orders o
                    WHERE o.created_at >= \(start) AND o.created_at < \(end)
                      AND (\(location)::bigint IS NULL OR o.location_id = \(location))
                      AND NOT EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = o.id)
                ), visits AS (
                    SELECT customer_id, count(*) AS n FROM kept GROUP BY customer_id
                ), ledger AS (
                    SELECT l.kind, l.points FROM points_ledger l
                    WHERE l.created_at >= \(start) AND l.created_at < \(end)
                      AND (\(location)::bigint IS NULL
                           OR l.order_id IN (SELECT id FROM orders WHERE location_id = \(location) AND created_at < \(end)))
                ), period_broadcasts AS (
                    SELECT id, recipients FROM broadcasts WHERE created_at >= \(start) AND created_at < \(end)
                )
                SELECT
                    (SELECT count(*)::int FROM customers WHERE created_at >= \(start) AND created_at < \(end)) AS new_customers,
                    (SELECT count(*)::int FROM visits) AS active,
                    (SELECT count(*)::int FROM kept) AS orders,
                    (SELECT coalesce(sum(amount_kopecks), 0)::bigint FROM kept) AS revenue,
                    (SELECT coalesce(sum(points) FILTER (WHERE points > 0), 0)::bigint FROM ledger
                        WHERE kind IN ('earn', 'manual_credit', 'birthday_credit', 'campaign_credit')) AS issued,
                    (SELECT coalesce(-sum(points), 0)::bigint FROM ledger WHERE kind = 'redeem') AS redeemed,
                    (SELECT coalesce(sum(points_balance), 0)::bigint FROM customers WHERE anonymised_at IS NULL) AS liability,
                    (SELECT avg(f.rating)::float8 FROM feedback f
                        WHERE f.kind = 'review' AND f.created_at >= \(start) AND f.created_at < \(end)
                          AND (\(location)::bigint IS NULL OR f.order_id IN (SELECT id FROM orders WHERE location_id = \(location)))) AS rating,
                    (SELECT (count(*) FILTER (WHERE n >= 2))::float8 / nullif(count(*), 0) FROM visits) AS repeat_rate,
                    (SELECT count(*)::int FROM customer_gifts
                        WHERE issued_at >= \(start) AND issued_at < \(end) AND restored_from_gift_id IS NULL) AS gifts_given,
                    (SELECT count(*)::int FROM gift_redemptions WHERE redeemed_at >= \(start) AND redeemed_at < \(end)) AS gifts_redeemed,
                    (SELECT count(*)::int FROM customer_gifts g
                        WHERE g.expires_at >= \(start) AND g.expires_at < \(end)
                          AND NOT EXISTS (SELECT 1 FROM gift_redemptions r WHERE r.gift_id = g.id)) AS gifts_expired,
                    (SELECT coalesce(sum(recipients), 0)::int FROM period_broadcasts) AS broadcast_recipients,
                    (SELECT count(*)::int FROM outbox
                        WHERE broadcast_id IN (SELECT id FROM period_broadcasts) AND status = 'sent') AS broadcast_delivered
                """,
                logger: logger
            ).collect().first
            guard let row else { throw LoyaltyError.customerNotFound }
            let column = Columns(row)
            let (newCustomers, active, orders, revenue): (Int, Int, Int, Int64) = (
                try column("new_customers"), try column("active"), try column("orders"), try column("revenue")
            )
            let (issued, redeemed, liability, rating): (Int64, Int64, Int64, Double?) = (
                try column("issued"), try column("redeemed"), try column("liability"), try column("rating")
            )
            var tiers = Dictionary(uniqueKeysWithValues: Tier.allCases.map { ($0, 0) })
            let rows = try await connection.run(
                "SELECT tier, count(*)::int FROM customers WHERE anonymised_at IS NULL GROUP BY tier", logger: logger
            )
            for try await (tier, count) in rows.decode((String, Int).self) {
                if let tier = Tier(rawValue: tier) { tiers[tier] = count }
            }
            return AnalyticsSummary(
                newCustomers: newCustomers, activeCustomers: active, orders: orders, revenue: Money(kopecks: revenue),
                averageCheck: Money(kopecks: orders == 0 ? 0 : revenue / Int64(orders)), pointsIssued: issued,
                pointsRedeemed: redeemed, pointsLiability: liability, averageRating: rating, tierDistribution: tiers,
                repeatVisitRate: try column("repeat_rate"), giftsGiven: try column("gifts_given"),
                giftsRedeemed: try column("gifts_redeemed"), giftsExpired: try column("gifts_expired"),
                broadcastRecipients: try column("broadcast_recipients"), broadcastDelivered: try column("broadcast_delivered")
            )
        }
    }
}
