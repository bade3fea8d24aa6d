import Domain
import Foundation
import PostgresNIO

extension LoyaltyStore {
    /// Gives a guest who has just registered the running welcome bonus (the newest, when several
    /// run), unless their phone number or Telegram account already had one, ever. Runs in the
    /// registration's transaction: the guest exists with their bonus, or not at all. Returns the
    /// points credited.
    func grantWelcomeBonus(to customer: Customer, at now: Date, on connection: PostgresConnection) async throws -> Int {
        let running = try await connection.run(
            """
            SELECT id, version, name, rule::text FROM campaigns
            WHERE kind = 'welcome' AND status = 'active' ORDER BY id DESC LIMIT 1
            """, logger: logger
        ).collect().first?.decode((Int64, Int, String, String).self)
        guard let (campaignID, version, name, rule) = running else { return 0 }
        let bonus = try JSONDecoder().decode(WelcomeBonus.self, from: Data(rule.utf8))
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
        let settings = try await LoyaltySettings.load(on: connection, logger: logger)
        let expiresOn = settings.pointsValidity.expiry(ofPointsEarnedAt: now, in: settings.cafeTimeZone)
        let lotID = try await connection.run(
            """
            INSERT INTO point_lots (customer_id, remaining, earned_at, expires_on)
            VALUES (\(customer.id), 0, \(now), \(expiresOn?.description)::date) RETURNING id
            """, logger: logger
        ).collect().first?.decode(Int64.self)
        guard let lotID else { throw LoyaltyError.customerNotFound }
        try await write(
            [LotMovement(lotID: lotID, points: bonus.points)], as: "campaign_credit", customerID: customer.id, orderID: nil, actor: actor,
            reason: name, at: now, on: connection)
        let notice = String(
            decoding: try Notice.welcomeBonus(.init(points: bonus.points, campaign: name, balance: bonus.points)).encoded(), as: UTF8.self)
        try await connection.run(
            """
            WITH account AS (
                UPDATE customers SET points_balance = points_balance + \(bonus.points), updated_at = \(now)
                WHERE id = \(customer.id)
                RETURNING id, telegram_id, language
            )
            INSERT INTO outbox (bot, chat_id, customer_id, kind, payload, language, next_attempt_at, created_at)
            SELECT 'client', telegram_id, id, 'transactional', \(notice)::jsonb, language, \(now), \(now)
            FROM account WHERE telegram_id IS NOT NULL
            """, logger: logger)
        return bonus.points
    }
}
