import Domain
import Foundation
import PostgresNIO

/// The running "every Nth visit" campaign, as a sale reads it with the guest's lock.
struct RunningVisitCard: Sendable, Decodable {
    var id: Int64
    var version: Int
    var name: String
    var card: VisitCard
}

/// A guest's visit card as the bot's profile and the Mini App card show it.
public struct VisitCardStatus: Sendable, Equatable {
    public var campaign: String
    public var progress: VisitProgress
}

extension LoyaltyStore {
    /// The active visit campaigns, newest first, for a sale's own statement: the sale counts on
    /// the newest whose dates include its day.
    static let runningVisitCardSelect = """
        SELECT coalesce(json_agg(json_build_object('id', id, 'version', version, 'name', name, 'card', rule) ORDER BY id DESC), '[]')::text
        FROM campaigns WHERE status = 'active' AND kind = 'visits'
        """

    /// The visits the guest has on `campaignID`'s card, and when the last was counted. Read
    /// under the guest's lock, so concurrent sales count one after another.
    func countedVisits(campaignID: Int64, customerID: Int64, on connection: PostgresConnection) async throws -> (Int, Date?) {
        let row = try await connection.run(
            """
            SELECT count(*)::int, max(counted_at) FROM visit_stamps
            WHERE campaign_id = \(campaignID) AND customer_id = \(customerID) AND cancelled_at IS NULL
            """, logger: logger
        ).collect().first?.decode((Int, Date?).self)
        return row ?? (0, nil)
    }

    /// Stamps the card for the sale's order; a filled card gives the campaign's gift.
    func stampVisit(
        orderID: Int64, running: RunningVisitCard, customerID: Int64, progress: VisitProgress, at now: Date,
        on connection: PostgresConnection
    ) async throws {
        try await connection.run(
            """
            INSERT INTO visit_stamps (order_id, campaign_id, version, customer_id, counted_at)
            VALUES (\(orderID), \(running.id), \(running.version), \(customerID), \(now))
            """, logger: logger)
        // A gift the owner has since taken out of the catalogue is not given; the sale goes on.
        guard progress.completed, try await catalogOffers(running.card.giftCatalogID, on: connection) else { return }
        let store = LoyaltyStore(session: .transaction(connection, logger: logger), drawCode: drawCode)
        let gift = try await store.issueGift(
            customerID: customerID, catalogID: running.card.giftCatalogID, reason: running.name,
            by: Actor(kind: .system, id: "campaign:\(running.id)"), at: now)
        try await connection.run("UPDATE visit_stamps SET gift_id = \(gift.id) WHERE order_id = \(orderID)", logger: logger)
    }

    /// Whether the catalogue still offers `catalogID`: a campaign's gift is given only then.
    func catalogOffers(_ catalogID: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await connection.run("SELECT active FROM gift_catalog WHERE id = \(catalogID)", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
    }

    /// A cancelled sale takes its stamp back, and the gift the stamp gave when it is unused
    /// (it expires at once; a gift already used stays used).
    func reverseVisit(orderID: Int64, at now: Date, on connection: PostgresConnection) async throws {
        try await connection.run(
            """
            WITH stamp AS (
                UPDATE visit_stamps SET cancelled_at = \(now) WHERE order_id = \(orderID) AND cancelled_at IS NULL RETURNING gift_id
            )
            UPDATE customer_gifts g SET expires_at = greatest(\(now), g.issued_at + interval '1 millisecond')
            FROM stamp
            WHERE g.id = stamp.gift_id AND NOT EXISTS (SELECT 1 FROM gift_redemptions r WHERE r.gift_id = g.id)
            """, logger: logger)
    }

    /// The guest's card on the visit campaign running today, if one runs.
    public func visitCard(customerID: Int64, at now: Date) async throws -> VisitCardStatus? {
        try await session.withConnection { connection in
            let (_, today) = try await cafeDay(at: now, on: connection)
            guard let running = try await runningCampaign("visits", as: VisitCard.self, on: today, on: connection) else { return nil }
            let (counted, _) = try await countedVisits(campaignID: running.id, customerID: customerID, on: connection)
            return VisitCardStatus(campaign: running.name, progress: running.rule.progress(after: counted))
        }
    }
}
