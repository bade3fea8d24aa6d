import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Credits a campaign's `points` to a guest the caller has locked (or just created): points
    /// debt is repaid first, as a sale's points would; the rest is a lot of its own expiring as the
    /// café's points do, with one `campaign_credit` ledger row. Returns the lot (nil when it all
    /// went to the debt) and the balance after.
    func creditCampaignPoints(
        _ points: Int, to customerID: Int64, reason: String, actor: Actor, settings: LoyaltySettings, at now: Date,
        on connection: PostgresConnection
    ) async throws -> (lotID: Int64?, balance: Int) {
        let debt = try await connection.run("SELECT points_debt FROM customers WHERE id = \(customerID)", logger: logger)
            .collect().first?.decode(Int.self)
        guard let debt else { throw LoyaltyError.customerNotFound }
        let repaid = min(debt, points)
        let credited = points - repaid
        if repaid > 0 {
            try await connection.run(
                """
                INSERT INTO points_ledger (customer_id, kind, points, debt, actor_kind, actor_id, reason, created_at)
                VALUES (\(customerID), 'debt_repayment', 0, \(-repaid), \(actor.kind.rawValue), \(actor.id), \(reason), \(now))
                """, logger: logger)
        }
        var lotID: Int64?
        if credited > 0 {
            let expiresOn = settings.pointsValidity.expiry(ofPointsEarnedAt: now, in: settings.cafeTimeZone)
            lotID = try await connection.run(
                """
                INSERT INTO point_lots (customer_id, remaining, earned_at, expires_on)
                VALUES (\(customerID), 0, \(now), \(expiresOn?.description)::date) RETURNING id
                """, logger: logger
            ).collect().first?.decode(Int64.self)
            guard let lotID else { throw LoyaltyError.customerNotFound }
            try await write(
                [LotMovement(lotID: lotID, points: credited)], as: "campaign_credit", customerID: customerID, orderID: nil, actor: actor,
                reason: reason, at: now, on: connection)
        }
        let balance = try await connection.run(
            """
            UPDATE customers SET points_balance = points_balance + \(credited), points_debt = points_debt - \(repaid), updated_at = \(now)
            WHERE id = \(customerID) RETURNING points_balance
            """, logger: logger
        ).collect().first?.decode(Int.self)
        guard let balance else { throw LoyaltyError.customerNotFound }
        return (lotID, balance)
    }

    /// Takes back `points` a campaign credited to a guest the caller has locked: from the lot it
    /// credited first, then oldest first; what the guest no longer holds becomes points debt.
    /// Returns the balance and debt after.
    func takeBackCampaignPoints(
        _ points: Int, from customerID: Int64, creditedLot: Int64?, reason: String, actor: Actor, at now: Date,
        on connection: PostgresConnection
    ) async throws -> (balance: Int, debt: Int) {
        let row = try await connection.run(
            "SELECT points_balance, points_debt FROM customers WHERE id = \(customerID)", logger: logger
        ).collect().first?.decode((Int, Int).self)
        guard let (balance, debt) = row else { throw LoyaltyError.customerNotFound }
        var lots = try await openLots(of: customerID, including: creditedLot.map { [$0] } ?? [], balance: balance, on: connection)
        let (moves, shortfall) = lots.takeBack(points, preferring: creditedLot)
        try await write(
            moves, as: "campaign_reversal", customerID: customerID, orderID: nil,
            actor: actor, reason: reason, at: now, on: connection)
        let takenBack = points - shortfall
        if shortfall > 0 {
            try await connection.run(
                """
                INSERT INTO points_ledger (customer_id, kind, points, debt, actor_kind, actor_id, reason, created_at)
                VALUES (\(customerID), 'debt', 0, \(shortfall), \(actor.kind.rawValue), \(actor.id), \(reason), \(now))
                """, logger: logger)
        }
        try await connection.run(
            """
            UPDATE customers SET points_balance = points_balance - \(takenBack), points_debt = points_debt + \(shortfall), updated_at = \(now)
            WHERE id = \(customerID)
            """, logger: logger)
        return (balance - takenBack, debt + shortfall)
    }
}
