import Domain
import Foundation
import PostgresNIO

/// A refund of part of an order, as asked for.
public struct RefundRequest: Sendable, Equatable {
    public var orderID: Int64
    public var amount: Money
    public var reason: String
    /// The same key returns the first refund; with a different refund it is `idempotencyKeyReused`.
    public var idempotencyKey: String

    public init(orderID: Int64, amount: Money, reason: String, idempotencyKey: String) {
        self.orderID = orderID
        self.amount = amount
        self.reason = String(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
        self.idempotencyKey = idempotencyKey
    }

    var fingerprint: String { "\(orderID):\(amount.kopecks)" }
}

/// A refund as written.
public struct RefundedSale: Sendable, Equatable {
    public var refundID: Int64
    public var orderID: Int64
    public var customerID: Int64
    public var amount: Money
    /// Everything refunded of the order so far, this refund included.
    public var refundedTotal: Money
    public var reversal: SaleReversal
    public var balanceAfter: Int
    public var debtAfter: Int
    public var tierAfter: Tier
}

extension LoyaltyStore {
    /// Refunds part of a confirmed sale (an item returned): its share of the redeemed points comes
    /// back, its share of the credited points is taken back (what the guest already spent becomes
    /// points debt), the amount stops counting towards tiers and the tier is recomputed with a
    /// history row. Refunds of one order never add up to more than its amount; a cancelled order
    /// takes none. Managers refund their own location's sales, the back office any.
    public func refundSale(_ request: RefundRequest, by actor: Actor, at now: Date) async throws -> RefundedSale {
        try await session.withTransaction { connection in
            let settings = try await session.settings(on: connection)
            let sale = try await lockSale(request.orderID, on: connection)
            if let earlier = try await existingRefund(request, on: connection) { return earlier }
            guard !sale.cancelled else { throw LoyaltyError.alreadyCancelled }
            try CancellationPolicy(windowMinutes: settings.cancelWindowMinutes).checkRefund(actor.canceller, soldIn: sale.locationID)
            let reason = request.reason.isEmpty ? "no reason given" : request.reason

            let (reversal, after) = try sale.account.refunding(
                request.amount, of: sale.quote, refundedBefore: sale.refunded, rules: settings.rules)
            let (currentTier, newTier) = (sale.account.tier, after.tier)
            let notice = String(
                decoding: try Notice.saleRefunded(
                    .init(
                        orderID: sale.orderID, amount: request.amount, pointsRestored: reversal.pointsRestored,
                        pointsTakenBack: reversal.pointsTakenBack, balance: after.balance, debt: after.debt, tier: newTier)
                ).encoded(), as: UTF8.self)

            let refundID = try await connection.run(
                """
                WITH refund AS (
                    INSERT INTO order_refunds (order_id, idempotency_key, request_fingerprint, amount_kopecks, points_restored,
                                               points_taken_back, debt_added, balance_after, debt_after, tier_after,
                                               actor_kind, actor_id, reason, refunded_at)
                    VALUES (\(sale.orderID), \(request.idempotencyKey), \(request.fingerprint), \(request.amount.kopecks),
                            \(reversal.pointsRestored), \(reversal.pointsTakenBack), \(reversal.debtAdded), \(after.balance),
                            \(after.debt), \(newTier.rawValue), \(actor.kind.rawValue), \(actor.id), \(reason), \(now))
                    RETURNING id
                ), account AS (
                    UPDATE customers
                    SET points_balance = \(after.balance), points_debt = \(after.debt),
                        qualification_spend_kopecks = \(after.qualificationSpend.kopecks), tier = \(newTier.rawValue), updated_at = \(now)
                    WHERE id = \(sale.customerID)
                ), tier_change AS (
                    INSERT INTO tier_history (customer_id, from_tier, to_tier, cause, order_id, changed_at)
                    SELECT \(sale.customerID), \(currentTier.rawValue), \(newTier.rawValue), 'refund', \(sale.orderID), \(now)
                    WHERE \(currentTier.rawValue) <> \(newTier.rawValue)
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'sale.refunded', 'order', \(String(sale.orderID)),
                           jsonb_build_object('refund_id', refund.id, 'amount_kopecks', \(request.amount.kopecks), 'reason', \(reason),
                                              'points_restored', \(reversal.pointsRestored), 'points_taken_back', \(reversal.pointsTakenBack),
                                              'debt_added', \(reversal.debtAdded))
                    FROM refund
                ), message AS (
                    INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
                    SELECT 'client', \(sale.telegramID), \(sale.customerID), 'transactional', \(notice)::jsonb, \(sale.language), \(now), \(now)
                    WHERE \(sale.telegramID)::bigint IS NOT NULL
                )
                SELECT id FROM refund
                """,
                logger: logger
            ).collect().first?.decode(Int64.self)
            guard let refundID else { throw LoyaltyError.orderNotFound }
            try await writeReversal(reversal, of: sale, refundID: refundID, actor: actor, reason: reason, at: now, on: connection)
            return RefundedSale(
                refundID: refundID, orderID: sale.orderID, customerID: sale.customerID, amount: request.amount,
                refundedTotal: sale.refunded + request.amount, reversal: reversal,
                balanceAfter: after.balance, debtAfter: after.debt, tierAfter: newTier
            )
        }
    }

    /// The refund an idempotency key already made, if any.
    private func existingRefund(_ request: RefundRequest, on connection: PostgresConnection) async throws -> RefundedSale? {
        let row = try await connection.run(
            """
            SELECT r.id, r.order_id, o.customer_id, r.amount_kopecks, r.request_fingerprint, r.points_restored, r.points_taken_back,
                   r.debt_added, r.balance_after, r.debt_after, r.tier_after,
                   (SELECT sum(amount_kopecks) FROM order_refunds t WHERE t.order_id = r.order_id AND t.id <= r.id)::bigint AS refunded_total
            FROM order_refunds r JOIN orders o ON o.id = r.order_id
            WHERE r.idempotency_key = \(request.idempotencyKey)
            """,
            logger: logger
        ).collect().first
        guard let row else { return nil }
        let column = Columns(row)
        guard try column("request_fingerprint", as: String.self) == request.fingerprint else { throw LoyaltyError.idempotencyKeyReused }
        return RefundedSale(
            refundID: try column("id"), orderID: try column("order_id"), customerID: try column("customer_id"),
            amount: Money(kopecks: try column("amount_kopecks")), refundedTotal: Money(kopecks: try column("refunded_total")),
            reversal: SaleReversal(
                pointsRestored: try column("points_restored"), pointsTakenBack: try column("points_taken_back"),
                debtAdded: try column("debt_added")),
            balanceAfter: try column("balance_after"), debtAfter: try column("debt_after"),
            tierAfter: Tier(stored: try column("tier_after"))
        )
    }
}
