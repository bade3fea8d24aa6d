import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// The guest's latest operations, newest first: sales, points entries outside sales (a sale's
    /// own earn/redeem rows are shown as the sale), gifts issued and redeemed.
    ///
    /// Each branch reads its own per-customer index and stops after `limit` rows.
    public func recentActivity(customerID: Int64, limit: Int = 10) async throws -> [ActivityEntry] {
        try await session.withConnection { connection in
            let rows = try await connection.run(
                """
                (SELECT 'order' AS source, o.created_at AS at, o.id AS ref, o.amount_kopecks AS amount,
                        o.amount_paid_kopecks AS paid, o.points_earned AS points, o.points_redeemed AS other, NULL::text AS label, NULL::text AS label_en
                 FROM orders o WHERE o.customer_id = \(customerID)
                 ORDER BY o.created_at DESC, o.id DESC LIMIT \(limit))
                UNION ALL
                -- One line per event: a cancellation's or an expiry's rows, one per lot, are summed.
                (SELECT 'points', l.created_at, l.order_id, NULL, NULL, sum(l.points)::int, sum(l.debt)::int,
                        CASE WHEN l.refund_id IS NULL THEN l.kind ELSE 'refund_' || l.kind END, NULL
                 FROM (SELECT * FROM points_ledger
                       WHERE customer_id = \(customerID) AND kind NOT IN ('earn', 'redeem', 'debt_repayment')
                       ORDER BY id DESC LIMIT \(limit * 4)) l
                 GROUP BY l.created_at, l.order_id, l.refund_id, l.kind
                 ORDER BY max(l.id) DESC LIMIT \(limit))
                UNION ALL
                (SELECT 'gift_issued', g.issued_at, g.id, NULL, NULL, NULL, NULL, g.name, g.name_en
                 FROM customer_gifts g WHERE g.customer_id = \(customerID) AND g.restored_from_gift_id IS NULL
                 ORDER BY g.expires_at DESC LIMIT \(limit))
                UNION ALL
                (SELECT 'gift_redeemed', r.redeemed_at, g.id, NULL, NULL, NULL, NULL, g.name, g.name_en
                 FROM customer_gifts g JOIN gift_redemptions r ON r.gift_id = g.id
                 WHERE g.customer_id = \(customerID)
                 ORDER BY g.expires_at DESC LIMIT \(limit))
                ORDER BY at DESC, ref DESC
                LIMIT \(limit)
                """,
                logger: logger
            )
            var entries: [ActivityEntry] = []
            for try await (source, at, ref, amount, paid, points, other, label, englishLabel) in rows.decode(
                (String, Date, Int64?, Int64?, Int64?, Int?, Int?, String?, String?).self)
            {
                let kind: ActivityEntry.Kind
                switch source {
                case "order":
                    kind = .order(
                        id: ref ?? 0, amount: Money(kopecks: amount ?? 0), paid: Money(kopecks: paid ?? 0), earned: points ?? 0,
                        redeemed: other ?? 0)
                case "points":
                    kind = .points(kind: label ?? "", points: points ?? 0, debt: other ?? 0, orderID: ref)
                case "gift_issued":
                    kind = .giftIssued(name: LocalizedName(russian: label ?? "", english: englishLabel ?? ""))
                default:
                    kind = .giftRedeemed(name: LocalizedName(russian: label ?? "", english: englishLabel ?? ""))
                }
                entries.append(ActivityEntry(at: at, kind: kind))
            }
            return entries
        }
    }

    /// Gifts the guest can still use, soonest to expire first.
    public func activeGifts(customerID: Int64, at now: Date) async throws -> [CustomerGift] {
        try await session.withConnection { connection in
            var gifts: [CustomerGift] = []
            for try await row in try await connection.run(ActiveGifts(customerID: customerID, now: now), logger: logger) {
                let (id, name, englishName, reason, issuedAt, expiresAt) = try row.decode((Int64, String, String, String, Date, Date).self)
                gifts.append(
                    CustomerGift(
                        id: id, customerID: customerID, name: LocalizedName(russian: name, english: englishName), reason: reason,
                        issuedAt: issuedAt, expiresAt: expiresAt,
                        redeemedAt: nil))
            }
            return gifts
        }
    }

}

extension CustomerGift {
    /// A guest's active gifts as six arrays of one aggregate (the n-th element of each is the n-th
    /// gift, soonest to expire first; NULL arrays when there is none), for a statement that reads
    /// them beside the guest: `SELECT …, gifts.* FROM … CROSS JOIN LATERAL (activeAggregate(…)) AS gifts`.
    static func activeAggregate(of customerID: String, now: String) -> String {
        let order = "ORDER BY g.expires_at, g.id"
        return """
            SELECT array_agg(g.id \(order)) AS gift_ids, array_agg(g.name \(order)) AS gift_names,
                   array_agg(g.name_en \(order)) AS gift_english_names, array_agg(g.reason \(order)) AS gift_reasons,
                   array_agg(g.issued_at \(order)) AS gift_issued, array_agg(g.expires_at \(order)) AS gift_expires
            FROM customer_gifts g
            WHERE g.customer_id = \(customerID) AND g.expires_at > \(now)
              AND NOT EXISTS (SELECT 1 FROM gift_redemptions r WHERE r.gift_id = g.id)
            """
    }

    /// The gifts in a row that selected `activeAggregate`'s columns.
    static func active(in row: PostgresRow, customerID: Int64) throws -> [CustomerGift] {
        let column = Columns(row)
        let ids = try column("gift_ids", as: [Int64]?.self) ?? []
        let names = try column("gift_names", as: [String]?.self) ?? []
        let englishNames = try column("gift_english_names", as: [String]?.self) ?? []
        let reasons = try column("gift_reasons", as: [String]?.self) ?? []
        let issued = try column("gift_issued", as: [Date]?.self) ?? []
        let expires = try column("gift_expires", as: [Date]?.self) ?? []
        // One aggregate fills the six arrays, so they are always as long as each other.
        guard [names.count, englishNames.count, reasons.count, issued.count, expires.count].allSatisfy({ $0 == ids.count }) else {
            throw PostgresDecodingError.Code.failure
        }
        return ids.indices.map { index in
            CustomerGift(
                id: ids[index], customerID: customerID, name: LocalizedName(russian: names[index], english: englishNames[index]),
                reason: reasons[index], issuedAt: issued[index], expiresAt: expires[index], redeemedAt: nil)
        }
    }
}

/// A guest's gifts still to be used, soonest to expire first.
struct ActiveGifts: PlannedStatement {
    static let parameters = StatementParameters<ActiveGifts>([
        .init("customer_id", .int8) { $0.customerID },
        .init("now", .timestamptz) { $0.now },
    ])

    static let sql = parameters.sql(
        """
        SELECT g.id, g.name, g.name_en, g.reason, g.issued_at, g.expires_at
        FROM customer_gifts g
        WHERE g.customer_id = :customer_id AND g.expires_at > :now
          AND NOT EXISTS (SELECT 1 FROM gift_redemptions r WHERE r.gift_id = g.id)
        ORDER BY g.expires_at, g.id
        """)

    var customerID: Int64
    var now: Date
}
