import Domain
import Foundation
import Logging
import PostgresNIO

/// A sale as the staff bot lists it.
public struct StaffSale: Sendable, Equatable {
    public var orderID: Int64
    public var guestName: String
    public var amount: Money
    public var paid: Money
    public var pointsRedeemed: Int
    public var pointsEarned: Int
    public var createdAt: Date
    public var cancelled: Bool
}

extension StaffSale {
    /// What `init(_ row:)` reads, from `orders o` joined to `customers c`.
    static let columns = """
        o.id, c.first_name, o.amount_kopecks, o.amount_paid_kopecks, o.points_redeemed, o.points_earned, o.created_at,
        EXISTS (SELECT 1 FROM order_cancellations x WHERE x.order_id = o.id) AS cancelled
        """

    /// A row with the columns the staff reports select.
    init(_ row: PostgresRow) throws {
        let column = Columns(row)
        self.init(
            orderID: try column("id"), guestName: try column("first_name"), amount: Money(kopecks: try column("amount_kopecks")),
            paid: Money(kopecks: try column("amount_paid_kopecks")), pointsRedeemed: try column("points_redeemed"),
            pointsEarned: try column("points_earned"), createdAt: try column("created_at"), cancelled: try column("cancelled")
        )
    }
}

/// What the staff bot shows about sales: a barista's own, a manager's whole location.
public struct StaffReports: SessionStore {
    public enum Scope: Sendable, Equatable {
        case staff(Int64)
        case location(Int64)
    }

    let session: SQLSession

    /// The scope as the two filters the queries take.
    static func filters(_ scope: Scope) -> (staffID: Int64?, locationID: Int64?) {
        switch scope {
        case .staff(let id): return (id, nil)
        case .location(let id): return (nil, id)
        }
    }

    /// Sales since `start`, newest first (served by `orders_staff_idx` / `orders_location_idx`).
    public func sales(_ scope: Scope, since start: Date, limit: Int = 200) async throws -> [StaffSale] {
        try await session.withConnection { connection in
            let (staffID, locationID) = Self.filters(scope)
            let rows = try await connection.run(
                """
                SELECT \(unescaped: StaffSale.columns)
                FROM orders o JOIN customers c ON c.id = o.customer_id
                WHERE o.created_at >= \(start)
                  AND (\(staffID)::bigint IS NULL OR o.staff_id = \(staffID))
                  AND (\(locationID)::bigint IS NULL OR o.location_id = \(locationID))
                ORDER BY o.created_at DESC, o.id DESC
                LIMIT \(limit)
                """,
                logger: logger
            )
            var sales: [StaffSale] = []
            for try await row in rows { sales.append(try StaffSale(row)) }
            return sales
        }
    }

    /// Every sale since `start` that was not cancelled, summed in PostgreSQL however many there are.
    public func totals(_ scope: Scope, since start: Date) async throws -> StaffSalesTotals {
        try await session.withConnection { connection in
            let (staffID, locationID) = Self.filters(scope)
            let row = try await connection.run(
                """
                SELECT count(*)::int AS sales, count(*) FILTER (WHERE NOT cancelled)::int AS kept,
                       coalesce(sum(amount_kopecks) FILTER (WHERE NOT cancelled), 0)::bigint AS amount,
                       coalesce(sum(amount_paid_kopecks) FILTER (WHERE NOT cancelled), 0)::bigint AS paid,
                       coalesce(sum(points_redeemed) FILTER (WHERE NOT cancelled), 0)::int AS redeemed,
                       coalesce(sum(points_earned) FILTER (WHERE NOT cancelled), 0)::int AS earned
                FROM (
                    SELECT o.amount_kopecks, o.amount_paid_kopecks, o.points_redeemed, o.points_earned,
                           EXISTS (SELECT 1 FROM order_cancellations x WHERE x.order_id = o.id) AS cancelled
                    FROM orders o
                    WHERE o.created_at >= \(start)
                      AND (\(staffID)::bigint IS NULL OR o.staff_id = \(staffID))
                      AND (\(locationID)::bigint IS NULL OR o.location_id = \(locationID))
                ) AS day
                """,
                logger: logger
            ).collect().first
            guard let row else { return StaffSalesTotals() }
            let column = Columns(row)
            return StaffSalesTotals(
                sales: try column("sales"), kept: try column("kept"), amount: Money(kopecks: try column("amount")),
                paid: Money(kopecks: try column("paid")), pointsRedeemed: try column("redeemed"), pointsEarned: try column("earned")
            )
        }
    }
}

/// A day's sales summed: every sale, and the amounts and points of those not cancelled.
public struct StaffSalesTotals: Sendable, Equatable {
    /// All sales, cancelled ones included.
    public var sales = 0
    /// Sales that stand.
    public var kept = 0
    public var amount = Money.zero
    public var paid = Money.zero
    public var pointsRedeemed = 0
    public var pointsEarned = 0
}
