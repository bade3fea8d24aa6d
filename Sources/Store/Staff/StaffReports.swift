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

/// What the staff bot shows about sales: a barista's own, a manager's whole location.
public struct StaffReports: SessionStore {
    public enum Scope: Sendable, Equatable {
        case staff(Int64)
        case location(Int64)
    }

    let session: SQLSession

    /// Sales since `start`, newest first (served by `orders_staff_idx` / `orders_location_idx`).
    public func sales(_ scope: Scope, since start: Date, limit: Int = 200) async throws -> [StaffSale] {
        try await session.withConnection { connection in
            var staffID: Int64?
            var locationID: Int64?
            switch scope {
            case .staff(let id): staffID = id
            case .location(let id): locationID = id
            }
            let rows = try await connection.query(
                """
                SELECT o.id, c.first_name, o.amount_kopecks, o.amount_paid_kopecks, o.points_redeemed, o.points_earned, o.created_at,
                       EXISTS (SELECT 1 FROM order_cancellations x WHERE x.order_id = o.id) AS cancelled
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
            for try await row in rows {
                let column = Columns(row)
                sales.append(
                    StaffSale(
                        orderID: try column("id"), guestName: try column("first_name"),
                        amount: Money(kopecks: try column("amount_kopecks")),
                        paid: Money(kopecks: try column("amount_paid_kopecks")), pointsRedeemed: try column("points_redeemed"),
                        pointsEarned: try column("points_earned"), createdAt: try column("created_at"), cancelled: try column("cancelled")
                    ))
            }
            return sales
        }
    }
}
