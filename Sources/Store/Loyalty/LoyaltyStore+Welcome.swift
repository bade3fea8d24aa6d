import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Gives a guest who has just registered the running welcome bonus (the newest running today,
    /// when several run), unless their phone number or Telegram account already had one, ever. Runs in the
    /// registration's transaction: the guest exists with their bonus, or not at all. Returns the
    /// points credited.
    func grantWelcomeBonus(to customer: Customer, at now: Date, on connection: PostgresConnection) async throws -> Int {
        let (settings, today) = try await cafeDay(at: now, on: connection)
        guard let running = try await runningCampaign("welcome", as: WelcomeBonus.self, on: today, on: connection) else { return 0 }
        let (campaignID, version, name, bonus) = (running.id, running.version, running.name, running.rule)
        // A gift the owner has since taken out of the catalogue is not given, and no bonus is spent.
        if let catalogID = bonus.giftCatalogID, try await !catalogOffers(catalogID, on: connection) { return 0 }
        let granted =
            try await connection.run(
                """
                INSERT INTO welcome_grants (phone_hash, telegram_hash, customer_id, campaign_id, version, points, granted_at)
                VALUES (sha256(convert_to(\(customer.phone.e164), 'UTF8')), sha256(convert_to(\(String(customer.telegramID)), 'UTF8')),
                        \(customer.id), \(campaignID), \(version), \(bonus.points), \(now))
                ON CONFLICT DO NOTHING
                RETURNING 1
                """, logger: logger
            ).collect().count == 1
        guard granted else { return 0 }

        let actor = Actor(kind: .system, id: "campaign:\(campaignID)")
        if let catalogID = bonus.giftCatalogID {
            let store = LoyaltyStore(session: .transaction(connection, logger: logger), drawCode: drawCode)
            let gift = try await store.issueGift(customerID: customer.id, catalogID: catalogID, reason: name, by: actor, at: now)
            try await connection.run(
                "UPDATE welcome_grants SET gift_id = \(gift.id) WHERE customer_id = \(customer.id)", logger: logger)
            return 0
        }
        let (_, balance) = try await creditCampaignPoints(
            bonus.points, to: customer.id, reason: name, actor: actor, settings: settings, at: now, on: connection)
        try await OutboxWriter.insert(
            bot: .client, chatID: customer.telegramID, customerID: customer.id, kind: .transactional, method: "sendMessage",
            payload: try Notice.welcomeBonus(.init(points: bonus.points, campaign: name, balance: balance)).encoded(),
            language: customer.language, at: now, on: connection, logger: logger)
        return bonus.points
    }
}
