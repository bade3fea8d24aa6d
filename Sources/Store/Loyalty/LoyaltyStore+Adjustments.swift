import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Credits or debits points by hand (admin), with the actor and reason on the ledger row.
    /// A debit never takes the balance below zero: the guard is in the UPDATE's WHERE clause, so
    /// concurrent debits are decided on the row's latest balance.
    public func adjustPoints(customerID: Int64, by points: Int, reason: String, actor: Actor, at now: Date) async throws -> Int {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard points != 0, !reason.isEmpty else { throw LoyaltyError.invalidPoints }
        let kind = points > 0 ? "manual_credit" : "manual_debit"
        let balance = try await session.withConnection { connection in
            try await connection.query(
                """
                WITH account AS (
                    UPDATE customers SET points_balance = points_balance + \(points), updated_at = \(now)
                    WHERE id = \(customerID) AND anonymised_at IS NULL AND points_balance + \(points) >= 0
                    RETURNING points_balance
                ), ledger AS (
                    INSERT INTO points_ledger (customer_id, kind, points, actor_kind, actor_id, reason, created_at)
                    SELECT \(customerID), \(kind), \(points), \(actor.kind.rawValue), \(actor.id), \(String(reason.prefix(500))), \(now)
                    FROM account
                ), audit AS (
                    INSERT INTO audit_log (occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, before, after)
                    SELECT \(now), \(actor.kind.rawValue), \(actor.id), 'points.adjusted', 'customer', \(String(customerID)),
                           jsonb_build_object('balance', points_balance - \(points)),
                           jsonb_build_object('balance', points_balance, 'reason', \(reason))
                    FROM account
                )
                SELECT points_balance FROM account
                """,
                logger: logger
            ).collect().first?.decode(Int.self)
        }
        if let balance { return balance }
        guard let customer = try await customer(id: customerID) else { throw LoyaltyError.customerNotFound }
        throw LoyaltyError.insufficientPoints(balance: customer.account.balance)
    }
}
