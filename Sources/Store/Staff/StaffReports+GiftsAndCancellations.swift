import Domain
import Foundation
import PostgresNIO

/// A gift given or written off, as the staff bot's history lists it.
public struct StaffGiftEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case given, redeemed
    }

    public var kind: Kind
    public var at: Date
    public var guestName: String
    public var name: LocalizedName
    /// Why it was given; nil for a write-off.
    public var reason: String?
}

/// A cancelled sale, as the staff bot's history lists it.
/// A cancelled sale, or a refund of part of one (then `amount` is what was refunded).
public struct StaffCancellation: Sendable, Equatable {
    public var orderID: Int64
    public var at: Date
    public var guestName: String
    public var amount: Money
    public var reason: String
    public var isRefund: Bool = false
}

extension StaffReports {
    /// Gifts the scope gave (not those given back by a cancellation) or wrote off since `start`,
    /// newest first, with the counts of each over the whole period.
    public func giftEvents(
        _ scope: Scope, since start: Date, limit: Int
    ) async throws -> (
        events: [StaffGiftEvent], given: Int, redeemed: Int
    ) {
        try await session.withConnection { connection in
            let (staffID, locationID) = Self.filters(scope)
            // A gift's actor is a staff member (actor_id is their id) when it was given or
            // written off in the staff bot; a location is where that member works.
            let rows = try await connection.run(
                """
                WITH events AS (
                    SELECT 'given' AS kind, g.issued_at AS at, c.first_name, g.name, g.name_en, g.reason
                    FROM customer_gifts g
                    JOIN customers c ON c.id = g.customer_id
                    JOIN staff s ON g.actor_kind = 'staff' AND s.id::text = g.actor_id
                    WHERE g.issued_at >= \(start) AND g.restored_from_gift_id IS NULL
                      AND (\(staffID)::bigint IS NULL OR s.id = \(staffID))
                      AND (\(locationID)::bigint IS NULL OR s.location_id = \(locationID))
                    UNION ALL
                    SELECT 'redeemed', r.redeemed_at, c.first_name, g.name, g.name_en, NULL
                    FROM gift_redemptions r
                    JOIN customer_gifts g ON g.id = r.gift_id
                    JOIN customers c ON c.id = g.customer_id
                    JOIN staff s ON r.actor_kind = 'staff' AND s.id::text = r.actor_id
                    WHERE r.redeemed_at >= \(start)
                      AND (\(staffID)::bigint IS NULL OR s.id = \(staffID))
                      AND (\(locationID)::bigint IS NULL OR s.location_id = \(locationID))
                )
                SELECT kind, at, first_name, name, name_en, reason,
                       count(*) FILTER (WHERE kind = 'given') OVER ()::int AS given,
                       count(*) FILTER (WHERE kind = 'redeemed') OVER ()::int AS redeemed
                FROM events
                ORDER BY at DESC
                LIMIT \(limit)
                """,
                logger: logger
            )
            var events: [StaffGiftEvent] = []
            var counts = (given: 0, redeemed: 0)
            for try await row in rows {
                let column = Columns(row)
                counts = (try column("given"), try column("redeemed"))
                events.append(
                    StaffGiftEvent(
                        kind: StaffGiftEvent.Kind(rawValue: try column("kind")) ?? .given, at: try column("at"),
                        guestName: try column("first_name"),
                        name: LocalizedName(russian: try column("name"), english: try column("name_en")), reason: try column("reason")
                    ))
            }
            return (events, counts.given, counts.redeemed)
        }
    }

    /// The scope's sales cancelled since `start` (by whoever cancelled them), newest first, with
    /// their count over the whole period.
    public func cancellations(
        _ scope: Scope, since start: Date, limit: Int
    ) async throws -> (cancellations: [StaffCancellation], count: Int) {
        try await session.withConnection { connection in
            let (staffID, locationID) = Self.filters(scope)
            let rows = try await connection.run(
                """
                SELECT o.id, x.cancelled_at, c.first_name, coalesce(x.amount_kopecks, o.amount_kopecks) AS amount_kopecks, x.reason, x.refund, count(*) OVER ()::int AS total
                FROM (
                    SELECT order_id, cancelled_at, NULL::bigint AS amount_kopecks, reason, false AS refund
                    FROM order_cancellations WHERE cancelled_at >= \(start)
                    UNION ALL
                    SELECT order_id, refunded_at, amount_kopecks, reason, true FROM order_refunds WHERE refunded_at >= \(start)
                ) x
                JOIN orders o ON o.id = x.order_id
                JOIN customers c ON c.id = o.customer_id
                WHERE (\(staffID)::bigint IS NULL OR o.staff_id = \(staffID))
                  AND (\(locationID)::bigint IS NULL OR o.location_id = \(locationID))
                ORDER BY x.cancelled_at DESC
                LIMIT \(limit)
                """,
                logger: logger
            )
            var found: [StaffCancellation] = []
            var total = 0
            for try await row in rows {
                let column = Columns(row)
                total = try column("total")
                found.append(
                    StaffCancellation(
                        orderID: try column("id"), at: try column("cancelled_at"), guestName: try column("first_name"),
                        amount: Money(kopecks: try column("amount_kopecks")), reason: try column("reason"),
                        isRefund: try column("refund")
                    ))
            }
            return (found, total)
        }
    }

    /// One sale of the scope by its number, for a manager who cancels an older sale; nil when the
    /// order is not the scope's.
    public func sale(_ orderID: Int64, in scope: Scope) async throws -> StaffSale? {
        try await session.withConnection { connection in
            let (staffID, locationID) = Self.filters(scope)
            let rows = try await connection.run(
                """
                SELECT \(unescaped: StaffSale.columns)
                FROM orders o JOIN customers c ON c.id = o.customer_id
                WHERE o.id = \(orderID)
                  AND (\(staffID)::bigint IS NULL OR o.staff_id = \(staffID))
                  AND (\(locationID)::bigint IS NULL OR o.location_id = \(locationID))
                """,
                logger: logger
            )
            for try await row in rows { return try StaffSale(row) }
            return nil
        }
    }

    /// Gifts a staff member gave since `start` (given back ones aside).
    public func giftsGiven(by staffID: Int64, since start: Date) async throws -> Int {
        try await session.withConnection { connection in
            try await connection.run(
                """
                SELECT count(*)::int FROM customer_gifts
                WHERE actor_kind = 'staff' AND actor_id = \(String(staffID)) AND issued_at >= \(start) AND restored_from_gift_id IS NULL
                """,
                logger: logger
            ).collect().first?.decode(Int.self) ?? 0
        }
    }
}
