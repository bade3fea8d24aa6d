import Domain
import Foundation
import PostgresNIO

/// An order as read back: what the sale granted, and whether it was cancelled since.
public struct OrderRecord: Sendable, Equatable {
    public var sale: ConfirmedSale
    public var cancelled: Bool
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
            SELECT o.id, o.customer_id, o.amount_kopecks, o.max_redeemable, o.points_redeemed, o.amount_paid_kopecks,
                   o.points_earned, o.debt_repaid, o.tier_before, o.tier_after, o.earn_rate_percent, o.redeem_cap_percent,
                   o.balance_after, o.debt_after, o.created_at,
                   EXISTS (SELECT 1 FROM order_cancellations c WHERE c.order_id = o.id)
            FROM orders o
            """
        query.sql += " " + filter.sql + " ORDER BY o.created_at DESC, o.id DESC LIMIT \(max(1, min(limit, 100)))"
        query.binds = filter.binds
        return try await session.withConnection { connection in
            var records: [OrderRecord] = []
            for try await row in try await connection.query(query, logger: logger) {
                let column = row.makeRandomAccess()
                let quote = SaleQuote(
                    amount: Money(kopecks: try column[2].decode(Int64.self)), maxRedeemable: try column[3].decode(Int.self),
                    pointsRedeemed: try column[4].decode(Int.self), amountToPay: Money(kopecks: try column[5].decode(Int64.self)),
                    pointsEarned: try column[6].decode(Int.self), debtRepaid: try column[7].decode(Int.self),
                    tierBefore: Tier(stored: try column[8].decode(String.self)), tierAfter: Tier(stored: try column[9].decode(String.self)),
                    earnRatePercent: try column[10].decode(Int.self), redeemCapPercent: try column[11].decode(Int.self)
                )
                let sale = ConfirmedSale(
                    orderID: try column[0].decode(Int64.self), customerID: try column[1].decode(Int64.self), quote: quote,
                    balanceAfter: try column[12].decode(Int.self), debtAfter: try column[13].decode(Int.self),
                    createdAt: try column[14].decode(Date.self)
                )
                records.append(OrderRecord(sale: sale, cancelled: try column[15].decode(Bool.self)))
            }
            return records
        }
    }
}
