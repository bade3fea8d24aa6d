import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Cancels a confirmed sale with compensating rows; the order and its ledger rows stay.
    ///
    /// A barista may cancel only their own sale within the cancel window; managers, admins and
    /// API keys any time. Redeemed points come back, credited points are taken back as far as the
    /// balance allows and the rest becomes points debt, redeemed gifts are given back, spend goes
    /// down and the tier is recomputed. A second cancellation is `alreadyCancelled`.
    public func cancelSale(orderID: Int64, by actor: Actor, reason: String, at now: Date) async throws -> CancelledSale {
        try await session.withTransaction { connection in
            let reason = String(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500))
            let cancelReason = reason.isEmpty ? "no reason given" : reason
            let settings = try await LoyaltySettings.load(on: connection, logger: logger)
            let row = try await connection.query(
                """
                SELECT o.customer_id, o.staff_id, o.created_at, o.amount_kopecks, o.max_redeemable, o.points_redeemed,
                       o.amount_paid_kopecks, o.points_earned, o.debt_repaid, o.tier_before, o.tier_after,
                       o.earn_rate_percent, o.redeem_cap_percent,
                       c.telegram_id, c.language, c.tier, c.points_balance, c.points_debt, c.qualification_spend_kopecks,
                       EXISTS (SELECT 1 FROM order_cancellations oc WHERE oc.order_id = o.id)
                FROM orders o JOIN customers c ON c.id = o.customer_id
                WHERE o.id = \(orderID)
                FOR UPDATE OF c
                """,
                logger: logger
            ).collect().first
            guard let row else { throw LoyaltyError.orderNotFound }
            let (customerID, staffID, createdAt, amount, maxRedeemable, redeemed, paid, earned, repaid, tierBefore, tierAfter, rate, cap)
                = try row.decode((Int64, Int64?, Date, Int64, Int, Int, Int64, Int, Int, String, String, Int, Int).self)
            // Tuple decoding stops at fifteen columns; the guest's half is read by position.
            let guest = row.makeRandomAccess()
            let telegramID = try guest[13].decode(Int64?.self)
            let language = try guest[14].decode(String.self)
            let storedTier = try guest[15].decode(String.self)
            let balance = try guest[16].decode(Int.self)
            let debt = try guest[17].decode(Int.self)
            let spend = try guest[18].decode(Int64.self)
            let alreadyCancelled = try guest[19].decode(Bool.self)

            guard !alreadyCancelled else { throw LoyaltyError.alreadyCancelled }
            if actor.kind == .staff, actor.staffRole != .manager {
                guard staffID == actor.staffID else { throw LoyaltyError.notYourSale }
                guard now.timeIntervalSince(createdAt) <= TimeInterval(settings.cancelWindowMinutes * 60) else {
                    throw LoyaltyError.cancelWindowPassed
                }
            }

            let quote = SaleQuote(
                amount: Money(kopecks: amount), maxRedeemable: maxRedeemable, pointsRedeemed: redeemed,
                amountToPay: Money(kopecks: paid), pointsEarned: earned, debtRepaid: repaid,
                tierBefore: Tier(stored: tierBefore), tierAfter: Tier(stored: tierAfter), earnRatePercent: rate, redeemCapPercent: cap
            )
            let reversal = SaleReversal.compute(for: quote, balance: balance)
            let balanceAfter = balance + reversal.balanceChange
            let debtAfter = debt + reversal.debtAdded
            let spendAfter = Money(kopecks: max(0, spend - amount))
            let currentTier = Tier(stored: storedTier)
            let newTier = settings.rules.tier(forSpend: spendAfter)
            let notice = String(decoding: try Notice.saleCancelled(
                .init(orderID: orderID, balance: balanceAfter, debt: debtAfter, tier: newTier)
            ).encoded(), as: UTF8.self)

            try await connection.query(
                """
                WITH cancellation AS (
                    INSERT INTO order_cancellations (order_id, actor_kind, actor_id, reason, points_restored, points_taken_back, debt_added, cancelled_at)
                    VALUES (\(orderID), \(actor.kind.rawValue), \(actor.id), \(cancelReason), \(reversal.pointsRestored),
                            \(reversal.pointsTakenBack), \(reversal.debtAdded), \(now))
                    RETURNING order_id
                ), ledger AS (
                    INSERT INTO points_ledger (customer_id, kind, points, debt, order_id, actor_kind, actor_id, reason, created_at)
                    SELECT \(customerID), entry.kind, entry.points, entry.debt, \(orderID), \(actor.kind.rawValue), \(actor.id), \(cancelReason), \(now)
                    FROM cancellation, (VALUES
                        ('redeem_reversal', \(reversal.pointsRestored)::integer, 0),
                        ('earn_reversal', -\(reversal.pointsTakenBack)::integer, 0),
                        ('debt', 0, \(reversal.debtAdded)::integer)
                    ) AS entry (kind, points, debt)
                    WHERE entry.points <> 0 OR entry.debt <> 0
                ), account AS (
                    UPDATE customers
                    SET points_balance = \(balanceAfter), points_debt = \(debtAfter),
                        qualification_spend_kopecks = \(spendAfter.kopecks), tier = \(newTier.rawValue), updated_at = \(now)
                    WHERE id = \(customerID)
                ), tier_change AS (
                    INSERT INTO tier_history (customer_id, from_tier, to_tier, cause, order_id, changed_at)
                    SELECT \(customerID), \(currentTier.rawValue), \(newTier.rawValue), 'cancellation', \(orderID), \(now)
                    WHERE \(currentTier.rawValue) <> \(newTier.rawValue)
                ), gifts_back AS (
                    INSERT INTO customer_gifts (customer_id, catalog_id, name, reason, actor_kind, actor_id, issued_at, expires_at, restored_from_gift_id)
                    SELECT g.customer_id, g.catalog_id, g.name, 'sale cancelled', \(actor.kind.rawValue), \(actor.id), \(now),
                           greatest(g.expires_at, \(now) + interval '1 day'), g.id
                    FROM gift_redemptions r JOIN customer_gifts g ON g.id = r.gift_id
                    WHERE r.order_id = \(orderID)
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, after)
                    VALUES (\(now), \(actor.kind.rawValue), \(actor.id), 'sale.cancelled', 'order', \(String(orderID)),
                            jsonb_build_object('reason', \(cancelReason), 'points_restored', \(reversal.pointsRestored),
                                               'points_taken_back', \(reversal.pointsTakenBack), 'debt_added', \(reversal.debtAdded)))
                )
                INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
                SELECT 'client', \(telegramID), \(customerID), 'transactional', \(notice)::jsonb, \(language), \(now), \(now)
                WHERE \(telegramID)::bigint IS NOT NULL
                """,
                logger: logger
            )
            return CancelledSale(
                orderID: orderID, customerID: customerID, reversal: reversal,
                balanceAfter: balanceAfter, debtAfter: debtAfter, tierAfter: newTier
            )
        }
    }
}
