import Domain
import Foundation
import Logging
import PostgresNIO

/// Everything the customer card shows, read in one connection.
public struct AdminCustomerCard: Sendable {
    public struct Profile: Sendable, Equatable {
        public var id: Int64
        public var telegramID: Int64?
        public var phone: String?
        public var firstName: String
        public var lastName: String?
        public var birthDate: String?
        public var language: String
        public var tier: Tier
        public var balance: Int
        public var debt: Int
        public var spendKopecks: Int64
        public var promoOptIn: Bool
        public var blockedAt: Date?
        public var unreachableAt: Date?
        public var anonymisedAt: Date?
        public var createdAt: Date
    }

    public struct LedgerLine: Sendable, Equatable {
        public var id: Int64
        public var kind: String
        public var points: Int
        public var debt: Int
        public var orderID: Int64?
        public var actor: String
        public var reason: String?
        public var createdAt: Date
    }

    public struct OrderLine: Sendable, Equatable {
        public var id: Int64
        public var amountKopecks: Int64
        public var paidKopecks: Int64
        public var pointsRedeemed: Int
        public var pointsEarned: Int
        public var createdAt: Date
        public var cancelledAt: Date?
    }

    public struct GiftLine: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var reason: String
        public var issuedAt: Date
        public var expiresAt: Date
        public var redeemedAt: Date?
    }

    public struct FeedbackLine: Sendable, Equatable {
        public var id: Int64
        public var kind: String
        public var rating: Int?
        public var body: String?
        public var status: String
        public var createdAt: Date
    }

    public var profile: Profile
    public var ledger: [LedgerLine]
    public var orders: [OrderLine]
    public var gifts: [GiftLine]
    public var feedback: [FeedbackLine]
}

extension AdminCustomers {
    public func card(id: Int64, lines: Int = 20) async throws -> AdminCustomerCard? {
        try await database.withConnection(logger: logger) { connection in
            guard let profile = try await profile(id: id, on: connection) else { return nil }
            return AdminCustomerCard(
                profile: profile,
                ledger: try await ledger(id: id, limit: lines * 2, on: connection),
                orders: try await orders(id: id, limit: lines, on: connection),
                gifts: try await gifts(id: id, limit: lines, on: connection),
                feedback: try await feedback(id: id, limit: lines, on: connection)
            )
        }
    }

    func profile(id: Int64, on connection: PostgresConnection) async throws -> AdminCustomerCard.Profile? {
        let rows = try await connection.run(
            """
            SELECT id, telegram_id, phone, first_name, last_name, to_char(birth_date, 'DD.MM.YYYY') AS birth_date, language, tier,
                   points_balance, points_debt, qualification_spend_kopecks, promo_opt_in, blocked_at, unreachable_at, anonymised_at,
                   created_at
            FROM customers WHERE id = \(id)
            """,
            logger: logger
        ).collect()
        guard let row = rows.first else { return nil }
        let column = Columns(row)
        return AdminCustomerCard.Profile(
            id: try column("id"), telegramID: try column("telegram_id"), phone: try column("phone"),
            firstName: try column("first_name"), lastName: try column("last_name"), birthDate: try column("birth_date"),
            language: try column("language"), tier: Tier(rawValue: try column("tier")) ?? .standard,
            balance: try column("points_balance"), debt: try column("points_debt"), spendKopecks: try column("qualification_spend_kopecks"),
            promoOptIn: try column("promo_opt_in"), blockedAt: try column("blocked_at"), unreachableAt: try column("unreachable_at"),
            anonymisedAt: try column("anonymised_at"), createdAt: try column("created_at")
        )
    }

    func ledger(id: Int64, limit: Int, on connection: PostgresConnection) async throws -> [AdminCustomerCard.LedgerLine] {
        let rows = try await connection.run(
            """
            SELECT id, kind, points, debt, order_id, actor_kind || coalesce(':' || actor_id, ''), reason, created_at
            FROM points_ledger WHERE customer_id = \(id) ORDER BY id DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var lines: [AdminCustomerCard.LedgerLine] = []
        for try await (id, kind, points, debt, order, actor, reason, created) in rows.decode(
            (Int64, String, Int, Int, Int64?, String, String?, Date).self
        ) {
            lines.append(
                .init(id: id, kind: kind, points: points, debt: debt, orderID: order, actor: actor, reason: reason, createdAt: created))
        }
        return lines
    }

    func orders(id: Int64, limit: Int, on connection: PostgresConnection) async throws -> [AdminCustomerCard.OrderLine] {
        let rows = try await connection.run(
            """
            SELECT o.id, o.amount_kopecks, o.amount_paid_kopecks, o.points_redeemed, o.points_earned, o.created_at, c.cancelled_at
            FROM orders o LEFT JOIN order_cancellations c ON c.order_id = o.id
            WHERE o.customer_id = \(id) ORDER BY o.created_at DESC, o.id DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var lines: [AdminCustomerCard.OrderLine] = []
        for try await (id, amount, paid, redeemed, earned, created, cancelled) in rows.decode(
            (Int64, Int64, Int64, Int, Int, Date, Date?).self
        ) {
            lines.append(
                .init(
                    id: id, amountKopecks: amount, paidKopecks: paid, pointsRedeemed: redeemed, pointsEarned: earned,
                    createdAt: created, cancelledAt: cancelled))
        }
        return lines
    }

    func gifts(id: Int64, limit: Int, on connection: PostgresConnection) async throws -> [AdminCustomerCard.GiftLine] {
        let rows = try await connection.run(
            """
            SELECT g.id, g.name, g.reason, g.issued_at, g.expires_at, r.redeemed_at
            FROM customer_gifts g LEFT JOIN gift_redemptions r ON r.gift_id = g.id
            WHERE g.customer_id = \(id) ORDER BY g.expires_at DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var lines: [AdminCustomerCard.GiftLine] = []
        for try await (id, name, reason, issued, expires, redeemed) in rows.decode((Int64, String, String, Date, Date, Date?).self) {
            lines.append(.init(id: id, name: name, reason: reason, issuedAt: issued, expiresAt: expires, redeemedAt: redeemed))
        }
        return lines
    }

    func feedback(id: Int64, limit: Int, on connection: PostgresConnection) async throws -> [AdminCustomerCard.FeedbackLine] {
        let rows = try await connection.run(
            """
            SELECT id, kind, rating::int, body, status, created_at
            FROM feedback WHERE customer_id = \(id) ORDER BY created_at DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var lines: [AdminCustomerCard.FeedbackLine] = []
        for try await (id, kind, rating, body, status, created) in rows.decode((Int64, String, Int?, String?, String, Date).self) {
            lines.append(.init(id: id, kind: kind, rating: rating, body: body, status: status, createdAt: created))
        }
        return lines
    }
}
