import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Credits or debits points by hand (admin), with the actor and reason on the ledger row.
    /// The guest is locked while the rule (`LoyaltyAccount.adjusted`) decides, so concurrent
    /// debits are decided on the latest balance and never take it below zero. A credit is a lot of
    /// its own, expiring after `validity` (the café's setting when nil); a debit draws from the
    /// oldest lots first. Returns the balance.
    public func adjustPoints(
        customerID: Int64, by points: Int, reason: String, validity: PointsValidity? = nil, actor: Actor, at now: Date
    ) async throws -> Int {
        let adjustment = try PointsAdjustment(
            points: points, reason: String(reason.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)))
        let reason = adjustment.reason
        return try await session.withTransaction { connection in
            let row = try await connection.run(
                """
                SELECT points_balance, points_debt, tier, qualification_spend_kopecks FROM customers
                WHERE id = \(customerID) AND anonymised_at IS NULL
                FOR UPDATE
                """,
                logger: logger
            ).collect().first
            guard let row else { throw LoyaltyError.customerNotFound }
            let column = Columns(row)
            let account = LoyaltyAccount(
                balance: try column("points_balance"), debt: try column("points_debt"), tier: Tier(stored: try column("tier")),
                qualificationSpend: Money(kopecks: try column("qualification_spend_kopecks"))
            )
            let after = try account.applying(adjustment)
            let kind = points > 0 ? "manual_credit" : "manual_debit"
            let settings = try await session.settings(on: connection)
            var lots = try await openLots(of: customerID, balance: account.balance, on: connection)
            let moves: [LotMovement]
            if points > 0 {
                let expiresOn = (validity ?? settings.pointsValidity).expiry(ofPointsEarnedAt: now, in: settings.cafeTimeZone)
                let lotID = try await connection.run(
                    """
                    INSERT INTO point_lots (customer_id, remaining, earned_at, expires_on)
                    VALUES (\(customerID), 0, \(now), \(expiresOn?.description)::date) RETURNING id
                    """,
                    logger: logger
                ).collect().first?.decode(Int64.self)
                guard let lotID else { throw LoyaltyError.customerNotFound }
                moves = [LotMovement(lotID: lotID, points: points)]
            } else {
                moves = try lots.draw(-points)
            }
            try await write(moves, as: kind, customerID: customerID, orderID: nil, actor: actor, reason: reason, at: now, on: connection)
            try await connection.run(
                """
                WITH account AS (
                    UPDATE customers SET points_balance = \(after.balance), updated_at = \(now) WHERE id = \(customerID)
                )
                INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                VALUES (\(now), \(actor.kind.rawValue), \(actor.id), 'points.adjusted', 'customer', \(String(customerID)),
                        jsonb_build_object('balance', \(account.balance)::int),
                        jsonb_build_object('balance', \(after.balance)::int, 'reason', \(reason)::text))
                """,
                logger: logger
            )
            return after.balance
        }
    }
}
