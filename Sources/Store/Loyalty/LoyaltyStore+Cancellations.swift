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
            let settings = try await session.settings(on: connection)
            let sale = try await lockSale(orderID, on: connection)
            guard !sale.cancelled else { throw LoyaltyError.alreadyCancelled }
            try CancellationPolicy(windowMinutes: settings.cancelWindowMinutes)
                .check(actor.canceller, soldBy: sale.staffID, soldIn: sale.locationID, soldAt: sale.createdAt, now: now)

            let (reversal, after) = sale.account.reverting(sale.quote, refundedBefore: sale.refunded, rules: settings.rules)
            let (customerID, telegramID, language) = (sale.customerID, sale.telegramID, sale.language)
            let (balanceAfter, debtAfter, spendAfter, currentTier, newTier) =
                (after.balance, after.debt, after.qualificationSpend, sale.account.tier, after.tier)
            let notice = String(
                decoding: try Notice.saleCancelled(
                    .init(orderID: orderID, balance: balanceAfter, debt: debtAfter, tier: newTier)
                ).encoded(), as: UTF8.self)

            try await connection.run(
                """
                WITH cancellation AS (
                    INSERT INTO order_cancellations (order_id, actor_kind, actor_id, reason, points_restored, points_taken_back, debt_added, cancelled_at)
                    VALUES (\(orderID), \(actor.kind.rawValue), \(actor.id), \(cancelReason), \(reversal.pointsRestored),
                            \(reversal.pointsTakenBack), \(reversal.debtAdded), \(now))
                    RETURNING order_id
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
                    INSERT INTO customer_gifts (customer_id, catalog_id, name, name_en, reason, actor_kind, actor_id, issued_at, expires_at, restored_from_gift_id)
                    SELECT g.customer_id, g.catalog_id, g.name, g.name_en, 'sale cancelled', \(actor.kind.rawValue), \(actor.id), \(now),
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
            try await writeReversal(
                reversal, of: sale, refundID: nil, actor: actor, reason: cancelReason, at: now, on: connection)
            try await reverseVisit(orderID: orderID, at: now, on: connection)
            try await reverseReferral(orderID: orderID, at: now, on: connection)
            return CancelledSale(
                orderID: orderID, customerID: customerID, reversal: reversal,
                balanceAfter: balanceAfter, debtAfter: debtAfter, tierAfter: newTier
            )
        }
    }

    /// The order and its guest, the guest locked for the rest of the transaction.
    func lockSale(_ orderID: Int64, on connection: PostgresConnection) async throws -> ReversibleSale {
        let row = try await connection.run(
            """
            SELECT o.customer_id, o.staff_id, o.location_id, o.created_at, o.amount_kopecks, o.max_redeemable, o.points_redeemed,
                   o.amount_paid_kopecks, o.points_earned, o.debt_repaid, o.tier_before, o.tier_after,
                   o.earn_rate_percent, o.redeem_cap_percent,
                   c.telegram_id, c.language, c.tier, c.tier_floor, c.points_balance, c.points_debt, c.qualification_spend_kopecks,
                   o.import_source IS NOT NULL AS imported,
                   EXISTS (SELECT 1 FROM order_cancellations oc WHERE oc.order_id = o.id) AS cancelled
            FROM orders o JOIN customers c ON c.id = o.customer_id
            WHERE o.id = \(orderID)
            FOR UPDATE OF c
            """,
            logger: logger
        ).collect().first
        guard let row else { throw LoyaltyError.orderNotFound }
        var sale = try ReversibleSale(orderID: orderID, row)
        // History from the original system moved no points here: there is nothing to reverse.
        guard !sale.imported else { throw LoyaltyError.importedOrder }
        // Read after the lock: refunds of this order committed while this waited count.
        sale.refunded = Money(
            kopecks: try await connection.run(
                "SELECT coalesce(sum(amount_kopecks), 0)::bigint FROM order_refunds WHERE order_id = \(orderID)", logger: logger
            ).collect().first?.decode(Int64.self) ?? 0)
        return sale
    }

    /// Writes what a cancellation or refund moves: the redeemed points given back to the lots they
    /// came from, then the credited points taken back (from the sale's own lot first, then oldest
    /// first), then the debt the lots could not cover, each as ledger rows in that order so the
    /// running balance never dips below zero.
    func writeReversal(
        _ reversal: SaleReversal, of sale: ReversibleSale, refundID: Int64?, actor: Actor, reason: String, at now: Date,
        on connection: PostgresConnection
    ) async throws {
        let touched = try await lotsTouched(byOrder: sale.orderID, on: connection)
        var lots = try await openLots(
            of: sale.customerID, including: touched.drawn.map(\.lotID) + (touched.creditedLot.map { [$0] } ?? []),
            balance: sale.account.balance, on: connection)
        let restored = lots.giveBack(reversal.pointsRestored, of: touched.drawn)
        let (takenBack, shortfall) = lots.takeBack(reversal.pointsTakenBack, preferring: touched.creditedLot)
        guard restored.reduce(0, { $0 + $1.points }) == reversal.pointsRestored, shortfall == 0 else {
            throw LotsDisagreeWithBalance(customerID: sale.customerID, lots: lots.total, balance: sale.account.balance)
        }
        try await write(
            restored, as: "redeem_reversal", customerID: sale.customerID, orderID: sale.orderID, refundID: refundID,
            actor: actor, reason: reason, at: now, on: connection)
        try await write(
            takenBack, as: "earn_reversal", customerID: sale.customerID, orderID: sale.orderID, refundID: refundID,
            actor: actor, reason: reason, at: now, on: connection)
        guard reversal.debtAdded > 0 else { return }
        try await connection.run(
            """
            INSERT INTO points_ledger (customer_id, kind, points, debt, order_id, refund_id, actor_kind, actor_id, reason, created_at)
            VALUES (\(sale.customerID), 'debt', 0, \(reversal.debtAdded), \(sale.orderID), \(refundID), \(actor.kind.rawValue),
                    \(actor.id), \(reason), \(now))
            """,
            logger: logger
        )
    }
}

/// An order with its guest's account, as a cancellation or refund reads them.
struct ReversibleSale {
    var orderID: Int64
    var customerID: Int64
    var staffID: Int64?
    var locationID: Int64
    var createdAt: Date
    var quote: SaleQuote
    var telegramID: Int64?
    var language: String
    var account: LoyaltyAccount
    var cancelled: Bool
    /// Brought in from the original system: history, never cancelled or refunded here.
    var imported: Bool
    /// What refunds of the order have returned so far.
    var refunded = Money.zero

    init(orderID: Int64, _ row: PostgresRow) throws {
        self.orderID = orderID
        let column = Columns(row)
        customerID = try column("customer_id")
        staffID = try column("staff_id")
        locationID = try column("location_id")
        createdAt = try column("created_at")
        quote = try SaleQuote(order: column)
        telegramID = try column("telegram_id")
        language = try column("language")
        account = LoyaltyAccount(
            balance: try column("points_balance"), debt: try column("points_debt"), tier: Tier(stored: try column("tier")),
            qualificationSpend: Money(kopecks: try column("qualification_spend_kopecks")),
            tierFloor: Tier(stored: try column("tier_floor"))
        )
        cancelled = try column("cancelled")
        imported = try column("imported")
    }
}

extension Actor {
    /// Baristas cancel only their own recent sales; everyone else is the back office.
    var canceller: CancellationPolicy.Canceller {
        switch kind {
        case .staff:
            if staffRole == .manager, let locationID { return .manager(locationID: locationID) }
            return .barista(staffID: staffID ?? 0)
        case .admin, .apiKey:
            // An admin of one location, or a key confined to one, cancels as its manager would.
            return locationID.map { .manager(locationID: $0) } ?? .backOffice
        default:
            return .backOffice
        }
    }
}
