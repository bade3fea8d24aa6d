import Domain
import Foundation
import PostgresNIO

/// An order as read back: what the sale granted, and whether it was cancelled or partly
/// refunded since.
public struct OrderRecord: Sendable, Equatable {
    public var sale: ConfirmedSale
    public var cancelled: Bool
    /// What refunds of part of it returned so far.
    public var refunded: Money = .zero
    /// Where it was sold.
    public var locationID: Int64
}

extension LoyaltyStore {
    public func order(id: Int64) async throws -> OrderRecord? {
        try await orders("WHERE o.id = \(id)", limit: 1).first
    }

    /// A guest's orders, newest first, keyset-paginated by id (`orders_customer_idx`).
    public func orders(customerID: Int64, before: Int64?, limit: Int) async throws -> [OrderRecord] {
        try await orders("WHERE o.customer_id = \(customerID) AND (\(before)::bigint IS NULL OR o.id < \(before))", limit: limit)
    }

    private func orders(_ filter: PostgresQuery, limit: Int) async throws -> [OrderRecord] {
        var query: PostgresQuery = """
            SELECT \(unescaped: ConfirmedSale.columns),
                   EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = o.id) AS cancelled, o.location_id,
                   (SELECT coalesce(sum(r.amount_kopecks), 0)::bigint FROM order_refunds r WHERE r.order_id = o.id) AS refunded
            FROM orders o
            """
        query.sql += " " + filter.sql + " ORDER BY o.created_at DESC, o.id DESC LIMIT \(max(1, min(limit, 100)))"
        query.binds = filter.binds
        return try await session.withConnection { connection in
            var records: [OrderRecord] = []
            for try await row in try await connection.run(query, logger: logger) {
                let column = Columns(row)
                records.append(
                    OrderRecord(
                        sale: try ConfirmedSale(row), cancelled: try column("cancelled"),
                        refunded: Money(kopecks: try column("refunded")), locationID: try column("location_id")))
            }
            return records
        }
    }

    /// Whether the guest is the location's: they bought there, or have not bought anywhere yet
    /// (a guest just registered at its till). A location's partner keys serve only its guests.
    public func isGuest(_ customerID: Int64, of locationID: Int64) async throws -> Bool {
        try await session.withConnection { connection in
            try await connection.run(
                """
                SELECT EXISTS (SELECT 1 FROM orders WHERE customer_id = \(customerID) AND location_id = \(locationID))
                    OR NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = \(customerID))
                """,
                logger: logger
            ).collect().first?.decode(Bool.self) ?? false
        }
    }
}

extension ConfirmedSale {
    /// What `init(_ row:)` reads, from `orders o`.
    static let columns = """
        o.id, o.customer_id, o.amount_kopecks, o.max_redeemable, o.points_redeemed, o.amount_paid_kopecks,
        o.points_earned, o.debt_repaid, o.tier_before, o.tier_after, o.earn_rate_percent, o.redeem_cap_percent,
        o.balance_after, o.debt_after, o.created_at,
        (SELECT coalesce(json_agg(json_build_object('campaign_id', e.campaign_id, 'version', e.version, 'name', v.name,
                                                    'points', e.points) ORDER BY e.campaign_id), '[]')::text
         FROM order_campaign_effects e JOIN campaign_versions v USING (campaign_id, version)
         WHERE e.order_id = o.id) AS campaign_effects
        """

    init(_ row: PostgresRow) throws {
        let column = Columns(row)
        let quote = try SaleQuote(order: column)
        self.init(
            orderID: try column("id"), customerID: try column("customer_id"), quote: quote,
            balanceAfter: try column("balance_after"), debtAfter: try column("debt_after"), createdAt: try column("created_at")
        )
    }
}

extension SaleQuote {
    /// The quote an order stored, from its `orders` columns.
    init(order column: Columns) throws {
        self.init(
            amount: Money(kopecks: try column("amount_kopecks")), maxRedeemable: try column("max_redeemable"),
            pointsRedeemed: try column("points_redeemed"), amountToPay: Money(kopecks: try column("amount_paid_kopecks")),
            pointsEarned: try column("points_earned"), debtRepaid: try column("debt_repaid"),
            tierBefore: Tier(stored: try column("tier_before")), tierAfter: Tier(stored: try column("tier_after")),
            earnRatePercent: try column("earn_rate_percent"), redeemCapPercent: try column("redeem_cap_percent"),
            campaignEffects: column.has("campaign_effects")
                ? try JSONDecoder().decode([CampaignEffect].self, from: Data(try column("campaign_effects", as: String.self).utf8)) : []
        )
    }
}
