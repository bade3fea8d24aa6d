import Domain
import Foundation
import Logging
import PostgresNIO

/// The admin's other lists: orders, issued gifts, the feedback inbox, broadcasts, staff, API
/// keys and the audit log. Every page is newest first and keyset-paginated by id.
public struct AdminLists: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    public struct OrderRow: Sendable, Equatable {
        public var id: Int64
        public var customerID: Int64
        public var customerName: String
        public var location: String
        public var actor: String
        public var amountKopecks: Int64
        public var paidKopecks: Int64
        public var pointsRedeemed: Int
        public var pointsEarned: Int
        public var createdAt: Date
        public var cancelledAt: Date?
        public var cancelReason: String?
        /// What partial refunds returned of the order so far.
        public var refundedKopecks: Int64 = 0
    }

    public enum OrderStatus: String, Sendable, CaseIterable {
        case all, confirmed, cancelled
    }

    public struct OrderFilter: Sendable, Equatable {
        public var status: OrderStatus
        public var customerID: Int64?
        public var from: Date?
        public var to: Date?
        public var locationID: Int64?

        public init(status: OrderStatus = .all, customerID: Int64? = nil, from: Date? = nil, to: Date? = nil, locationID: Int64? = nil) {
            self.status = status
            self.customerID = customerID
            self.from = from
            self.to = to
            self.locationID = locationID
        }
    }

    public func orders(_ filter: OrderFilter, before: Int64?, limit: Int) async throws -> [OrderRow] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT o.id, o.customer_id, cu.first_name, l.name, o.actor_kind || ':' || o.actor_id, o.amount_kopecks,
                       o.amount_paid_kopecks, o.points_redeemed, o.points_earned, o.created_at, c.cancelled_at, c.reason,
                       (SELECT coalesce(sum(r.amount_kopecks), 0)::bigint FROM order_refunds r WHERE r.order_id = o.id) AS refunded
                FROM orders o
                JOIN customers cu ON cu.id = o.customer_id
                JOIN locations l ON l.id = o.location_id
                LEFT JOIN order_cancellations c ON c.order_id = o.id
                WHERE (\(before)::bigint IS NULL OR o.id < \(before))
                  AND (\(filter.customerID)::bigint IS NULL OR o.customer_id = \(filter.customerID))
                  AND (\(filter.locationID)::bigint IS NULL OR o.location_id = \(filter.locationID))
                  AND (\(filter.from)::timestamptz IS NULL OR o.created_at >= \(filter.from))
                  AND (\(filter.to)::timestamptz IS NULL OR o.created_at < \(filter.to))
                  AND (\(filter.status.rawValue) = 'all' OR (c.order_id IS NULL) = (\(filter.status.rawValue) = 'confirmed'))
                ORDER BY o.id DESC
                LIMIT \(limit)
                """,
                logger: logger
            )
            var found: [OrderRow] = []
            for try await (id, customer, name, location, actor, amount, paid, redeemed, earned, created, cancelled, reason, refunded)
                in rows.decode((Int64, Int64, String, String, String, Int64, Int64, Int, Int, Date, Date?, String?, Int64).self)
            {
                found.append(
                    OrderRow(
                        id: id, customerID: customer, customerName: name, location: location, actor: actor, amountKopecks: amount,
                        paidKopecks: paid, pointsRedeemed: redeemed, pointsEarned: earned, createdAt: created, cancelledAt: cancelled,
                        cancelReason: reason, refundedKopecks: refunded
                    ))
            }
            return found
        }
    }

    public struct IssuedGiftRow: Sendable, Equatable {
        public var id: Int64
        public var customerID: Int64
        public var customerName: String
        public var name: String
        public var reason: String
        public var issuedBy: String
        public var issuedAt: Date
        public var expiresAt: Date
        public var redeemedAt: Date?
    }

    public func issuedGifts(before: Int64?, limit: Int) async throws -> [IssuedGiftRow] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT g.id, g.customer_id, cu.first_name, g.name, g.reason, g.actor_kind || coalesce(':' || g.actor_id, ''),
                       g.issued_at, g.expires_at, r.redeemed_at
                FROM customer_gifts g
                JOIN customers cu ON cu.id = g.customer_id
                LEFT JOIN gift_redemptions r ON r.gift_id = g.id
                WHERE (\(before)::bigint IS NULL OR g.id < \(before))
                ORDER BY g.id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var found: [IssuedGiftRow] = []
            for try await (id, customer, customerName, name, reason, by, issued, expires, redeemed) in rows.decode(
                (Int64, Int64, String, String, String, String, Date, Date, Date?).self
            ) {
                found.append(
                    IssuedGiftRow(
                        id: id, customerID: customer, customerName: customerName, name: name, reason: reason, issuedBy: by,
                        issuedAt: issued, expiresAt: expires, redeemedAt: redeemed
                    ))
            }
            return found
        }
    }

    public struct FeedbackRow: Sendable, Equatable {
        public var id: Int64
        public var customerID: Int64
        public var customerName: String
        public var kind: String
        public var rating: Int?
        public var body: String?
        public var orderID: Int64?
        public var status: String
        public var createdAt: Date
        public var replies: Int
    }

    /// The inbox; `status` nil lists every status.
    public func feedback(status: String?, before: Int64?, limit: Int) async throws -> [FeedbackRow] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT f.id, f.customer_id, cu.first_name, f.kind, f.rating::int, f.body, f.order_id, f.status, f.created_at,
                       (SELECT count(*)::int FROM audit_log a WHERE a.subject_kind = 'feedback' AND a.subject_id = f.id::text
                            AND a.action = 'feedback.replied')
                FROM feedback f JOIN customers cu ON cu.id = f.customer_id
                WHERE (\(status)::text IS NULL OR f.status = \(status))
                  AND (\(before)::bigint IS NULL OR f.id < \(before))
                ORDER BY f.id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var found: [FeedbackRow] = []
            for try await (id, customer, name, kind, rating, body, order, status, created, replies) in rows.decode(
                (Int64, Int64, String, String, Int?, String?, Int64?, String, Date, Int).self
            ) {
                found.append(
                    FeedbackRow(
                        id: id, customerID: customer, customerName: name, kind: kind, rating: rating, body: body, orderID: order,
                        status: status, createdAt: created, replies: replies
                    ))
            }
            return found
        }
    }

    public struct BroadcastRow: Sendable, Equatable {
        public var id: Int64
        public var audience: String
        public var body: String
        public var createdBy: String
        public var createdAt: Date
        public var recipients: Int
        public var sent: Int
        public var failed: Int
        public var pending: Int
    }

    public func broadcasts(limit: Int) async throws -> [BroadcastRow] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT b.id, b.audience || coalesce(' ' || b.audience_tier, '') || coalesce(' ' || b.audience_days || 'd', ''), b.body,
                       b.created_by_kind || ':' || b.created_by_id, b.created_at, b.recipients,
                       count(*) FILTER (WHERE o.status = 'sent')::int,
                       count(*) FILTER (WHERE o.status IN ('failed', 'skipped'))::int,
                       count(*) FILTER (WHERE o.status = 'pending')::int
                FROM broadcasts b LEFT JOIN outbox o ON o.broadcast_id = b.id
                GROUP BY b.id ORDER BY b.id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var found: [BroadcastRow] = []
            for try await (id, audience, body, by, created, recipients, sent, failed, pending) in rows.decode(
                (Int64, String, String, String, Date, Int, Int, Int, Int).self
            ) {
                found.append(
                    BroadcastRow(
                        id: id, audience: audience, body: body, createdBy: by, createdAt: created, recipients: recipients,
                        sent: sent, failed: failed, pending: pending
                    ))
            }
            return found
        }
    }

    public struct StaffRow: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var role: String
        public var location: String
        public var bound: Bool
        public var active: Bool
        public var createdAt: Date
    }

    /// Staff of one location, or of the whole chain.
    public func staff(locationID: Int64? = nil) async throws -> [StaffRow] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT s.id, s.display_name, s.role, l.name, s.telegram_id IS NOT NULL, s.active, s.created_at
                FROM staff s JOIN locations l ON l.id = s.location_id
                WHERE \(locationID)::bigint IS NULL OR s.location_id = \(locationID)
                ORDER BY s.active DESC, s.id
                """,
                logger: logger
            )
            var found: [StaffRow] = []
            for try await (id, name, role, location, bound, active, created) in rows.decode(
                (Int64, String, String, String, Bool, Bool, Date).self)
            {
                found.append(StaffRow(id: id, name: name, role: role, location: location, bound: bound, active: active, createdAt: created))
            }
            return found
        }
    }

    public struct AuditRow: Sendable, Equatable {
        public var id: Int64
        public var occurredAt: Date
        public var actor: String
        public var action: String
        public var subject: String
        public var before: String?
        public var after: String?
    }

    public func audit(before: Int64?, limit: Int) async throws -> [AuditRow] {
        try await database.withConnection(logger: logger) { connection in
            let rows = try await connection.run(
                """
                SELECT id, occurred_at, actor_kind || coalesce(':' || actor_id, ''), action,
                       coalesce(subject_kind || ' ' || subject_id, ''), before::text, after::text
                FROM audit_log WHERE (\(before)::bigint IS NULL OR id < \(before))
                ORDER BY id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var found: [AuditRow] = []
            for try await (id, occurred, actor, action, subject, before, after) in rows.decode(
                (Int64, Date, String, String, String, String?, String?).self)
            {
                found.append(
                    AuditRow(id: id, occurredAt: occurred, actor: actor, action: action, subject: subject, before: before, after: after))
            }
            return found
        }
    }
}
