import Domain
import Foundation
import PostgresNIO

/// The lots a guest's balance is made of no longer add up to it: a bug or a hand edit. The command
/// stops instead of writing a movement that would hide it; `crema check-ledger` names the guest.
struct LotsDisagreeWithBalance: Error, CustomStringConvertible {
    let customerID: Int64
    let lots: Int
    let balance: Int

    var description: String { "customer \(customerID): lots hold \(lots) points, the balance is \(balance)" }
}

extension LoyaltyStore {
    /// The guest's lots with points left, oldest first, plus the lots named in `including` even when
    /// empty (a sale's own lot, lots a cancellation gives points back to). Read after the lock on the
    /// guest, so they are what the lots hold now; `balance` is the locked balance they must sum to.
    func openLots(
        of customerID: Int64, including: [Int64] = [], balance: Int, on connection: PostgresConnection
    ) async throws -> PointLots {
        let rows = try await connection.run(
            """
            SELECT id, remaining, expires_on::text FROM point_lots
            WHERE customer_id = \(customerID) AND (remaining > 0 OR id = ANY(\(including)::bigint[]))
            ORDER BY earned_at, id
            """,
            logger: logger
        )
        var lots: [PointLot] = []
        for try await (id, remaining, expiresOn) in rows.decode((Int64, Int, String?).self) {
            lots.append(PointLot(id: id, remaining: remaining, expiresOn: expiresOn.flatMap(CalendarDate.init(isoDate:))))
        }
        let found = PointLots(lots)
        guard found.total == balance else { throw LotsDisagreeWithBalance(customerID: customerID, lots: found.total, balance: balance) }
        return found
    }

    /// What an order did to lots and has not been reversed yet: the lot its credited points went
    /// to, and the points it drew from each lot (positive, in the order drawn) that no refund or
    /// cancellation has given back.
    func lotsTouched(byOrder orderID: Int64, on connection: PostgresConnection) async throws -> (creditedLot: Int64?, drawn: [LotMovement])
    {
        let rows = try await connection.run(
            """
            SELECT lot_id, -sum(points) FILTER (WHERE kind IN ('redeem', 'redeem_reversal'))::int AS outstanding,
                   bool_or(kind = 'earn') AS credited
            FROM points_ledger
            WHERE order_id = \(orderID) AND lot_id IS NOT NULL
            GROUP BY lot_id
            ORDER BY min(id)
            """,
            logger: logger
        )
        var creditedLot: Int64?
        var drawn: [LotMovement] = []
        for try await (lotID, outstanding, credited) in rows.decode((Int64, Int?, Bool).self) {
            if credited { creditedLot = lotID }
            if let outstanding, outstanding > 0 { drawn.append(LotMovement(lotID: lotID, points: outstanding)) }
        }
        return (creditedLot, drawn)
    }

    /// Writes each movement as one ledger row of `kind` and applies it to its lot.
    func write(
        _ moves: [LotMovement], as kind: String, customerID: Int64, orderID: Int64?, refundID: Int64? = nil,
        actor: Actor, reason: String?, at now: Date, on connection: PostgresConnection
    ) async throws {
        guard !moves.isEmpty else { return }
        let lotIDs = moves.map(\.lotID)
        let points = moves.map { Int64($0.points) }
        try await connection.run(
            """
            WITH moved AS (
                UPDATE point_lots SET remaining = remaining + move.points
                FROM unnest(\(lotIDs)::bigint[], \(points)::bigint[]) AS move (lot_id, points)
                WHERE point_lots.id = move.lot_id AND point_lots.customer_id = \(customerID)
            )
            INSERT INTO points_ledger (customer_id, kind, points, order_id, refund_id, lot_id, actor_kind, actor_id, reason, created_at)
            SELECT \(customerID), \(kind), move.points, \(orderID), \(refundID), move.lot_id, \(actor.kind.rawValue), \(actor.id), \(reason), \(now)
            FROM unnest(\(lotIDs)::bigint[], \(points)::bigint[]) WITH ORDINALITY AS move (lot_id, points, position)
            ORDER BY move.position
            """,
            logger: logger
        )
    }
}

/// The nearest day some of a guest's points expire, and how many.
public struct UpcomingExpiry: Sendable, Equatable {
    public var points: Int
    public var day: CalendarDate

    public init(points: Int, day: CalendarDate) {
        self.points = points
        self.day = day
    }
}

extension LoyaltyStore {
    /// What the profile shows: "N points expire on DATE" for the guest's nearest expiring lots.
    public func upcomingExpiry(customerID: Int64) async throws -> UpcomingExpiry? {
        try await session.withConnection { connection in
            let row = try await connection.run(
                """
                SELECT sum(remaining)::int, expires_on::text FROM point_lots
                WHERE customer_id = \(customerID) AND remaining > 0 AND expires_on IS NOT NULL
                GROUP BY expires_on ORDER BY expires_on LIMIT 1
                """,
                logger: logger
            ).collect().first
            guard let (points, day) = try row?.decode((Int, String).self), let date = CalendarDate(isoDate: day) else { return nil }
            return UpcomingExpiry(points: points, day: date)
        }
    }
}
